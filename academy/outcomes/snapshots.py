"""Computing a run of snapshots and storing it atomically; reading stored snapshots back.

A run deletes and re-inserts the snapshots of its dates in one transaction: a re-run never
duplicates, and a run that fails or is killed half-way leaves the previous snapshots as they were.
"""
from __future__ import annotations

import io
import json
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa
from psycopg.copy import QueuedLibpqWriter

from academy.auth.access import DomainError, Invalid
from academy.outcomes import declared, funnel, metrics, readers
from academy.outcomes.models import OutcomeSnapshot
from academy.outcomes.stored import STORED_COLUMNS, figure_values, load  # noqa: F401 - load is read from here too

TRAINING_METRICS = ("qualification_uptake", "care_induction", "care_induction_12_weeks",
                    *(m.key for m in metrics.INDUCTION_PARTS), "training_compliance")
Progress = Callable[[int, str], None]
EARLIEST = date(2000, 1, 1)


ADVISORY_LOCK = 6_006_006  # PostgreSQL advisory lock key for writing outcome snapshots


class AlreadyRunning(DomainError):
    """A recompute is already queued or running."""

    def __init__(self, job_id: str | None = None) -> None:
        super().__init__("A recompute of the outcomes is already running. Wait for it to finish, then try again.")
        self.job_id = job_id


@dataclass
class RunResult:
    dates: list[date]
    rows: int  # figures computed
    workplaces: int
    seconds: dict[str, float] = field(default_factory=dict)
    written: Written | None = None  # what storing them wrote (only the figures that changed)


def validate_range(start: date, end: date, today: date | None = None) -> None:
    """Refuse dates out of order, in the future or before any data could exist."""
    today = today or date.today()
    if start > end:
        raise Invalid(f"The start date ({start:%d %B %Y}) must be on or before the end date ({end:%d %B %Y})")
    if end > today:
        raise Invalid(f"The end date ({end:%d %B %Y}) must be today or in the past")
    if start < EARLIEST:
        raise Invalid(f"The start date must be on or after {EARLIEST:%d %B %Y}")


def compute_snapshots(inputs: readers.Inputs, dates: list[date]) -> pd.DataFrame:
    """Every scope's rows for `dates`: workplaces, then district, service-type and county roll-ups,
    then the county-wide recruitment funnel; all workplaces at once (run_outcomes goes a chunk of
    workplaces at a time, snapshot_parts, with the same result)."""
    per_workplace = metrics.compute_workplace_outcomes(
        inputs.workplaces, inputs.staff, inputs.vacancies, dates, inputs.mandatory, inputs.training_records)
    per_workplace = declared.blend(per_workplace, inputs.declared, inputs.staff, dates)
    rolled = metrics.roll_up(per_workplace, inputs.workplaces)
    rolled["source"] = declared.rolled_sources(per_workplace, rolled, inputs.workplaces)
    county_funnel = metrics.compute_funnel(inputs.applications, dates)
    county_funnel["source"] = declared.source_column(np.full(len(county_funnel), "records", dtype=object))
    per_workplace = per_workplace.astype({"scope_type": object, "metric": object})
    per_workplace["source"] = declared.source_column(per_workplace["source"])
    frame = pd.concat([per_workplace, rolled, county_funnel], ignore_index=True)
    frame["scope_id"] = frame["scope_id"].astype(np.int64)
    return _mark_unknown(frame, inputs)


CHUNK_WORKPLACES = 2_000  # workplaces computed and stored at a time (about 300,000 figures at 12 dates)


def run_outcomes(session, start: date, end: date, progress: Progress | None = None,
                 today: date | None = None, chunk_workplaces: int = CHUNK_WORKPLACES) -> RunResult:
    """Recompute and store the snapshots for the month ends in [start, end] (and `end` itself).

    The inputs are read once (training records folded a block at a time into per-person coverage,
    training_lines.Coverage), then workplaces are computed and stored `chunk_workplaces` at a time,
    their district, service-type and county roll-ups summed as the chunks go and stored last. Only
    figures that differ from those stored are written (replace_snapshots); figures of metrics other
    than metrics.ALL_METRICS (another feature's, stored by it) are left alone. All in one transaction.
    More than MAX_DATES_PER_CHUNK (60) dates are done that many dates at a time."""
    validate_range(start, end, today)
    say = progress or (lambda percent, message: None)
    dates = metrics.snapshot_dates(start, end)
    timings = {"read": 0.0, "compute": 0.0, "funnel": 0.0, "funnel_store": 0.0, "store": 0.0}
    written = Written()
    rows = workplaces = 0
    groups = [dates[i:i + metrics.MAX_DATES_PER_CHUNK] for i in range(0, len(dates), metrics.MAX_DATES_PER_CHUNK)]
    alongside = None
    try:
        connection = session.connection()
        if connection.dialect.name == "postgresql" and not connection.scalar(
                sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK}):
            raise AlreadyRunning()
        # The GCR funnel (academy/outcomes/funnel.py) has its own inputs: where it can, it is read and
        # computed beside the rest (funnel.Alongside), so the database joins the stage history while
        # this process computes the workplaces' figures.
        alongside = funnel.Alongside.start(connection, dates)
        for number, group in enumerate(groups):
            share = 90 / len(groups)
            base = 5 + number * share
            say(int(base), "Reading staff, vacancies, training and recruitment records")
            clock = time.perf_counter()
            inputs = readers.read_inputs(connection, group, coverage=True)
            timings["read"] += time.perf_counter() - clock
            workplaces = len(inputs.workplaces)
            say(int(base + share * 0.4), f"Computing {len(group)} snapshot dates for {workplaces:,} workplaces")
            clock = time.perf_counter()
            with SnapshotWriter(connection, group, metrics_wanted=list(metrics.ALL_METRICS)) as writer:
                timings["store"] += time.perf_counter() - clock
                clock = time.perf_counter()
                for part, frame in snapshot_parts(inputs, group, chunk_workplaces):
                    stored = time.perf_counter()
                    timings["compute"] += stored - clock
                    writer.write(frame)
                    rows += len(frame)
                    clock = time.perf_counter()
                    timings["store"] += clock - stored
                    done = part.get("scope_ids", (None, None))[1]
                    if done is not None:
                        say(int(base + share * (0.4 + 0.6 * int((inputs.workplaces["workplace_id"] < done).sum())
                                                / max(workplaces, 1))), f"Computed {rows:,} figures")
                del inputs, frame
            written += writer.written
            timings["store"] += time.perf_counter() - clock
        # The GCR funnel from the stage history (academy/outcomes/funnel.py): its own scopes and
        # metrics, read and computed for all the dates at once, stored by the same writer.
        say(96, "Computing the GCR funnel")
        clock = time.perf_counter()
        funnel_rows = alongside.rows()  # the time the rest of the job waits for it
        timings["funnel"] = time.perf_counter() - clock
        clock = time.perf_counter()
        written += replace_snapshots(connection, funnel_rows, dates, scope_types=funnel.SCOPE_TYPES,
                                     metrics_wanted=list(funnel.METRICS))
        rows += len(funnel_rows)
        timings["funnel_store"] = time.perf_counter() - clock
        clock = time.perf_counter()
        session.commit()
        timings["store"] += time.perf_counter() - clock
    except BaseException:
        if alongside is not None:
            alongside.abandon()
        session.rollback()
        raise
    say(100, f"Outcomes computed for {len(dates)} dates, {dates[0]:%d %b %Y} to {dates[-1]:%d %b %Y}")
    return RunResult(dates, rows, workplaces, timings, written)


