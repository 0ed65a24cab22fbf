"""Large imports as background jobs on the default queue: checking, then applying, each reporting
progress for the /jobs/<id> page. Small ones run the same functions inline."""
from __future__ import annotations

import uuid

from academy.ascwds.batches import apply_batch, check_batch, not_applied_reason
from academy.ascwds.models import ImportBatch, ImportState
from academy.auth.access import Invalid
from academy.auth.models import Role, User
from academy.extensions import db
from academy.jobs import report_progress, restartable
from academy.unit_of_work import enqueue_after_commit, job

TIMEOUT = 30 * 60


def _load(batch_id: int) -> tuple[ImportBatch, User]:
    batch = db.session.get(ImportBatch, batch_id)
    return batch, db.session.get(User, batch.created_by_id)


ROLES = (Role.manager, Role.hcpa_staff, Role.admin)


def _lost_batch(session, record, states: tuple[ImportState, ...]) -> ImportBatch:
    """The batch a lost job was working on, if that job is still the batch's latest and the batch
    is still where the job left it."""
    batch = session.get(ImportBatch, record.arguments[0])
    if batch is None or batch.job_id != record.id or batch.state not in states:
        raise Invalid("This import has moved on since: open it from ASC-WDS files")
    return batch


def _check_again(session, record, job_id: str) -> None:
    batch = _lost_batch(session, record, (ImportState.uploaded, ImportState.validating))
    start(batch, check_import, record.description or "Checking ASC-WDS files", job_id=job_id)


def _apply_again(session, record, job_id: str) -> None:
    batch = _lost_batch(session, record, (ImportState.validated,))
    start(batch, apply_import, record.description or "Applying ASC-WDS files", *record.arguments[1:], job_id=job_id)


@restartable("ascwds.check", roles=ROLES, restart=_check_again)
@job
def check_import(batch_id: int) -> str:
    batch, user = _load(batch_id)
    report_progress(5, "Reading the files")
    report = check_batch(db.session, batch, user)
    summary = (f"Checked: {report.error_count} errors, {report.warning_count} warnings. "
               "Open ASC-WDS files to see the report.")
    report_progress(100, summary)
    return summary


@restartable("ascwds.apply", roles=ROLES, restart=_apply_again)
@job
def apply_import(batch_id: int, provider_id: int | None = None) -> str:
    batch, user = _load(batch_id)
    report_progress(5, "Checking the files again")
    try:
        report = apply_batch(db.session, batch, user, progress=report_progress, provider_id=provider_id)
        problem = None if report.applied else not_applied_reason(report)
    except Invalid as refused:
        db.session.rollback()
        batch, problem = db.session.get(ImportBatch, batch_id), str(refused)
    if problem is not None:
        batch.state, batch.failure = ImportState.validated, problem[:300]
        report_progress(100, f"Not applied: {problem}")
        return f"Not applied: {problem}"
    totals = report.totals
    summary = f"Applied: {totals['created']} created, {totals['updated']} updated, {totals['deleted']} deleted."
    report_progress(100, summary)
    return summary


def start(batch: ImportBatch, func, description: str, *args, job_id: str | None = None) -> str:
    """Queue `func` for the batch once the request commits (the job must see the batch); its id now,
    for the status page (`job_id`, or a new one)."""
    batch.job_id = job_id or f"ascwds-{uuid.uuid4().hex}"
    enqueue_after_commit(func, batch.id, *args, job_id=batch.job_id, description=description,
                         owner_id=batch.created_by_id, timeout=TIMEOUT, retries=0)
    return batch.job_id
