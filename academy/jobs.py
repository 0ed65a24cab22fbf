"""Background jobs: one way to enqueue work on a named queue, and progress for status pages.

With REDIS_URL and JOBS_ASYNC (the default when REDIS_URL is set) jobs go to Redis and a worker
(`flask jobs worker`) runs them. Otherwise they run inline, at once, in the process that
enqueued them (RQ's is_async=False), on Redis if configured or an in-process fake, so the demo
needs no services and job status pages still work.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import fakeredis
import redis
from flask import current_app
from rq import Queue, Retry, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

QUEUES = ("default", "outcomes")
DEFAULT_TIMEOUT = 10 * 60
_fake_server = fakeredis.FakeServer()


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


def enqueue(func, *args, queue: str = "default", description: str | None = None,
            owner_id: int | None = None, timeout: int = DEFAULT_TIMEOUT, retries: int = 2,
            job_id: str | None = None, follow_up: tuple[str, str] | None = None, **kwargs) -> Job:
    """Run `func(*args, **kwargs)` as a job on `queue`. Raises JobsUnavailable if Redis is down.

    `owner_id` is the user who may watch the job's status page; `follow_up` (link text, URL) is the
    link that page offers once the job has ended ("See the outcomes").
    """
    meta = {"progress": 0, "message": "Waiting to start", "owner_id": owner_id}
    if follow_up is not None:
        meta["follow_up"] = list(follow_up)
    with redis_or_unavailable():
        return get_queue(queue).enqueue(
            func, args=args, job_id=job_id, description=description, meta=meta,
            job_timeout=timeout, retry=Retry(max=retries, interval=[10, 60]) if retries else None,
            result_ttl=24 * 3600, failure_ttl=7 * 24 * 3600, kwargs=kwargs,
        )


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

    @property
    def did_not_finish(self) -> bool:
        """It ended without doing its work: it raised, timed out, its worker died, or was stopped."""
        return self.state in ("failed", "stopped", "canceled")

    @property
    def finished(self) -> bool:
        """It has ended, one way or the other."""
        return self.state == "finished" or self.did_not_finish

    def as_dict(self) -> dict:
        return {"id": self.id, "state": self.state, "progress": self.progress,
                "message": self.message, "finished": self.finished}


def job_status(job_id: str) -> JobStatus | None:
    """The state of a job for its status page, or None if there is no such job."""
    try:
        with redis_or_unavailable():
            job = Job.fetch(job_id, connection=redis_connection())
            state = job.get_status(refresh=True)
            meta = job.get_meta(refresh=True)
    except (NoSuchJobError, ValueError):
        return None
    state_name = getattr(state, "value", state) or "unknown"
    progress = 100 if state_name == "finished" else int(meta.get("progress", 0))
    message = meta.get("message") or ""
    if state_name == "finished" and not message:
        message = "Finished"
    error = "The job failed. An administrator has been told." if state_name == "failed" else None
    follow_up = tuple(meta["follow_up"]) if meta.get("follow_up") else None
    return JobStatus(job.id, state_name, progress, message, meta.get("owner_id"), job.description, error, follow_up)

