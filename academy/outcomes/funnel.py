"""Where the Good Care Recruitment funnel leaks (issue 17): reading the stage history, computing the
funnel's monthly figures as outcome snapshots, and reading them back for the dashboard, the CLI and
the downloads. docs/outcomes.md ("GCR funnel: where it leaks") says what each figure means.

The figures are flows within a month, so each is final at the month's end and every roll-up is a sum:
over scopes (cells of source x district add up to a source, a district and the county) and over
months (twelve months add up to a year). For snapshot date D the month is the calendar month of D
up to D (a month-to-date snapshot covers the days so far).

- stage s (one of STAGES): `entered` (moves into s in the month), `went_on` (of the stays in s that
  ended in the month, those that moved on to a later stage / all of them), `dropped` (of those, the
  ones withdrawn or not progressed), `waiting` (in s at D: a stock, summed over scopes, never over
  months), and the time in s of the stays that ended in the month as counts per day bucket
  (BUCKET_EDGES), from which the median and 90th percentile are read (`percentile_bucket`).
- the online form: `started` (applications begun in the month), `page_NN` (of those, the ones whose
  furthest page saved is page NN or later; a sent application went through every page) and `sent`
  (of those, sent by D).

On hold is not a stage: time on hold counts in the stage it was held from, and resuming is no move.

Scopes: "gcr_cell" (scope_id = district_id * 10 + source code, the finest grain), summed into
"gcr_source" (SOURCE_CODES), "gcr_district" (0: district not given yet, a draft) and "county" (0).
A figure with numerator and denominator both 0 is not stored (nothing happened): read as 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from academy.outcomes import metrics, readers
from academy.outcomes.metrics import Metric
from academy.outcomes.models import OutcomeSnapshot
from recruitment.journey import STEPS
from recruitment.models import HeardAbout, State

STAGES: tuple[State, ...] = (State.submitted, State.screening, State.values_assessed, State.checks,
                             State.ready_to_refer, State.referred, State.interviewing, State.offered)
"""The pipeline's stages in order, each with a next one; placed is where they lead."""
STAGE_LABELS = {
    State.submitted: "Sent, waiting for screening", State.screening: "Screening",
    State.values_assessed: "Values assessment passed", State.checks: "Safer-recruitment checks",
    State.ready_to_refer: "Ready to refer", State.referred: "Referred to a workplace",
    State.interviewing: "Interview arranged", State.offered: "Offered a job", State.placed: "Placed",
}
DROPPED = (State.withdrawn, State.not_progressed)
BUCKET_EDGES = np.array([0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 28, 42, 56, 90, 180, 365], dtype=np.int64)
"""Lower edges, in whole days, of the time-in-stage buckets; the last is open (365 days or more)."""
PAGES = len(STEPS)
SOURCE_CODES = {0: "Not given", **{i + 1: h.value for i, h in enumerate(HeardAbout)}}
"""heard_about ("how did you hear about us") as a scope id: 0 for an application that has not said yet."""
CELL = 10  # a cell's scope_id is district_id * CELL + source code
SCOPE_TYPES = ("gcr_cell", "gcr_source", "gcr_district", "county")
SECONDS_A_DAY = 86_400

_STATE_CODES = {state.name: i for i, state in enumerate(State)}
_RANK = np.full(len(State), -1, dtype=np.int64)  # a state's place in the pipeline; -1 if not in it
for _rank, _state in enumerate((*STAGES, State.placed)):
    _RANK[_STATE_CODES[_state.name]] = _rank
_IS_DROPPED = np.zeros(len(State), dtype=bool)
_IS_DROPPED[[_STATE_CODES[s.name] for s in DROPPED]] = True


# -- the metrics -------------------------------------------------------------------------------------

def _bucket_text(index: int) -> str:
    low = int(BUCKET_EDGES[index])
    if index == len(BUCKET_EDGES) - 1:
        return f"{low} days or more"
    high = int(BUCKET_EDGES[index + 1]) - 1
    if low == high:
        return "under 1 day" if low == 0 else f"{low} day{'s' if low != 1 else ''}"
    return f"{low} to {high} days"


