"""Training pages for managers (their staff, one person's record, verifying, a whole session,
starting inductions), HCPA (everyone) and the course catalogue (admins and HCPA)."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import flash_refusal, form_error, status_for
from academy.pagination import paginate, requested_page
from academy.recognition.display import shown_recognition
from academy.workplaces.models import JobRole
from training import catalogue, induction as inductions, passport, qualifications, records
from training.blueprint import bp
from training.forms import CompletedCertificateForm, CourseForm, SessionForm, StartInductionForm, VerifyManyForm
from training.models import CareCertificateInduction, CertificateVersion, Course
from training.people import current_employments, get_person_or_404, search_people, staff_people
from training.views import MANAGING_ROLES


def _induction_summary(person_ids) -> dict[int, CareCertificateInduction | None]:
    rows = db.session.scalars(select(CareCertificateInduction)
                              .where(CareCertificateInduction.person_id.in_(list(person_ids)))) if person_ids else []
    by_person: dict[int, list] = {}
    for item in rows:
        by_person.setdefault(item.person_id, []).append(item)
    return {pid: inductions.current_induction(items) for pid, items in by_person.items()}


@bp.get("/staff")
@role_required(Role.manager)
def staff():
    """A manager's staff across their workplaces: mandatory training states and induction."""
    today = date.today()
    people = staff_people(db.session, current_user, today)
    overview = records.training_overview(db.session, people, today)
    employments = current_employments(db.session, [p.id for p in people], today)
    induction_by_person = _induction_summary([p.id for p in people])
    rows = [{"person": p, "counts": records.count_states(overview[p.id]), "employments": employments.get(p.id, []),
             "induction": induction_by_person.get(p.id),
             "unverified": sum(1 for line in overview[p.id] for r in line.history if not r.verified)}
            for p in people]
    return render_template("training/staff.html", rows=rows, today=today, is_overdue=inductions.is_overdue)


@bp.get("/people")
@role_required(*STAFF_ROLES)
def people():
    """HCPA: find anyone in the workforce by name."""
    query = (request.args.get("q") or "").strip()[:100]
    page = paginate(db.session, search_people(query), requested_page(), current_app.config["PAGE_SIZE"])
    employments = current_employments(db.session, [p.id for p in page.items])
    return render_template("training/people.html", page=page, query=query, employments=employments)


@bp.get("/people/<int:person_id>")
@role_required(*MANAGING_ROLES)
def person(person_id: int):
    """One worker's passport as their manager (or HCPA) sees it, with verify buttons."""
    worker = get_person_or_404(db.session, person_id, current_user)
    passport.get_or_create_passport(db.session, worker)
    audit("viewed_training_record", target=("Person", worker.id), subject=worker.user)
    return render_template("training/person.html", view=passport.build_view(db.session, worker), own=False,
                           recognition=shown_recognition(db.session, worker))


@bp.post("/records/<int:record_id>/verify")
@role_required(*MANAGING_ROLES)
def verify_record(record_id: int):
    record = records.get_record_or_404(db.session, record_id, current_user)
    try:
        records.verify_record(db.session, record, current_user)
    except DomainError as problem:
        flash_refusal(problem)
    else:
        audit("verified_training", target=record, subject=record.person.user)
        flash(f"{record.course.name} for {record.person.full_name} is verified.", "success")
    return redirect(url_for("training.person", person_id=record.person_id))


@bp.route("/staff/verify", methods=["GET", "POST"])
@role_required(Role.manager)
def verify_many():
    """The self-declared training of the manager's staff: tick several, verify them at once (each audited)."""
    waiting = records.to_verify(db.session, current_user)
    form = VerifyManyForm(waiting)
    if form.validate_on_submit():
        chosen = [r for r in waiting if r.id in set(form.records.data)]
        try:
            done = records.verify_records(db.session, chosen, current_user)
        except DomainError as problem:
            form_error(form, "records", problem)
        else:
            for record in done:
                audit("verified_training", target=record, subject=record.person.user)
            flash(f"{len(done)} training {'record is' if len(done) == 1 else 'records are'} verified.", "success")
            return redirect(url_for("training.verify_many"))
    audit("viewed_training_to_verify", detail=f"records={len(waiting)}")
    return render_template("training/verify_many.html", form=form, waiting=waiting), status_for(form)


@bp.post("/records/<int:record_id>/withdraw-verification")
@role_required(*MANAGING_ROLES)
def withdraw_verification(record_id: int):
    record = records.get_record_or_404(db.session, record_id, current_user)
    try:
        records.withdraw_verification(db.session, record, current_user)
    except DomainError as problem:
        flash_refusal(problem)
    else:
        audit("withdrew_training_verification", target=record, subject=record.person.user)
        flash(f"The verification of {record.course.name} for {record.person.full_name} is withdrawn. "
              "Any credential issued for it is now revoked.", "success")
    return redirect(url_for("training.person", person_id=record.person_id))