ROLLED_SCOPES = ("district", "service_type", "county")


def snapshot_parts(inputs: readers.Inputs, dates: list[date], chunk_workplaces: int = CHUNK_WORKPLACES):
    """compute_snapshots a chunk of workplaces at a time: yields (part, frame), where part (keyword
    arguments of replace_snapshots) says which stored rows the frame replaces: the workplace rows of a
    range of workplace ids, one chunk at a time (the first and last ranges open-ended, so a workplace
    that no longer exists loses its rows), then the roll-ups (sums of the chunks' numerators and
    denominators) with the county-wide recruitment funnel. Together the frames are compute_snapshots'
    rows (tests/outcomes/test_chunks.py)."""
    if chunk_workplaces < 1:
        raise ValueError("chunk_workplaces must be at least 1")
    dates = sorted(set(dates))
    workplaces = inputs.workplaces
    ids = np.unique(workplaces["workplace_id"].to_numpy(np.int64))
    staff_places = inputs.staff["workplace_id"].to_numpy(np.int64)
    vacancy_places = inputs.vacancies["workplace_id"].to_numpy(np.int64)
    declared_places = inputs.declared["workplace_id"].to_numpy(np.int64) if inputs.declared is not None else None
    place_ids = workplaces["workplace_id"].to_numpy(np.int64)
    rolled_parts, summaries = [], []
    for first in range(0, max(len(ids), 1), chunk_workplaces):
        low = int(ids[first]) if first else None
        high = int(ids[first + chunk_workplaces]) if first + chunk_workplaces < len(ids) else None

        def inside(values, low=low, high=high):
            keep = np.ones(len(values), dtype=bool)
            if low is not None:
                keep &= values >= low
            if high is not None:
                keep &= values < high
            return keep

        places = workplaces[inside(place_ids)]
        staff = inputs.staff[inside(staff_places)]
        per_workplace = metrics.compute_workplace_outcomes(
            places, staff, inputs.vacancies[inside(vacancy_places)], dates, inputs.mandatory,
            inputs.training_records)
        declared_here = inputs.declared[inside(declared_places)] if declared_places is not None else None
        per_workplace = declared.blend(per_workplace, declared_here, staff, dates)
        if len(places):
            rolled_parts.append(metrics.roll_up(per_workplace, places))
            summaries.append(declared.touched_summary(per_workplace, places))
        per_workplace["source"] = declared.source_column(per_workplace["source"])
        yield {"scope_types": ("workplace",), "scope_ids": (low, high)}, _mark_unknown(per_workplace, inputs)
        del per_workplace, staff
    rolled = _add_up(rolled_parts)
    rolled["source"] = declared.sources_of(rolled, pd.concat([s for s in summaries if s is not None])
                                           if any(s is not None for s in summaries) else None, workplaces)
    county_funnel = metrics.compute_funnel(inputs.applications, dates)
    county_funnel["source"] = declared.source_column(np.full(len(county_funnel), "records", dtype=object))
    frame = pd.concat([rolled, county_funnel], ignore_index=True)
    frame["scope_id"] = frame["scope_id"].astype(np.int64)
    yield {"scope_types": ROLLED_SCOPES}, _mark_unknown(frame, inputs)