def _stage_metrics(stage: State) -> list[Metric]:
    key, label = f"funnel_{stage.name}", STAGE_LABELS[stage]
    left = f"Stays in {label.lower()} that ended in the month"
    return [
        Metric(f"{key}_entered", f"{label}: moved in", "count", "Applications that moved to this stage in the month",
               None),
        Metric(f"{key}_went_on", f"{label}: went on", "rate", "Of the stays that ended, moved on to a later stage",
               left, "up"),
        Metric(f"{key}_dropped", f"{label}: withdrew or not progressed", "rate",
               "Of the stays that ended, withdrawn or not progressed", left, "down"),
        Metric(f"{key}_waiting", f"{label}: in the stage at the date", "count", "Applications in this stage", None),
        *(Metric(f"{key}_days_{int(low)}", f"{label}: stays of {_bucket_text(i)}", "count",
                 f"Stays that ended in the month after {_bucket_text(i)}", None)
          for i, low in enumerate(BUCKET_EDGES)),
    ]


STAGE_METRICS: tuple[Metric, ...] = (
    *(m for stage in STAGES for m in _stage_metrics(stage)),
    Metric("funnel_placed_entered", "Placed: moved in", "count", "Applications placed in the month", None),
)
FORM_METRICS: tuple[Metric, ...] = (
    Metric("funnel_form_started", "Online form: started", "count", "Applications begun in the month", None),
    *(Metric(f"funnel_form_page_{n:02d}", f"Online form: reached page {n} ({step.title})", "rate",
             f"Saved page {n} or a later one", "Applications begun in the month", "up")
      for n, step in enumerate(STEPS, start=1)),
    Metric("funnel_form_sent", "Online form: sent", "rate", "Sent by the date", "Applications begun in the month",
           "up"),
)
METRICS: dict[str, Metric] = {m.key: m for m in STAGE_METRICS + FORM_METRICS}


# -- reading ------------------------------------------------------------------------------------------

def _seconds(column: str, dialect: str) -> str:
    """Seconds since 1970-01-01 UTC of a timestamp column."""
    if dialect == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def changes_sql(connection, end: date) -> str:
    """Every recorded move up to the end of `end` (a later move cannot change figures at D <= end)."""
    d = connection.dialect.name
    until = readers._date(date.fromordinal(end.toordinal() + 1), d)
    return (f"SELECT c.id AS change_id, c.application_id, c.to_state, {_seconds('c.occurred_at', d)} AS at "
            f"FROM application_state_changes c WHERE c.occurred_at < {until}")


def applications_sql(connection, end: date) -> str:
    d = connection.dialect.name
    until = readers._date(date.fromordinal(end.toordinal() + 1), d)
    return (f"SELECT a.id AS application_id, {readers._day_of('a.created_at', d)} AS started_day, "
            f"{readers._day_of('a.submitted_at', d)} AS sent_day, a.heard_about, "
            f"COALESCE(a.district_id, 0) AS district_id, a.furthest_page FROM applications a "
            f"WHERE a.created_at < {until}")


CHANGE_DTYPES = {"change_id": "int64", "application_id": "int64", "to_state": "object", "at": "int64"}
APPLICATION_DTYPES = {"application_id": "int64", "started_day": "float64", "sent_day": "float64",
                      "heard_about": "object", "district_id": "int64", "furthest_page": "int64"}


def available(connection) -> bool:
    """The stage history and the form's furthest page are kept (a database migrated to 0023)."""
    if not readers._has_tables(connection, "applications", "application_state_changes"):
        return False
    return any(c["name"] == "furthest_page" for c in sa.inspect(connection).get_columns("applications"))


@dataclass
class Inputs:
    changes: pd.DataFrame  # change_id, application_id, state (State code), at (seconds)
    applications: pd.DataFrame  # application_id, started_day, sent_day (NaN), source, district_id, furthest_page


def read(connection, end: date, use_copy: bool | None = None) -> Inputs | None:
    """The funnel's inputs up to `end`, or None where the tables are not there yet."""
    if not available(connection):
        return None
    changes = readers.read_frame(connection, changes_sql(connection, end), CHANGE_DTYPES, use_copy)
    applications = readers.read_frame(connection, applications_sql(connection, end), APPLICATION_DTYPES, use_copy)
    return Inputs(
        pd.DataFrame({"change_id": changes["change_id"].to_numpy(np.int64),
                      "application_id": changes["application_id"].to_numpy(np.int64),
                      "state": state_codes(changes["to_state"]), "at": changes["at"].to_numpy(np.int64)}),
        pd.DataFrame({"application_id": applications["application_id"].to_numpy(np.int64),
                      "started_day": applications["started_day"].to_numpy(np.float64),
                      "sent_day": applications["sent_day"].to_numpy(np.float64),
                      "source": source_codes(applications["heard_about"]),
                      "district_id": applications["district_id"].to_numpy(np.int64),
                      "furthest_page": applications["furthest_page"].to_numpy(np.int64)}))


