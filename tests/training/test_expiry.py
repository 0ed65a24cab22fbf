"""Expiry dates and training states across month ends, leap years and the 60-day boundary."""
from datetime import date

import pytest

from tests import factories
from training.models import Course
from training.records import TrainingState, add_months, course_lines, expiry_for, state_of


@pytest.mark.parametrize("start, months, expected", [
    (date(2025, 1, 15), 12, date(2026, 1, 15)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),      # clamped to the month's last day
    (date(2024, 1, 31), 1, date(2024, 2, 29)),      # leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),     # leap day, next year is not a leap year
    (date(2024, 2, 29), 48, date(2028, 2, 29)),     # four years on: a leap year again
    (date(2023, 8, 31), 6, date(2024, 2, 29)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
    (date(2025, 12, 31), 36, date(2028, 12, 31)),   # crossing year ends
    (date(2025, 3, 31), 1, date(2025, 4, 30)),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_expiry_follows_the_course_renewal_period():
    assert expiry_for(Course(renewal_months=36), date(2024, 2, 29)) == date(2027, 2, 28)
    assert expiry_for(Course(renewal_months=None), date(2024, 2, 29)) is None


@pytest.mark.parametrize("on, expected", [
    (date(2026, 1, 1), TrainingState.current),
    (date(2026, 1, 30), TrainingState.current),     # 61 days before expiry
    (date(2026, 1, 31), TrainingState.expiring),    # exactly 60 days before
    (date(2026, 3, 31), TrainingState.expiring),    # the last valid day
    (date(2026, 4, 1), TrainingState.expired),      # the expiry date itself
    (date(2027, 1, 1), TrainingState.expired),
])
def test_state_at_dates_around_the_boundaries(on, expected):
    assert state_of(date(2026, 4, 1), on) == expected


def test_never_expiring_training_stays_current():
    assert state_of(None, date(2099, 1, 1)) == TrainingState.current


def test_missing_mandatory_course_and_the_newest_record_counts(ctx):
    workplace = factories.workplace()
    worker = factories.employment(workplace).person
    fire = factories.course(renewal_months=12, mandatory_for=["care_worker"])
    first_aid = factories.course(renewal_months=36, mandatory_for=["care_worker"])
    old = factories.training_record(worker, fire, completed=date(2024, 1, 10))
    new = factories.training_record(worker, fire, completed=date(2025, 1, 10))
    lines = course_lines([old, new], {fire.id, first_aid.id}, {fire.id: fire, first_aid.id: first_aid},
                         on=date(2025, 12, 1))
    by_course = {line.course.id: line for line in lines}
    assert by_course[fire.id].record is new
    assert by_course[fire.id].state == TrainingState.expiring
    assert by_course[first_aid.id].state == TrainingState.missing
    assert by_course[first_aid.id].record is None


@pytest.mark.parametrize("on, expected", [
    (date(2027, 12, 30), TrainingState.current),    # 61 days before a leap-day expiry
    (date(2027, 12, 31), TrainingState.expiring),   # exactly 60 days before 29 February 2028
    (date(2028, 2, 28), TrainingState.expiring),
    (date(2028, 2, 29), TrainingState.expired),
])
def test_state_around_a_leap_day_expiry(on, expected):
    expires = expiry_for(Course(renewal_months=48), date(2024, 2, 29))
    assert expires == date(2028, 2, 29)
    assert state_of(expires, on) == expected
