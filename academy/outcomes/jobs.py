"""The outcomes job on the `outcomes` queue: started from the dashboard, or nightly by `rq cron`.

Only one recompute runs at a time. Starting one takes a Redis lock naming its job; a second start
while that job is queued or running is refused with a clear message, and a lock left by a job that
has finished, failed or vanished is taken over. Inside the run, PostgreSQL's transaction-scoped
advisory lock guards the write itself (CLI runs included), and is released even if the process dies.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from rq import get_current_job
from sqlalchemy import select

from academy.auth.access import STAFF_ROLES
from academy.extensions import db
from academy.jobs import (
    JobsUnavailable, JobStatus, job_status, redis_connection, redis_or_unavailable, report_progress, restartable,
)
from academy.jobs_models import RememberedJob
from academy.outcomes import metrics
from academy.outcomes.snapshots import AlreadyRunning, run_outcomes, validate_range
from academy.unit_of_work import enqueue_after_commit, job

KIND = "outcomes.recompute"  # as remembered (academy.jobs.restartable)
LOCK_KEY = "goodcare:outcomes:recompute"
LOCK_SECONDS = 3 * 3600
JOB_TIMEOUT = 2 * 3600


def nightly_range(today: date | None = None) -> tuple[date, date]:
    """The latest month end and the current month to date."""
    today = today or date.today()
    last_month_end = today.replace(day=1) - timedelta(days=1)
    return (today if today == metrics.month_end(today) else last_month_end), today


def running_job_id() -> str | None:
    """The id of the recompute holding the lock, if it is still queued or running.

    Raises JobsUnavailable if Redis is not answering.
    """
    with redis_or_unavailable():
        holder = redis_connection().get(LOCK_KEY)
    if holder is None:
        return None
    holder = holder.decode()
    status = job_status(holder)
    return holder if status is not None and not status.finished else None


def lost_recompute(session) -> JobStatus | None:
    """The latest recompute someone started, if Redis lost it and nobody has started it again (a
    later one supersedes it); None too when Redis is not answering."""
    record = session.scalar(select(RememberedJob).where(RememberedJob.kind == KIND)
                            .order_by(RememberedJob.enqueued_at.desc()).limit(1))
    if record is None or record.ended or record.restarted_as:
        return None
    try:
        status = job_status(record.id)
    except JobsUnavailable:
        return None
    return status if status is not None and status.lost else None


def _acquire(token: str) -> None:
    connection = redis_connection()
    for _ in range(3):
        if connection.set(LOCK_KEY, token, nx=True, ex=LOCK_SECONDS):
            return
        holder = connection.get(LOCK_KEY)
        if holder is None:
            continue
        if holder.decode() == token:
            return
        if running_job_id() is not None:
            raise AlreadyRunning(holder.decode())
        # The holder finished, failed or disappeared without letting go: take the lock over.
        with connection.pipeline() as pipe:
            pipe.watch(LOCK_KEY)
            if pipe.get(LOCK_KEY) == holder:
                pipe.multi()
                pipe.set(LOCK_KEY, token, ex=LOCK_SECONDS)
                try:
                    pipe.execute()
                    return
                except Exception:  # noqa: BLE001 - another starter won the race; loop and look again
                    continue
    raise AlreadyRunning(None)


def _release(token: str) -> None:
    connection = redis_connection()
    holder = connection.get(LOCK_KEY)
    if holder is not None and holder.decode() == token:
        connection.delete(LOCK_KEY)


def start_recompute(start: date, end: date, owner_id: int | None, follow_up: tuple[str, str] | None = None,
                    job_id: str | None = None) -> str:
    """Queue a recompute of [start, end] for `owner_id` to watch; returns the job id (`job_id`, or
    a new one). `follow_up` (link text, URL): where its status page links once it has ended (the
    dashboard). The service remembers it (academy.jobs.restartable): if Redis loses it, its page
    says so and offers to start it again.

    Raises Invalid for a bad range, AlreadyRunning if one is under way, JobsUnavailable if Redis is down.
    """
    validate_range(start, end)
    job_id = job_id or f"outcomes-{uuid.uuid4().hex}"
    with redis_or_unavailable():
        _acquire(job_id)
    try:
        enqueue_after_commit(recompute_outcomes, start.isoformat(), end.isoformat(), queue="outcomes",
                             job_id=job_id, owner_id=owner_id, timeout=JOB_TIMEOUT, retries=1, follow_up=follow_up,
                             description=f"Recompute outcomes, {start:%d %B %Y} to {end:%d %B %Y}")
    except BaseException:
        _release(job_id)
        raise
    return job_id


def _recompute_again(session, record, job_id: str) -> None:
    """Start a lost recompute again (academy.jobs_restart): the same dates, owner and follow-up link.
    The lock is taken as for any start: refused while another recompute is under way."""
    start, end = (date.fromisoformat(value) for value in record.arguments)
    start_recompute(start, end, owner_id=record.owner_id, follow_up=record.follow_up, job_id=job_id)


@restartable(KIND, roles=STAFF_ROLES, restart=_recompute_again)
@job
def recompute_outcomes(start: str | None = None, end: str | None = None) -> dict:
    """The job: recompute and store snapshots for [start, end] (default: the nightly range)."""
    if start is None or end is None:
        first, last = nightly_range()
    else:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    job = get_current_job()
    token = job.id if job is not None else f"inline-{uuid.uuid4().hex}"
    try:
        _acquire(token)
    except AlreadyRunning:
        if start is None:  # the nightly run yields to a recompute someone started
            return {"skipped": "another recompute was running"}
        raise
    try:
        result = run_outcomes(db.session, first, last, progress=report_progress)
    finally:
        _release(token)
    written = result.written
    return {"dates": [d.isoformat() for d in result.dates], "rows": result.rows, "workplaces": result.workplaces,
            "inserted": written.inserted, "updated": written.updated, "deleted": written.deleted}