def state_codes(names) -> np.ndarray:
    return pd.Categorical(pd.Series(names, dtype=object), categories=list(_STATE_CODES)).codes.astype(np.int64)


def source_codes(names) -> np.ndarray:
    """HeardAbout member names to SOURCE_CODES (None: 0)."""
    return (pd.Categorical(pd.Series(names, dtype=object), categories=[h.name for h in HeardAbout]).codes
            .astype(np.int64) + 1)


# -- computing ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Calendar:
    """The run's snapshot dates as day numbers, and which date's month an event day falls in."""
    days: np.ndarray
    months: np.ndarray

    @classmethod
    def of(cls, dates) -> _Calendar:
        days = np.array([np.datetime64(d, "D").astype(np.int64) for d in sorted(set(dates))], dtype=np.int64)
        return cls(days, _month_numbers(days))

    def index(self, event_days: np.ndarray) -> np.ndarray:
        """The date index whose month holds each day (up to that date); -1 for none."""
        where = np.searchsorted(self.months, _month_numbers(event_days)).clip(0, max(len(self.days) - 1, 0))
        inside = (self.months[where] == _month_numbers(event_days)) & (event_days <= self.days[where])
        return np.where(inside, where, -1)


def _month_numbers(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


@dataclass
class _Counters:
    """(n_cells, n_dates) counts, by name, for the cells (source x district) in `cell_ids`."""
    cell_ids: np.ndarray
    n_dates: int
    values: dict

    def add(self, name: str, cells: np.ndarray, date_index: np.ndarray, weights=None) -> None:
        keep = date_index >= 0
        key = cells[keep] * self.n_dates + date_index[keep]
        counted = np.bincount(key, weights=None if weights is None else weights[keep],
                              minlength=len(self.cell_ids) * self.n_dates)
        self.values[name] = counted.reshape(len(self.cell_ids), self.n_dates)


def compute(inputs: Inputs, dates) -> pd.DataFrame:
    """The funnel's snapshot rows (metrics.SNAPSHOT_COLUMNS) for every scope at `dates`.

    Two applications, both from social media (source 2) in district 3, snapshots at the ends of January
    and February 2025: A is sent on 2 January, screened on 5 January and passes on 20 February; B is
    sent on 10 January and withdraws on 11 February. B began the form on 9 January and saved 5 pages.

    >>> day = lambda text: int(np.datetime64(text, "s").astype(np.int64))
    >>> changes = pd.DataFrame({"change_id": [1, 2, 3, 4, 5], "application_id": [1, 2, 1, 2, 1],
    ...     "state": state_codes(["submitted", "submitted", "screening", "withdrawn", "values_assessed"]),
    ...     "at": [day("2025-01-02"), day("2025-01-10"), day("2025-01-05"), day("2025-02-11"), day("2025-02-20")]})
    >>> apps = pd.DataFrame({"application_id": [1, 2], "started_day": [np.nan, day("2025-01-09") // 86400],
    ...     "sent_day": [np.nan, np.nan], "source": [2, 2], "district_id": [3, 3], "furthest_page": [19, 5]})
    >>> rows = compute(Inputs(changes, apps), [date(2025, 1, 31), date(2025, 2, 28)])
    >>> county = rows[rows.scope_type == "county"].set_index(["metric", "date"])
    >>> county.loc["funnel_submitted_entered", ["numerator"]].to_numpy().ravel().tolist()
    [2.0]
    >>> county.loc["funnel_submitted_went_on", ["numerator", "denominator"]].to_numpy().tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    >>> county.loc["funnel_screening_waiting", "numerator"].tolist()
    [1.0]
    >>> county.loc["funnel_form_page_05", ["numerator", "denominator"]].to_numpy().tolist()
    [[1.0, 1.0]]

    In January both were sent; A's stay waiting for screening ended (3 days: it went on) and B's is
    still open, so B is waiting. In February B's stay ended (32 days: withdrawn) and A's screening
    ended (46 days: went on); nobody is waiting in screening at the end of February.
    """
    calendar = _Calendar.of(dates)
    if not len(calendar.days):
        return metrics._empty_snapshots()
    apps = inputs.applications
    app_ids = apps["application_id"].to_numpy(np.int64)
    app_cells = apps["district_id"].to_numpy(np.int64) * CELL + apps["source"].to_numpy(np.int64)
    cell_ids, app_cell_rows = np.unique(app_cells, return_inverse=True)
    counters = _Counters(cell_ids, len(calendar.days), {})
    _stage_counts(counters, inputs.changes, app_ids, app_cell_rows, calendar)
    _form_counts(counters, apps, app_cell_rows, calendar)
    return _rows(counters, calendar)


def _stays(changes: pd.DataFrame, app_ids: np.ndarray) -> pd.DataFrame:
    """Each application's moves in order, less holds and resumptions: a stay in `state` from `at`
    until the next move (`next_at`, `next_state`; -1 while it lasts), with the application's row."""
    order_of_app = np.argsort(app_ids)
    apps_sorted = app_ids[order_of_app]
    moved = changes["application_id"].to_numpy(np.int64)
    where = np.searchsorted(apps_sorted, moved).clip(0, max(len(apps_sorted) - 1, 0))
    known = (apps_sorted[where] == moved) if len(apps_sorted) else np.zeros(len(moved), dtype=bool)
    states = changes["state"].to_numpy(np.int64)
    known &= states != _STATE_CODES["on_hold"]
    moved, states, rows = moved[known], states[known], order_of_app[where[known]]
    at = changes["at"].to_numpy(np.int64)[known]
    order = np.lexsort((changes["change_id"].to_numpy(np.int64)[known], at, moved))
    moved, states, rows, at = moved[order], states[order], rows[order], at[order]
    if not len(moved):
        return pd.DataFrame({column: np.zeros(0, dtype=np.int64)
                             for column in ("row", "state", "at", "next_at", "next_state")})
    same_app_before = np.r_[False, moved[1:] == moved[:-1]]
    repeat = same_app_before & np.r_[False, states[1:] == states[:-1]]  # resumed after a hold
    moved, states, rows, at = moved[~repeat], states[~repeat], rows[~repeat], at[~repeat]
    has_next = np.r_[moved[1:] == moved[:-1], False]
    return pd.DataFrame({"row": rows, "state": states, "at": at,
                         "next_at": np.where(has_next, np.r_[at[1:], 0], -1),
                         "next_state": np.where(has_next, np.r_[states[1:], 0], -1)})


def _stage_counts(counters: _Counters, changes, app_ids, app_cell_rows, calendar: _Calendar) -> None:
    stays = _stays(changes, app_ids)
    cells = app_cell_rows[stays["row"].to_numpy(np.int64)] if len(stays) else np.zeros(0, dtype=np.int64)
    state = stays["state"].to_numpy(np.int64)
    entered_day = stays["at"].to_numpy(np.int64) // SECONDS_A_DAY
    next_at = stays["next_at"].to_numpy(np.int64)
    ended = next_at >= 0
    next_state = stays["next_state"].to_numpy(np.int64)
    left_day = np.where(ended, next_at // SECONDS_A_DAY, metrics.NEVER)
    entered_index, left_index = calendar.index(entered_day), calendar.index(np.where(ended, left_day, 0))
    left_index = np.where(ended, left_index, -1)
    went_on = ended & (_RANK[np.where(ended, next_state, 0)] > _RANK[state])
    dropped = ended & _IS_DROPPED[np.where(ended, next_state, 0)]
    days_in = np.where(ended, (next_at - stays["at"].to_numpy(np.int64)) // SECONDS_A_DAY, 0)
    bucket = np.searchsorted(BUCKET_EDGES, days_in, side="right") - 1
    # waiting at date i: entered on or before it, not left by it
    waiting_from = np.searchsorted(calendar.days, entered_day, side="left")
    waiting_until = np.searchsorted(calendar.days, left_day, side="left")
    for stage in (*STAGES, State.placed):
        in_stage = state == _STATE_CODES[stage.name]
        key = f"funnel_{stage.name}"
        counters.add(f"{key}_entered", cells[in_stage], entered_index[in_stage])
        if stage == State.placed:
            continue
        counters.add(f"{key}_left", cells[in_stage], left_index[in_stage])
        counters.add(f"{key}_went_on", cells[in_stage & went_on], left_index[in_stage & went_on])
        counters.add(f"{key}_dropped", cells[in_stage & dropped], left_index[in_stage & dropped])
        counters.values[f"{key}_waiting"] = metrics.range_counts(
            cells[in_stage], waiting_from[in_stage], waiting_until[in_stage], len(counters.cell_ids), counters.n_dates)
        for i, low in enumerate(BUCKET_EDGES):
            chosen = in_stage & ended & (bucket == i)
            counters.add(f"{key}_days_{int(low)}", cells[chosen], left_index[chosen])


def _form_counts(counters: _Counters, apps: pd.DataFrame, app_cell_rows, calendar: _Calendar) -> None:
    started_day = apps["started_day"].to_numpy(np.float64)
    begun = ~np.isnan(started_day)
    started_index = np.where(begun, calendar.index(np.nan_to_num(started_day).astype(np.int64)), -1)
    sent_day = apps["sent_day"].to_numpy(np.float64)
    sent = ~np.isnan(sent_day)
    furthest = np.where(sent, PAGES, apps["furthest_page"].to_numpy(np.int64).clip(0, PAGES))
    counters.add("funnel_form_started", app_cell_rows, started_index)
    sent_by_date = sent & (np.nan_to_num(sent_day, nan=np.inf) <= calendar.days[started_index.clip(0)])
    counters.add("funnel_form_sent", app_cell_rows[sent_by_date], started_index[sent_by_date])
    for page in range(1, PAGES + 1):
        reached = furthest >= page
        counters.add(f"funnel_form_page_{page:02d}", app_cell_rows[reached], started_index[reached])


def _pairs(values: dict) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Each metric's (numerator, denominator or None) counters, in METRICS order."""
    pairs = {}
    for key, metric in METRICS.items():
        if key.endswith(("_went_on", "_dropped")):
            stage = key.removesuffix("_went_on").removesuffix("_dropped")
            pairs[key] = (values[key], values[f"{stage}_left"])
        elif key.startswith("funnel_form_") and key != "funnel_form_started":
            pairs[key] = (values[key], values["funnel_form_started"])
        else:
            pairs[key] = (values[key], None)
    return pairs


def _rows(counters: _Counters, calendar: _Calendar) -> pd.DataFrame:
    """The cells' counts, and their sums by source, by district and for the county, as snapshot rows;
    rows where nothing happened (numerator and denominator 0) are left out."""
    keys = list(METRICS)
    pairs = _pairs(counters.values)
    numerators = np.stack([pairs[k][0] for k in keys]).astype(np.float64)  # (metrics, cells, dates)
    denominators = np.stack([pairs[k][1] if pairs[k][1] is not None else np.zeros_like(pairs[k][0])
                             for k in keys]).astype(np.float64)
    has_denominator = np.array([pairs[k][1] is not None for k in keys])
    groupings = {
        "gcr_cell": counters.cell_ids,
        "gcr_source": counters.cell_ids % CELL,
        "gcr_district": counters.cell_ids // CELL,
        "county": np.zeros(len(counters.cell_ids), dtype=np.int64),
    }
    frames = []
    for scope_type, of_cell in groupings.items():
        groups, group_of_cell = np.unique(of_cell, return_inverse=True)
        summed = [np.zeros((len(keys), len(groups), counters.n_dates)) for _ in range(2)]
        for total, values in zip(summed, (numerators, denominators)):
            np.add.at(total, (slice(None), group_of_cell), values)
        metric_index, group_index, date_index = np.nonzero((summed[0] != 0) | (summed[1] != 0))
        frames.append(pd.DataFrame({
            "scope_type": scope_type, "scope_id": groups[group_index],
            "date": calendar.days[date_index].astype("datetime64[D]").astype("datetime64[s]"),
            "metric": np.asarray(keys, dtype=object)[metric_index],
            "numerator": summed[0][metric_index, group_index, date_index],
            "denominator": np.where(has_denominator[metric_index], summed[1][metric_index, group_index, date_index],
                                    np.nan),
        }))
    frame = pd.concat(frames, ignore_index=True) if frames else metrics._empty_snapshots()
    frame["source"] = "records"
    return frame


def snapshot_rows(connection, dates: list[date]) -> pd.DataFrame:
    """The job's hook: read and compute the funnel's rows for `dates` (none where the tables are missing)."""
    inputs = read(connection, max(dates))
    if inputs is None:
        return metrics._empty_snapshots().assign(source=pd.Series(dtype=object))
    return compute(inputs, dates)


# -- reading the stored figures back ----------------------------------------------------------------

def percentile_bucket(counts, fraction: float) -> int | None:
    """The index of the bucket holding the stay at `fraction` of the way through, smallest first
    (the median is 0.5: the middle stay, the lower middle of an even number), or None for no stays.

    >>> percentile_bucket([2, 0, 3, 5], 0.5), percentile_bucket([2, 0, 3, 5], 0.9), percentile_bucket([0, 0], 0.5)
    (2, 3, None)
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total <= 0:
        return None
    rank = max(np.ceil(fraction * total), 1)  # the rank-th smallest stay
    return int(np.searchsorted(np.cumsum(counts), rank, side="left"))


@dataclass
class StageFigures:
    stage: State
    label: str
    entered: int
    left: int
    went_on: int
    dropped: int
    waiting: int | None
    days: list[int]  # stays per BUCKET_EDGES bucket

    @property
    def returned(self) -> int:
        """Stays that went back to an earlier stage (a referral declined, an interview that came to nothing)."""
        return self.left - self.went_on - self.dropped

    @property
    def went_on_rate(self) -> float | None:
        return self.went_on / self.left if self.left else None

    @property
    def dropped_rate(self) -> float | None:
        return self.dropped / self.left if self.left else None

    @property
    def median(self) -> str:
        index = percentile_bucket(self.days, 0.5)
        return "" if index is None else _bucket_text(index)

    @property
    def p90(self) -> str:
        index = percentile_bucket(self.days, 0.9)
        return "" if index is None else _bucket_text(index)


@dataclass
class PageFigures:
    number: int
    title: str
    reached: int
    started: int

    @property
    def rate(self) -> float | None:
        return self.reached / self.started if self.started else None


@dataclass
class FunnelFigures:
    """The funnel of one scope over some months (summed), with the stocks at the latest of them."""
    scope_type: str
    scope_id: int
    dates: list[date]
    stages: list[StageFigures]
    placed: int
    started: int
    pages: list[PageFigures]
    sent: int

    @property
    def sent_rate(self) -> float | None:
        return self.sent / self.started if self.started else None

    @property
    def has_figures(self) -> bool:
        return bool(self.started or self.placed or any(s.entered or s.left or s.waiting for s in self.stages))


def figures(session, scope_type: str, scope_id: int, dates: list[date]) -> FunnelFigures:
    """The stored funnel of one scope summed over `dates` (one query); `waiting` is at the latest date."""
    return figures_from_rows(load(session, scope_type, scope_id, dates), scope_type, scope_id, dates)


def load(session, scope_type: str, scope_id: int, dates: list[date]) -> pd.DataFrame:
    """The stored funnel rows of one scope at `dates` (snapshots.load's columns)."""
    table = OutcomeSnapshot.__table__
    columns = ("scope_type", "scope_id", "date", "metric", "numerator", "denominator", "source")
    rows = session.execute(sa.select(*(table.c[c] for c in columns)).where(
        table.c.scope_type == scope_type, table.c.scope_id == scope_id, table.c.date.in_(list(dates)),
        table.c.metric.like("funnel\\_%", escape="\\"))).all()
    return pd.DataFrame(rows, columns=list(columns))


def figures_from_rows(frame: pd.DataFrame, scope_type: str, scope_id: int, dates: list[date]) -> FunnelFigures:
    """The funnel of one scope from its stored rows (those at `dates` are used)."""
    if len(frame):
        frame = frame[pd.to_datetime(frame["date"]).isin(pd.to_datetime(pd.Series(list(dates))))]
    numerators = frame.groupby("metric")["numerator"].sum(min_count=1) if len(frame) else pd.Series(dtype=float)
    denominators = frame.groupby("metric")["denominator"].sum(min_count=1) if len(frame) else pd.Series(dtype=float)
    latest = max(dates) if dates else None
    at_latest = frame[pd.to_datetime(frame["date"]) == pd.Timestamp(latest)] if len(frame) else frame
    stocks = at_latest.set_index("metric")["numerator"] if len(at_latest) else pd.Series(dtype=float)

    def total(series, key) -> int:
        value = series.get(key)
        return 0 if value is None or pd.isna(value) else int(round(float(value)))

    stages = []
    for stage in STAGES:
        key = f"funnel_{stage.name}"
        stages.append(StageFigures(
            stage, STAGE_LABELS[stage], total(numerators, f"{key}_entered"), total(denominators, f"{key}_went_on")
            or total(denominators, f"{key}_dropped"), total(numerators, f"{key}_went_on"),
            total(numerators, f"{key}_dropped"), total(stocks, f"{key}_waiting"),
            [total(numerators, f"{key}_days_{int(low)}") for low in BUCKET_EDGES]))
    started = total(numerators, "funnel_form_started")
    pages = [PageFigures(n, step.title, total(numerators, f"funnel_form_page_{n:02d}"), started)
             for n, step in enumerate(STEPS, start=1)]
    return FunnelFigures(scope_type, scope_id, sorted(dates), stages, total(numerators, "funnel_placed_entered"),
                         started, pages, total(numerators, "funnel_form_sent"))


def scope_for(source: int | None, district_id: int | None) -> tuple[str, int]:
    """The stored scope answering a choice of source and district (None: all)."""
    if source is not None and district_id is not None:
        return "gcr_cell", district_id * CELL + source
    if source is not None:
        return "gcr_source", source
    if district_id is not None:
        return "gcr_district", district_id
    return "county", 0


def scope_names(session, scope_type: str, ids=None) -> dict[int, str]:
    """Names of the funnel's own scopes (report.scope_names asks here for them)."""
    from academy.workplaces.models import District

    districts = dict(session.execute(sa.select(District.id, District.name)).all())
    districts[0] = "District not given"
    if scope_type == "gcr_source":
        names = dict(SOURCE_CODES)
    elif scope_type == "gcr_district":
        names = districts
    else:  # gcr_cell
        wanted = ids if ids is not None else [d * CELL + s for d in districts for s in SOURCE_CODES]
        names = {i: f"{districts.get(i // CELL, f'#{i // CELL}')}, {SOURCE_CODES.get(i % CELL, '?')}" for i in wanted}
    return names if ids is None else {i: names[i] for i in ids if i in names}


def as_text(figures_: FunnelFigures, name: str) -> str:
    """The funnel of one scope as fixed-width text (`flask outcomes show`)."""
    dates = figures_.dates
    period = f"{dates[0]:%d %b %Y}" if len(dates) == 1 else f"{dates[0]:%d %b %Y} to {dates[-1]:%d %b %Y}"
    header = ("Stage", "Moved in", "Ended", "Went on", "Dropped", "Median", "90th percentile", "In it now")
    lines = [(s.label, str(s.entered), str(s.left),
              "" if s.went_on_rate is None else f"{s.went_on} ({100 * s.went_on_rate:.1f}%)",
              "" if s.dropped_rate is None else f"{s.dropped} ({100 * s.dropped_rate:.1f}%)",
              s.median, s.p90, str(s.waiting)) for s in figures_.stages]
    lines.append(("Placed", str(figures_.placed), "", "", "", "", "", ""))
    lines.append(("Online form started", str(figures_.started), "", "", "", "", "", ""))
    lines += [(f"  page {p.number}: {p.title}", str(p.reached), "", "" if p.rate is None else f"{100 * p.rate:.1f}%",
               "", "", "", "") for p in figures_.pages]
    lines.append(("  sent", str(figures_.sent), "", "" if figures_.sent_rate is None else f"{100 * figures_.sent_rate:.1f}%",
                  "", "", "", ""))
    widths = [max(len(row[i]) for row in (header, *lines)) for i in range(len(header))]
    out = [f"GCR funnel, {name}, month{'s' if len(dates) > 1 else ''} to {period}"]
    for i, row in enumerate((header, *lines)):
        out.append("  ".join(v.ljust(w) if j == 0 else v.rjust(w) for j, (v, w) in enumerate(zip(row, widths))).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
