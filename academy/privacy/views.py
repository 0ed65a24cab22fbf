"""Privacy pages: download your data, ask for your account to be deleted, what we keep; and for
HCPA staff, the erasure requests to confirm and subject access for someone who asks by email."""
from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from academy.unit_of_work import flash_when_committed
from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.pagination import paginate, requested_page
from academy.privacy import erasure, subject_access
from academy.privacy.blueprint import bp
from academy.privacy.forms import (
    CancelErasureForm, ConfirmErasureForm, DeclineErasureForm, FindPersonForm, RequestErasureForm,
)
from academy.privacy.models import ErasureRequest, ErasureStatus

EVERYONE = tuple(Role)


def _json_download(export: dict, filename: str) -> Response:
    body = json.dumps(export, indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# The person's own data ---------------------------------------------------------------------------

@bp.get("/your-data")
@role_required(*EVERYONE)
def your_data():
    pending = erasure.pending_request(db.session, current_user)
    declined = None if pending else erasure.last_declined(db.session, current_user)
    return render_template("privacy/your_data.html", pending=pending, declined=declined)


@bp.get("/your-data/data.json")
@role_required(*EVERYONE)
def your_data_json():
    """Everything we hold about the signed-in person, as one JSON file (audited)."""
    export = subject_access.build_export(db.session, subject_access.subject_for_user(db.session, current_user))
    audit("exported_own_data", target=current_user, subject=current_user, detail="json")
    return _json_download(export, "your-good-care-data.json")


@bp.get("/your-data/data.pdf")
@role_required(*EVERYONE)
def your_data_pdf():
    """The same export as a PDF download (audited)."""
    from academy.privacy.pdf import render_export_pdf

    export = subject_access.build_export(db.session, subject_access.subject_for_user(db.session, current_user))
    audit("exported_own_data", target=current_user, subject=current_user, detail="pdf")
    return Response(render_export_pdf(export, current_app.config["SERVICE_NAME"]), mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="your-good-care-data.pdf"'})


@bp.get("/your-data/summary")
@role_required(*EVERYONE)
def your_data_summary():
    export = subject_access.build_export(db.session, subject_access.subject_for_user(db.session, current_user))
    audit("exported_own_data", target=current_user, subject=current_user, detail="summary")
    return render_template("privacy/summary.html", export=export, own=True)


# Erasure: the person's side ------------------------------------------------------------------

@bp.route("/delete-account", methods=["GET", "POST"])
@role_required(*EVERYONE)
def delete_account():
    """Confirmation page; the request then waits for HCPA staff to confirm it."""
    pending = erasure.pending_request(db.session, current_user)
    if pending is not None:
        return redirect(url_for("privacy.erasure_requested"))
    form = RequestErasureForm()
    if form.validate_on_submit():
        try:
            made = erasure.request_erasure(db.session, current_user)
        except DomainError as problem:
            form_error(form, "understood", problem)
        else:
            audit("requested_erasure", target=made, subject=current_user)
            return redirect(url_for("privacy.erasure_requested"))
    return render_template("privacy/delete_account.html", form=form, we_delete=erasure.WE_DELETE,
                           we_keep=erasure.WE_KEEP), status_for(form)


@bp.get("/delete-account/requested")
@role_required(*EVERYONE)
def erasure_requested():
    pending = erasure.pending_request(db.session, current_user) or abort(404)
    return render_template("privacy/erasure_requested.html", pending=pending, form=CancelErasureForm(),
                           we_keep=erasure.WE_KEEP)


@bp.post("/delete-account/cancel")
@role_required(*EVERYONE)
def cancel_erasure():
    pending = erasure.pending_request(db.session, current_user) or abort(404)
    if not CancelErasureForm().validate_on_submit():
        abort(400)
    erasure.cancel_erasure(db.session, pending, current_user)
    audit("cancelled_erasure", target=pending, subject=current_user)
    flash("Your request has been cancelled. Your account stays as it is.", "success")
    return redirect(url_for("privacy.your_data"))


@bp.get("/what-we-keep")
def what_we_keep():
    """For anyone (the person can no longer sign in once their account is deleted)."""
    return render_template("privacy/what_we_keep.html", we_delete=erasure.WE_DELETE, we_keep=erasure.WE_KEEP)


# HCPA staff --------------------------------------------------------------------------------------

@bp.get("/requests")
@role_required(*STAFF_ROLES)
def requests():
    """Erasure requests, waiting ones first, then the most recent."""
    statement = select(ErasureRequest).order_by(
        (ErasureRequest.status != ErasureStatus.pending), ErasureRequest.requested_at.desc(), ErasureRequest.id.desc())
    page = paginate(db.session, statement, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template("privacy/requests.html", page=page)


def _request_page(item: ErasureRequest, form=None, decline_form=None, problem: str | None = None):
    """The request, with its two forms; a `problem` belongs to whichever form was sent."""
    decline = DeclineErasureForm(prefix="decline") if decline_form is None else decline_form
    problem_at = "#" + (decline.reason.id if decline_form is not None else "confirm")
    return render_template("privacy/request.html", item=item, form=form or ConfirmErasureForm(),
                           decline_form=decline, problem=problem, problem_at=problem_at,
                           we_delete=erasure.WE_DELETE, we_keep=erasure.WE_KEEP), \
        422 if problem else status_for(decline)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def erasure_request(request_id: int):
    item = db.session.get(ErasureRequest, request_id) or abort(404)
    form = ConfirmErasureForm()
    problem = None
    if form.validate_on_submit():
        try:
            erasure.confirm_erasure(db.session, item, current_user)
        except DomainError as refused:
            db.session.rollback()
            problem = str(refused)
        else:
            audit("confirmed_erasure", target=item, subject=item.user_id)
            flash_when_committed("The account has been deleted and the person has been emailed what we keep.",
                                 if_not_queued="The account has been deleted, but the email could not be sent: tell "
                                 "the person what we keep (the 'what we keep' page) another way.")
            return redirect(url_for("privacy.requests"))
    return _request_page(item, form=form, problem=problem)


@bp.post("/requests/<int:request_id>/decline")
@role_required(*STAFF_ROLES)
def decline_erasure(request_id: int):
    item = db.session.get(ErasureRequest, request_id) or abort(404)
    form = DeclineErasureForm(prefix="decline")
    if not form.validate_on_submit():
        return _request_page(item, decline_form=form)
    try:
        erasure.decline_erasure(db.session, item, current_user, form.reason.data)
    except DomainError as refused:
        db.session.rollback()
        return _request_page(item, decline_form=form, problem=str(refused))
    audit("declined_erasure", target=item, subject=item.user_id)
    flash_when_committed("The request has been declined and the person has been emailed the reason.",
                         if_not_queued="The request has been declined, but the email could not be sent: tell the "
                         "person the reason another way.")
    return redirect(url_for("privacy.requests"))


@bp.route("/subject-access", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def find_subject():
    """Find the person who asked (by email) to produce their data for them. The email is sent by
    POST so it stays out of the address and the access logs."""
    form = FindPersonForm()
    subjects = None
    if form.validate_on_submit():
        subjects = subject_access.find_subjects(db.session, form.email.data)
    return render_template("privacy/find_subject.html", form=form, subjects=subjects), status_for(form)


def _audit_staff_export(subject: subject_access.Subject, how: str) -> None:
    target = subject.user if subject.user is not None else ("Person", subject.person.id)
    audit("produced_subject_access", target=target, subject=subject.user, detail=how)


@bp.get("/subject-access/<kind>/<int:record_id>/data.json")
@role_required(*STAFF_ROLES)
def subject_json(kind: str, record_id: int):
    subject = subject_access.get_subject_or_404(db.session, record_id, current_user, kind=kind)
    export = subject_access.build_export(db.session, subject)
    _audit_staff_export(subject, "json")
    return _json_download(export, f"subject-access-{kind}-{record_id}.json")


@bp.get("/subject-access/<kind>/<int:record_id>/summary")
@role_required(*STAFF_ROLES)
def subject_summary(kind: str, record_id: int):
    subject = subject_access.get_subject_or_404(db.session, record_id, current_user, kind=kind)
    export = subject_access.build_export(db.session, subject)
    _audit_staff_export(subject, "summary")
    return render_template("privacy/summary.html", export=export, own=False, kind=kind, record_id=record_id)
