"""Training pages for care workers (their passport, training, qualifications, induction, shares)
and the public pages a prospective employer uses (shared passport, code, verify).
Manager, HCPA and catalogue pages are in training/manage_views.py on the same blueprint."""
from __future__ import annotations

from datetime import date

from flask import (
    Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db, limiter
from academy.forms import flash_refusal, form_error, status_for
from academy.mail import public_url
from academy.recognition.display import shown_recognition
from training import catalogue, evidence, induction as inductions, passport, qualifications, records
from training.blueprint import bp
from training.credentials.published import passport_verify_url
from training.forms import QualificationForm, ShareCodeForm, ShareForm, TrainingRecordForm, VerifyForm
from training.models import Qualification, StandardState
from training.pdf import render_passport_pdf
from training.people import ensure_own_person, get_person_or_404

MANAGING_ROLES = (Role.manager, Role.hcpa_staff, Role.admin)


def _back_to(person) -> str:
    if person.user_id == current_user.id:
        return url_for("training.start")
    return url_for("training.person", person_id=person.id)


@bp.get("/")
def start():
    """The care worker's training passport; for everyone else, what the Academy offers and links
    to their own training pages."""
    if not current_user.is_authenticated or current_user.role != Role.care_worker:
        return render_template("training/start.html")
    from academy.portal.employer_links import pending_for

    person = _own_person_with_passport()
    return render_template("training/passport.html", view=passport.build_view(db.session, person), own=True,
                           recognition=shown_recognition(db.session, person),
                           link_requests=pending_for(db.session, current_user))


def _own_person_with_passport():
    """The signed-in worker's Person and passport, made on first visit (saved when the request commits)."""
    person = ensure_own_person(db.session, current_user)
    passport.get_or_create_passport(db.session, person)
    return person


# --- training records --------------------------------------------------------------------------

def _record_form_page(person):
    form = TrainingRecordForm(catalogue.training_courses(db.session))
    if form.validate_on_submit():
        stored = None
        values = records.RecordInput(form.course_id.data, form.completed_on.data, form.expires_on.data,
                                     form.training_provider.data, form.certificate_reference.data, form.notes.data,
                                     other_course=form.other_course.data)
        upload = form.certificate.data if getattr(form.certificate.data, "filename", "") else None
        try:
            checked = evidence.check_certificate(upload) if upload is not None else None
            records.check_record_input(db.session, values, date.today())
            certificate = None
            if checked is not None:
                data, content_type, extension, name = checked
                stored = evidence.store_certificate(data, extension)
                certificate = (stored, name, content_type)
            record = records.add_record(db.session, person, values, current_user, certificate=certificate)
        except DomainError as problem:
            evidence.remove_certificate(stored)
            form_error(form, getattr(problem, "field", "course_id"), problem)
        else:
            audit("added_training", target=record, subject=person.user)
            flash(f"{record.course.name} has been added.", "success")
            return redirect(_back_to(person))
    return render_template("training/record_form.html", form=form, person=person,
                           back=_back_to(person)), status_for(form)


@bp.route("/records/new", methods=["GET", "POST"])
@role_required(Role.care_worker)
def new_own_record():
    """A care worker adds training they have done (self-declared until verified)."""
    return _record_form_page(ensure_own_person(db.session, current_user))


@bp.route("/people/<int:person_id>/records/new", methods=["GET", "POST"])
@role_required(*MANAGING_ROLES)
def new_record_for(person_id: int):
    """A manager or HCPA adds training for one of their staff (verified by them)."""
    person = get_person_or_404(db.session, person_id, current_user)
    return _record_form_page(person)


@bp.get("/records/<int:record_id>/certificate")
@role_required(Role.care_worker, *MANAGING_ROLES)
def certificate(record_id: int):
    """The uploaded certificate, as a download, to the worker and those who manage them."""
    record = records.get_record_or_404(db.session, record_id, current_user)
    if not record.certificate_file:
        abort(404)
    try:
        path = evidence.certificate_path(record.certificate_file)
        name, content_type = evidence.download_as(record.id, record.certificate_file)
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    audit("downloaded_certificate", target=record, subject=record.person.user)
    return send_file(path, mimetype=content_type, as_attachment=True, download_name=name)


@bp.post("/records/<int:record_id>/delete")
@role_required(Role.care_worker)
def delete_record(record_id: int):
    record = records.get_record_or_404(db.session, record_id, current_user)
    stored, name = record.certificate_file, record.course.name
    try:
        records.delete_own_record(db.session, record, current_user)
    except DomainError as problem:
        flash_refusal(problem)
    else:
        evidence.remove_certificate(stored)
        audit("removed_training", target=("TrainingRecord", record_id), subject=current_user)
        flash(f"{name} has been removed.", "success")
    return redirect(url_for("training.start"))


# --- qualifications ----------------------------------------------------------------------------

def _qualification_input(form) -> qualifications.QualificationInput:
    return qualifications.QualificationInput(
        form.qualification_type.data, form.status.data, form.title.data, form.level.data, form.started_on.data,
        form.achieved_on.data, form.awarding_body.data, form.registration_number.data, form.renewal_due_on.data)


def _qualification_page(person, qualification: Qualification | None = None):
    form = QualificationForm(obj=qualification)
    if request.method == "GET" and qualification is not None:
        form.qualification_type.data = qualification.qualification_type.name
        form.status.data = qualification.status.name
    if form.validate_on_submit():
        try:
            if qualification is None:
                qualification = qualifications.add_qualification(db.session, person, _qualification_input(form),
                                                                  current_user)
                action = "added_qualification"
            else:
                qualifications.update_qualification(db.session, qualification, _qualification_input(form),
                                                    current_user)
                action = "changed_qualification"
        except DomainError as problem:
            form_error(form, getattr(problem, "field", "qualification_type"), problem)
        else:
            audit(action, target=qualification, subject=person.user)
            flash(f"{qualification.title} has been saved.", "success")
            return redirect(_back_to(person))
    return render_template("training/qualification_form.html", form=form, person=person,
                           qualification=qualification, back=_back_to(person)), status_for(form)


@bp.route("/qualifications/new", methods=["GET", "POST"])
@role_required(Role.care_worker)
def new_own_qualification():
    return _qualification_page(ensure_own_person(db.session, current_user))


@bp.route("/people/<int:person_id>/qualifications/new", methods=["GET", "POST"])
@role_required(*MANAGING_ROLES)
def new_qualification_for(person_id: int):
    return _qualification_page(get_person_or_404(db.session, person_id, current_user))


@bp.route("/qualifications/<int:qualification_id>/edit", methods=["GET", "POST"])
@role_required(Role.care_worker, *MANAGING_ROLES)
def edit_qualification(qualification_id: int):
    qualification = qualifications.get_qualification_or_404(db.session, qualification_id, current_user)
    return _qualification_page(qualification.person, qualification)


# --- Care Certificate induction (worker's own view; assessors use the same page) ---------------

@bp.get("/induction")
@role_required(Role.care_worker)
def own_induction():
    person = ensure_own_person(db.session, current_user)
    return redirect(url_for("training.induction", person_id=person.id))


@bp.get("/people/<int:person_id>/induction")
@role_required(Role.care_worker, *MANAGING_ROLES)
def induction(person_id: int):
    """The Care Certificate standards with their state, and what the viewer may change."""
    from training.forms import CompletedCertificateForm, StartInductionForm

    person = get_person_or_404(db.session, person_id, current_user)
    passport.get_or_create_passport(db.session, person)
    view = passport.build_view(db.session, person)
    own = person.user_id == current_user.id
    return render_template("training/induction.html", person=person, view=view, own=own,
                           assessor=not own, states=list(StandardState),
                           start_form=StartInductionForm(), completed_form=CompletedCertificateForm(),
                           back=_back_to(person))


@bp.post("/inductions/<int:induction_id>/standards/<int:number>")
@role_required(Role.care_worker, *MANAGING_ROLES)
def set_standard(induction_id: int, number: int):
    item = inductions.get_induction_or_404(db.session, induction_id, current_user)
    person = item.person
    try:
        state = StandardState[request.form.get("state", "")]
    except KeyError:
        abort(400)
    try:
        inductions.set_standard_state(db.session, item, number, state, current_user)
    except DomainError as problem:
        flash_refusal(problem)
    else:
        audit("changed_care_certificate_standard", target=item, subject=person.user,
              detail=f"standard={number} state={state.name}")
        message = f"Standard {number} is now {state.value.lower()}."
        if item.completed_on:
            message += f" The Care Certificate is complete ({item.completed_on:%-d %B %Y})."
        flash(message, "success")
    return redirect(url_for("training.induction", person_id=person.id) + f"#standard-{number}")


# --- the passport: PDF and sharing -------------------------------------------------------------

@bp.get("/passport.pdf")
@role_required(Role.care_worker)
def passport_pdf():
    """The worker's passport as a PDF download."""
    person = _own_person_with_passport()
    view = passport.build_view(db.session, person)
    pdf = render_passport_pdf(view, current_app.config["SERVICE_NAME"],
                              public_url("training.verify", code=view.check_code),
                              recognition=shown_recognition(db.session, person))
    audit("downloaded_passport_pdf", target=("Person", person.id), subject=current_user)
    filename = "training-passport-" + "".join(ch if ch.isalnum() else "-" for ch in person.full_name.lower()) + ".pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/passport/share", methods=["GET", "POST"])
