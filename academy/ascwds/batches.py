"""An import from upload to applied: the files are kept under STORAGE_DIR/ascwds/<token> between
checking and applying (the user confirms in between), checked again just before applying, and
removed once applied. Used by the web pages, the command line and the background job alike."""
from __future__ import annotations

import json
import secrets
import shutil
from datetime import date
from pathlib import Path

from flask import current_app

from academy.ascwds.apply import apply_plan
from academy.ascwds.models import ImportBatch, ImportState
from academy.ascwds.parse import FileProblem, parse, save_stream
from academy.ascwds.report import Report
from academy.ascwds.plan import Plan
from academy.ascwds.validate import Options, validate
from academy.auth.access import Invalid, refuse
from academy.extensions import utcnow
from academy.unit_of_work import after_commit

MAX_FILES = 3


def storage_root() -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "ascwds"


def upload_limit() -> int:
    return int(current_app.config.get("ASCWDS_MAX_UPLOAD_BYTES", 100 * 1024 * 1024))


def inline_limit() -> int:
    """Uploads up to this many bytes are checked and applied at once; bigger ones run as a job."""
    return int(current_app.config.get("ASCWDS_INLINE_BYTES", 2 * 1024 * 1024))


def store_files(session, user, uploads: list[tuple[str, object]], district_id: int | None = None) -> ImportBatch:
    """Save uploaded (name, stream) pairs, each size-limited while it is read. Raises FileProblem."""
    if not uploads:
        raise FileProblem("Choose one, two or three ASC-WDS files to upload")
    if len(uploads) > MAX_FILES:
        raise FileProblem("Upload at most three files: workplace, staff and training")
    token = secrets.token_hex(16)
    folder = storage_root() / token
    folder.mkdir(parents=True)
    total, names = 0, []
    try:
        for n, (name, stream) in enumerate(uploads):
            total += save_stream(stream, folder / f"{n}.csv", upload_limit())
            names.append(Path(name or f"file {n + 1}").name[:200])
    except FileProblem:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    batch = ImportBatch(created_by_id=user.id, token=token, file_names=json.dumps(names), total_bytes=total,
                        district_id=district_id)
    session.add(batch)
    session.flush()
    return batch


def get_batch_or_404(session, batch_id: int, for_user) -> ImportBatch:
    """An import batch, for the user who uploaded it only; anyone else's (or none) is a counted 404."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.created_by_id != for_user.id:
        refuse(404, for_user, ("ImportBatch", batch_id))
    return batch


def read_files(folder: Path, names: list[str]) -> tuple[list, list[str]]:
    parsed, problems = [], []
    for n, name in enumerate(names):
        try:
            parsed.append(parse(name, (folder / f"{n}.csv").read_bytes()))
        except FileProblem as exc:
            problems.append(f"{name}: {exc}")
    return parsed, problems


def check_files(session, folder: Path, names: list[str], user, options: Options) -> Plan:
    parsed, problems = read_files(folder, names)
    plan = validate(session, parsed, user, options)
    for problem in problems:
        plan.report.error(None, None, None, problem)
    return plan


def _options(batch: ImportBatch, today: date | None = None, provider_id: int | None = None) -> Options:
    return Options(today=today or date.today(), leaving_date=batch.leaving_date, district_id=batch.district_id,
                   provider_id=provider_id)


def check_batch(session, batch: ImportBatch, user) -> Report:
    """Check the stored files; save and return the report. Changes nothing else."""
    plan = check_files(session, storage_root() / batch.token, batch.names, user, _options(batch))
    _save_report(batch, plan.report)
    batch.state = ImportState.validated
    if not plan.report.ok:  # it can never be applied: corrected files come as a new upload
        after_commit(shutil.rmtree, storage_root() / batch.token, ignore_errors=True)
    return plan.report


def apply_batch(session, batch: ImportBatch, user, progress=None, provider_id: int | None = None) -> Report:
    """Check the stored files again and, if there are no errors, apply them, all in the caller's one
    transaction. If the re-check finds errors, the new report is saved with the batch and returned
    with `applied` False, and nothing else changes (`not_applied_reason` says it in words).
    `provider_id`: the provider chosen for new workplaces without a CQC provider number."""
    if batch.state == ImportState.applied:
        raise Invalid("This import has already been applied")
    plan = check_files(session, storage_root() / batch.token, batch.names, user,
                       _options(batch, provider_id=provider_id))
    if not plan.report.ok:
        _save_report(batch, plan.report)
        return plan.report
    plan.batch_id = batch.id
    apply_plan(session, plan, user, progress=progress)  # raises Invalid before writing, if it must
    plan.report.applied = True
    _save_report(batch, plan.report)
    batch.state, batch.applied_at = ImportState.applied, utcnow()
    from academy.auth.audit import audit

    audit("ascwds_import_applied", target=batch, actor=user,
          detail=", ".join(f"{n} {action}" for action, n in plan.report.totals.items()))
    after_commit(shutil.rmtree, storage_root() / batch.token, ignore_errors=True)
    return plan.report


def not_applied_reason(report: Report) -> str:
    return f"The files have {report.error_count} errors; nothing has been changed"


def _save_report(batch: ImportBatch, report: Report) -> None:
    batch.report_json = json.dumps(report.as_dict(), default=str)
    batch.error_count, batch.warning_count = report.error_count, report.warning_count
    totals = report.totals
    batch.created_count, batch.updated_count, batch.deleted_count = (
        totals["created"], totals["updated"], totals["deleted"])
