"""The outcome formulas of DOMAIN.md (Outcomes), as pure vectorised functions over columns.

Nothing here touches the database: readers build the input frames, this module turns them into
numerators and denominators per workplace per snapshot date, and roll-ups add them up.

Input frames (one row each; dates are datetime64 columns, NaT where there is none):
- workplaces: workplace_id, district_id, service_type_id
- staff (one row per employment): workplace_id, person_id, job_role_id, start_date, leaving_date,
  directly_employed (permanent or temporary), care_providing, registered_manager,
  qualified_on (a relevant Level 2+ qualification achieved; the person's earliest),
  induction_completed_on (Care Certificate completed, or the L2 Adult Social Care Certificate held)
- vacancies: workplace_id, posts, opened_on, closed_on (only directly employed posts)
- mandatory (courses a job role must hold): job_role_id, course_id
- training_records: person_id, course_id, completed_on, expires_on (NaT = never expires)
- applications (Good Care Recruitment): submitted_on, screened_on, passed_on, referred_on,
  placed_on, placement_start, placement_left_on

The technique: a record counts at snapshot i for a contiguous range of i, found with
np.searchsorted against the sorted snapshot dates; the ranges are added into a per-workplace
difference array (np.bincount) and a cumulative sum gives the counts at every date at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from academy.outcomes import training_lines

NEVER = np.iinfo(np.int64).max // 4  # a day number after every real date (for NaT "not yet")
WINDOW_MONTHS = 12
INDUCTION_WEEKS = 12
MAX_DATES_PER_CHUNK = 60  # training coverage is a 64-bit mask of dates


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: str  # "rate": numerator / denominator; "count": numerator only; "median": numerator of denominator cases
    numerator: str
    denominator: str | None
    good: str | None = None  # "up" or "down"
    strategy: bool = False  # one of the five outcomes the county strategy tracks


METRICS: tuple[Metric, ...] = (
    Metric("vacancy_rate", "Vacancy rate", "rate", "Vacant posts", "Filled and vacant posts", "down", True),
    Metric("turnover_rate", "Turnover rate", "rate", "Leavers in the last 12 months", "Filled posts", "down", True),
    Metric("qualification_uptake", "Qualification uptake", "rate", "Staff holding a relevant Level 2+ qualification",
           "Filled posts", "up", True),
    Metric("care_induction", "Care inductions", "rate", "Care staff with the Care Certificate or L2 ASC Certificate",
           "Care-providing staff in post", "up", True),
    Metric("rm_turnover", "Registered-manager turnover", "rate", "Registered-manager leavers in the last 12 months",
           "Registered-manager posts", "down", True),
    Metric("filled_posts", "Filled posts", "count", "Staff in post (permanent and temporary)", None),
    Metric("starters_rate", "Starters rate", "rate", "Starters in the last 12 months", "Filled posts", None),
    Metric("care_induction_12_weeks", "Induction within 12 weeks", "rate",
           "Care starters who completed the Care Certificate within 12 weeks", "Care starters in the last 12 months", "up"),
    Metric("training_compliance", "Mandatory training compliance", "rate", "Mandatory training lines current",
           "Mandatory training lines required", "up"),
)
FUNNEL_METRICS: tuple[Metric, ...] = (
    Metric("gcr_applications", "Applications", "count", "Applications made in the last 12 months", None),
    Metric("gcr_screened", "Screened", "rate", "Of those, screened", "Applications", "up"),
    Metric("gcr_passed_values", "Passed values assessment", "rate", "Of those, passed the values assessment",
           "Applications", "up"),
    Metric("gcr_referred", "Referred", "rate", "Of those, referred to a workplace", "Applications", "up"),
    Metric("gcr_placed", "Placed", "rate", "Of those, placed", "Applications", "up"),
    Metric("gcr_days_to_placement", "Median days from application to placement", "median", "Median days",
           "Placements in the last 12 months"),
    Metric("gcr_retention_3_months", "Placement retention at 3 months", "rate", "Still in post at 3 months",
           "Placements that started 3 to 15 months ago", "up"),
    Metric("gcr_retention_6_months", "Placement retention at 6 months", "rate", "Still in post at 6 months",
           "Placements that started 6 to 18 months ago", "up"),
    Metric("gcr_retention_12_months", "Placement retention at 12 months", "rate", "Still in post at 12 months",
           "Placements that started 12 to 24 months ago", "up"),
)
ALL_METRICS = {m.key: m for m in METRICS + FUNNEL_METRICS}
STRATEGY_METRICS = tuple(m for m in METRICS if m.strategy)

STAFF_COLUMNS = ("workplace_id", "person_id", "job_role_id", "start_date", "leaving_date", "directly_employed",
                 "care_providing", "registered_manager", "qualified_on", "induction_completed_on")
VACANCY_COLUMNS = ("workplace_id", "posts", "opened_on", "closed_on")
WORKPLACE_COLUMNS = ("workplace_id", "district_id", "service_type_id")
MANDATORY_COLUMNS = ("job_role_id", "course_id")
TRAINING_COLUMNS = ("person_id", "course_id", "completed_on", "expires_on")
APPLICATION_COLUMNS = ("submitted_on", "screened_on", "passed_on", "referred_on", "placed_on",
                       "placement_start", "placement_left_on")
SNAPSHOT_COLUMNS = ("scope_type", "scope_id", "date", "metric", "numerator", "denominator")
SCOPE_TYPES = ("workplace", "district", "service_type", "county")


# -- dates ---------------------------------------------------------------------------------

def month_end(day: date) -> date:
    first_of_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next - timedelta(days=1)


def snapshot_dates(start: date, end: date) -> list[date]:
    """Month ends in [start, end], plus `end` itself when it is not one (a month-to-date snapshot)."""
    if start > end:
        raise ValueError("the start date is after the end date")
    dates, day = [], month_end(start)
    while day <= end:
        dates.append(day)
        day = month_end(day + timedelta(days=1))
    if not dates or dates[-1] != end:
        dates.append(end)
    return dates


def months_before(days: np.ndarray, months: int) -> np.ndarray:
    """Day numbers `months` calendar months earlier (a month end maps to a month end)."""
    stamps = pd.DatetimeIndex(pd.to_datetime(days, unit="D"))
    shifted = stamps - pd.DateOffset(months=months)
    shifted = shifted.where(~stamps.is_month_end, shifted + pd.offsets.MonthEnd(0))
    return shifted.values.astype("datetime64[D]").astype(np.int64)


def to_days(values, missing: int = NEVER) -> np.ndarray:
    """Day numbers since 1970-01-01 (int64) from a date-like column; NaT/None become `missing`."""
    if isinstance(values, (pd.Series, np.ndarray)) and np.issubdtype(values.dtype, np.datetime64):
        array = np.asarray(values).astype("datetime64[D]")
    else:
        array = pd.to_datetime(pd.Series(values), errors="raise").to_numpy("datetime64[D]")
    days = array.astype(np.int64)
    return np.where(np.isnat(array), missing, days)


def _date_days(dates) -> np.ndarray:
    return np.asarray(pd.to_datetime(pd.Series(list(dates))).to_numpy("datetime64[D]").astype(np.int64))


# -- counting over ranges of snapshot dates ---------------------------------------------------

def range_counts(group: np.ndarray, lo: np.ndarray, hi: np.ndarray, n_groups: int, n_dates: int,
                 weights: np.ndarray | None = None) -> np.ndarray:
    """(n_groups, n_dates) totals of records counting at every date index in [lo, hi)."""
    hi = np.maximum(hi, lo)
    width = n_dates + 1
    w = np.ones(len(group), dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    size = n_groups * width
    diff = (np.bincount(group * width + lo, weights=w, minlength=size)
            - np.bincount(group * width + hi, weights=w, minlength=size))
    return np.cumsum(diff.reshape(n_groups, width), axis=1)[:, :n_dates].round().astype(np.int64)


def _first_on_or_after(date_days: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Index of the first snapshot date >= each day (n when none)."""
    return np.searchsorted(date_days, days, side="left")


