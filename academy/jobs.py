"""Background jobs: one way to enqueue work on a named queue, and progress for status pages.

With REDIS_URL and JOBS_ASYNC (the default when REDIS_URL is set) jobs go to Redis and a worker
(`flask jobs worker`) runs them. Otherwise they run inline, at once, in the process that
enqueued them (RQ's is_async=False), on Redis if configured or an in-process fake, so the demo
needs no services and job status pages still work.
"""
from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import fakeredis
import redis
from flask import current_app
from rq import Callback, Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import update

from academy.extensions import db, utcnow
from academy.jobs_models import LOST, RememberedJob

QUEUES = ("default", "outcomes")
DEFAULT_TIMEOUT = 10 * 60
_fake_server = fakeredis.FakeServer()
# What a job id may look like (RQ's uuids, and "outcomes-<hex>", "ascwds-<hex>"); anything else is no job.
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,60}")
log = logging.getLogger(__name__)


class JobsUnavailable(Exception):
    """Redis could not be reached, so the work was not queued; the page should say try later."""


UNAVAILABLE = "The background service is not available. Try again in a few minutes."


@contextmanager
def redis_or_unavailable():
    """Turn Redis not answering into JobsUnavailable, which pages show as "try again later"."""
    try:
        yield
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        raise JobsUnavailable(UNAVAILABLE) from exc


def redis_connection() -> redis.Redis:
    """The Redis connection jobs use (a process-local fake when REDIS_URL is not set)."""
    url = current_app.config.get("REDIS_URL")
    cache = current_app.extensions.setdefault("goodcare_redis", {})
    if url not in cache:
        if url:
            cache[url] = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
        else:
            cache[url] = fakeredis.FakeRedis(server=_fake_server)
    return cache[url]


def get_queue(name: str = "default") -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(QUEUES)}")
    return Queue(name, connection=redis_connection(), is_async=current_app.config["JOBS_ASYNC"])


# Jobs that can be started again -----------------------------------------------------------------

@dataclass(frozen=True)
class Restartable:
    """A kind of job the service remembers when it queues one (academy.jobs_models.RememberedJob),
    so that if Redis forgets it, its page says it was lost and offers to start it again."""

    kind: str
    func: Callable
    roles: tuple  # the roles that may start it again (its owner, or an admin, holding one of them)
    # restart(session, record, job_id): queue it again as `job_id`, once the request commits, after
    # checking it still makes sense (raising Invalid if not). None: the same function, arguments
    # and options.
    restart: Callable | None = None


RESTARTABLE: dict[str, Restartable] = {}
_KIND_OF: dict[Callable, str] = {}


def restartable(kind: str, *, roles, restart: Callable | None = None):
    """Mark a job function as one the service remembers when queued, and can start again if lost:

        @restartable("ascwds.apply", roles=ROLES, restart=_apply_again)
        @job
        def apply_import(batch_id: int, provider_id: int | None = None): ...

    Its arguments are kept in the database: ids, dates and the like, never a secret or a person's
    details."""
    def register(func):
        RESTARTABLE[kind] = Restartable(kind, func, tuple(roles), restart)
        _KIND_OF[func] = kind
        return func

    return register


def remember_job(session, func, args: tuple, options: dict, state: str = "queued") -> RememberedJob | None:
    """If `func` is restartable, add the record of queueing it (`options`: enqueue's; its job id is
    `options["job_id"]`, or a new one) to the caller's unit of work and return it; else None."""
    kind = _KIND_OF.get(func)
    if kind is None:
        return None
    job_id = options.get("job_id") or f"job-{uuid.uuid4().hex}"
    kept = {key: options[key] for key in ("queue", "timeout", "retries", "description") if options.get(key) is not None}
    if options.get("follow_up"):
        kept["follow_up"] = list(options["follow_up"])
    record = RememberedJob(id=job_id, kind=kind, arguments=list(args), options=kept,
                           owner_id=options.get("owner_id"), state=state)
    session.add(record)
    return record


def _note_state(job_id: str, state: str) -> None:
    """Record a remembered job's end from the worker (an RQ callback), on a connection of its own:
    the job's unit of work has committed or rolled back by then. Never fails the job."""
    try:
        with db.engine.begin() as connection:
            connection.execute(update(RememberedJob.__table__).where(RememberedJob.__table__.c.id == job_id)
                               .values(state=state, state_seen_at=utcnow()))
    except Exception as problem:  # noqa: BLE001 - the status page reads Redis meanwhile
        log.warning("Could not record that job %s %s: %s", job_id, state, type(problem).__name__)


def job_succeeded(job, connection, result) -> None:
    """RQ's on_success callback for remembered jobs."""
    _note_state(job.id, "finished")


def job_failed(job, connection, *exc_info) -> None:
    """RQ's on_failure callback for remembered jobs (also when RQ finds a job whose worker died).
    A job with a retry left is not failed yet: RQ queues it again."""
    if not job.retries_left:
        _note_state(job.id, "failed")


