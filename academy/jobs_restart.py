"""Starting again a job that was lost (academy.jobs: a restartable job the service queued and
Redis no longer knows), from its /jobs/<id> page."""
from __future__ import annotations

import uuid

from sqlalchemy import update

from academy.auth.access import Invalid, NotAllowed
from academy.jobs import RESTARTABLE, job_status
from academy.jobs_models import RememberedJob
from academy.unit_of_work import enqueue_after_commit


def may_restart(status, user) -> bool:
    """Whether the page offers `user` (who may see the job: its owner or an admin) to start it again."""
    kind = RESTARTABLE.get(status.kind) if status.kind else None
    return bool(kind and status.lost and not status.restarted_as and user.role in kind.roles)


def restart_job(session, job_id: str, user) -> str:
    """Start a lost job again, with the same arguments, for `user` (its owner or an admin: the
    caller has checked they may see it); returns the new job's id, queued once the unit of work
    commits. Raises Invalid if it is not lost or was started again already, NotAllowed if `user`'s
    role may not start this kind of job, JobsUnavailable if Redis is still down."""
    record = session.get(RememberedJob, job_id)
    status = job_status(job_id)
    kind = RESTARTABLE.get(record.kind) if record is not None else None
    if record is None or status is None or kind is None:
        raise Invalid("This job cannot be started again")
    if user.role not in kind.roles:
        raise NotAllowed("You cannot start this job again")
    if not status.lost and not record.restarted_as:
        raise Invalid("This job was not lost, so it cannot be started again")
    new_id = f"{record.id.rsplit('-', 1)[0] if '-' in record.id else 'job'}-{uuid.uuid4().hex}"
    # Claimed in one statement, so two clicks (or two people) start it once: the second waits for
    # the first to commit, then finds it claimed.
    claimed = session.execute(
        update(RememberedJob).where(RememberedJob.id == record.id, RememberedJob.restarted_as.is_(None))
        .values(restarted_as=new_id).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise Invalid("This job has already been started again")
    record.restarted_as = new_id
    if kind.restart is not None:
        kind.restart(session, record, new_id)
    else:
        enqueue_after_commit(kind.func, *record.arguments, owner_id=record.owner_id, job_id=new_id,
                             **record.options)
    return new_id