def _add_up(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Roll-ups of parts of the workplaces added together: sums of numerators and of denominators
    (unknown where unknown in every part, as metrics.roll_up)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return metrics._empty_snapshots()
    keys = ["scope_type", "scope_id", "date", "metric"]
    frame = pd.concat(parts, ignore_index=True)
    if len(parts) == 1:
        return frame
    summed = frame.groupby(keys, sort=False)[["numerator", "denominator"]].sum(min_count=1).reset_index()
    return summed[list(metrics.SNAPSHOT_COLUMNS)]


def _mark_unknown(frame: pd.DataFrame, inputs: readers.Inputs) -> pd.DataFrame:
    """No source records kept yet: the figures that need them are unknown, not 0."""
    unknown = []
    if not inputs.training_available:
        unknown += list(TRAINING_METRICS)
    if not inputs.recruitment_available:
        unknown += [m.key for m in metrics.FUNNEL_METRICS]
    if unknown:
        frame.loc[frame["metric"].isin(unknown).to_numpy(), "numerator"] = np.nan
    return frame


@dataclass
class Written:
    """What a store wrote, in figures (not table rows: a row holds a scope's figures at a date): figures
    new, changed (a number or its source) and removed."""
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def __iadd__(self, other: Written) -> Written:
        self.inserted += other.inserted
        self.updated += other.updated
        self.deleted += other.deleted
        return self

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.deleted


def replace_snapshots(connection, frame: pd.DataFrame, dates: list[date], *, scope_types=None,
                      scope_ids: tuple[int | None, int | None] | None = None, metrics_wanted=None) -> Written:
    """Make the stored snapshots of `dates` (and the month-to-date snapshots of those months that
    they supersede) equal `frame`, in the caller's transaction: the one store step, for the outcomes
    job and anything else that stores figures.

    Only a part of the stored rows can be replaced: those of `scope_types`, of scope ids in the
    half-open range `scope_ids` (from, to; None for no bound) and of `metrics_wanted` (default: all);
    `frame` may hold rows of that part only. Only what differs is written: the stored rows of the
    part are read back (with COPY on PostgreSQL) and compared by (scope type, scope id, date,
    metric): new figures are inserted (COPY FROM on PostgreSQL, executemany elsewhere), figures whose
    numerator, denominator or source changed are updated, and stored figures the frame no longer has
    are deleted. A re-run that changes nothing writes nothing. To store a frame a piece at a time,
    use SnapshotWriter (as run_outcomes does)."""
    with SnapshotWriter(connection, dates, scope_types=scope_types, scope_ids=scope_ids,
                        metrics_wanted=metrics_wanted) as writer:
        writer.write(frame)
    return writer.written


class SnapshotWriter:
    """replace_snapshots with the frame given in pieces: `write` each piece (any rows of the part, each
    (scope, date, metric) once over all the pieces), then leave the `with` block; `written` then says
    what was written (figures). The stored figures of the part are read once, on entering (compactly:
    a key and the three values a figure), with the keys of the stored rows (one a scope and date).
    Figures of a row not stored yet are inserted as that row; on PostgreSQL those rows of every piece
    go down one COPY FROM that stays open while the next piece is computed (a worker thread feeds it,
    so the server inserts one piece while this process computes the next). Changed figures, new
    figures of stored rows and stored figures not written are merged into their rows on leaving (a
    row left with no figure is deleted). Leaving with an exception writes nothing more (the caller
    rolls back)."""

    def __init__(self, connection, dates: list[date], *, scope_types=None,
                 scope_ids: tuple[int | None, int | None] | None = None, metrics_wanted=None) -> None:
        self.connection = connection
        self.dates = sorted(set(dates))
        self.part = _Part(tuple(scope_types) if scope_types is not None else None, scope_ids or (None, None),
                          tuple(metrics_wanted) if metrics_wanted is not None else None)
        self.written = Written()
        self._scope_names = pd.Index(list(metrics.SCOPE_TYPES))
        self._metric_names = pd.Index(list(metrics.ALL_METRICS))
        self._source_names = pd.Index(list(SOURCES))
        self._put: list[pd.DataFrame] = []  # figures to set in rows that are stored (or inserted earlier here)
        self._new_keys: list[np.ndarray] = []
        self._inserted_rows = np.array([], dtype=np.int64)  # row keys this writer inserted, sorted
        self._copy = None
        self._copy_context = None

    def __enter__(self) -> SnapshotWriter:
        self._load_stored()
        return self

    def _load_stored(self) -> None:
        dialect = self.connection.dialect.name
        blocks = []
        if dialect == "postgresql":  # fixed-width binary rows, straight into a numpy array
            rows = f"{_dates_sql(self.dates, dialect)}{self.part.sql(dialect, with_metrics=False)}"
            wanted = "" if self.part.metrics is None else f" AND f.key IN ({_quoted(self.part.metrics)})"
            blocks.append(self._stored_binary(rows, wanted))
            # and the few figures of names it has no code for, as text: only rows that have one are expanded
            sources = " && ".join(f"@ != {json.dumps(str(name))}" for name in self._source_names)
            unknown_source = _quoted(['$.*[2] ? (@.type() == "string" && ' + sources + ')'])
            sql = (f"SELECT s.scope_type, s.scope_id, {readers._day('s.date', dialect)} AS day, f.key AS metric, "
                   "(f.value->>0)::float8 AS numerator, (f.value->>1)::float8 AS denominator, f.value->>2 AS source "
                   f"FROM outcome_snapshot s CROSS JOIN LATERAL jsonb_each(s.figures) f WHERE {rows}{wanted} "
                   f"AND (s.scope_type NOT IN ({_quoted(self._scope_names)}) "
                   f"OR s.figures - ARRAY[{_quoted(self._metric_names)}]::text[] <> '{{}}'::jsonb "
                   f"OR jsonb_path_exists(s.figures, {unknown_source})) "
                   f"AND (s.scope_type NOT IN ({_quoted(self._scope_names)}) "
                   f"OR f.key NOT IN ({_quoted(self._metric_names)}) "
                   f"OR (f.value->>2 IS NOT NULL AND f.value->>2 NOT IN ({_quoted(self._source_names)})))")
        for block in (readers.read_blocks(self.connection, sql, STORED_DTYPES) if dialect == "postgresql"
                      else [self._stored_here()]):
            block = block.rename(columns={"day": "date"})
            self._know(block)
            blocks.append((_keys(block, self._scope_names, self._metric_names),
                           block["numerator"].to_numpy(np.float64), block["denominator"].to_numpy(np.float64),
                           _source_codes(block["source"], self._source_names)))
        blocks = [b for b in blocks if len(b[0])]
        keys, numerators, denominators, sources = (
            [np.concatenate([b[i] for b in blocks]) if blocks else np.array([], t)
             for i, t in enumerate((np.int64, np.float64, np.float64, np.int16))])
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._numerators, self._denominators, self._sources = numerators[order], denominators[order], sources[order]
        if len(self._keys) > 1 and not (self._keys[1:] != self._keys[:-1]).all():
            raise ValueError("the stored snapshots have the same key twice")
        self._written = np.zeros(len(self._keys), dtype=bool)
        # The stored rows of the part, whatever their figures (a row may hold another feature's figures only).
        rows = []
        for block in readers.read_blocks(self.connection, (
                f"SELECT scope_type, scope_id, {readers._day('date', dialect)} AS day FROM outcome_snapshot "
                f"WHERE {_dates_sql(self.dates, dialect)}{self.part.sql(dialect, with_metrics=False)}"),
                ROW_DTYPES):
            self._scope_names = _extended(self._scope_names, block["scope_type"])
            rows.append(_row_keys(block["scope_type"], block["scope_id"], block["day"], self._scope_names))
        self._rows = np.unique(np.concatenate(rows)) if rows else np.array([], dtype=np.int64)

    def _stored_here(self) -> pd.DataFrame:
        """The stored figures of the part, the JSON read here (not by SQLite's JSON functions)."""
        table = OutcomeSnapshot.__table__
        dialect = self.connection.dialect.name
        wanted = None if self.part.metrics is None else set(self.part.metrics)
        records = [(scope_type, scope_id, day.toordinal() - UNIX_EPOCH_ORDINAL, metric, *figure_values(figure))
                   for scope_type, scope_id, day, figures in self.connection.execute(
                       sa.select(table.c.scope_type, table.c.scope_id, table.c.date, table.c.figures).where(sa.text(
                           f"{_dates_sql(self.dates, dialect)}{self.part.sql(dialect, with_metrics=False)}")))
                   for metric, figure in figures.items() if wanted is None or metric in wanted]
        frame = pd.DataFrame(records, columns=["scope_type", "scope_id", "day", "metric", "numerator", "denominator",
                                               "source"])
        return frame.astype({"scope_type": "category", "scope_id": "int64", "day": "int64", "metric": "category",
                             "numerator": "float64", "denominator": "float64", "source": "object"})

    STORED_BINARY = np.dtype([("count", ">i2"), ("key_length", ">i4"), ("key", ">i8"), ("numerator_length", ">i4"), ("numerator", ">f8"),
                              ("denominator_length", ">i4"), ("denominator", ">f8"), ("source_length", ">i4"),
                              ("source", ">i2")])

    def _stored_binary(self, rows: str, wanted: str):
        """The stored figures whose scope type, metric and source have codes here, each as the key,
        values and source code, computed by PostgreSQL and sent as fixed-width binary rows. `rows`
        chooses the rows (SQL on outcome_snapshot's columns), `wanted` the figures (on f.key)."""
        def codes(names, first: int) -> str:
            return ", ".join(f"({_quoted([name])}, {first + i})" for i, name in enumerate(names))

        scope = f"array_position(ARRAY[{_quoted(self._scope_names)}]::text[], scope_type::text) - 1"
        sql = (f"SELECT r.row_key << {METRIC_BITS} | m.code, coalesce((f.value->>0)::float8, 'NaN'), "
               "coalesce((f.value->>1)::float8, 'NaN'), coalesce(so.code, 0)::smallint "
               f"FROM (SELECT ((({scope})::bigint << 32 | scope_id::bigint) << 17 "
               f"| (date - DATE '{EARLIEST.isoformat()}')::bigint) AS row_key, figures FROM outcome_snapshot "
               f"WHERE {rows} AND scope_type IN ({_quoted(self._scope_names)})) r "
               "CROSS JOIN LATERAL jsonb_each(r.figures) f "
               f"JOIN (VALUES {codes(self._metric_names, 0)}) m(name, code) ON m.name = f.key "
               f"LEFT JOIN (VALUES {codes(self._source_names, 1)}) so(name, code) ON so.name = f.value->>2 "
               f"WHERE (f.value->>2 IS NULL OR so.code IS NOT NULL){wanted}")
        parts, data, width = [], bytearray(), self.STORED_BINARY.itemsize
        skip = len(BINARY_SIGNATURE)

        def take(final: bool = False) -> None:
            nonlocal data
            whole = (len(data) - skip) // width * width
            if final and (len(data) - skip) % width != len(BINARY_TRAILER):
                raise ValueError("unexpected data in the stored snapshots' binary COPY")
            rows = np.frombuffer(memoryview(data)[skip:skip + whole], dtype=self.STORED_BINARY)
            parts.append((rows["key"].astype(np.int64), rows["numerator"].astype(np.float64), rows["denominator"].astype(np.float64),
                          rows["source"].astype(np.int16)))
            del rows
            data = data[skip + whole:]

        for piece in readers.copy_out(self.connection, f"COPY ({sql}) TO STDOUT WITH (FORMAT binary)", 1 << 23):
            data += piece
            if len(data) >= 1 << 23:
                take()
                skip = 0
        take(final=True)
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(4))

    def _know(self, frame: pd.DataFrame) -> None:
        """Scope types and metrics beyond metrics.SCOPE_TYPES and ALL_METRICS (another feature's) get
        codes of their own, after those already given."""
        self._scope_names = _extended(self._scope_names, frame["scope_type"])
        self._metric_names = _extended(self._metric_names, frame["metric"])
        self._source_names = _extended(self._source_names, frame["source"])

    def write(self, frame: pd.DataFrame) -> None:
        if "source" not in frame:
            frame = frame.assign(source=None)
        self.part.check(frame, self.dates)
        if not len(frame):
            return
        self._know(frame)
        keys = _keys(frame, self._scope_names, self._metric_names)
        order = np.argsort(keys)
        in_order = keys[order]
        if not (in_order[1:] != in_order[:-1]).all():
            raise ValueError("the same scope, date and metric written twice")
        del in_order
        at = np.searchsorted(self._keys, keys).clip(0, max(len(self._keys) - 1, 0))
        found = self._keys[at] == keys if len(self._keys) else np.zeros(len(keys), dtype=bool)
        frame_rows, stored_rows = np.flatnonzero(found), at[found]
        if self._written[stored_rows].any():  # written by an earlier piece (within a piece keys are unique)
            raise ValueError("the same scope, date and metric written twice")
        self._written[stored_rows] = True
        numerators = frame["numerator"].to_numpy(np.float64)[frame_rows]
        denominators = frame["denominator"].to_numpy(np.float64)[frame_rows]
        same = (_same(numerators, self._numerators[stored_rows]) & _same(denominators, self._denominators[stored_rows])
                & (_source_codes(frame["source"], self._source_names)[frame_rows] == self._sources[stored_rows]))
        if not same.all():
            self._put.append(frame.iloc[frame_rows[~same]][list(STORED_COLUMNS)])
            self.written.updated += int((~same).sum())
        new = order[~found[order]]  # in key order: new rows in the primary key's order, on neighbouring pages
        if not len(new):
            return
        self._new_keys.append(keys[new])
        self.written.inserted += len(new)
        row_keys = keys[new] >> METRIC_BITS
        stored = _within(row_keys, self._rows) | _within(row_keys, self._inserted_rows)
        if stored.any():
            self._put.append(frame.iloc[new[stored]][list(STORED_COLUMNS)])
        if not stored.all():
            self._inserted_rows = np.union1d(self._inserted_rows, row_keys[~stored])
            self._insert(frame.iloc[new[~stored]])

    def _insert(self, frame: pd.DataFrame) -> None:
        if self.connection.dialect.name == "postgresql" and self._copy is None:
            raw = self.connection.connection.dbapi_connection
            self._cursor = cursor = raw.cursor()
            self._copy_context = cursor.copy(f"COPY outcome_snapshot ({', '.join(ROW_COLUMNS)}) FROM STDIN "
                                             "WITH (FORMAT binary)", writer=QueuedLibpqWriter(cursor))
            self._copy = self._copy_context.__enter__()
            self._copy.write(BINARY_SIGNATURE)
            _OPEN_COPIES[id(self.connection.connection.dbapi_connection)] = self._copy
        _insert_rows(self.connection, frame)

    def __exit__(self, kind, error, trace) -> None:
        if self._copy is not None:
            _OPEN_COPIES.pop(id(self.connection.connection.dbapi_connection), None)
            copy, self._copy, context = self._copy, None, self._copy_context
            try:
                if kind is None:
                    copy.write(BINARY_TRAILER)
                context.__exit__(kind, error, trace)
            finally:
                self._cursor.close()
        if kind is not None:
            return
        if self._new_keys:
            new_keys = np.sort(np.concatenate(self._new_keys))
            if not (new_keys[1:] != new_keys[:-1]).all():
                raise ValueError("the same scope, date and metric written twice")
        put = pd.concat(self._put, ignore_index=True) if self._put else None
        gone = self._keys[~self._written]
        _merge_rows(self.connection, put, _from_keys(gone, self._scope_names, self._metric_names))
        self.written.deleted += len(gone)


