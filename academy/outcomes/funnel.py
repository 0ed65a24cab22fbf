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
  months), and the median and 90th percentile of the whole days those stays lasted (kind "median":
  numerator the days, denominator the stays), with the same two over the 12 months to the run's
  latest date (`_12m`, stored at that date only). Percentiles do not add up: they are computed from
  the stays of each scope, never from other scopes' or months' percentiles.
- the online form: `started` (applications begun in the month), `page_NN` (of those, the ones whose
  furthest page saved is page NN or later; a sent application went through every page) and `sent`
  (of those, sent by D).

On hold is not a stage: time on hold counts in the stage it was held from, and resuming is no move.

Scopes: counted per cell of source x district (district_id * CELL + source code), then summed into
"gcr_source" (SOURCE_CODES), "gcr_district" (0: district not given yet, a draft) and "county" (0),
which are stored; the cells are not (about three times the rows: see docs/outcomes.md, benchmark).
A figure with numerator and denominator both 0 is not stored (nothing happened): read as 0.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from academy.outcomes import metrics, readers, stored
from academy.outcomes.metrics import Metric
from academy.workplaces.models import District
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
PERCENTILES = {"median": 0.5, "p90": 0.9}
"""Time in a stage: the stay this far through them, shortest first (the nearest rank: the median of
an even number is the lower middle one), in whole days."""
WINDOW_MONTHS = 12  # the 12-month times: the latest date's month and the 11 before it
PAGES = len(STEPS)
SOURCE_CODES = {0: "Not given", **{i + 1: h.value for i, h in enumerate(HeardAbout)}}
"""heard_about ("how did you hear about us") as a scope id: 0 for an application that has not said yet."""
CELL = 10  # a cell (source x district, counted, not stored) is district_id * CELL + source code
SCOPE_TYPES = ("gcr_source", "gcr_district", "county")
SECONDS_A_DAY = 86_400
DAY_BITS = 24  # a stay's whole days fit in 24 bits (45,000 years), the rest of an int64 holds its run

_STATE_CODES = {state.name: i for i, state in enumerate(State)}
_RANK = np.full(len(State), -1, dtype=np.int64)  # a state's place in the pipeline; -1 if not in it
for _rank, _state in enumerate((*STAGES, State.placed)):
    _RANK[_STATE_CODES[_state.name]] = _rank
_IS_DROPPED = np.zeros(len(State), dtype=bool)
_IS_DROPPED[[_STATE_CODES[s.name] for s in DROPPED]] = True


# -- the metrics -------------------------------------------------------------------------------------

