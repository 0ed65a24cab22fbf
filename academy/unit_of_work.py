"""One owner of each unit of work: who commits, and what waits for the commit.

- **Domain functions** (the plain functions that take `session` first) add, change and `flush()`;
  they never commit and never roll back. `academy.auth.audit.audit()` adds its row to the same
  transaction, so an action and its audit row are saved together or not at all.
- **The owner commits once, at its end**:
  - a request: when its view *returns* (any status), the app commits (`UnitOfWorkFlask`);
    when it *raises* (an `abort`, a domain error left unhandled, a bug) nothing is committed:
    the error pages roll back and the session is removed at teardown;
  - a job: a function enqueued with `academy.jobs.enqueue` is wrapped in `@job`, which commits
    when it returns and rolls back when it raises; a long job may commit between its own steps
    (it is the owner) so that a later failure keeps the steps already done;
  - a CLI command: commits at its end (`db.session.commit()` as its last database step).
- **Side effects wait for the commit**: `enqueue_after_commit(func, *args)` queues `func` as a job
  once the outermost transaction commits, `after_commit(func, *args)` calls it in this process
  (a file to remove); a transaction that rolls back (or ends without a commit) drops them.
  `academy.mail` sends every email this way; views queue jobs this way too.

A view that must show a message for a conflict (another user saved first, a duplicate) flushes
inside `try` and catches the error; it does not commit.
"""
from __future__ import annotations

import logging
from functools import wraps

from flask import Flask
from flask import session as cookie_session
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "goodcare_after_commit_pending"  # prepared in the open transaction
_READY = "goodcare_after_commit_ready"  # that transaction committed: run once it has ended
_ROLLED_BACK = "goodcare_after_commit_rolled_back"
_NOT_QUEUED = "goodcare_after_commit_not_queued"  # committed, but the job queue did not take them
_QUEUE_CHECKED = "goodcare_after_commit_queue_checked"  # the queue answered a ping in this transaction


class UnitOfWorkFlask(Flask):
    """The Flask app whose requests commit once, when the view returns."""

    def dispatch_request(self):
        response = super().dispatch_request()
        commit_request()
        return response


def commit_request() -> None:
    """End the request's unit of work. If the commit fails, the page the view prepared is not
    shown, and neither is any message it flashed ("Saved" would be untrue): the error page is."""
    from academy.extensions import db

    try:
        db.session.commit()
    except Exception:
        cookie_session.pop("_flashes", None)
        raise


def job(func):
    """Mark a job function (one passed to `academy.jobs.enqueue`, or run by cron) as the owner of
    its unit of work: commit when it returns, roll back when it raises."""

    @wraps(func)
    def run_as_unit_of_work(*args, **kwargs):
        from academy.extensions import db

        try:
            result = func(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return result

    run_as_unit_of_work.owns_transaction = True
    return run_as_unit_of_work


def after_commit(func, *args, **kwargs) -> None:
    """Call `func(*args, **kwargs)` in this process once the current transaction commits (never if
    it rolls back): for effects outside the database, such as removing a replaced file."""
    from academy.extensions import db

    session = db.session()
    if not session.in_transaction():
        session.connection()  # begin one now, so a rollback before the next commit drops it
    session.info.setdefault(_PENDING, []).append((func, args, kwargs))


def enqueue_after_commit(func, *args, check_queue: bool = True, **enqueue_options) -> str | None:
    """Run `func(*args)` as a job (`academy.jobs.enqueue(func, *args, **enqueue_options)`: queue,
    description, owner_id, job_id...) once the current transaction commits.

    The queue is checked (one Redis ping per transaction) before anything is saved, so a page can
    still say "try again later" (academy.jobs.JobsUnavailable) rather than save a change whose
    side effect cannot follow (`check_queue=False` skips this, for a change that must stand even
    when the queue is down). If the queue fails after the commit, the change stays saved: the
    failure is logged and counted (`not_queued_after_commit`, `flash_when_committed`).

    A `restartable` job (academy.jobs) is remembered in the same transaction, so a job that never
    reached the queue, or that Redis later forgets, is shown as lost and can be started again;
    returns its job id (None for other jobs, unless `job_id` was given)."""
    from academy.extensions import db
    from academy.jobs import redis_connection, redis_or_unavailable, remember_job

    session = db.session()
    if check_queue and not session.info.get(_QUEUE_CHECKED):
        with redis_or_unavailable():
            redis_connection().ping()
        session.info[_QUEUE_CHECKED] = True
    remembered = remember_job(session, func, args, enqueue_options)
    if remembered is not None:
        enqueue_options = {**enqueue_options, "job_id": remembered.id, "remember": False}
    after_commit(_enqueue_saved, func, args, enqueue_options)
    return enqueue_options.get("job_id")


def _enqueue_saved(func, args, enqueue_options) -> None:
    from academy.extensions import db
    from academy.jobs import JobsUnavailable, enqueue

    try:
        enqueue(func, *args, **enqueue_options)
    except JobsUnavailable:  # the change is saved: a queue failure now must not undo the answer
        session = db.session()
        session.info[_NOT_QUEUED] = session.info.get(_NOT_QUEUED, 0) + 1
        log.error("Job %s not queued after its change was saved: the job queue did not answer",
                  getattr(func, "__name__", "?"))


def flash_when_committed(message: str, *, if_not_queued: str, category: str = "success") -> None:
    """Flash `message` once the request's work is saved, or `if_not_queued` if a side effect it
    prepared (an email) could not be queued: for pages that must tell staff to reach the person
    another way."""
    after_commit(_flash_outcome, message, if_not_queued, category)


def _flash_outcome(message: str, if_not_queued: str, category: str) -> None:
    from flask import flash

    from academy.extensions import db

    flash(if_not_queued if not_queued_after_commit(db.session()) else message, category)


def not_queued_after_commit(session) -> int:
    """How many side effects the last commit prepared but could not queue (the change itself is
    saved); reading it clears it. For pages that must tell staff to reach the person another way."""
    return session.info.pop(_NOT_QUEUED, 0)


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: wait for the outermost commit
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info[_ROLLED_BACK] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_QUEUE_CHECKED, None)
    dropped = session.info.pop(_PENDING, None)
    rolled_back = session.info.pop(_ROLLED_BACK, False)
    if dropped and rolled_back:
        log.info("%d side effect(s) dropped: the change that prepared them was rolled back", len(dropped))
    elif dropped:  # closed without a commit: an owner that forgot to commit
        log.warning("%d side effect(s) dropped: their transaction ended without a commit", len(dropped))
    for func, args, kwargs in session.info.pop(_READY, None) or ():
        try:
            func(*args, **kwargs)
        except Exception:  # the change is saved: what follows it must not turn the answer into an error
            log.exception("A step after a commit failed: %s", getattr(func, "__name__", "?"))
