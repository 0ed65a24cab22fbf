"""training_lines.current_lines against a plain loop over lines, on random data, through both the
flat-table and the sorted-keys lookups and across slice boundaries."""
import numpy as np
import pytest

from academy.outcomes import training_lines


def naive(staff_pos, staff_person, first, per_staff, role_courses, post_lo, post_hi,
          record_person, record_course, record_lo, record_hi, n_groups, n_dates):
    out = np.zeros((n_groups, n_dates), dtype=np.int64)
    for e in range(len(staff_pos)):
        for course in role_courses[first[e]:first[e] + per_staff[e]]:
            for i in range(post_lo[e], post_hi[e]):
                held = any(record_person[r] == staff_person[e] and record_course[r] == course
                           and record_lo[r] <= i < record_hi[r] for r in range(len(record_person)))
                out[staff_pos[e], i] += held
    return out


def random_case(seed, n_dates):
    rng = np.random.default_rng(seed)
    n_staff, n_records, n_groups = 60, 150, 7
    role_courses = np.array([10, 11, 12, 11, 13, 40], dtype=np.int64)  # roles: [0:3], [3:5], [5:6], none
    role = rng.integers(0, 4, n_staff)
    first = np.array([0, 3, 5, 6])[role]
    per_staff = np.array([3, 2, 1, 0])[role]
    post_lo = rng.integers(0, n_dates, n_staff)
    post_hi = np.minimum(post_lo + rng.integers(0, n_dates + 1, n_staff), n_dates)
    lo = rng.integers(0, n_dates, n_records)
    return dict(
        staff_pos=rng.integers(0, n_groups, n_staff), staff_person=rng.integers(1, 30, n_staff), first=first,
        per_staff=per_staff, role_courses=role_courses, post_lo=post_lo, post_hi=post_hi,
        record_person=rng.integers(1, 30, n_records), record_course=rng.choice([10, 11, 12, 13, 40, 99], n_records),
        record_lo=lo, record_hi=np.minimum(lo + rng.integers(0, n_dates + 1, n_records), n_dates),
        n_groups=n_groups, n_dates=n_dates)


@pytest.mark.parametrize("n_dates", [1, 12, 13, 60])
@pytest.mark.parametrize("dense", [True, False])
def test_current_lines_match_a_plain_loop(monkeypatch, n_dates, dense):
    monkeypatch.setattr(training_lines, "LINES_PER_SLICE", 17)  # many slices, groups split across them
    if not dense:
        monkeypatch.setattr(training_lines, "DENSE_KEYS", 0)
    case = random_case(n_dates, n_dates)
    expected = naive(**case)
    assert expected.sum() > 0
    np.testing.assert_array_equal(training_lines.current_lines(**case), expected)


def test_no_records_or_no_lines_give_zeros():
    case = random_case(1, 12)
    empty = {k: v[:0] for k, v in case.items() if k.startswith("record_")}
    assert not training_lines.current_lines(**{**case, **empty}).any()
    none_required = {**case, "per_staff": np.zeros_like(case["per_staff"])}
    assert not training_lines.current_lines(**none_required).any()


def test_bitmask():
    assert training_lines.bitmask(np.array([0, 2, 5]), np.array([3, 2, 4])).tolist() == [0b111, 0, 0]
