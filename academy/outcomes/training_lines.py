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


def bitmask(first: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """uint64 with bits first..stop-1 set (empty when stop <= first); first, stop in 0..63.

    >>> [bin(mask) for mask in bitmask(np.array([0, 2, 1]), np.array([3, 2, 4]))]
    ['0b111', '0b0', '0b1110']
    """
    first = np.asarray(first, dtype=np.uint64)
    stop = np.maximum(np.asarray(stop, dtype=np.uint64), first)
    one = np.uint64(1)
    return (np.left_shift(one, stop) - one) ^ (np.left_shift(one, first) - one)


def current_lines(staff_pos: np.ndarray, staff_person: np.ndarray, first: np.ndarray, per_staff: np.ndarray,
                  role_courses: np.ndarray, post_lo: np.ndarray, post_hi: np.ndarray,
                  record_person: np.ndarray, record_course: np.ndarray, record_lo: np.ndarray,
                  record_hi: np.ndarray, n_groups: int, n_dates: int) -> np.ndarray:
    """Lines current at each date, per workplace.

    staff_*: per employment (workplace index, person id, date indices [post_lo, post_hi) in post);
    its mandatory courses are role_courses[first : first + per_staff]. record_*: per training
    record (person id, course id, date indices [record_lo, record_hi) it is current).

    A worked example over three dates at two workplaces. Ann (person 1, workplace 0, in post at
    dates 0-2) must hold courses 10 and 11; Ben (person 2, workplace 0, in post from date 1) must
    hold course 10; Cat (person 3, workplace 1, in post at date 0 only) must hold course 11. Ann's
    course 10 is current at every date, her course 11 only from date 2; Ben's course 10 expired
    after date 1; Cat holds course 10, which is not one of hers.

    >>> current_lines(
    ...     staff_pos=np.array([0, 0, 1]), staff_person=np.array([1, 2, 3]), first=np.array([0, 0, 1]),
    ...     per_staff=np.array([2, 1, 1]), role_courses=np.array([10, 11]),
    ...     post_lo=np.array([0, 1, 0]), post_hi=np.array([3, 3, 1]),
    ...     record_person=np.array([1, 1, 2, 3]), record_course=np.array([10, 11, 10, 10]),
    ...     record_lo=np.array([0, 2, 0, 0]), record_hi=np.array([3, 3, 2, 3]), n_groups=2, n_dates=3)
    array([[1, 2, 2],
           [0, 0, 0]])
    """
    lines_current = np.zeros((n_groups, n_dates), dtype=np.int64)
    if not len(staff_pos) or not len(record_person) or not per_staff.any():
        return lines_current
    course_ids = np.unique(role_courses)
    course_index = np.full(int(course_ids.max()) + 1, -1, dtype=np.int64)
    course_index[course_ids] = np.arange(len(course_ids))
    n_courses = len(course_ids)

    # Each (person, course)'s covered dates: OR of the masks of the person's records of that course.
    inside = (record_course >= 0) & (record_course < len(course_index))
    record_course_index = np.where(inside, course_index[np.where(inside, record_course, 0)], -1)
    mandatory = record_course_index >= 0
    record_keys = record_person[mandatory] * n_courses + record_course_index[mandatory]
    record_masks = bitmask(record_lo[mandatory], record_hi[mandatory])

    order, line_staff, line_course = _lines(staff_pos, first, per_staff, role_courses)
    line_keys = staff_person[line_staff] * n_courses + course_index[line_course]
    covered = _covered(record_keys, record_masks, line_keys)
    del line_keys, line_course
    _count_lines(lines_current, covered, line_staff, staff_pos, post_lo, post_hi, n_dates)
    return lines_current


def _lines(staff_pos, first, per_staff, role_courses):
    """The lines, grouped by workplace (employments taken in workplace order): each line's employment
    and course."""
    order = np.argsort(staff_pos, kind="stable")
    lines_per_staff = per_staff[order]
    line_staff = np.repeat(order, lines_per_staff)
    course_offsets = np.arange(len(line_staff)) - np.repeat(np.cumsum(lines_per_staff) - lines_per_staff,
                                                            lines_per_staff)
    line_course = role_courses[np.repeat(first[order], lines_per_staff) + course_offsets]
    return order, line_staff, line_course


def _count_lines(lines_current, covered, line_staff, staff_pos, post_lo, post_hi, n_dates) -> None:
    line_masks = bitmask(post_lo[line_staff], post_hi[line_staff]) & covered
    _add_bits_by_group(lines_current, line_masks, staff_pos[line_staff], n_dates)


class Coverage:
    """Which snapshot dates each (person, mandatory course) holds a current record at: the OR of the
    date masks of the person's records of the course, built up a block of records at a time (so the
    records themselves never need to be in memory all at once) for a known set of people.

    One mask per (person, course), in the smallest unsigned integer holding n_dates bits: for 12
    month ends, 2 bytes per key. current_lines_covered counts lines against it; the result is the
    same as current_lines over the records themselves (tests/outcomes/test_training_lines.py).
    """

    def __init__(self, person_ids: np.ndarray, course_ids: np.ndarray, n_dates: int) -> None:
        if n_dates > 64:
            raise ValueError("at most 64 dates")
        self.person_ids = np.unique(np.asarray(person_ids, dtype=np.int64))
        self.course_ids = np.unique(np.asarray(course_ids, dtype=np.int64))
        self.n_dates = n_dates
        dtype = next(t for t, bits in ((np.uint8, 8), (np.uint16, 16), (np.uint32, 32), (np.uint64, 64))
                     if n_dates <= bits)
        self.masks = np.zeros(len(self.person_ids) * len(self.course_ids), dtype=dtype)
        self.records = 0
        self._person_slots = _slots(self.person_ids)
        self._course_slots = _slots(self.course_ids)

    def _keys(self, person: np.ndarray, course: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each (person, course)'s key in `masks`, and whether it has one."""
        person_at = _slot_of(self._person_slots, self.person_ids, np.asarray(person, dtype=np.int64))
        course_at = _slot_of(self._course_slots, self.course_ids, np.asarray(course, dtype=np.int64))
        known = (person_at >= 0) & (course_at >= 0)
        return np.where(known, person_at * len(self.course_ids) + course_at, 0), known

    def add(self, record_person, record_course, record_lo, record_hi) -> None:
        """OR in a block of records (person id, course id, date indices [lo, hi) it is current)."""
        keys, known = self._keys(record_person, record_course)
        masks = bitmask(np.asarray(record_lo)[known], np.asarray(record_hi)[known]).astype(self.masks.dtype)
        np.bitwise_or.at(self.masks, keys[known], masks)
        self.records += int(known.sum())

    def lookup(self, person, course) -> np.ndarray:
        """The uint64 mask of each (person, course); 0 for one without a record."""
        keys, known = self._keys(person, course)
        return np.where(known, self.masks[np.where(known, keys, 0)].astype(np.uint64), np.uint64(0))


DENSE_IDS = 64_000_000  # ids up to this are looked up in a flat table (4 bytes an id), else by binary search


def _slots(ids: np.ndarray) -> np.ndarray | None:
    """A flat table from an id to its index in `ids` (sorted, unique), -1 for others; None when the ids
    are too large for one (then _slot_of searches)."""
    if not len(ids) or ids[0] < 0 or ids[-1] >= DENSE_IDS:
        return None
    table = np.full(int(ids[-1]) + 1, -1, dtype=np.int32)
    table[ids] = np.arange(len(ids), dtype=np.int32)
    return table


def _slot_of(table: np.ndarray | None, ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each value's index in `ids` (-1 when not there)."""
    if not len(ids):
        return np.full(len(values), -1, dtype=np.int64)
    if table is not None:
        inside = (values >= 0) & (values < len(table))
        return np.where(inside, table[np.where(inside, values, 0)], -1).astype(np.int64)
    at = np.searchsorted(ids, values).clip(0, len(ids) - 1)
    return np.where(ids[at] == values, at, -1)


def current_lines_covered(staff_pos: np.ndarray, staff_person: np.ndarray, first: np.ndarray,
                          per_staff: np.ndarray, role_courses: np.ndarray, post_lo: np.ndarray,
                          post_hi: np.ndarray, coverage: Coverage, n_groups: int, n_dates: int) -> np.ndarray:
    """current_lines, with the records already folded into a Coverage of the same dates."""
    lines_current = np.zeros((n_groups, n_dates), dtype=np.int64)
    if not len(staff_pos) or not coverage.records or not per_staff.any():
        return lines_current
    if coverage.n_dates != n_dates:
        raise ValueError("the coverage is of other dates")
    _, line_staff, line_course = _lines(staff_pos, first, per_staff, role_courses)
    covered = coverage.lookup(np.asarray(staff_person, dtype=np.int64)[line_staff], line_course)
    del line_course
    _count_lines(lines_current, covered, line_staff, staff_pos, post_lo, post_hi, n_dates)
    return lines_current


def _covered(record_keys: np.ndarray, record_masks: np.ndarray, line_keys: np.ndarray) -> np.ndarray:
    """For each line key, the OR of the masks of the records with that key (0 when none)."""
    if not len(record_keys):
        return np.zeros(len(line_keys), dtype=np.uint64)
    size = int(max(record_keys.max(), line_keys.max() if len(line_keys) else 0)) + 1
    if size <= DENSE_KEYS:
        table = np.zeros(size, dtype=np.uint64)
        np.bitwise_or.at(table, record_keys, record_masks)
        return table[line_keys]
    order = np.argsort(record_keys)
    record_keys, record_masks = record_keys[order], record_masks[order]
    starts = np.flatnonzero(np.r_[True, record_keys[1:] != record_keys[:-1]])
    keys, masks = record_keys[starts], np.bitwise_or.reduceat(record_masks, starts)
    found_at = np.searchsorted(keys, line_keys).clip(0, len(keys) - 1)
    return np.where(keys[found_at] == line_keys, masks[found_at], np.uint64(0))


def _add_bits_by_group(totals: np.ndarray, masks: np.ndarray, groups: np.ndarray, n_dates: int) -> None:
    """totals[g, i] += number of masks of group g with bit i set; `groups` is non-decreasing."""
    n_bytes = (n_dates + 7) // 8
    for start in range(0, len(masks), LINES_PER_SLICE):
        part = np.ascontiguousarray(masks[start:start + LINES_PER_SLICE], dtype="<u8")
        part_groups = groups[start:start + LINES_PER_SLICE]
        bits = np.unpackbits(part.view(np.uint8).reshape(-1, 8)[:, :n_bytes], axis=1, count=n_dates,
                             bitorder="little")
        group_starts = np.flatnonzero(np.r_[True, part_groups[1:] != part_groups[:-1]])
        totals[part_groups[group_starts]] += np.add.reduceat(bits, group_starts, axis=0, dtype=np.int64)