def enqueue(func, *args, queue: str = "default", description: str | None = None,
            owner_id: int | None = None, timeout: int = DEFAULT_TIMEOUT, retries: int = 2,
            job_id: str | None = None, follow_up: tuple[str, str] | None = None, remember: bool = True,
            **kwargs) -> Job:
    """Run `func(*args, **kwargs)` as a job on `queue`. Raises JobsUnavailable if Redis is down.

    `owner_id` is the user who may watch the job's status page; `follow_up` (link text, URL) is the
    link that page offers once the job has ended ("See the outcomes"). A `restartable` function is
    remembered in the caller's unit of work (`remember=False`: it already is, by
    `unit_of_work.enqueue_after_commit`).
    """
    meta = {"progress": 0, "message": "Waiting to start", "owner_id": owner_id}
    if follow_up is not None:
        meta["follow_up"] = list(follow_up)
    remembered = func in _KIND_OF
    if remembered and job_id is None:
        job_id = f"job-{uuid.uuid4().hex}"
    callbacks = {"on_success": Callback(job_succeeded), "on_failure": Callback(job_failed)} if remembered else {}
    with redis_or_unavailable():
        queued = get_queue(queue).enqueue(
            func, args=args, job_id=job_id, description=description, meta=meta,
            job_timeout=timeout, retry=Retry(max=retries, interval=[10, 60]) if retries else None,
            result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600, kwargs=kwargs, **callbacks,
        )
    if remembered and remember:
        remember_job(db.session, func, args, {"job_id": queued.id, "queue": queue, "timeout": timeout,
                                              "retries": retries, "description": description,
                                              "follow_up": follow_up, "owner_id": owner_id},
                     state=getattr(queued.get_status(), "value", None) or "queued")  # it may have run inline
    return queued


def report_progress(percent: int, message: str) -> None:
    """Called from inside a job: record how far it has got for the status page."""
    job = get_current_job()
    if job is None:
        return
    job.meta["progress"] = max(0, min(100, int(percent)))
    job.meta["message"] = message
    job.save_meta()


@dataclass
class JobStatus:
    id: str
    state: str
    progress: int
    message: str
    owner_id: int | None
    description: str | None
    error: str | None
    follow_up: tuple[str, str] | None = None  # (link text, URL) shown once it has ended
    kind: str | None = None  # a restartable job's kind (remembered in the database), else None
    restarted_as: str | None = None  # a lost job started again: the new job's id

    @property
    def lost(self) -> bool:
        """The service queued it and Redis no longer knows it (Redis restarted without its data)."""
        return self.state == LOST

    @property
    def did_not_finish(self) -> bool:
        """It ended without doing its work: it raised, timed out, its worker died, was stopped, or
        was lost."""
        return self.state in ("failed", "stopped", "canceled", LOST)

    @property
    def finished(self) -> bool:
        """It has ended, one way or the other."""
        return self.state == "finished" or self.did_not_finish

    def as_dict(self) -> dict:
        return {"id": self.id, "state": self.state, "progress": self.progress,
                "message": self.message, "finished": self.finished}


LOST_MESSAGE = "The job queue restarted without this job, so it did not run (or did not finish)."


def job_status(job_id: str) -> JobStatus | None:
    """The state of a job for its status page, or None if there is no such job. A job the service
    remembers queueing (a restartable one) that Redis no longer knows is "lost"; once it has been
    seen to end, its end is remembered too. Its state as seen is noted in the caller's unit of work."""
    if not JOB_ID.fullmatch(job_id or ""):
        return None
    record = db.session.get(RememberedJob, job_id)
    try:
        with redis_or_unavailable():
            job = Job.fetch(job_id, connection=redis_connection())
            state = job.get_status(refresh=True)
            meta = job.get_meta(refresh=True)
    except (NoSuchJobError, ValueError):
        return _remembered_status(record) if record is not None else None
    state_name = getattr(state, "value", state) or "unknown"
    progress = 100 if state_name == "finished" else int(meta.get("progress", 0))
    message = meta.get("message") or ""
    if state_name == "finished" and not message:
        message = "Finished"
    error = "The job failed. An administrator has been told." if state_name == "failed" else None
    follow_up = tuple(meta["follow_up"]) if meta.get("follow_up") else None
    if record is not None and record.state != state_name:
        record.state, record.state_seen_at = state_name, utcnow()
    return JobStatus(job.id, state_name, progress, message, meta.get("owner_id"), job.description, error, follow_up,
                     kind=record.kind if record is not None else None,
                     restarted_as=record.restarted_as if record is not None else None)


def _remembered_status(record: RememberedJob) -> JobStatus:
    """A remembered job Redis no longer knows: its end if it was seen to end (Redis keeps results
    for a day), else lost."""
    if not record.ended and record.state != LOST:
        record.state, record.state_seen_at = LOST, utcnow()
        log.warning("Job %s (%s) is lost: Redis no longer knows it", record.id, record.kind)
    finished = record.state == "finished"
    message = "Finished" if finished else (LOST_MESSAGE if record.state == LOST else "")
    error = "The job failed. An administrator has been told." if record.state == "failed" else None
    return JobStatus(record.id, record.state, 100 if finished else 0, message, record.owner_id, record.description,
                     error, record.follow_up, kind=record.kind, restarted_as=record.restarted_as)
