"""ASC-WDS import and export pages (thin: the work is in batches.py, validate.py, apply.py,
export.py). Managers import into and export their own workplaces; HCPA staff any."""
from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

import io

from academy.ascwds import batches, jobs
from academy.ascwds.blueprint import bp
from academy.ascwds.forms import ApplyForm, ApplyNoLeaversForm, UploadForm
from academy.ascwds.models import ImportBatch, ImportState
from academy.ascwds.parse import FileProblem, TooLarge
from academy.ascwds.report import Report
from academy.auth.access import STAFF_ROLES, Invalid, refuse, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import csrf, db
from academy.jobs import JobsUnavailable, job_status
from academy.pagination import paginate
from academy.workplaces.directory import (
    WorkplaceFilters, get_workplace_or_404, managed_workplaces, reference_lists, workplaces_query,
)
from academy.workplaces.models import Provider, Workplace

ROLES = (Role.manager, Role.hcpa_staff, Role.admin)


def _is_staff() -> bool:
    return current_user.role in STAFF_ROLES


@bp.get("/")
@role_required(*ROLES)
def index():
    """Import files, see past imports, and download a workplace's files."""
    imports = list(db.session.scalars(select(ImportBatch).where(ImportBatch.created_by_id == current_user.id)
                                      .order_by(ImportBatch.id.desc()).limit(20)))
    if _is_staff():
        page = paginate(db.session, workplaces_query(WorkplaceFilters()), request.args.get("page", 1, type=int), 25)
        workplaces = page.items
    else:
        page, workplaces = None, managed_workplaces(db.session, current_user)
    return render_template("ascwds/index.html", imports=imports, workplaces=workplaces, page=page)


def _upload_form(read_request: bool = True) -> UploadForm:
    """The form; FlaskForm reads the request body when built, so callers check its size first."""
    form = UploadForm(reference_lists(db.session)[0], **({} if read_request else {"formdata": None}))
    if not _is_staff():
        del form.district_id
    return form