@role_required(Role.care_worker)
def share():
    """Create a time-limited link and code for a prospective employer; see and revoke links."""
    person = ensure_own_person(db.session, current_user)
    form = ShareForm()
    if form.validate_on_submit():
        try:
            item, code = passport.create_share(db.session, person, form.shared_with.data, form.days.data,
                                               current_user)
        except DomainError as problem:
            form_error(form, "shared_with", problem)
        else:
            audit("shared_passport", target=item, subject=current_user, detail=f"days={form.days.data}")
            return render_template("training/share_created.html", share=item, code=passport.format_code(code),
                                   link=public_url("training.shared", token=passport.share_token(item)))
    shares = passport.shares_of(db.session, person)
    return render_template("training/share.html", form=form, shares=shares, status=passport.share_status,
                           token=passport.share_token), status_for(form)


@bp.post("/passport/shares/<int:share_id>/revoke")
@role_required(Role.care_worker)
def revoke_share(share_id: int):
    item = passport.get_share_or_404(db.session, share_id, current_user)
    passport.revoke_share(db.session, item, current_user)
    audit("revoked_passport_share", target=item, subject=current_user)
    flash(f"The link for {item.shared_with} no longer works.", "success")
    return redirect(url_for("training.share"))


# --- public: a shared passport, the code form, the verify page --------------------------------