def _extended(names: pd.Index, values: pd.Series) -> pd.Index:
    """`names` and, after them, the (non-empty) values not among them."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        present = values.cat.categories[np.flatnonzero(np.bincount(codes[codes >= 0],
                                                                   minlength=len(values.cat.categories)))]
    else:
        present = values.dropna().astype(object).unique()
    extra = pd.Index(present, dtype=object).difference(names)
    return names.append(pd.Index(sorted(extra), dtype=object)) if len(extra) else names


_OPEN_COPIES: dict[int, object] = {}  # a SnapshotWriter's open COPY FROM, by the DBAPI connection it is on


@dataclass(frozen=True)
class _Part:
    scope_types: tuple[str, ...] | None
    scope_ids: tuple[int | None, int | None]
    metrics: tuple[str, ...] | None

    def check(self, frame: pd.DataFrame, dates: list[date]) -> None:
        outside = np.zeros(len(frame), dtype=bool)
        if self.scope_types is not None:
            outside |= ~frame["scope_type"].isin(self.scope_types).to_numpy()
        low, high = self.scope_ids
        ids = frame["scope_id"].to_numpy(np.int64)
        if low is not None:
            outside |= ids < low
        if high is not None:
            outside |= ids >= high
        if self.metrics is not None:
            outside |= ~frame["metric"].isin(self.metrics).to_numpy()
        days = _day_numbers(frame["date"])
        outside |= ~np.isin(days, [np.datetime64(d, "D").astype(np.int64) for d in dates])
        if outside.any():
            raise ValueError(f"{int(outside.sum())} rows of the frame are outside the part of the snapshots it replaces")

    def sql(self, dialect: str, with_metrics: bool = True) -> str:
        """The part as SQL conditions on the figures (figure_rows_sql), or on the rows without `with_metrics`."""
        conditions = []
        if self.scope_types is not None:
            conditions.append(f"scope_type IN ({_quoted(self.scope_types)})")
        low, high = self.scope_ids
        if low is not None:
            conditions.append(f"scope_id >= {int(low)}")
        if high is not None:
            conditions.append(f"scope_id < {int(high)}")
        if self.metrics is not None and with_metrics:
            conditions.append(f"metric IN ({_quoted(self.metrics)})")
        return "".join(f" AND {c}" for c in conditions)


def _quoted(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) or "NULL"


def _dates_sql(dates: list[date], dialect: str) -> str:
    """The run's dates, plus any month-to-date snapshot in the months it touches (now superseded), as SQL
    text (for COPY, which takes no parameters)."""
    clauses = [f"date IN ({', '.join(readers._date(d, dialect) for d in sorted(set(dates)))})"]
    for day in sorted({metrics.month_end(d) for d in dates}):
        clauses.append(f"(date >= {readers._date(day.replace(day=1), dialect)} AND date < {readers._date(day, dialect)})")
    return "(" + " OR ".join(clauses) + ")"


STORED_DTYPES = {"scope_type": "category", "scope_id": "int64", "day": "int64",
                 "metric": "category", "numerator": "float64", "denominator": "float64", "source": "object"}


KEY_DAY_ZERO = int(np.datetime64(EARLIEST, "D").astype(np.int64))


def _day_numbers(values) -> np.ndarray:
    values = pd.Series(values) if not isinstance(values, pd.Series) else values
    if np.issubdtype(values.dtype, np.integer):
        return values.to_numpy(np.int64)
    return metrics.to_days(values)


def _keys(frame: pd.DataFrame, scope_names: pd.Index, metric_names: pd.Index) -> np.ndarray:
    """One int64 per (scope type, scope id, date, metric): 4 + 32 + 17 + 10 bits (codes of the
    scope types and metrics in the given lists, dates as days since 2000-01-01). Without its metric
    (key >> METRIC_BITS) it is its row's key (_row_keys)."""
    metric_codes = _codes(frame["metric"], metric_names)
    if len(frame) and (metric_codes.min() < 0 or len(metric_names) > 1 << METRIC_BITS):
        raise ValueError("a scope type, scope id, date or metric out of the key's range")
    return _row_keys(frame["scope_type"], frame["scope_id"], frame["date"], scope_names) << METRIC_BITS | metric_codes