def _upload_problem(form: UploadForm, message: str, status: int = 422):
    form.files.errors = [message]
    return render_template("ascwds/upload.html", form=form, limit_mb=batches.upload_limit() // (1024 * 1024)), status


@bp.route("/import", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the upload's size is known to be allowed
@role_required(*ROLES)
def upload():
    limit_mb = batches.upload_limit() // (1024 * 1024)
    if request.method == "GET":
        return render_template("ascwds/upload.html", form=_upload_form(), limit_mb=limit_mb)
    allowed = batches.upload_limit() * batches.MAX_FILES + 256 * 1024
    too_big = f"The files are larger than {limit_mb} MB each. Split them, or ask HCPA to import them"
    if request.content_length is not None and request.content_length > allowed:
        return _upload_problem(_upload_form(read_request=False), too_big, 413)  # refused before reading the body
    request.max_content_length = allowed
    try:
        csrf.protect()
        form = _upload_form()
        files = [(f.filename, f.stream) for f in request.files.getlist("files") if f and f.filename]
        form.validate()
    except RequestEntityTooLarge:
        return _upload_problem(_upload_form(read_request=False), too_big, 413)
    district_id = form.district_id.data if "district_id" in form and form.district_id.data else None
    try:
        batch = batches.store_files(db.session, current_user, files, district_id)
    except TooLarge:
        return _upload_problem(form, too_big, 413)
    except FileProblem as problem:
        return _upload_problem(form, str(problem))
    audit("ascwds_import_uploaded", target=batch, detail=", ".join(batch.names))
    if batch.total_bytes <= batches.inline_limit():
        batches.check_batch(db.session, batch, current_user)
        return redirect(url_for("ascwds.show", batch_id=batch.id))
    try:
        job_id = jobs.start(batch, jobs.check_import, "Checking ASC-WDS files")
    except JobsUnavailable as problem:
        db.session.rollback()  # no batch waits for a check that was never queued
        return _upload_problem(form, str(problem), 503)
    return redirect(url_for("jobs.status", job_id=job_id))


def _apply_form(report: Report | None):
    if report is not None and report.staff_deleted:
        form = ApplyForm()
        if request.method == "GET":
            form.leaving_date.data = date.today()
    else:
        form = ApplyNoLeaversForm()
    needed = report.provider_needed if report is not None else []
    form.choose_from(list(db.session.scalars(select(Provider).order_by(Provider.name))) if needed else [], needed)
    return form


def _chosen_provider(form) -> int | None:
    return form.provider_id.data if "provider_id" in form else None


def _show(batch: ImportBatch, form=None, problem: str | None = None, status: int = 200):
    report = Report.from_dict(batch.report) if batch.report else None
    running = job_status(batch.job_id) if batch.job_id else None
    # A job that died (worker killed, timed out) leaves the batch as it was: say so, and offer it again.
    interrupted = running is not None and running.did_not_finish and batch.state != ImportState.applied
    return render_template("ascwds/report.html", batch=batch, report=report, form=form or _apply_form(report),
                           problem=problem, running=running if running and not running.finished else None,
                           interrupted=interrupted, staff_url=_staff_url()), status


def _staff_url() -> str:
    """Where to see the imported staff: the manager portal's staff page once it exists."""
    from flask import current_app

    if current_user.role == Role.manager:
        mine = managed_workplaces(db.session, current_user)
        if mine and "portal.staff_list" in current_app.view_functions:
            return url_for("portal.staff_list", workplace_id=mine[0].id)
        return url_for("training.staff")
    return url_for("training.people")


@bp.get("/imports/<int:batch_id>")
@role_required(*ROLES)
def show(batch_id: int):
    """The validation report: what would change, and every error and warning by line and column."""
    return _show(batches.get_batch_or_404(db.session, batch_id, current_user))


@bp.post("/imports/<int:batch_id>/apply")
@role_required(*ROLES)
def apply(batch_id: int):
    batch = batches.get_batch_or_404(db.session, batch_id, current_user)
    report = Report.from_dict(batch.report) if batch.report else None
    form = _apply_form(report)
    if report is None or not report.ok or batch.state != ImportState.validated:
        return _show(batch, form, "This import cannot be applied: upload corrected files", 422)
    if not form.validate_on_submit():
        return _show(batch, form, None, 422)
    if isinstance(form, ApplyForm):
        if form.leaving_date.data > date.today():
            form.leaving_date.errors = ["The leaving date must be today or in the past"]
            return _show(batch, form, None, 422)
        batch.leaving_date = form.leaving_date.data
    if batch.total_bytes > batches.inline_limit():
        try:
            job_id = jobs.start(batch, jobs.apply_import, "Applying ASC-WDS files", _chosen_provider(form))
        except JobsUnavailable as problem:
            db.session.rollback()
            return _show(db.session.get(ImportBatch, batch_id), form, str(problem), 503)
        return redirect(url_for("jobs.status", job_id=job_id))
    try:
        report = batches.apply_batch(db.session, batch, current_user, provider_id=_chosen_provider(form))
    except Invalid as problem:
        db.session.rollback()
        return _show(db.session.get(ImportBatch, batch_id), form, str(problem), 422)
    if not report.applied:  # the re-check found errors: the new report is saved with the batch
        return _show(batch, form, batches.not_applied_reason(report), 422)
    return redirect(url_for("ascwds.show", batch_id=batch.id))


def _zip_response(workplace_ids: list[int], name: str):
    from academy.ascwds.export import export_zip

    content = export_zip(db.session, workplace_ids)
    return send_file(io.BytesIO(content), mimetype="application/zip", as_attachment=True,
                     download_name=f"{name}-ascwds-{date.today():%Y%m%d}.zip")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:40] or "export"


@bp.get("/workplaces/<int:workplace_id>/export.zip")
@role_required(*ROLES)
def export_workplace(workplace_id: int):
    workplace = get_workplace_or_404(db.session, workplace_id, current_user)
    audit("ascwds_exported", target=workplace)
    return _zip_response([workplace.id], _slug(workplace.name))


@bp.get("/providers/<int:provider_id>/export.zip")
@role_required(*ROLES)
def export_provider(provider_id: int):
    """Every workplace of the provider (for a manager: those of its workplaces they manage)."""
    workplaces = list(db.session.scalars(select(Workplace).where(Workplace.provider_id == provider_id)))
    if not _is_staff():
        mine = {w.id for w in managed_workplaces(db.session, current_user)}
        workplaces = [w for w in workplaces if w.id in mine]
    if not workplaces:
        refuse(404, target=("Provider", provider_id))
    audit("ascwds_exported", target=("Provider", provider_id), detail=f"{len(workplaces)} workplaces")
    return _zip_response([w.id for w in workplaces], _slug(workplaces[0].provider.name))
