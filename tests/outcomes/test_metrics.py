"""The outcome formulas against small cases worked out by hand (see the comments for the sums)."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from academy.outcomes import metrics
from academy.outcomes.metrics import compute_funnel, compute_workplace_outcomes, rate, roll_up, snapshot_dates

JAN, FEB = date(2025, 1, 31), date(2025, 2, 28)
NAT = None
CARE_ROLE, RM_ROLE, OTHER_ROLE = 1, 2, 3


def _frame(rows, columns):
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in frame.columns:
        if column.endswith(("_date", "_on", "_start")):
            frame[column] = pd.to_datetime(frame[column])
    return frame


WORKPLACES = _frame([(1, 10, 20), (2, 10, 21), (3, 11, 20)], metrics.WORKPLACE_COLUMNS)
# workplace, person, role, start, leaving, directly employed, care, RM, qualified on, induction completed on
STAFF = _frame([
    (1, 101, CARE_ROLE, "2020-01-01", NAT, True, True, False, "2021-01-01", "2020-02-01"),      # a: in post throughout
    (1, 102, OTHER_ROLE, "2024-06-01", "2025-01-31", True, False, False, NAT, NAT),             # b: leaves ON Jan 31
    (1, 103, CARE_ROLE, "2025-01-31", NAT, True, True, False, NAT, "2025-03-01"),               # c: starts ON Jan 31
    (1, 104, CARE_ROLE, "2025-02-01", NAT, True, True, False, NAT, "2025-02-10"),               # d: starts after Jan 31
    (1, 105, CARE_ROLE, "2020-01-01", NAT, False, True, False, "2021-01-01", "2020-02-01"),     # e: bank, excluded
    (1, 106, RM_ROLE, "2019-01-01", "2025-02-15", True, False, True, "2015-01-01", NAT),        # f: RM, leaves Feb 15
    (2, 107, CARE_ROLE, "2023-01-01", NAT, True, True, False, NAT, NAT),                        # g
], metrics.STAFF_COLUMNS)
VACANCIES = _frame([
    (1, 1, "2024-12-01", NAT),
    (2, 2, "2025-01-15", "2025-02-28"),  # closes ON Feb 28: not open at Feb 28
], metrics.VACANCY_COLUMNS)
MANDATORY = _frame([(CARE_ROLE, 100), (CARE_ROLE, 101)], metrics.MANDATORY_COLUMNS)
TRAINING = _frame([
    (101, 100, "2024-03-01", "2025-03-01"),
    (101, 101, "2023-01-01", "2025-02-01"),  # expired by Feb 28 ...
    (101, 101, "2025-02-20", "2026-02-20"),  # ... but renewed
    (104, 100, "2025-02-28", NAT),           # completed ON Feb 28, never expires
    (105, 100, "2025-01-01", NAT),           # the bank worker: no line required
    (101, 999, "2025-01-01", NAT),           # a course nobody must hold
], metrics.TRAINING_COLUMNS)


@pytest.fixture(scope="module")
def result():
    frame = compute_workplace_outcomes(WORKPLACES, STAFF, VACANCIES, [JAN, FEB], MANDATORY, TRAINING)
    return frame


def value(frame, scope_type, scope_id, day, metric):
    row = frame[(frame.scope_type == scope_type) & (frame.scope_id == scope_id)
                & (frame.date == pd.Timestamp(day)) & (frame.metric == metric)]
    assert len(row) == 1, (scope_type, scope_id, day, metric, row)
    num, den = row.iloc[0]["numerator"], row.iloc[0]["denominator"]
    return (None if pd.isna(num) else num, None if pd.isna(den) else den)


@pytest.mark.parametrize("metric, jan, feb", [
    # Jan 31: in post a, c, f (b left ON the date, d starts after it; e is bank) -> F = 3.
    # Feb 28: in post a, c, d (f left Feb 15) -> F = 3.
    ("filled_posts", (3, None), (3, None)),
    ("vacancy_rate", (1, 4), (1, 4)),
    ("turnover_rate", (1, 3), (2, 3)),              # Jan: b; Feb: b and f
    ("starters_rate", (2, 3), (3, 3)),              # Jan: b, c; Feb: b, c, d
    ("qualification_uptake", (2, 3), (1, 3)),       # Jan: a and f; Feb: a (f has left)
    ("care_induction", (1, 2), (2, 3)),             # Jan: a of a, c; Feb: a, d of a, c, d
    ("care_induction_12_weeks", (0, 1), (1, 2)),    # c completes Mar 1 (on time but not yet); d on time
    ("rm_turnover", (0, 1), (1, 0)),                # Feb: 1 leaver over 0 posts: an empty rate
    ("training_compliance", (2, 4), (3, 6)),        # Jan: a's two of a, c; Feb: a's two + d's one of six
])
def test_workplace_one_by_hand(result, metric, jan, feb):
    assert value(result, "workplace", 1, JAN, metric) == jan
    assert value(result, "workplace", 1, FEB, metric) == feb


def test_vacancy_closing_on_the_date_is_not_open(result):
    assert value(result, "workplace", 2, JAN, "vacancy_rate") == (2, 3)
    assert value(result, "workplace", 2, FEB, "vacancy_rate") == (0, 1)


def test_workplace_without_staff_gets_empty_rates_not_zero(result):
    for metric in ("vacancy_rate", "turnover_rate", "qualification_uptake", "care_induction", "rm_turnover"):
        num, den = value(result, "workplace", 3, JAN, metric)
        assert (num, den) == (0, 0)
        assert rate(num, den) is None
    assert rate(1, 0) is None and rate(0, 4) == 0.0 and rate(1, 4) == 0.25


def test_roll_ups_are_sums_of_numerators_over_sums_of_denominators(result):
    rolled = roll_up(result, WORKPLACES)
    # County at Jan 31: vacancies 1 + 2 = 3 over (3 + 1) filled + 3 vacant = 7 (a mean of rates would be 0.458).
    assert value(rolled, "county", 0, JAN, "vacancy_rate") == (3, 7)
    assert value(rolled, "district", 10, JAN, "vacancy_rate") == (3, 7)
    assert value(rolled, "district", 11, JAN, "vacancy_rate") == (0, 0)
    assert value(rolled, "service_type", 20, FEB, "turnover_rate") == (2, 3)
    assert value(rolled, "service_type", 21, FEB, "turnover_rate") == (0, 1)
    assert value(rolled, "county", 0, FEB, "filled_posts") == (4, None)
    assert value(rolled, "county", 0, FEB, "rm_turnover") == (1, 0)


def test_leaver_on_the_date_start_on_the_date_and_start_after_it():
    staff = _frame([
        (1, 1, CARE_ROLE, "2025-01-31", NAT, True, True, False, NAT, NAT),
        (1, 2, CARE_ROLE, "2024-01-01", "2025-01-31", True, True, False, NAT, NAT),
        (1, 3, CARE_ROLE, "2025-02-01", NAT, True, True, False, NAT, NAT),
        (1, 4, CARE_ROLE, "2024-01-31", "2024-02-01", True, True, False, NAT, NAT),  # left 1 day inside the window
        (1, 5, CARE_ROLE, "2023-01-31", "2024-01-31", True, True, False, NAT, NAT),  # left ON D - 12 months: outside
    ], metrics.STAFF_COLUMNS)
    frame = compute_workplace_outcomes(WORKPLACES, staff, VACANCIES.iloc[:0], [JAN])
    assert value(frame, "workplace", 1, JAN, "filled_posts") == (1, None)
    assert value(frame, "workplace", 1, JAN, "turnover_rate") == (2, 1)


def test_no_input_rows_at_all_gives_zero_denominators():
    frame = compute_workplace_outcomes(WORKPLACES, STAFF.iloc[:0], VACANCIES.iloc[:0], [JAN])
    assert value(frame, "workplace", 2, JAN, "turnover_rate") == (0, 0)
    assert value(frame, "workplace", 2, JAN, "training_compliance") == (0, 0)


def test_many_dates_are_computed_in_chunks_with_the_same_answer():
    dates = [d.date() for d in pd.date_range("2015-01-31", periods=130, freq="ME")]
    whole = compute_workplace_outcomes(WORKPLACES, STAFF, VACANCIES, dates, MANDATORY, TRAINING)
    single = compute_workplace_outcomes(WORKPLACES, STAFF, VACANCIES, [FEB], MANDATORY, TRAINING)
    merged = whole[whole.date == pd.Timestamp(FEB)].reset_index(drop=True)
    pd.testing.assert_frame_equal(merged, single.reset_index(drop=True), check_dtype=False)
    assert len(whole) == 130 * 3 * len(metrics.METRICS)


APPLICATIONS = _frame([
    ("2024-03-01", "2024-03-05", "2024-03-10", "2024-03-20", "2024-04-10", "2024-05-01", NAT),
    ("2024-06-01", "2024-06-02", NAT, NAT, NAT, NAT, NAT),
    ("2023-12-01", "2023-12-02", "2023-12-05", "2024-01-10", "2024-02-01", "2024-02-15", "2024-04-01"),
    ("2025-01-10", "2025-01-11", "2025-01-12", "2025-01-15", "2025-01-30", "2025-02-10", NAT),
    ("2025-02-05", NAT, NAT, NAT, NAT, NAT, NAT),  # after the date: not counted
], metrics.APPLICATION_COLUMNS)


@pytest.mark.parametrize("metric, expected", [
    ("gcr_applications", (3, None)),          # submitted in (2024-01-31, 2025-01-31]: 1, 2 and 4
    ("gcr_screened", (3, 3)),
    ("gcr_passed_values", (2, 3)),
    ("gcr_referred", (2, 3)),
    ("gcr_placed", (2, 3)),
    ("gcr_days_to_placement", (40, 3)),       # placed in the window: 40, 62 and 20 days -> median 40
    ("gcr_retention_3_months", (1, 2)),       # started 2023-10-31..2024-10-31: 1 stayed, 3 left within 3 months
    ("gcr_retention_6_months", (1, 2)),
    ("gcr_retention_12_months", (0, 0)),      # nobody started 2023-01-31..2024-01-31: empty
])
def test_gcr_funnel_by_hand(metric, expected):
    frame = compute_funnel(APPLICATIONS, [JAN])
    assert value(frame, "county", 0, JAN, metric) == expected


def test_funnel_with_no_applications_is_empty_not_an_error():
    frame = compute_funnel(APPLICATIONS.iloc[:0], [JAN])
    assert value(frame, "county", 0, JAN, "gcr_placed") == (0, 0)
    assert value(frame, "county", 0, JAN, "gcr_days_to_placement") == (None, 0)


def test_snapshot_dates_are_month_ends_plus_month_to_date():
    assert snapshot_dates(date(2024, 11, 15), date(2025, 2, 28)) == [
        date(2024, 11, 30), date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28)]
    assert snapshot_dates(date(2025, 1, 31), date(2025, 3, 10)) == [JAN, FEB, date(2025, 3, 10)]
    with pytest.raises(ValueError):
        snapshot_dates(FEB, JAN)


def test_twelve_months_before_a_month_end_is_a_month_end():
    days = metrics._date_days([date(2024, 2, 29), date(2025, 2, 28)])
    back = metrics.months_before(days, 12).astype("datetime64[D]")
    assert list(back) == [np.datetime64("2023-02-28"), np.datetime64("2024-02-29")]