def _show_opening(opening, how: str):
    if not opening.ok:
        subject = opening.share.passport.person.user if opening.share else None
        audit(f"passport_share_{opening.problem}", target=opening.share, subject=subject, detail=f"via={how}")
        return render_template("training/shared_problem.html", problem=opening.problem), 410 if opening.problem in (
            "expired", "revoked") else 404
    person = opening.share.passport.person
    passport.record_opening(db.session, opening.share)
    audit("opened_passport_share", target=opening.share, subject=person.user, detail=f"via={how}")
    view = passport.build_view(db.session, person)
    return render_template("training/shared.html", view=view, share=opening.share,
                           recognition=shown_recognition(db.session, person),
                           credentials_url=passport_verify_url(db.session, person, view))


@bp.get("/shared/<token>")
@limiter.limit("60 per minute")
def shared(token: str):
    """A passport shared by its owner: the record as of now, for whoever holds a valid link."""
    return _show_opening(passport.open_share_token(db.session, token), "link")


@bp.route("/shared", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def shared_code():
    """Open a shared passport with the short code the worker gave."""
    form = ShareCodeForm()
    if form.validate_on_submit():
        opening = passport.open_share_code(db.session, form.code.data)
        if opening.problem == "invalid":
            form.code.errors = list(form.code.errors) + ["There is no passport with that code: check it and try again"]
        else:
            return _show_opening(opening, "code")
    return render_template("training/shared_code.html", form=form), status_for(form)


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
@limiter.limit("60 per minute", methods=["GET"])  # the PDF's address and QR code check by GET
def verify():
    """Check a passport's check code (or the long verify code): issued by this service, and is the
    record unchanged?"""
    form = VerifyForm()
    result = None
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:500]
        result = passport.check_fingerprint(db.session, form.code.data)
    elif form.validate_on_submit():
        result = passport.check_fingerprint(db.session, form.code.data)
    credentials_url = None
    if result is not None and not result.genuine:
        audit("passport_verify_failed")
    elif result is not None:  # each credential the passport carries, checked on the public verifier
        credentials_url = passport_verify_url(db.session, result.person,
                                              passport.build_view(db.session, result.person))
    return render_template("training/verify.html", form=form, result=result,
                           credentials_url=credentials_url), status_for(form)
