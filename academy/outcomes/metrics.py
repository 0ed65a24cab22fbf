"""The outcome formulas of DOMAIN.md (Outcomes), as pure vectorised functions over columns.

Nothing here touches the database: readers build the input frames, this module turns them into
numerators and denominators per workplace per snapshot date, and roll-ups add them up.

Input frames (one row each; dates are datetime64 columns, NaT where there is none):
- workplaces: workplace_id, district_id, service_type_id
- staff (one row per employment): workplace_id, person_id, job_role_id, start_date, leaving_date,
  directly_employed (permanent or temporary), care_providing, registered_manager,
  qualified_on (a relevant Level 2+ qualification achieved; the person's earliest),
  induction_completed_on (Care Certificate completed, or the L2 Adult Social Care Certificate held);
  optionally role_from, role_until: an employment whose job role changed is one row per role held,
  the role in force from role_from (NaT: from the start) until the day before role_until (NaT: until
  leaving). In-post counts use the row whose role is in force at the date; a start counts on the row
  with role_from NaT (the role started in), a leaving on the row with role_until NaT (the role left).
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
    part_of: str | None = None  # a part of another metric's denominator (the parts add up to it)


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
           "Care starters holding the Care Certificate by 12 weeks after starting (arrived with it or completed it)",
           "Care starters in the last 12 months", "up"),
    Metric("care_induction_12_weeks_arrived_holding", "Induction within 12 weeks: arrived already holding it",
           "rate", "Care starters who held it before they started", "Care starters in the last 12 months",
           part_of="care_induction_12_weeks"),
    Metric("care_induction_12_weeks_completed", "Induction within 12 weeks: completed within 12 weeks", "rate",
           "Care starters who completed it within 12 weeks (84 days) of starting", "Care starters in the last 12 months",
           part_of="care_induction_12_weeks"),
    Metric("care_induction_12_weeks_not_completed", "Induction within 12 weeks: not by 12 weeks", "rate",
           "Care starters who did not complete it within 12 weeks (or not yet, in their first 12 weeks)",
           "Care starters in the last 12 months", part_of="care_induction_12_weeks"),
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
INDUCTION_PARTS = tuple(m for m in METRICS if m.part_of == "care_induction_12_weeks")
STRATEGY_METRICS = tuple(m for m in METRICS if m.strategy)

STAFF_COLUMNS = ("workplace_id", "person_id", "job_role_id", "start_date", "leaving_date", "directly_employed",
                 "care_providing", "registered_manager", "qualified_on", "induction_completed_on")
ROLE_PERIOD_COLUMNS = ("role_from", "role_until")
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

def range_counts(group: np.ndarray, first: np.ndarray, stop: np.ndarray, n_groups: int, n_dates: int,
                 weights: np.ndarray | None = None) -> np.ndarray:
    """(n_groups, n_dates) totals of records counting at every date index in [first, stop).

    Three records over three dates: two in group 0 (dates 0-1 and 1-2), one in group 1 (date 0):

    >>> range_counts(np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([2, 3, 1]), n_groups=2, n_dates=3)
    array([[1, 2, 1],
           [1, 0, 0]])
    """
    stop = np.maximum(stop, first)
    width = n_dates + 1
    record_weights = np.ones(len(group), dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    size = n_groups * width
    changes = (np.bincount(group * width + first, weights=record_weights, minlength=size)
               - np.bincount(group * width + stop, weights=record_weights, minlength=size))
    return np.cumsum(changes.reshape(n_groups, width), axis=1)[:, :n_dates].round().astype(np.int64)


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
    """Numerators and denominators of every outcome, per workplace per date (long frame).

    A worked example: one workplace, four staff, snapshots at the ends of December and January.
    Ann (care, in post since 2023, qualified) and Ben (care, started 10 January) are in post at both
    dates; Cat (the registered manager) left on 20 January; Dan is bank staff, so never counted.

    >>> day = pd.Timestamp
    >>> staff = pd.DataFrame([
    ...     (1, 1, 1, day("2023-03-01"), pd.NaT, True, True, False, day("2023-06-01"), day("2023-04-15")),
    ...     (1, 2, 1, day("2024-01-10"), pd.NaT, True, True, False, pd.NaT, day("2024-02-20")),
    ...     (1, 3, 2, day("2022-05-01"), day("2024-01-20"), True, False, True, pd.NaT, pd.NaT),
    ...     (1, 4, 1, day("2023-01-01"), pd.NaT, False, True, False, pd.NaT, pd.NaT),
    ... ], columns=list(STAFF_COLUMNS))
    >>> workplaces = pd.DataFrame([(1, 10, 20)], columns=list(WORKPLACE_COLUMNS))
    >>> vacancies = pd.DataFrame([(1, 2, day("2023-11-01"), pd.NaT)], columns=list(VACANCY_COLUMNS))
    >>> frame = compute_workplace_outcomes(workplaces, staff, vacancies, [date(2023, 12, 31), date(2024, 1, 31)])
    >>> figures = frame.set_index(["metric", "date"])[["numerator", "denominator"]]
    >>> for metric in ("filled_posts", "vacancy_rate", "turnover_rate", "starters_rate", "care_induction",
    ...                "rm_turnover"):
    ...     print(metric, figures.loc[metric].to_numpy().tolist())
    filled_posts [[2.0, nan], [2.0, nan]]
    vacancy_rate [[2.0, 4.0], [2.0, 4.0]]
    turnover_rate [[0.0, 2.0], [1.0, 2.0]]
    starters_rate [[1.0, 2.0], [2.0, 2.0]]
    care_induction [[1.0, 1.0], [1.0, 2.0]]
    rm_turnover [[0.0, 1.0], [1.0, 0.0]]

    December: Ann and Cat fill two posts and two more are vacant; Ann is the one starter of the
    last 12 months and Cat has not left yet. January: Ann and Ben are in post and both started in
    the last 12 months; Cat is one leaver over two filled posts; Ben is not inducted yet (so one of
    two care staff is); the registered manager left: one leaver over no registered-manager post.
    """
    dates = sorted(set(dates))
    if not dates:
        return _empty_snapshots()
    chunks = [dates[i:i + MAX_DATES_PER_CHUNK] for i in range(0, len(dates), MAX_DATES_PER_CHUNK)]
    frames = [_compute_chunk(workplaces, staff, vacancies, chunk, mandatory, training_records) for chunk in chunks]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _compute_chunk(workplaces, staff, vacancies, dates, mandatory, training_records) -> pd.DataFrame:
    """Every workplace outcome at up to MAX_DATES_PER_CHUNK dates: count, then lay out one long frame."""
    date_days = _date_days(dates)
    window_starts = months_before(date_days, WINDOW_MONTHS)
    places = _WorkplaceIndex.of(workplaces)
    employed = _EmployedStaff.of(staff, places, date_days, window_starts)
    counts = _staff_counts(employed, places.count, len(date_days))
    counts["vacancies"] = _vacancy_counts(vacancies, places, date_days)
    counts["training_required"], counts["training_current"] = _training_counts(
        employed, mandatory, training_records, date_days, places.count)
    return _long_frame(places.ids, date_days, _metric_counts(counts))


@dataclass(frozen=True)
class _WorkplaceIndex:
    """The workplaces of the output (sorted ids) and a lookup table from a workplace id to its row:
    ids are small integers, so every input row finds its workplace in one gather."""
    ids: np.ndarray
    row_of_id: np.ndarray  # -1 for an id that is not one of `ids`

    @classmethod
    def of(cls, workplaces: pd.DataFrame) -> _WorkplaceIndex:
        ids = np.unique(np.asarray(workplaces["workplace_id"], dtype=np.int64))
        row_of_id = np.full(int(ids.max()) + 2 if len(ids) else 1, -1, dtype=np.int64)
        row_of_id[ids] = np.arange(len(ids))
        return cls(ids, row_of_id)

    @property
    def count(self) -> int:
        return len(self.ids)

    def locate(self, workplace_ids) -> tuple[np.ndarray, np.ndarray]:
        """(row of each id's workplace (0 when unknown), whether it is known)."""
        workplace_ids = np.asarray(workplace_ids, dtype=np.int64)
        inside = (workplace_ids >= 0) & (workplace_ids < len(self.row_of_id))
        rows = np.where(inside, self.row_of_id[np.where(inside, workplace_ids, 0)], -1)
        known = rows >= 0
        return np.maximum(rows, 0), known


@dataclass
class _EmployedStaff:
    """Directly employed staff of known workplaces, one entry per employment, and the ranges of
    snapshot-date indices [first, stop) at which each counts: in post, started in the last 12
    months, left in the last 12 months; and from which index each is qualified and inducted."""
    rows: pd.DataFrame
    workplace_rows: np.ndarray
    starts: np.ndarray  # day numbers
    in_post: tuple[np.ndarray, np.ndarray]  # in post and in this row's job role
    started: tuple[np.ndarray, np.ndarray]
    left: tuple[np.ndarray, np.ndarray]
    starter_mask: np.ndarray  # the row holding the role started in (counts the start)
    leaver_mask: np.ndarray  # the row holding the role left from (counts the leaving)
    care_mask: np.ndarray
    manager_mask: np.ndarray
    qualified_from: np.ndarray
    induction_days: np.ndarray
    inducted_from: np.ndarray

    @classmethod
    def of(cls, staff: pd.DataFrame, places: _WorkplaceIndex, date_days: np.ndarray,
           window_starts: np.ndarray) -> _EmployedStaff:
        employed = staff[np.asarray(staff["directly_employed"], dtype=bool)] if len(staff) else staff
        if len(employed):
            workplace_rows, known = places.locate(employed["workplace_id"])
            employed, workplace_rows = employed[known], workplace_rows[known]
        else:
            workplace_rows = np.array([], np.int64)
        nobody = np.array([], np.int64)
        present = bool(len(employed))
        starts = to_days(employed["start_date"]) if present else nobody
        leaving_dates = to_days(employed["leaving_date"]) if present else nobody
        induction_days = to_days(employed["induction_completed_on"]) if present else starts
        role_from_days, role_until_days = _role_days(employed, present)
        in_role_from = np.maximum(_first_on_or_after(date_days, starts), _first_on_or_after(date_days, role_from_days))
        in_role_until = np.minimum(_first_on_or_after(date_days, leaving_dates),
                                   _first_on_or_after(date_days, role_until_days))
        return cls(
            rows=employed, workplace_rows=workplace_rows, starts=starts,
            in_post=(in_role_from, in_role_until),
            started=_window(date_days, window_starts, starts),
            left=_window(date_days, window_starts, leaving_dates),
            starter_mask=carries_start(employed),
            leaver_mask=carries_leaving(employed),
            care_mask=np.asarray(employed["care_providing"], dtype=bool) if present else np.array([], bool),
            manager_mask=np.asarray(employed["registered_manager"], dtype=bool) if present else np.array([], bool),
            qualified_from=_first_on_or_after(date_days, to_days(employed["qualified_on"])) if present else starts,
            induction_days=induction_days,
            inducted_from=_first_on_or_after(date_days, induction_days),
        )


def carries_start(staff: pd.DataFrame) -> np.ndarray:
    """Rows of a staff frame that carry their employment's start (the role started in): count starters
    on these only, or an employment split at a role change is two starters. Every row of a frame
    without role periods."""
    if "role_from" not in staff.columns:
        return np.ones(len(staff), dtype=bool)
    return np.isnat(np.asarray(staff["role_from"]).astype("datetime64[s]"))


def carries_leaving(staff: pd.DataFrame) -> np.ndarray:
    """Rows that carry their employment's leaving (the role left from): count leavers on these only."""
    if "role_until" not in staff.columns:
        return np.ones(len(staff), dtype=bool)
    return np.isnat(np.asarray(staff["role_until"]).astype("datetime64[s]"))


def _role_days(employed: pd.DataFrame, present: bool) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers each row's job role is in force [from, until): -NEVER / NEVER when the row's
    role holds from the start / until leaving (and for frames without role periods)."""
    if not present or "role_from" not in employed.columns:
        return np.full(len(employed), -NEVER, dtype=np.int64), np.full(len(employed), NEVER, dtype=np.int64)
    return to_days(employed["role_from"], missing=-NEVER), to_days(employed["role_until"])


def _staff_counts(employed: _EmployedStaff, n_workplaces: int, n_dates: int) -> dict[str, np.ndarray]:
    """(n_workplaces, n_dates) counts of staff: filled posts, starters, leavers and their subsets."""
    zero = np.zeros((n_workplaces, n_dates), dtype=np.int64)

    def count(mask, first, stop):
        if not len(employed.rows):
            return zero
        return range_counts(employed.workplace_rows[mask], first[mask], stop[mask], n_workplaces, n_dates)

    in_post_from, in_post_until = employed.in_post
    started_from, started_until = employed.started
    left_from, left_until = employed.left
    care = employed.care_mask
    everyone = np.ones(len(employed.rows), dtype=bool)
    starters, leavers = employed.starter_mask, employed.leaver_mask
    care_starters = care & starters
    arrived_holding = care_starters & (employed.induction_days < employed.starts)
    completed_in_time = care_starters & (employed.induction_days >= employed.starts) & (
        employed.induction_days <= employed.starts + 7 * INDUCTION_WEEKS)
    counts = {
        "filled": count(everyone, in_post_from, in_post_until),
        "starters": count(starters, started_from, started_until),
        "leavers": count(leavers, left_from, left_until),
        "qualified": count(everyone, np.maximum(in_post_from, employed.qualified_from), in_post_until),
        "care_staff": count(care, in_post_from, in_post_until),
        "care_inducted": count(care, np.maximum(in_post_from, employed.inducted_from), in_post_until),
        "care_starters": count(care_starters, started_from, started_until),
        "care_starters_arrived_holding": count(arrived_holding, started_from, started_until),
        "care_starters_completed_in_time": count(completed_in_time, np.maximum(started_from, employed.inducted_from),
                                                 started_until),
        "rm_posts": count(employed.manager_mask, in_post_from, in_post_until),
        "rm_leavers": count(employed.manager_mask & leavers, left_from, left_until),
    }
    counts["care_starters_on_time"] = counts["care_starters_arrived_holding"] + counts["care_starters_completed_in_time"]
    return counts


def _metric_counts(counts: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Each workplace metric's (numerator, denominator or None), in METRICS order."""
    return {
        "vacancy_rate": (counts["vacancies"], counts["filled"] + counts["vacancies"]),
        "turnover_rate": (counts["leavers"], counts["filled"]),
        "qualification_uptake": (counts["qualified"], counts["filled"]),
        "care_induction": (counts["care_inducted"], counts["care_staff"]),
        "rm_turnover": (counts["rm_leavers"], counts["rm_posts"]),
        "filled_posts": (counts["filled"], None),
        "starters_rate": (counts["starters"], counts["filled"]),
        "care_induction_12_weeks": (counts["care_starters_on_time"], counts["care_starters"]),
        "care_induction_12_weeks_arrived_holding": (counts["care_starters_arrived_holding"], counts["care_starters"]),
        "care_induction_12_weeks_completed": (counts["care_starters_completed_in_time"], counts["care_starters"]),
        "care_induction_12_weeks_not_completed": (counts["care_starters"] - counts["care_starters_on_time"],
                                                  counts["care_starters"]),
        "training_compliance": (counts["training_current"], counts["training_required"]),
    }


def _long_frame(workplace_ids: np.ndarray, date_days: np.ndarray,
                metric_counts: dict[str, tuple[np.ndarray, np.ndarray | None]]) -> pd.DataFrame:
    """One row per (metric, workplace, date), metric by metric, in the snapshot columns."""
    keys = list(metric_counts)
    n_dates, n_workplaces = len(date_days), len(workplace_ids)
    block = n_workplaces * n_dates
    numerators = [numerator.ravel() for numerator, _ in metric_counts.values()]
    denominators = [denominator.ravel().astype(np.float64) if denominator is not None else np.full(block, np.nan)
                    for _, denominator in metric_counts.values()]
    return pd.DataFrame({
        "scope_type": pd.Categorical.from_codes(np.zeros(block * len(keys), dtype=np.int8), categories=SCOPE_TYPES),
        "scope_id": np.tile(np.repeat(workplace_ids, n_dates), len(keys)),
        "date": np.tile(np.tile(date_days, n_workplaces), len(keys)).astype("datetime64[D]").astype("datetime64[s]"),
        "metric": pd.Categorical.from_codes(np.repeat(np.arange(len(keys), dtype=np.int8), block), categories=keys),
        "numerator": np.concatenate(numerators).astype(np.float64),
        "denominator": np.concatenate(denominators),
    })


def _vacancy_counts(vacancies, places: _WorkplaceIndex, date_days) -> np.ndarray:
    if not len(vacancies):
        return np.zeros((places.count, len(date_days)), dtype=np.int64)
    workplace_rows, known = places.locate(vacancies["workplace_id"])
    open_from = _first_on_or_after(date_days, to_days(vacancies["opened_on"]))
    open_until = _first_on_or_after(date_days, to_days(vacancies["closed_on"]))
    posts = np.asarray(vacancies["posts"], dtype=np.int64)
    return range_counts(workplace_rows[known], open_from[known], open_until[known], places.count, len(date_days),
                        posts[known])


def _training_counts(employed: _EmployedStaff, mandatory, records, date_days, n_workplaces):
    """Mandatory lines required (staff in post x courses mandatory for their role) and current.
    `records`: the training records frame, or a training_lines.Coverage of these dates."""
    n_dates = len(date_days)
    zero = np.zeros((n_workplaces, n_dates), dtype=np.int64)
    if mandatory is None or not len(mandatory) or not len(employed.rows):
        return zero, zero
    roles = np.asarray(mandatory["job_role_id"], dtype=np.int64)
    courses = np.asarray(mandatory["course_id"], dtype=np.int64)
    order = np.lexsort((courses, roles))
    roles, courses = roles[order], courses[order]
    staff_roles = np.asarray(employed.rows["job_role_id"], dtype=np.int64)
    first_course = np.searchsorted(roles, staff_roles, side="left")
    courses_per_staff = np.searchsorted(roles, staff_roles, side="right") - first_course
    in_post_from, in_post_until = employed.in_post
    required = range_counts(employed.workplace_rows, in_post_from, in_post_until, n_workplaces, n_dates,
                            courses_per_staff)
    if isinstance(records, training_lines.Coverage):  # the records already folded per (person, course)
        return required, training_lines.current_lines_covered(
            employed.workplace_rows, np.asarray(employed.rows["person_id"], dtype=np.int64), first_course,
            courses_per_staff, courses, in_post_from, in_post_until, records, n_workplaces, n_dates)
    if records is None or not len(records):
        return required, zero

    current = training_lines.current_lines(
        employed.workplace_rows, np.asarray(employed.rows["person_id"], dtype=np.int64), first_course,
        courses_per_staff, courses, in_post_from, in_post_until,
        np.asarray(records["person_id"], dtype=np.int64), np.asarray(records["course_id"], dtype=np.int64),
        _first_on_or_after(date_days, to_days(records["completed_on"])),
        _first_on_or_after(date_days, to_days(records["expires_on"])), n_workplaces, n_dates)
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
    n_dates = len(date_days)
    present = bool(len(applications))
    submitted = to_days(applications["submitted_on"]) if present else np.array([], np.int64)
    rows: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    cohort_from, cohort_until = _window(date_days, window_starts, submitted)
    county = np.zeros(len(submitted), dtype=np.int64)  # one group: the county
    cohort = range_counts(county, cohort_from, cohort_until, 1, n_dates)[0]
    rows["gcr_applications"] = (cohort, None)
    for metric, column in (("gcr_screened", "screened_on"), ("gcr_passed_values", "passed_on"),
                           ("gcr_referred", "referred_on"), ("gcr_placed", "placed_on")):
        reached_from = _first_on_or_after(date_days, to_days(applications[column])) if present else cohort_from
        rows[metric] = (range_counts(county, np.maximum(cohort_from, reached_from), cohort_until, 1, n_dates)[0],
                        cohort)

    placed = to_days(applications["placed_on"]) if present else submitted
    days_taken = (placed - submitted).astype(np.float64)
    median = np.full(n_dates, np.nan)
    placements = np.zeros(n_dates, dtype=np.int64)
    for i in range(n_dates):  # one vectorised selection per snapshot date
        chosen = (placed <= date_days[i]) & (placed > window_starts[i])
        placements[i] = int(chosen.sum())
        if placements[i]:
            median[i] = float(np.median(days_taken[chosen]))
    rows["gcr_days_to_placement"] = (median, placements)

    placement_starts = to_days(applications["placement_start"]) if present else submitted
    left = to_days(applications["placement_left_on"]) if present else submitted
    for months in RETENTION_MONTHS:
        anchor = months_before(date_days, months)
        anchor_window = months_before(date_days, months + WINDOW_MONTHS)
        due_from = np.searchsorted(anchor, placement_starts, side="left")
        due_until = np.searchsorted(anchor_window, placement_starts, side="left")
        started = range_counts(county, due_from, due_until, 1, n_dates)[0]
        due = _add_months(placement_starts, months)
        stayed = (left > due) & (placement_starts < NEVER)
        kept = range_counts(county[stayed], due_from[stayed], due_until[stayed], 1, n_dates)[0]
        rows[f"gcr_retention_{months}_months"] = (kept, started)

    return pd.DataFrame([
        {"scope_type": "county", "scope_id": 0, "date": np.datetime64(int(date_days[i]), "D"), "metric": metric,
         "numerator": float(numerator[i]) if not np.isnan(numerator[i]) else np.nan,
         "denominator": float(denominator[i]) if denominator is not None else np.nan}
        for metric, (numerator, denominator) in rows.items() for i in range(n_dates)
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
    by_workplace = snapshots if bool(is_workplace.all()) else snapshots[is_workplace]
    if by_workplace.empty:
        return _empty_snapshots()
    ids = np.asarray(workplaces["workplace_id"], dtype=np.int64)
    order = np.argsort(ids)
    ids = ids[order]
    scope_ids = by_workplace["scope_id"].to_numpy(np.int64)
    workplace_rows = np.searchsorted(ids, scope_ids).clip(0, len(ids) - 1)
    if not np.array_equal(ids[workplace_rows], scope_ids):
        raise ValueError("snapshots for a workplace missing from the workplaces frame")
    metric_codes, metric_names = pd.factorize(by_workplace["metric"], sort=True)
    date_codes, date_values = pd.factorize(by_workplace["date"], sort=True)
    numerator = by_workplace["numerator"].to_numpy(np.float64)
    denominator = by_workplace["denominator"].to_numpy(np.float64)
    groupings = {
        "district": np.asarray(workplaces["district_id"], dtype=np.int64)[order][workplace_rows],
        "service_type": np.asarray(workplaces["service_type_id"], dtype=np.int64)[order][workplace_rows],
        "county": np.zeros(len(by_workplace), dtype=np.int64),
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