def _row_keys(scope_types: pd.Series, scope_ids, days, scope_names: pd.Index) -> np.ndarray:
    """One int64 per (scope type, scope id, date): 4 + 32 + 17 bits."""
    scope_codes = _codes(scope_types, scope_names)
    ids = np.asarray(scope_ids, dtype=np.int64)
    days = _day_numbers(days) - KEY_DAY_ZERO
    if len(ids) and (scope_codes.min() < 0 or ids.min() < 0 or ids.max() >= 1 << 32
                     or days.min() < 0 or days.max() >= 1 << 17 or len(scope_names) > 1 << 4):
        raise ValueError("a scope type, scope id, date or metric out of the key's range")
    return (scope_codes << 32 | ids) << 17 | days


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


SOURCES = tuple(declared.SOURCES)


def _codes(values: pd.Series, names: pd.Index) -> np.ndarray:
    """Each value's position in `names` (-1 for one not there or empty); fast for a categorical."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        of_category = names.get_indexer(values.cat.categories.astype(object))
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, of_category[codes] if len(of_category) else -1, -1).astype(np.int64)
    return names.get_indexer(values.astype(object)).astype(np.int64)


def _source_codes(values: pd.Series, names: pd.Index) -> np.ndarray:
    """Sources as 1 + their position in `names`; none (figures stored before 0015) as 0."""
    return (_codes(values, names) + 1).astype(np.int16)


METRIC_BITS = 10  # a figure's key is its row's key (scope type, scope id, date) then 10 bits of metric
ROW_COLUMNS = ("scope_type", "scope_id", "date", "figures")  # what a new row of outcome_snapshot is given
ROW_DTYPES = {"scope_type": "category", "scope_id": "int64", "day": "int64"}


def figure_rows_sql(dialect: str) -> str:
    """outcome_snapshot as one row a figure (scope_type, scope_id, date, metric, numerator,
    denominator, source), as a query to read from: the table's shape before migration 0031, for
    SQL that filters or adds up figures."""
    if dialect == "postgresql":
        return ("SELECT s.scope_type, s.scope_id, s.date, f.key AS metric, (f.value->>0)::float8 AS numerator, "
                "(f.value->>1)::float8 AS denominator, f.value->>2 AS source "
                "FROM outcome_snapshot s CROSS JOIN LATERAL jsonb_each(s.figures) f")
    return ("SELECT s.scope_type, s.scope_id, s.date, f.key AS metric, json_extract(f.value, '$[0]') AS numerator, "
            "json_extract(f.value, '$[1]') AS denominator, json_extract(f.value, '$[2]') AS source "
            "FROM outcome_snapshot s, json_each(s.figures) f")


def _within(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Whether each value is in `ordered` (sorted, unique)."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(ordered, values).clip(0, len(ordered) - 1)
    return ordered[at] == values


def _merge_rows(connection, put: pd.DataFrame | None, gone: pd.DataFrame) -> None:
    """Set the `put` figures (STORED_COLUMNS) in their rows, which are stored, and take the `gone`
    figures (by scope_type, scope_id, date and metric) out of theirs; a row left with no figure is deleted."""
    empty = pd.DataFrame({"scope_type": pd.Series(dtype=object), "scope_id": pd.Series(dtype=np.int64),
                          "day": pd.Series(dtype=np.int64)})
    if put is not None and len(put):
        rows, objects = _figure_objects(put)
        puts = rows.assign(put=objects)
    else:
        puts = empty.assign(put=pd.Series(dtype=object))
    if len(gone):
        gone = gone.assign(day=_day_numbers(gone["date"]), scope_type=gone["scope_type"].astype(object))
        drops = (gone.groupby(["scope_type", "scope_id", "day"], sort=False)["metric"].agg(list)
                 .rename("drop").reset_index())
    else:
        drops = empty.assign(drop=pd.Series(dtype=object))
    if not len(puts) and not len(drops):
        return
    merged = puts.merge(drops, on=["scope_type", "scope_id", "day"], how="outer")
    merged["put"] = merged["put"].where(merged["put"].notna(), "{}")
    merged["drop"] = [names if isinstance(names, list) else [] for names in merged["drop"]]
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(
            "CREATE TEMPORARY TABLE outcome_snapshot_merge (scope_type varchar(20) COLLATE \"C\", scope_id integer, "
            "date date, put jsonb, drop text[]) ON COMMIT DROP"))
        _copy_csv(connection, "outcome_snapshot_merge",
                  pd.DataFrame({"scope_type": merged["scope_type"], "scope_id": merged["scope_id"],
                                "date": merged["day"], "put": merged["put"],
                                "drop": [_text_array(names) for names in merged["drop"]]}),
                  ["scope_type", "scope_id", "date", "put", "drop"])
        same = " AND ".join(f"s.{c} = m.{c}" for c in ("scope_type", "scope_id", "date"))
        connection.execute(sa.text(
            f"UPDATE outcome_snapshot s SET figures = (s.figures - m.drop) || m.put, updated_at = :now "
            f"FROM outcome_snapshot_merge m WHERE {same}"), {"now": now})
        connection.execute(sa.text(
            f"DELETE FROM outcome_snapshot s USING outcome_snapshot_merge m "
            f"WHERE {same} AND s.figures = '{{}}'::jsonb"))
        connection.execute(sa.text("DROP TABLE outcome_snapshot_merge"))
        return
    table = OutcomeSnapshot.__table__
    rows = merged[["scope_type", "scope_id", "day", "put", "drop"]]
    for scope_type, scope_id, day, put_text, drop in rows.itertuples(index=False):  # (SQLite: small stores)
        key = (table.c.scope_type == scope_type, table.c.scope_id == int(scope_id),
               table.c.date == _date_of(day))
        stored = connection.execute(sa.select(table.c.figures).where(*key)).scalar_one()
        gone_here = set(drop)
        figures = {metric: figure for metric, figure in stored.items() if metric not in gone_here}
        figures.update(json.loads(put_text))
        if figures:
            connection.execute(sa.update(table).where(*key).values(figures=figures, updated_at=now))
        else:
            connection.execute(sa.delete(table).where(*key))


def _text_array(names: list[str]) -> str:
    """A PostgreSQL array literal of the texts."""
    return "{" + ",".join('"' + str(n).replace("\\", "\\\\").replace('"', '\\"') + '"' for n in names) + "}"


def _date_of(day: int) -> date:
    return date.fromordinal(int(day) + UNIX_EPOCH_ORDINAL)


UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _from_keys(keys: np.ndarray, scope_names: pd.Index, metric_names: pd.Index) -> pd.DataFrame:
    """_keys undone: the scope type, scope id, date and metric of each key."""
    keys = np.asarray(keys, dtype=np.int64)
    return pd.DataFrame({
        "scope_type": np.asarray(scope_names, dtype=object)[keys >> 59],
        "scope_id": (keys >> 27) & ((1 << 32) - 1),
        "date": (((keys >> 10) & ((1 << 17) - 1)) + KEY_DAY_ZERO).astype("datetime64[D]").astype("datetime64[s]"),
        "metric": np.asarray(metric_names, dtype=object)[keys & ((1 << 10) - 1)],
    })


def _copy_csv(connection, table: str, frame: pd.DataFrame, columns: list[str]) -> None:
    """COPY the frame's `columns` into `table` (PostgreSQL), as CSV written a block at a time."""
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
        _write_csv(copy, frame, columns)