def _window(date_days: np.ndarray, window_starts: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Date indices i where day is in (window_start_i, date_i]: the last-12-months window."""
    return _first_on_or_after(date_days, days), np.searchsorted(window_starts, days, side="left")


# -- the per-workplace computation -------------------------------------------------------------

def compute_workplace_outcomes(workplaces: pd.DataFrame, staff: pd.DataFrame, vacancies: pd.DataFrame,
                               dates, mandatory: pd.DataFrame | None = None,
                               training_records: pd.DataFrame | None = None) -> pd.DataFrame:
    """Numerators and denominators of every outcome, per workplace per date (long frame)."""
    dates = sorted(set(dates))
    if not dates:
        return _empty_snapshots()
    chunks = [dates[i:i + MAX_DATES_PER_CHUNK] for i in range(0, len(dates), MAX_DATES_PER_CHUNK)]
    frames = [_compute_chunk(workplaces, staff, vacancies, chunk, mandatory, training_records) for chunk in chunks]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _compute_chunk(workplaces, staff, vacancies, dates, mandatory, training_records) -> pd.DataFrame:
    date_days = _date_days(dates)
    window_starts = months_before(date_days, WINDOW_MONTHS)
    n = len(date_days)
    wp_ids = np.unique(np.asarray(workplaces["workplace_id"], dtype=np.int64))
    n_wp = len(wp_ids)

    # Workplace ids are small integers: a lookup table finds each row's workplace in one gather.
    lookup = np.full(int(wp_ids.max()) + 2 if n_wp else 1, -1, dtype=np.int64)
    lookup[wp_ids] = np.arange(n_wp)

    def wp_index(ids) -> tuple[np.ndarray, np.ndarray]:
        ids = np.asarray(ids, dtype=np.int64)
        inside = (ids >= 0) & (ids < len(lookup))
        pos = np.where(inside, lookup[np.where(inside, ids, 0)], -1)
        known = pos >= 0
        return np.maximum(pos, 0), known

    counts: dict[str, np.ndarray] = {}
    zero = np.zeros((n_wp, n), dtype=np.int64)

    s = staff[np.asarray(staff["directly_employed"], dtype=bool)] if len(staff) else staff
    s_pos, s_known = wp_index(s["workplace_id"]) if len(s) else (np.array([], np.int64), np.array([], bool))
    if len(s):
        s = s[s_known]
        s_pos = s_pos[s_known]
    start = to_days(s["start_date"]) if len(s) else np.array([], np.int64)
    leaving = to_days(s["leaving_date"]) if len(s) else np.array([], np.int64)
    post_lo, post_hi = _first_on_or_after(date_days, start), _first_on_or_after(date_days, leaving)
    start_lo, start_hi = _window(date_days, window_starts, start)
    leave_lo, leave_hi = _window(date_days, window_starts, leaving)
    care = np.asarray(s["care_providing"], dtype=bool) if len(s) else np.array([], bool)
    rm = np.asarray(s["registered_manager"], dtype=bool) if len(s) else np.array([], bool)
    qualified = _first_on_or_after(date_days, to_days(s["qualified_on"])) if len(s) else start
    inducted_on = to_days(s["induction_completed_on"]) if len(s) else start
    inducted = _first_on_or_after(date_days, inducted_on)

    def count(mask, lo, hi, weights=None):
        if not len(s):
            return zero
        return range_counts(s_pos[mask], lo[mask], hi[mask], n_wp, n,
                            None if weights is None else weights[mask])

    everyone = np.ones(len(s), dtype=bool)
    counts["filled"] = count(everyone, post_lo, post_hi)
    counts["starters"] = count(everyone, start_lo, start_hi)
    counts["leavers"] = count(everyone, leave_lo, leave_hi)
    counts["qualified"] = count(everyone, np.maximum(post_lo, qualified), post_hi)
    counts["care_staff"] = count(care, post_lo, post_hi)
    counts["care_inducted"] = count(care, np.maximum(post_lo, inducted), post_hi)
    counts["care_starters"] = count(care, start_lo, start_hi)
    on_time = care & (inducted_on <= start + 7 * INDUCTION_WEEKS)
    counts["care_starters_on_time"] = count(on_time, np.maximum(start_lo, inducted), start_hi)
    counts["rm_posts"] = count(rm, post_lo, post_hi)
    counts["rm_leavers"] = count(rm, leave_lo, leave_hi)
    counts["vacancies"] = _vacancy_counts(vacancies, wp_index, date_days, n_wp, n)
    counts["training_required"], counts["training_current"] = _training_counts(
        s, s_pos, post_lo, post_hi, mandatory, training_records, date_days, n_wp, n)

    pairs = {
        "vacancy_rate": ("vacancies", counts["filled"] + counts["vacancies"]),
        "turnover_rate": ("leavers", "filled"),
        "qualification_uptake": ("qualified", "filled"),
        "care_induction": ("care_inducted", "care_staff"),
        "rm_turnover": ("rm_leavers", "rm_posts"),
        "filled_posts": ("filled", None),
        "starters_rate": ("starters", "filled"),
        "care_induction_12_weeks": ("care_starters_on_time", "care_starters"),
        "training_compliance": ("training_current", "training_required"),
    }
    keys = list(pairs)
    numerators, denominators = [], []
    for numerator, denominator in pairs.values():
        den = denominator if isinstance(denominator, np.ndarray) else counts.get(denominator)
        numerators.append(counts[numerator].ravel())
        denominators.append(den.ravel().astype(np.float64) if den is not None else np.full(n_wp * n, np.nan))
    block = n_wp * n
    return pd.DataFrame({
        "scope_type": pd.Categorical.from_codes(np.zeros(block * len(keys), dtype=np.int8), categories=SCOPE_TYPES),
        "scope_id": np.tile(np.repeat(wp_ids, n), len(keys)),
        "date": np.tile(np.tile(date_days, n_wp), len(keys)).astype("datetime64[D]").astype("datetime64[s]"),
        "metric": pd.Categorical.from_codes(np.repeat(np.arange(len(keys), dtype=np.int8), block), categories=keys),
        "numerator": np.concatenate(numerators).astype(np.float64),
        "denominator": np.concatenate(denominators),
    })


def _vacancy_counts(vacancies, wp_index, date_days, n_wp, n) -> np.ndarray:
    if not len(vacancies):
        return np.zeros((n_wp, n), dtype=np.int64)
    pos, known = wp_index(vacancies["workplace_id"])
    lo = _first_on_or_after(date_days, to_days(vacancies["opened_on"]))
    hi = _first_on_or_after(date_days, to_days(vacancies["closed_on"]))
    posts = np.asarray(vacancies["posts"], dtype=np.int64)
    return range_counts(pos[known], lo[known], hi[known], n_wp, n, posts[known])


def _training_counts(s, s_pos, post_lo, post_hi, mandatory, records, date_days, n_wp, n):
    """Mandatory lines required (staff in post x courses mandatory for their role) and current."""
    zero = np.zeros((n_wp, n), dtype=np.int64)
    if mandatory is None or not len(mandatory) or not len(s):
        return zero, zero
    roles = np.asarray(mandatory["job_role_id"], dtype=np.int64)
    courses = np.asarray(mandatory["course_id"], dtype=np.int64)
    order = np.lexsort((courses, roles))
    roles, courses = roles[order], courses[order]
    staff_roles = np.asarray(s["job_role_id"], dtype=np.int64)
    first = np.searchsorted(roles, staff_roles, side="left")
    per_staff = np.searchsorted(roles, staff_roles, side="right") - first
    required = range_counts(s_pos, post_lo, post_hi, n_wp, n, per_staff)
    if records is None or not len(records):
        return required, zero

    current = training_lines.current_lines(
        s_pos, np.asarray(s["person_id"], dtype=np.int64), first, per_staff, courses, post_lo, post_hi,
        np.asarray(records["person_id"], dtype=np.int64), np.asarray(records["course_id"], dtype=np.int64),
        _first_on_or_after(date_days, to_days(records["completed_on"])),
        _first_on_or_after(date_days, to_days(records["expires_on"])), n_wp, n)
    return required, current


# -- Good Care Recruitment funnel (county-wide) ---------------------------------------------

RETENTION_MONTHS = (3, 6, 12)


def compute_funnel(applications: pd.DataFrame, dates) -> pd.DataFrame:
    """GCR funnel per date for the county: the cohort who applied in the last 12 months and how far
    they got by the date; median days application to placement; placement retention."""
    dates = sorted(set(dates))
    date_days = _date_days(dates)
    if not len(date_days):
        return _empty_snapshots()
    window_starts = months_before(date_days, WINDOW_MONTHS)
    n = len(date_days)
    a = applications
    submitted = to_days(a["submitted_on"]) if len(a) else np.array([], np.int64)
    rows: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    lo, hi = _window(date_days, window_starts, submitted)
    group = np.zeros(len(submitted), dtype=np.int64)
    cohort = range_counts(group, lo, hi, 1, n)[0]
    rows["gcr_applications"] = (cohort, None)
    for metric, column in (("gcr_screened", "screened_on"), ("gcr_passed_values", "passed_on"),
                           ("gcr_referred", "referred_on"), ("gcr_placed", "placed_on")):
        reached = _first_on_or_after(date_days, to_days(a[column])) if len(a) else lo
        rows[metric] = (range_counts(group, np.maximum(lo, reached), hi, 1, n)[0], cohort)

    placed = to_days(a["placed_on"]) if len(a) else submitted
    days_taken = (placed - submitted).astype(np.float64)
    median = np.full(n, np.nan)
    placements = np.zeros(n, dtype=np.int64)
    for i in range(n):  # one vectorised selection per snapshot date
        chosen = (placed <= date_days[i]) & (placed > window_starts[i])
        placements[i] = int(chosen.sum())
        if placements[i]:
            median[i] = float(np.median(days_taken[chosen]))
    rows["gcr_days_to_placement"] = (median, placements)

    start = to_days(a["placement_start"]) if len(a) else submitted
    left = to_days(a["placement_left_on"]) if len(a) else submitted
    for months in RETENTION_MONTHS:
        anchor = months_before(date_days, months)
        anchor_window = months_before(date_days, months + WINDOW_MONTHS)
        lo_r = np.searchsorted(anchor, start, side="left")
        hi_r = np.searchsorted(anchor_window, start, side="left")
        started = range_counts(group, lo_r, hi_r, 1, n)[0]
        due = _add_months(start, months)
        stayed = (left > due) & (start < NEVER)
        kept = range_counts(group[stayed], lo_r[stayed], hi_r[stayed], 1, n)[0]
        rows[f"gcr_retention_{months}_months"] = (kept, started)

    return pd.DataFrame([
        {"scope_type": "county", "scope_id": 0, "date": np.datetime64(int(date_days[i]), "D"), "metric": metric,
         "numerator": float(num[i]) if not np.isnan(num[i]) else np.nan,
         "denominator": float(den[i]) if den is not None else np.nan}
        for metric, (num, den) in rows.items() for i in range(n)
    ], columns=list(SNAPSHOT_COLUMNS))


def _add_months(days: np.ndarray, months: int) -> np.ndarray:
    real = days < NEVER
    out = np.full(len(days), NEVER, dtype=np.int64)
    if real.any():
        stamps = pd.to_datetime(days[real], unit="D") + pd.DateOffset(months=months)
        out[real] = stamps.values.astype("datetime64[D]").astype(np.int64)
    return out


# -- roll-ups ------------------------------------------------------------------------------

def roll_up(snapshots: pd.DataFrame, workplaces: pd.DataFrame) -> pd.DataFrame:
    """District, service-type and county rows: sums of numerators over sums of denominators.

    A sum over workplaces whose figure is unknown (NaN) for all of them stays unknown."""
    is_workplace = snapshots["scope_type"] == "workplace"
    wp = snapshots if bool(is_workplace.all()) else snapshots[is_workplace]
    if wp.empty:
        return _empty_snapshots()
    ids = np.asarray(workplaces["workplace_id"], dtype=np.int64)
    order = np.argsort(ids)
    ids = ids[order]
    scope_ids = wp["scope_id"].to_numpy(np.int64)
    pos = np.searchsorted(ids, scope_ids).clip(0, len(ids) - 1)
    if not np.array_equal(ids[pos], scope_ids):
        raise ValueError("snapshots for a workplace missing from the workplaces frame")
    metric_codes, metric_names = pd.factorize(wp["metric"], sort=True)
    date_codes, date_values = pd.factorize(wp["date"], sort=True)
    numerator, denominator = wp["numerator"].to_numpy(np.float64), wp["denominator"].to_numpy(np.float64)
    groupings = {
        "district": np.asarray(workplaces["district_id"], dtype=np.int64)[order][pos],
        "service_type": np.asarray(workplaces["service_type_id"], dtype=np.int64)[order][pos],
        "county": np.zeros(len(wp), dtype=np.int64),
    }
    n_dates, n_metrics = len(date_values), len(metric_names)
    frames = []
    for scope, values in groupings.items():
        groups, group_codes = np.unique(values, return_inverse=True)
        key = (group_codes * n_dates + date_codes) * n_metrics + metric_codes
        size = len(groups) * n_dates * n_metrics
        present = np.flatnonzero(np.bincount(key, minlength=size))
        summed = [_nan_sum(key, column, size)[present] for column in (numerator, denominator)]
        group_index, rest = np.divmod(present, n_dates * n_metrics)
        date_index, metric_index = np.divmod(rest, n_metrics)
        frames.append(pd.DataFrame({
            "scope_type": scope, "scope_id": groups[group_index], "date": np.asarray(date_values)[date_index],
            "metric": np.asarray(metric_names.astype(object) if hasattr(metric_names, "astype") else metric_names,
                                 dtype=object)[metric_index],
            "numerator": summed[0], "denominator": summed[1],
        }))
    return pd.concat(frames, ignore_index=True)


def _nan_sum(key: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sums by key ignoring NaN; NaN where every value of the key is NaN."""
    known = ~np.isnan(values)
    sums = np.bincount(key, weights=np.where(known, values, 0.0), minlength=size)
    return np.where(np.bincount(key, weights=known, minlength=size) > 0, sums, np.nan)


def rate(numerator, denominator) -> float | None:
    """numerator / denominator, or None (empty, not 0) when there is no denominator."""
    if numerator is None or denominator is None:
        return None
    try:
        if pd.isna(numerator) or pd.isna(denominator) or float(denominator) == 0:
            return None
    except TypeError:
        return None
    return float(numerator) / float(denominator)


def _empty_snapshots() -> pd.DataFrame:
    return pd.DataFrame({"scope_type": pd.Series(dtype=object), "scope_id": pd.Series(dtype=np.int64),
                         "date": pd.Series(dtype="datetime64[s]"), "metric": pd.Series(dtype=object),
                         "numerator": pd.Series(dtype=np.float64), "denominator": pd.Series(dtype=np.float64)})