@bp.post("/qualifications/<int:qualification_id>/verify")
@role_required(*MANAGING_ROLES)
def verify_qualification(qualification_id: int):
    item = qualifications.get_qualification_or_404(db.session, qualification_id, current_user)
    worker = item.person
    try:
        qualifications.verify_qualification(db.session, item, current_user)
    except DomainError as problem:
        flash_refusal(problem)
    else:
        audit("verified_qualification", target=item, subject=worker.user)
        flash(f"{item.title} for {worker.full_name} is verified.", "success")
    return redirect(url_for("training.person", person_id=worker.id))


@bp.route("/sessions/new", methods=["GET", "POST"])
@role_required(Role.manager)
def new_session():
    """Record one training session for everyone who attended (a manager's own staff)."""
    attendees_to_choose = staff_people(db.session, current_user)
    form = SessionForm(catalogue.training_courses(db.session), attendees_to_choose)
    if form.validate_on_submit():
        chosen = {p.id: p for p in attendees_to_choose}
        attendees = [chosen[i] for i in form.attendees.data if i in chosen]
        try:
            added = records.add_session(db.session, form.course_id.data, form.completed_on.data, attendees,
                                        current_user, training_provider=form.training_provider.data)
        except DomainError as problem:
            form_error(form, getattr(problem, "field", "course_id"), problem)
        else:
            for record in added:
                audit("added_training", target=record, subject=record.person.user, detail="session")
            flash(f"{added[0].course.name} recorded for {len(added)} "
                  f"{'person' if len(added) == 1 else 'people'}.", "success")
            return redirect(url_for("training.staff"))
    return render_template("training/session_form.html", form=form,
                           no_staff=not attendees_to_choose), status_for(form)


@bp.post("/people/<int:person_id>/induction/start")
@role_required(*MANAGING_ROLES)
def start_induction(person_id: int):
    worker = get_person_or_404(db.session, person_id, current_user)
    form = StartInductionForm()
    if form.validate_on_submit():
        workplaces = current_employments(db.session, [worker.id]).get(worker.id, [])
        try:
            item = inductions.start_induction(db.session, worker, form.started_on.data, current_user,
                                              workplace=workplaces[0].workplace if workplaces else None)
        except DomainError as problem:
            flash_refusal(problem)
        else:
            audit("started_care_certificate", target=item, subject=worker.user)
            flash(f"Care Certificate induction started. Target date: {item.target_on:%-d %B %Y}.", "success")
    else:
        flash("Enter a real start date, like 27 3 2025.", "error")
    return redirect(url_for("training.induction", person_id=worker.id))


@bp.post("/people/<int:person_id>/induction/completed")
@role_required(*MANAGING_ROLES)
def record_completed_induction(person_id: int):
    worker = get_person_or_404(db.session, person_id, current_user)
    form = CompletedCertificateForm()
    if form.validate_on_submit():
        try:
            item = inductions.record_completed_certificate(db.session, worker, CertificateVersion[form.version.data],
                                                           form.completed_on.data, current_user)
        except DomainError as problem:
            flash_refusal(problem)
        else:
            audit("recorded_care_certificate", target=item, subject=worker.user)
            flash(f"Care Certificate ({item.version.value}) recorded as completed.", "success")
    else:
        flash("Choose the version and enter a real completion date.", "error")
    return redirect(url_for("training.induction", person_id=worker.id))


# --- the course catalogue ----------------------------------------------------------------------

@bp.get("/courses")
@role_required(*STAFF_ROLES)
def courses():
    """The course catalogue: category, renewal, the roles it is mandatory for."""
    return render_template("training/courses.html", courses=catalogue.all_courses(db.session))


def _course_page(course: Course | None):
    roles = list(db.session.scalars(select(JobRole).order_by(JobRole.name)))
    form = CourseForm(roles, obj=course)
    if request.method == "GET" and course is not None:
        form.category.data = course.category.name
        form.care_certificate_standard.data = course.care_certificate_standard or 0
        form.mandatory_for.data = [r.id for r in course.mandatory_for]
    if form.validate_on_submit():
        try:
            saved = catalogue.save_course(db.session, form.data, course)
        except DomainError as problem:
            form_error(form, "name", problem)
        else:
            audit("edited_course" if course else "created_course", target=saved)
            flash(f"{saved.name} has been saved.", "success")
            return redirect(url_for("training.courses"))
    return render_template("training/course_form.html", form=form, course=course), status_for(form)


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def new_course():
    return _course_page(None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def edit_course(course_id: int):
    course = db.session.get(Course, course_id) or abort(404)
    if course.category.name == "qualification":
        abort(404)
    return _course_page(course)