def _write_csv(copy, frame: pd.DataFrame, columns: list[str]) -> None:
    for start in range(0, len(frame), 100_000):
        out = frame.iloc[start:start + 100_000][columns]
        if "date" in columns:
            days = _day_numbers(out["date"])
            unique, where = np.unique(days, return_inverse=True)
            texts = np.datetime_as_string(unique.astype("datetime64[D]"), unit="D").astype(object)
            out = out.assign(date=texts[where.reshape(-1)])
        buffer = io.StringIO()
        out.to_csv(buffer, index=False, header=False, na_rep="")
        copy.write(buffer.getvalue())


BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\0" + bytes(8)  # PostgreSQL's binary COPY header: no flags, no extension
BINARY_TRAILER = b"\xff\xff"
POSTGRES_EPOCH_DAY = 10_957  # 2000-01-01, day 0 of PostgreSQL's binary dates
JSONB_VERSION = b"\x01"  # a jsonb value in binary COPY: this version byte, then the JSON text


def _figure_objects(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The figures (STORED_COLUMNS) grouped into rows: each row's scope type, scope id and day number,
    and its figures as JSON text, {"metric": [numerator, denominator, source], ...} (null for
    unknown or none). Rows alike in their metrics, sources and unknown values (nearly all the rows
    of a run) share one %-template, filled with their numbers (%r: whole numbers as integers, others
    as the shortest text that reads back as the same double)."""
    scope_codes, scope_names = pd.factorize(frame["scope_type"].astype(object))
    metric_codes, metric_names = pd.factorize(frame["metric"].astype(object))
    sources = frame["source"].astype(object)
    source_codes, source_names = pd.factorize(sources.where(sources.notna(), None), use_na_sentinel=True)
    ids = frame["scope_id"].to_numpy(np.int64)
    days = _day_numbers(frame["date"])
    numerators = frame["numerator"].to_numpy(np.float64)
    denominators = frame["denominator"].to_numpy(np.float64)
    if np.isinf(numerators).any() or np.isinf(denominators).any():
        raise ValueError("an infinite figure cannot be stored")
    row_keys = (scope_codes.astype(np.int64) << 49) | (ids << 17) | (days - days.min() if len(days) else days)
    boundary = np.r_[True, row_keys[1:] != row_keys[:-1]]
    if int(boundary.sum()) != len(pd.unique(row_keys)):  # a row's figures not together: put them together
        order = np.argsort(row_keys, kind="stable")
        row_keys, metric_codes, source_codes = row_keys[order], metric_codes[order], source_codes[order]
        numerators, denominators, scope_codes, ids, days = (
            numerators[order], denominators[order], scope_codes[order], ids[order], days[order])
        boundary = np.r_[True, row_keys[1:] != row_keys[:-1]]
    unknown = np.isnan(numerators) * 2 + np.isnan(denominators)
    shape = (metric_codes.astype(np.int64) * (len(source_names) + 1) + source_codes + 1) * 4 + unknown
    starts = np.flatnonzero(boundary)
    lengths = np.diff(np.r_[starts, len(row_keys)])
    objects = np.empty(len(starts), dtype=object)
    metric_texts = [json.dumps(str(name)).replace("%", "%%") for name in metric_names]
    source_texts = ["null"] + [json.dumps(str(name)).replace("%", "%%") for name in source_names]
    for length in np.unique(lengths).tolist():
        rows = np.flatnonzero(lengths == length)
        at = starts[rows][:, None] + np.arange(length)  # each row's figures
        for pattern, alike in _alike_rows(shape[at]):
            parts, columns = [], []
            for position, code in enumerate(pattern):
                figure, unknown_here = divmod(code, 4)
                metric, source = divmod(figure, len(source_names) + 1)
                numerator = "null" if unknown_here & 2 else "%r"
                denominator = "null" if unknown_here & 1 else "%r"
                parts.append(f"{metric_texts[metric]}:[{numerator},{denominator},{source_texts[source]}]")
                columns += ([] if unknown_here & 2 else [numerators[at[alike, position]]]) + (
                    [] if unknown_here & 1 else [denominators[at[alike, position]]])
            template = "{" + ",".join(parts) + "}"
            if not columns:
                objects[rows[alike]] = template % ()  # the %% of names in it undone
                continue
            values = np.stack(columns, axis=1)
            whole = ((values == np.trunc(values)) & (np.abs(values) < 2 ** 53)).all(axis=1)
            for these, numbers in ((whole, values[whole].astype(np.int64)), (~whole, values[~whole])):
                if these.any():  # Python ints print faster than floats, and as JSON integers
                    objects[rows[alike[these]]] = [template % tuple(v) for v in numbers.tolist()]
    rows = pd.DataFrame({"scope_type": np.asarray(scope_names, dtype=object)[scope_codes[starts]],
                         "scope_id": ids[starts], "day": days[starts]})
    return rows, objects.tolist()


def _alike_rows(shapes: np.ndarray):
    """Group the rows of a 2-D array of codes that are equal: yields (the codes as a list, the row
    numbers). Rows are matched by a hash of their codes (pandas' factorize: no sort), then checked."""
    if not len(shapes):
        return
    weights = np.random.default_rng(20261205).integers(1, 1 << 62, shapes.shape[1], dtype=np.int64)
    groups, _ = pd.factorize((shapes * weights).sum(axis=1))
    order = np.argsort(groups, kind="stable")
    for alike in np.split(order, np.flatnonzero(np.diff(groups[order])) + 1):
        pattern = shapes[alike[0]]
        if (shapes[alike] == pattern).all():
            yield pattern.tolist(), alike
        else:  # two patterns with the same hash (wrapping sums): the slow way, exact
            found, which = np.unique(shapes[alike], axis=0, return_inverse=True)
            for number, codes in enumerate(found.tolist()):
                yield codes, alike[which.reshape(-1) == number]


def _binary_snapshot_rows(rows: pd.DataFrame, objects: list[str]) -> bytes:
    """The rows (scope type, scope id, day number and figures' JSON) in PostgreSQL's binary COPY
    format, columns ROW_COLUMNS."""
    prefixes = {}
    out = []
    pack = struct.Struct(">iiiii").pack
    for scope_type, scope_id, day, text in zip(rows["scope_type"], rows["scope_id"].tolist(),
                                               (rows["day"].to_numpy(np.int64) - POSTGRES_EPOCH_DAY).tolist(), objects):
        prefix = prefixes.get(scope_type)
        if prefix is None:
            name = str(scope_type).encode()
            prefix = prefixes[scope_type] = struct.pack(">hi", len(ROW_COLUMNS), len(name)) + name
        body = text.encode()
        out.append(prefix + pack(4, scope_id, 4, day, len(body) + 1) + JSONB_VERSION + body)
    return b"".join(out)


def _insert_rows(connection, frame: pd.DataFrame) -> None:
    """Insert the figures (STORED_COLUMNS) as new rows of outcome_snapshot, one a scope and date."""
    if "source" not in frame:
        frame = frame.assign(source=None)
    if not len(frame):
        return
    rows, objects = _figure_objects(frame)
    if connection.dialect.name == "postgresql":
        data = _binary_snapshot_rows(rows, objects)
        into = _OPEN_COPIES.get(id(connection.connection.dbapi_connection))
        if into is not None:
            into.write(data)
            return
        raw = connection.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY outcome_snapshot ({', '.join(ROW_COLUMNS)}) FROM STDIN WITH (FORMAT binary)") as copy:
            copy.write(BINARY_SIGNATURE + data + BINARY_TRAILER)
        return
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    connection.execute(sa.insert(OutcomeSnapshot.__table__), [
        {"scope_type": s, "scope_id": int(i), "date": _date_of(d), "figures": json.loads(o), "created_at": now,
         "updated_at": now}
        for s, i, d, o in zip(rows["scope_type"], rows["scope_id"], rows["day"], objects)])


# -- reading stored snapshots ------------------------------------------------------------------

def stored_dates(session, scope_type: str = "county", scope_id: int = 0) -> list[date]:
    table = OutcomeSnapshot.__table__
    return list(session.scalars(
        sa.select(table.c.date).where(table.c.scope_type == scope_type, table.c.scope_id == scope_id)
        .distinct().order_by(table.c.date)))


def latest_date(session, on_or_before: date | None = None) -> date | None:
    table = OutcomeSnapshot.__table__
    statement = sa.select(sa.func.max(table.c.date)).where(table.c.scope_type == "county")
    if on_or_before is not None:
        statement = statement.where(table.c.date <= on_or_before)
    return session.scalar(statement)


def latest_scope_date(session, scope_type: str, scope_id: int, on_or_before: date | None = None) -> date | None:
    """The latest date with a stored snapshot of this one scope (on or before `on_or_before`)."""
    table = OutcomeSnapshot.__table__
    statement = sa.select(sa.func.max(table.c.date)).where(table.c.scope_type == scope_type,
                                                          table.c.scope_id == scope_id)
    if on_or_before is not None:
        statement = statement.where(table.c.date <= on_or_before)
    return session.scalar(statement)


def trend_dates(session, latest: date, months: int = 12) -> list[date]:
    """The month ends of the last `months` months up to `latest`, plus `latest` when it is month-to-date."""
    return metrics.snapshot_dates(_months_back(latest, months - 1), latest)


def _months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, 1)