def _stage_metrics(stage: State) -> list[Metric]:
    key, label = f"funnel_{stage.name}", STAGE_LABELS[stage]
    left = f"Stays in {label.lower()} that ended in the month"
    year = f"Stays in {label.lower()} that ended in the 12 months to the date"
    return [
        Metric(f"{key}_entered", f"{label}: moved in", "count", "Applications that moved to this stage in the month",
               None),
        Metric(f"{key}_went_on", f"{label}: went on", "rate", "Of the stays that ended, moved on to a later stage",
               left, "up"),
        Metric(f"{key}_dropped", f"{label}: withdrew or not progressed", "rate",
               "Of the stays that ended, withdrawn or not progressed", left, "down"),
        Metric(f"{key}_waiting", f"{label}: in the stage at the date", "count", "Applications in this stage", None),
        Metric(f"{key}_median_days", f"{label}: median days in the stage", "median", "Median whole days", left),
        Metric(f"{key}_p90_days", f"{label}: 90th percentile days in the stage", "median",
               "90th percentile of whole days", left),
        Metric(f"{key}_median_days_12m", f"{label}: median days in the stage, 12 months", "median",
               "Median whole days", year),
        Metric(f"{key}_p90_days_12m", f"{label}: 90th percentile days in the stage, 12 months", "median",
               "90th percentile of whole days", year),
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
COUNTED = [key for key, metric in METRICS.items() if metric.kind != "median"]  # summed over cells (not the times)


# -- reading ------------------------------------------------------------------------------------------

def _seconds(column: str, dialect: str) -> str:
    """Seconds since 1970-01-01 UTC of a timestamp column (date_part: a float, where EXTRACT would
    build a numeric for every row)."""
    if dialect == "postgresql":
        return f"CAST(date_part('epoch', {column}) AS BIGINT)"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def _coded(column: str, codes: dict[str, int], otherwise: int) -> str:
    """A text column as a whole number (`codes`; `otherwise` for NULL or any other value), so every
    column the funnel reads is a number and PostgreSQL can send them as binary COPY rows."""
    whens = " ".join(f"WHEN '{name}' THEN {code}" for name, code in codes.items())
    return f"CASE {column} {whens} ELSE {otherwise} END"


def _state_code(column: str) -> str:
    return _coded(column, _STATE_CODES, -1)


def _source_code(column: str) -> str:
    return _coded(column, {h.name: code for code, h in enumerate(HeardAbout, start=1)}, 0)


ACTIVE_NAMES = tuple(s.name for s in (*STAGES, State.on_hold))  # where an application can be waiting


def window_start(latest: date) -> date:
    """The first day of the 12-month times' window: the month 11 months before the latest date's."""
    year, month = divmod(latest.year * 12 + latest.month - 1 - (WINDOW_MONTHS - 1), 12)
    return date(year, month + 1, 1)


def _bounds(connection, dates: list[date]) -> tuple[str, str]:
    """The first day any figure at `dates` looks at (the earliest date's month, or the latest date's
    12-month window) and the day after the latest date, as SQL."""
    d = connection.dialect.name
    first = min(min(dates).replace(day=1), window_start(max(dates)))
    return readers._date(first, d), readers._date(date.fromordinal(max(dates).toordinal() + 1), d)


def changes_sql(connection, dates: list[date]) -> str:
    """Every move up to the latest date of the applications whose history can count at `dates` (their
    last move was since the first day a figure looks at, or they are still in a stage, perhaps waiting
    since before), with each application's source and district. A later move cannot change figures
    at these dates (a stay it ends still counts as waiting)."""
    d = connection.dialect.name
    since, until = _bounds(connection, dates)
    states = ", ".join(f"'{name}'" for name in ACTIVE_NAMES)
    return (f"SELECT c.id AS change_id, c.application_id, {_state_code('c.to_state')} AS state, "
            f"{_seconds('c.occurred_at', d)} AS at, {_source_code('a.heard_about')} AS source, "
            "COALESCE(a.district_id, 0) AS district_id "
            "FROM application_state_changes c JOIN applications a ON a.id = c.application_id "
            f"WHERE c.occurred_at < {until} AND (a.state_changed_at >= {since} OR a.state IN ({states})) "
            # a duplicate merged away (recruitment/duplicates.py) counts once, as the kept application's own
            # history: not its pointer, nor the moves it brought to the kept one
            "AND a.state <> 'merged' AND c.merged_from_id IS NULL")


def applications_sql(connection, dates: list[date]) -> str:
    """The applications begun in the months of `dates` (the online form's figures)."""
    d = connection.dialect.name
    since, until = _bounds(connection, dates)
    return (f"SELECT a.id AS application_id, {readers._day_of('a.created_at', d)} AS started_day, "
            f"{readers._day_of('a.submitted_at', d)} AS sent_day, {_source_code('a.heard_about')} AS source, "
            f"COALESCE(a.district_id, 0) AS district_id, a.furthest_page FROM applications a "
            f"WHERE a.created_at >= {since} AND a.created_at < {until} AND a.state <> 'merged'")


CHANGE_DTYPES = {"change_id": "int64", "application_id": "int64", "state": "int64", "at": "int64",
                 "source": "int64", "district_id": "int64"}
APPLICATION_DTYPES = {"application_id": "int64", "started_day": "float64", "sent_day": "float64", "source": "int64",
                      "district_id": "int64", "furthest_page": "int64"}


def available(connection) -> bool:
    """The stage history and the form's furthest page are kept (a database migrated to 0023)."""
    if not readers._has_tables(connection, "applications", "application_state_changes"):
        return False
    return any(c["name"] == "furthest_page" for c in sa.inspect(connection).get_columns("applications"))


@dataclass
class Inputs:
    changes: pd.DataFrame  # change_id, application_id, state (State code), at (seconds), source, district_id
    applications: pd.DataFrame  # begun in the months: application_id, started_day, sent_day (NaN), source, district_id,
    # furthest_page


def read(connection, dates: list[date], use_copy: bool | None = None, packed: bool = False) -> Inputs | None:
    """The funnel's inputs for `dates`, or None where the tables are not there yet. Every column is a
    number (states and sources coded in the SQL), so PostgreSQL sends binary rows; `packed` (on
    PostgreSQL: Alongside's worker) has the server pack them (readers.read_packed_numbers)."""
    if not available(connection):
        return None
    changes, applications = changes_sql(connection, dates), applications_sql(connection, dates)
    if packed and readers.uses_copy(connection):
        return Inputs(readers.read_packed_numbers(connection, changes, CHANGE_DTYPES, "change_id"),
                      readers.read_packed_numbers(connection, applications, APPLICATION_DTYPES, "application_id"))
    return Inputs(readers.read_frame(connection, changes, CHANGE_DTYPES, use_copy),
                  readers.read_frame(connection, applications, APPLICATION_DTYPES, use_copy))


def state_codes(names) -> np.ndarray:
    """State member names to their position in State (-1 for none), as the changes' SQL codes them."""
    return pd.Categorical(pd.Series(names, dtype=object), categories=list(_STATE_CODES)).codes.astype(np.int64)


# -- computing ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Calendar:
    """The run's snapshot dates as day numbers, each counting the days from its month's first."""
    days: np.ndarray
    month_starts: np.ndarray
    window_start: int  # the first day of the latest date's 12-month window

    @classmethod
    def of(cls, dates) -> _Calendar:
        dates = sorted(set(dates))
        return cls(np.array([np.datetime64(d, "D").astype(np.int64) for d in dates], dtype=np.int64),
                   np.array([np.datetime64(d.replace(day=1), "D").astype(np.int64) for d in dates], dtype=np.int64),
                   int(np.datetime64(window_start(dates[-1]), "D").astype(np.int64)) if dates else 0)

    def index(self, event_days: np.ndarray) -> np.ndarray:
        """The index of the date whose month (up to the date) holds each day; -1 for none."""
        where = np.searchsorted(self.month_starts, event_days, side="right") - 1
        inside = (where >= 0) & (event_days <= self.days[where.clip(0)])
        return np.where(inside, where, -1)


def compute(inputs: Inputs, dates) -> pd.DataFrame:
    """The funnel's snapshot rows (metrics.SNAPSHOT_COLUMNS) for every scope at `dates`.

    Two applications, both from social media (source 2) in district 3, snapshots at the ends of January
    and February 2025: A is sent on 2 January, screened on 5 January and passes on 20 February; B is
    sent on 10 January and withdraws on 11 February. B began the form on 9 January and saved 5 pages.

    >>> day = lambda text: int(np.datetime64(text, "s").astype(np.int64))
    >>> changes = pd.DataFrame({"change_id": [1, 2, 3, 4, 5], "application_id": [1, 1, 1, 2, 2],
    ...     "state": state_codes(["submitted", "screening", "values_assessed", "submitted", "withdrawn"]),
    ...     "at": [day("2025-01-02"), day("2025-01-05"), day("2025-02-20"), day("2025-01-10"), day("2025-02-11")],
    ...     "source": 2, "district_id": 3})
    >>> apps = pd.DataFrame({"started_day": [day("2025-01-09") // 86400], "sent_day": [np.nan], "source": [2],
    ...     "district_id": [3], "furthest_page": [5]})
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
    >>> county.loc["funnel_submitted_median_days", ["numerator", "denominator"]].to_numpy().tolist()
    [[3.0, 1.0], [32.0, 1.0]]
    >>> county.loc["funnel_submitted_p90_days_12m", ["numerator", "denominator"]].to_numpy().tolist()
    [[32.0, 2.0]]

    In January both were sent; A's stay waiting for screening ended (3 days: it went on) and B's is
    still open, so B is waiting. In February B's stay ended (32 days: withdrawn) and A's screening
    ended (46 days: went on); nobody is waiting in screening at the end of February.
    """
    calendar = _Calendar.of(dates)
    if not len(calendar.days):
        return _no_rows()
    changes, apps = inputs.changes, inputs.applications
    change_cells = changes["district_id"].to_numpy(np.int64) * CELL + changes["source"].to_numpy(np.int64)
    app_cells = apps["district_id"].to_numpy(np.int64) * CELL + apps["source"].to_numpy(np.int64)
    cell_ids, cell_rows = np.unique(np.concatenate([change_cells, app_cells]), return_inverse=True)
    counts: dict[str, np.ndarray] = {}
    ended = _stage_counts(counts, changes, cell_rows[:len(changes)], len(cell_ids), calendar)
    _form_counts(counts, apps, cell_rows[len(changes):], len(cell_ids), calendar)
    return pd.concat([_rows(counts, cell_ids, calendar), _percentile_rows(ended, cell_ids, calendar)],
                     ignore_index=True)


def _stays(changes: pd.DataFrame, cells: np.ndarray) -> pd.DataFrame:
    """Each application's moves in order, less holds and resumptions: a stay in `state` from `at` until
    the next move (`next_at`, `next_state`; -1 while it lasts), in the application's cell."""
    moved = changes["application_id"].to_numpy(np.int64)
    states = changes["state"].to_numpy(np.int64)
    at = changes["at"].to_numpy(np.int64)
    order = _in_order(moved, at, changes["change_id"].to_numpy(np.int64))
    keep = order[states[order] != _STATE_CODES["on_hold"]]
    moved, states, at, cells = moved[keep], states[keep], at[keep], np.asarray(cells, dtype=np.int64)[keep]
    repeat = np.r_[False, (moved[1:] == moved[:-1]) & (states[1:] == states[:-1])] if len(moved) else moved > 0
    moved, states, at, cells = moved[~repeat], states[~repeat], at[~repeat], cells[~repeat]  # resumed after a hold
    has_next = np.r_[moved[1:] == moved[:-1], False] if len(moved) else moved > 0
    return pd.DataFrame({"cell": cells, "state": states, "at": at,
                         "next_at": np.where(has_next, np.r_[at[1:], 0][:len(moved)], -1),
                         "next_state": np.where(has_next, np.r_[states[1:], 0][:len(moved)], -1)})


def _in_order(moved: np.ndarray, at: np.ndarray, change_id: np.ndarray) -> np.ndarray:
    """The order of the moves by application, then time, then change id. Where application and time
    fit in 62 bits packed into one number: two stable sorts, by change id and then by that number
    (fast on rows that come nearly in order, as they do from the database), else a sort by the three."""
    if len(moved):
        since = int(at.min())
        time_bits = max(int(at.max()) - since, 0).bit_length()
        if int(moved.min()) >= 0 and int(moved.max()).bit_length() + time_bits <= 62:
            by_id = np.argsort(change_id, kind="stable")
            packed = (moved[by_id] << time_bits) | (at[by_id] - since)
            return by_id[np.argsort(packed, kind="stable")]
    return np.lexsort((change_id, at, moved))


def _counted(groups: np.ndarray, date_index: np.ndarray, n_groups: int, n_dates: int) -> np.ndarray:
    """(n_groups, n_dates) counts of the rows with a date (index >= 0)."""
    keep = date_index >= 0
    return np.bincount(groups[keep] * n_dates + date_index[keep], minlength=n_groups * n_dates).reshape(
        n_groups, n_dates)


@dataclass
class _EndedStays:
    """The stays that ended: their stage's rank, cell row, whole days, the day they ended and the
    index of the date whose month holds it (-1: none)."""
    rank: np.ndarray
    cell: np.ndarray
    days: np.ndarray
    left_day: np.ndarray
    date_index: np.ndarray


def _stage_counts(counts: dict, changes, change_cells, n_cells: int, calendar: _Calendar) -> _EndedStays:
    """Per stage and cell, (n_cells, n_dates) counts of moves in, stays ended (all, went on, dropped)
    and stays open at each date: one bincount a counter for every stage at once. Returns the ended
    stays (for the times)."""
    stays = _stays(changes, change_cells)
    n_dates, n_stages = len(calendar.days), len(STAGES) + 1
    rank = _RANK[stays["state"].to_numpy(np.int64)]
    in_pipeline = rank >= 0
    stays = stays[in_pipeline]
    rank = rank[in_pipeline]
    cells = stays["cell"].to_numpy(np.int64)
    group = rank * n_cells + cells  # (stage, cell)
    at, next_at = stays["at"].to_numpy(np.int64), stays["next_at"].to_numpy(np.int64)
    next_state = stays["next_state"].to_numpy(np.int64)
    ended = next_at >= 0
    entered_day = at // SECONDS_A_DAY
    left_day = np.where(ended, next_at // SECONDS_A_DAY, metrics.NEVER)
    left_index = np.where(ended, calendar.index(left_day), -1)
    next_known = np.where(ended, next_state, 0)
    went_on = ended & (_RANK[next_known] > rank)
    dropped = ended & _IS_DROPPED[next_known]
    n_groups = n_stages * n_cells
    shaped = {
        "entered": _counted(group, calendar.index(entered_day), n_groups, n_dates),
        "left": _counted(group, left_index, n_groups, n_dates),
        "went_on": _counted(group, np.where(went_on, left_index, -1), n_groups, n_dates),
        "dropped": _counted(group, np.where(dropped, left_index, -1), n_groups, n_dates),
        # in the stage at date i: moved in on or before it, not left by it
        "waiting": metrics.range_counts(group, np.searchsorted(calendar.days, entered_day, side="left"),
                                        np.searchsorted(calendar.days, left_day, side="left"), n_groups, n_dates),
    }
    for stage_rank, stage in enumerate((*STAGES, State.placed)):
        key = f"funnel_{stage.name}"
        rows = slice(stage_rank * n_cells, (stage_rank + 1) * n_cells)
        counts[f"{key}_entered"] = shaped["entered"][rows]
        if stage != State.placed:
            for name in ("left", "went_on", "dropped", "waiting"):
                counts[f"{key}_{name}"] = shaped[name][rows]
    return _EndedStays(rank[ended], cells[ended], (next_at[ended] - at[ended]) // SECONDS_A_DAY, left_day[ended],
                       left_index[ended])


def _form_counts(counts: dict, apps: pd.DataFrame, app_cell_rows, n_cells: int, calendar: _Calendar) -> None:
    """Per cell, forms begun in each date's month, how many reached each page, and sent by the date."""
    n_dates = len(calendar.days)
    started_day = apps["started_day"].to_numpy(np.float64)
    begun = ~np.isnan(started_day)
    started_index = np.where(begun, calendar.index(np.nan_to_num(started_day).astype(np.int64)), -1)
    sent_day = apps["sent_day"].to_numpy(np.float64)
    sent = ~np.isnan(sent_day)
    furthest = np.where(sent, PAGES, apps["furthest_page"].to_numpy(np.int64).clip(0, PAGES))
    counts["funnel_form_started"] = _counted(app_cell_rows, started_index, n_cells, n_dates)
    sent_by_date = sent & (np.nan_to_num(sent_day, nan=np.inf) <= calendar.days[started_index.clip(0)])
    counts["funnel_form_sent"] = _counted(app_cell_rows, np.where(sent_by_date, started_index, -1), n_cells, n_dates)
    stopped_at = _counted(app_cell_rows * (PAGES + 1) + furthest, started_index, n_cells * (PAGES + 1), n_dates)
    reached = np.cumsum(stopped_at.reshape(n_cells, PAGES + 1, n_dates)[:, ::-1], axis=1)[:, ::-1]
    for page in range(1, PAGES + 1):  # reached page p: stopped at p or later
        counts[f"funnel_form_page_{page:02d}"] = reached[:, page, :]


def _pairs(values: dict) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Each metric's (numerator, denominator or None) counters, in METRICS order."""
    pairs = {}
    for key in COUNTED:
        if key.endswith(("_went_on", "_dropped")):
            stage = key.removesuffix("_went_on").removesuffix("_dropped")
            pairs[key] = (values[key], values[f"{stage}_left"])
        elif key.startswith("funnel_form_") and key != "funnel_form_started":
            pairs[key] = (values[key], values["funnel_form_started"])
        else:
            pairs[key] = (values[key], None)
    return pairs


def _rows(counts: dict, cell_ids: np.ndarray, calendar: _Calendar) -> pd.DataFrame:
    """The cells' counts summed by source, by district and for the county, as snapshot rows; rows
    where nothing happened (numerator and denominator 0) are left out."""
    keys = list(COUNTED)
    pairs = _pairs(counts)
    n_cells, n_dates = len(cell_ids), len(calendar.days)
    numerators = np.stack([pairs[k][0] for k in keys]).astype(np.float64)  # (metrics, cells, dates)
    denominators = np.stack([pairs[k][1] if pairs[k][1] is not None else np.zeros((n_cells, n_dates))
                             for k in keys]).astype(np.float64)
    has_denominator = np.array([pairs[k][1] is not None for k in keys])
    frames = []
    for scope_type, of_cell in _groupings(cell_ids):
        groups, group_of_cell = np.unique(of_cell, return_inverse=True)
        to_group = np.zeros((n_cells, len(groups)))
        to_group[np.arange(n_cells), group_of_cell] = 1.0  # summing cells into groups: one matrix product
        summed = [np.einsum("mcd,cg->mgd", values, to_group) for values in (numerators, denominators)]
        metric_index, group_index, date_index = np.nonzero((summed[0] != 0) | (summed[1] != 0))
        frames.append(pd.DataFrame({
            "scope_type": scope_type, "scope_id": groups[group_index],
            "date": calendar.days[date_index].astype("datetime64[D]").astype("datetime64[s]"),
            "metric": np.asarray(keys, dtype=object)[metric_index],
            "numerator": summed[0][metric_index, group_index, date_index],
            "denominator": np.where(has_denominator[metric_index], summed[1][metric_index, group_index, date_index],
                                    np.nan),
            "source": "records",
        }))
    return pd.concat(frames, ignore_index=True)


def _percentile_rows(ended: _EndedStays, cell_ids: np.ndarray, calendar: _Calendar) -> pd.DataFrame:
    """Median and 90th percentile days of the stays that ended, per scope: in each date's month, and in
    the 12 months to the latest date (stored at that date). Each from the stays themselves, sorted
    once per scope type: the nearest rank in each (scope, stage, month) run."""
    n_dates, n_stages = len(calendar.days), len(STAGES)
    latest = len(calendar.days) - 1
    in_year = (ended.left_day >= calendar.window_start) & (ended.left_day <= calendar.days[-1])
    frames = []
    for scope_type, of_cell in _groupings(cell_ids):
        groups, group_of_cell = np.unique(of_cell, return_inverse=True)
        scope_rows = group_of_cell[ended.cell]
        for suffix, chosen, date_index in (("", ended.date_index >= 0, ended.date_index),
                                           ("_12m", in_year, np.full(len(ended.rank), latest))):
            key = ((scope_rows * n_stages + ended.rank) * n_dates + date_index)[chosen]
            # sorted by run, then by days: one sort of run and days packed into one number
            packed = np.sort((key << DAY_BITS) | ended.days[chosen].clip(0, (1 << DAY_BITS) - 1))
            key, days = packed >> DAY_BITS, packed & ((1 << DAY_BITS) - 1)
            runs, first, sizes = np.unique(key, return_index=True, return_counts=True)
            scope_index, rest = np.divmod(runs, n_stages * n_dates)
            stage_index, date_of_run = np.divmod(rest, n_dates)
            for name, fraction in PERCENTILES.items():
                rank = np.maximum(np.ceil(fraction * sizes).astype(np.int64), 1)  # the rank-th shortest stay
                frames.append(pd.DataFrame({
                    "scope_type": scope_type, "scope_id": groups[scope_index],
                    "date": calendar.days[date_of_run].astype("datetime64[D]").astype("datetime64[s]"),
                    "metric": np.array([f"funnel_{s.name}_{name}_days{suffix}" for s in STAGES],
                                       dtype=object)[stage_index],
                    "numerator": days[first + rank - 1].astype(np.float64), "denominator": sizes.astype(np.float64),
                    "source": "records",
                }))
    return pd.concat(frames, ignore_index=True) if frames else _no_rows()


def _groupings(cell_ids: np.ndarray):
    """Each stored scope type and the scope of every cell."""
    return (("gcr_source", cell_ids % CELL), ("gcr_district", cell_ids // CELL),
            ("county", np.zeros(len(cell_ids), dtype=np.int64)))


def _no_rows() -> pd.DataFrame:
    return metrics._empty_snapshots().assign(source=pd.Series(dtype=object))


def snapshot_rows(connection, dates: list[date], packed: bool = False) -> pd.DataFrame:
    """The job's hook: read and compute the funnel's rows for `dates` (none where the tables are missing)."""
    inputs = read(connection, dates, packed=packed)
    return _no_rows() if inputs is None else compute(inputs, dates)


class Alongside:
    """The funnel's rows for the outcomes job, read and computed in a worker thread on a connection of
    its own while the job does the rest, where that sees exactly what the job's connection would:
    on PostgreSQL, when the job's transaction has written nothing yet (no transaction id), a new
    connection sees the same committed rows. Otherwise (SQLite, or a caller's uncommitted writes)
    the rows are read and computed on the job's connection when asked for."""

    def __init__(self, connection, dates: list[date], pool=None, future=None) -> None:
        self.connection, self.dates, self._pool, self._future = connection, dates, pool, future

    @classmethod
    def start(cls, connection, dates: list[date]) -> Alongside:
        if connection.dialect.name != "postgresql" or connection.scalar(
                sa.text("SELECT pg_current_xact_id_if_assigned()")) is not None:
            return cls(connection, dates)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="funnel")
        return cls(connection, dates, pool, pool.submit(_rows_on_own_connection, connection.engine, dates))

    def rows(self) -> pd.DataFrame:
        if self._future is None:
            return snapshot_rows(self.connection, self.dates)
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def abandon(self) -> None:
        """The job failed: do not wait for the worker (it only reads, on its own connection, which it
        gives back when done); what it makes is dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _rows_on_own_connection(engine, dates: list[date]) -> pd.DataFrame:
    with engine.connect() as connection:
        try:
            return snapshot_rows(connection, dates, packed=True)
        finally:
            connection.rollback()


# -- reading the stored figures back ----------------------------------------------------------------

def days_text(days: float | None) -> str:
    """ "under 1 day", "1 day", "12 days"; "" for no figure."""
    if days is None:
        return ""
    return "under 1 day" if days < 1 else f"{days:,.0f} day{'' if round(days) == 1 else 's'}"


@dataclass
class StageFigures:
    stage: State
    label: str
    entered: int
    left: int
    went_on: int
    dropped: int
    waiting: int | None
    median_days: float | None  # of the stays that ended (in the month, or in the 12 months)
    p90_days: float | None

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
        return days_text(self.median_days)

    @property
    def p90(self) -> str:
        return days_text(self.p90_days)


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
    """The stored funnel of one scope summed over `dates` (one query); `waiting` is at the latest date, and
    the times are the month's (one date) or the 12 months' to the latest date (several)."""
    return figures_from_rows(load(session, scope_type, scope_id, dates), scope_type, scope_id, dates)


def load(session, scope_type: str, scope_id: int, dates: list[date]) -> pd.DataFrame:
    """The stored funnel rows of one scope at `dates` (snapshots.load's columns)."""
    frame = stored.load(session, scope_type, [scope_id], dates)
    return frame[frame["metric"].str.startswith("funnel_")].reset_index(drop=True)


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

    times = "" if len(dates) == 1 else "_12m"  # one month's times, or the 12 months' (stored at the latest)

    def time(key) -> float | None:
        value = stocks.get(key)
        return None if value is None or pd.isna(value) else float(value)

    stages = []
    for stage in STAGES:
        key = f"funnel_{stage.name}"
        stages.append(StageFigures(
            stage, STAGE_LABELS[stage], total(numerators, f"{key}_entered"), total(denominators, f"{key}_went_on")
            or total(denominators, f"{key}_dropped"), total(numerators, f"{key}_went_on"),
            total(numerators, f"{key}_dropped"), total(stocks, f"{key}_waiting"),
            time(f"{key}_median_days{times}"), time(f"{key}_p90_days{times}")))
    started = total(numerators, "funnel_form_started")
    pages = [PageFigures(n, step.title, total(numerators, f"funnel_form_page_{n:02d}"), started)
             for n, step in enumerate(STEPS, start=1)]
    return FunnelFigures(scope_type, scope_id, sorted(dates), stages, total(numerators, "funnel_placed_entered"),
                         started, pages, total(numerators, "funnel_form_sent"))


def scope_for(source: int | None, district_id: int | None) -> tuple[str, int]:
    """The stored scope answering a choice of a source or a district (None: all)."""
    if source is not None:
        return "gcr_source", source
    if district_id is not None:
        return "gcr_district", district_id
    return "county", 0


def scope_names(session, scope_type: str, ids=None) -> dict[int, str]:
    """Names of the funnel's own scopes (report.scope_names asks here for them)."""
    districts = dict(session.execute(sa.select(District.id, District.name)).all())
    districts[0] = "District not given"
    names = dict(SOURCE_CODES) if scope_type == "gcr_source" else districts
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
