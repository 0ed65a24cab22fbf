"""Computing a run of snapshots and storing it atomically; reading stored snapshots back.

A run deletes and re-inserts the snapshots of its dates in one transaction: a re-run never
duplicates, and a run that fails or is killed half-way leaves the previous snapshots as they were.
"""
from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from academy.auth.access import DomainError, Invalid
from academy.outcomes import declared, funnel, metrics, readers
from academy.outcomes.models import OutcomeSnapshot

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
    rows: int
    workplaces: int
    seconds: dict[str, float] = field(default_factory=dict)


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
    then the county-wide recruitment funnel."""
    per_workplace = metrics.compute_workplace_outcomes(
        inputs.workplaces, inputs.staff, inputs.vacancies, dates, inputs.mandatory, inputs.training_records)
    per_workplace = declared.blend(per_workplace, inputs.declared, inputs.staff, dates)
    rolled = metrics.roll_up(per_workplace, inputs.workplaces)
    rolled["source"] = declared.rolled_sources(per_workplace, rolled, inputs.workplaces)
    funnel = metrics.compute_funnel(inputs.applications, dates)
    funnel["source"] = declared.source_column(np.full(len(funnel), "records", dtype=object))
    per_workplace = per_workplace.astype({"scope_type": object, "metric": object})
    per_workplace["source"] = declared.source_column(per_workplace["source"])
    frame = pd.concat([per_workplace, rolled, funnel], ignore_index=True)
    frame["scope_id"] = frame["scope_id"].astype(np.int64)
    unknown = []
    if not inputs.training_available:
        unknown += list(TRAINING_METRICS)
    if not inputs.recruitment_available:
        unknown += [m.key for m in metrics.FUNNEL_METRICS]
    if unknown:  # no source records kept yet: the figure is unknown, not 0
        frame.loc[frame["metric"].isin(unknown), "numerator"] = np.nan
    return frame


def run_outcomes(session, start: date, end: date, progress: Progress | None = None,
                 today: date | None = None) -> RunResult:
    """Recompute and store the snapshots for the month ends in [start, end] (and `end` itself)."""
    validate_range(start, end, today)
    say = progress or (lambda percent, message: None)
    dates = metrics.snapshot_dates(start, end)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    try:
        connection = session.connection()
        if connection.dialect.name == "postgresql" and not connection.scalar(
                sa.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK}):
            raise AlreadyRunning()
        say(5, "Reading staff, vacancies, training and recruitment records")
        inputs = readers.read_inputs(connection, dates)
        timings["read"] = time.perf_counter() - clock
        say(40, f"Computing {len(dates)} snapshot dates for {len(inputs.workplaces)} workplaces")
        frame = compute_snapshots(inputs, dates)
        timings["compute"] = time.perf_counter() - clock - timings["read"]
        # The GCR funnel from the stage history (academy/outcomes/funnel.py), stored with the rest.
        frame = pd.concat([frame, funnel.snapshot_rows(connection, dates)], ignore_index=True)
        timings["funnel"] = time.perf_counter() - clock - timings["read"] - timings["compute"]
        say(70, f"Saving {len(frame):,} figures")
        replace_snapshots(connection, frame, dates)
        session.commit()
        timings["store"] = time.perf_counter() - clock - sum(timings.values())
    except BaseException:
        session.rollback()
        raise
    say(100, f"Outcomes computed for {len(dates)} dates, {dates[0]:%d %b %Y} to {dates[-1]:%d %b %Y}")
    return RunResult(dates, len(frame), len(inputs.workplaces), timings)


def replaced_dates_clause(dates: list[date]):
    """The run's dates, plus any month-to-date snapshot in the months it touches (now superseded)."""
    table = OutcomeSnapshot.__table__
    clauses = [table.c.date.in_(dates)]
    for day in sorted({metrics.month_end(d) for d in dates}):
        clauses.append(sa.and_(table.c.date >= day.replace(day=1), table.c.date < day))
    return sa.or_(*clauses)


def replace_snapshots(connection, frame: pd.DataFrame, dates: list[date]) -> None:
    """Delete the run's dates and insert the new rows, in the caller's transaction."""
    connection.execute(sa.delete(OutcomeSnapshot.__table__).where(replaced_dates_clause(dates)))
    _insert_rows(connection, frame)


STORED_COLUMNS = (*metrics.SNAPSHOT_COLUMNS, "source")


def _insert_rows(connection, frame: pd.DataFrame) -> None:
    if "source" not in frame:
        frame = frame.assign(source=None)
    columns = list(STORED_COLUMNS)
    if connection.dialect.name == "postgresql":
        buffer = io.StringIO()
        out = frame[columns].copy()
        out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
        out.to_csv(buffer, index=False, header=False, na_rep="")
        raw = connection.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(
                f"COPY outcome_snapshot ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        return
    records = _records(frame[columns])
    if records:
        connection.execute(sa.insert(OutcomeSnapshot.__table__), records)


def _records(frame: pd.DataFrame) -> list[dict]:
    days = pd.to_datetime(frame["date"]).dt.date
    numerators = frame["numerator"].astype(object).where(frame["numerator"].notna(), None)
    denominators = frame["denominator"].astype(object).where(frame["denominator"].notna(), None)
    now = pd.Timestamp.now(tz="UTC").to_pydatetime()
    sources = frame["source"].astype(object).where(frame["source"].notna(), None)
    return [
        {"scope_type": s, "scope_id": int(i), "date": d, "metric": m, "numerator": n, "denominator": q,
         "source": o, "created_at": now, "updated_at": now}
        for s, i, d, m, n, q, o in zip(frame["scope_type"], frame["scope_id"], days, frame["metric"],
                                       numerators, denominators, sources)
    ]


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


def load(session, scope_type: str, scope_ids=None, dates=None, metrics_wanted=None) -> pd.DataFrame:
    """Stored rows for a scope type (optionally some scopes, dates, metrics), as a frame."""
    table = OutcomeSnapshot.__table__
    statement = sa.select(*(table.c[c] for c in STORED_COLUMNS)).where(table.c.scope_type == scope_type)
    if scope_ids is not None:
        statement = statement.where(table.c.scope_id.in_(list(scope_ids)))
    if dates is not None:
        statement = statement.where(table.c.date.in_(list(dates)))
    if metrics_wanted is not None:
        statement = statement.where(table.c.metric.in_(list(metrics_wanted)))
    rows = session.execute(statement.order_by(table.c.scope_id, table.c.date, table.c.metric)).all()
    return pd.DataFrame(rows, columns=list(STORED_COLUMNS))


def trend_dates(session, latest: date, months: int = 12) -> list[date]:
    """The month ends of the last `months` months up to `latest`, plus `latest` when it is month-to-date."""
    return metrics.snapshot_dates(_months_back(latest, months - 1), latest)


def _months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, 1)
