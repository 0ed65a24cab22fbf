"""Mandatory training lines current at each snapshot date, per workplace (training compliance's
numerator), vectorised: numpy arrays in, an (n_workplaces, n_dates) array out.

A line is one (employment, course mandatory for its job role). Which snapshot dates a line counts
at is a bitmask (bit i = date i): the dates the employment is in post AND the dates the person holds
a current record of the course (the OR of that person's records' masks). Lines are laid out grouped
by workplace, so the per-date totals are one pass of np.add.reduceat over the unpacked bits.
"""
from __future__ import annotations

import numpy as np

DENSE_KEYS = 64_000_000  # (person, course) keys up to this are looked up in a flat table (8 bytes each)
LINES_PER_SLICE = 4_000_000  # bounds the unpacked-bits buffer at LINES_PER_SLICE x n_dates bytes


def bitmask(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """uint64 with bits lo..hi-1 set (empty when hi <= lo); lo, hi in 0..63."""
    lo = np.asarray(lo, dtype=np.uint64)
    hi = np.maximum(np.asarray(hi, dtype=np.uint64), lo)
    one = np.uint64(1)
    return (np.left_shift(one, hi) - one) ^ (np.left_shift(one, lo) - one)


def current_lines(staff_pos: np.ndarray, staff_person: np.ndarray, first: np.ndarray, per_staff: np.ndarray,
                  role_courses: np.ndarray, post_lo: np.ndarray, post_hi: np.ndarray,
                  record_person: np.ndarray, record_course: np.ndarray, record_lo: np.ndarray,
                  record_hi: np.ndarray, n_groups: int, n_dates: int) -> np.ndarray:
    """Lines current at each date, per workplace.

    staff_*: per employment (workplace index, person id, date indices [post_lo, post_hi) in post);
    its mandatory courses are role_courses[first : first + per_staff]. record_*: per training
    record (person id, course id, date indices [record_lo, record_hi) it is current)."""
    out = np.zeros((n_groups, n_dates), dtype=np.int64)
    if not len(staff_pos) or not len(record_person) or not per_staff.any():
        return out
    course_ids = np.unique(role_courses)
    course_index = np.full(int(course_ids.max()) + 1, -1, dtype=np.int64)
    course_index[course_ids] = np.arange(len(course_ids))
    n_courses = len(course_ids)

    # Each (person, course)'s covered dates: OR of the masks of the person's records of that course.
    inside = (record_course >= 0) & (record_course < len(course_index))
    r_index = np.where(inside, course_index[np.where(inside, record_course, 0)], -1)
    keep = r_index >= 0
    r_key = record_person[keep] * n_courses + r_index[keep]
    r_mask = bitmask(record_lo[keep], record_hi[keep])

    # Lines, grouped by workplace (employments taken in workplace order).
    order = np.argsort(staff_pos, kind="stable")
    counts = per_staff[order]
    line_staff = np.repeat(order, counts)
    offsets = np.arange(len(line_staff)) - np.repeat(np.cumsum(counts) - counts, counts)
    line_course = role_courses[np.repeat(first[order], counts) + offsets]
    line_key = staff_person[line_staff] * n_courses + course_index[line_course]

    covered = _covered(r_key, r_mask, line_key)
    mask = bitmask(post_lo[line_staff], post_hi[line_staff]) & covered
    del covered, line_key, line_course, offsets
    _add_bits_by_group(out, mask, staff_pos[line_staff], n_dates)
    return out


def _covered(r_key: np.ndarray, r_mask: np.ndarray, line_key: np.ndarray) -> np.ndarray:
    """For each line key, the OR of the masks of the records with that key (0 when none)."""
    if not len(r_key):
        return np.zeros(len(line_key), dtype=np.uint64)
    size = int(max(r_key.max(), line_key.max() if len(line_key) else 0)) + 1
    if size <= DENSE_KEYS:
        table = np.zeros(size, dtype=np.uint64)
        np.bitwise_or.at(table, r_key, r_mask)
        return table[line_key]
    order = np.argsort(r_key)
    r_key, r_mask = r_key[order], r_mask[order]
    starts = np.flatnonzero(np.r_[True, r_key[1:] != r_key[:-1]])
    keys, masks = r_key[starts], np.bitwise_or.reduceat(r_mask, starts)
    where = np.searchsorted(keys, line_key).clip(0, len(keys) - 1)
    return np.where(keys[where] == line_key, masks[where], np.uint64(0))


def _add_bits_by_group(out: np.ndarray, mask: np.ndarray, groups: np.ndarray, n_dates: int) -> None:
    """out[g, i] += number of masks of group g with bit i set; `groups` is non-decreasing."""
    n_bytes = (n_dates + 7) // 8
    for start in range(0, len(mask), LINES_PER_SLICE):
        part = np.ascontiguousarray(mask[start:start + LINES_PER_SLICE], dtype="<u8")
        part_groups = groups[start:start + LINES_PER_SLICE]
        bits = np.unpackbits(part.view(np.uint8).reshape(-1, 8)[:, :n_bytes], axis=1, count=n_dates,
                             bitorder="little")
        heads = np.flatnonzero(np.r_[True, part_groups[1:] != part_groups[:-1]])
        out[part_groups[heads]] += np.add.reduceat(bits, heads, axis=0, dtype=np.int64)
