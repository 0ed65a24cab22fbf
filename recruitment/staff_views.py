"""HCPA staff pages: the screening queue, an application, values assessment, safer-recruitment
checks, matching, referral, placement and follow-ups. Only HCPA staff (and admins) open them."""
from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import User
from academy.extensions import db
from academy.forms import flash_refusal, form_error, status_for
from academy.jobs import JobsUnavailable, enqueue
from academy.pagination import paginate, requested_page
from academy.workplaces.directory import reference_lists
from academy.workplaces.models import Vacancy
from recruitment import checks, cv, duplicates, followup, matching, placement, referrals, screening
from recruitment.blueprint import bp
from recruitment.forms import (
    AssignForm, ChecksForm, MoveForm, NoteForm, OfferDeclinedForm, PlacementForm, ReferForm, ReviewForm, ValuesAssessmentForm,
)
from recruitment.journey import STEPS
from recruitment.models import VALUES, Application, State, ValuesAssessment
from recruitment.pipeline import CONFLICT_MESSAGE, Conflict, allowed_moves, check_version, move

# The moves an officer makes by hand from the application page (the rest happen through
# assessment, referral and placement), with the button text and, for each, the only states it is
# offered from (None: wherever the pipeline allows it).
MANUAL_MOVES = {
    State.screening: "Start screening",
    State.checks: "Start safer-recruitment checks",
    State.ready_to_refer: "Mark ready to refer",
    State.on_hold: "Put on hold",
    State.not_progressed: "Do not progress",
}
MANUAL_FROM = {
    # From referred, interviewing or offered the way back to ready to refer is the referral's own
    # outcome (declined, not successful, offer not taken up), never this button.
    State.ready_to_refer: {State.checks},
}
# What the success message says happened, after the applicant's name.
MOVED = {
    State.screening: "is being screened",
    State.values_assessed: "has passed the values assessment",
    State.checks: "is at the safer-recruitment checks",
    State.ready_to_refer: "is ready to refer",
    State.on_hold: "is on hold",
    State.not_progressed: "will not be progressed",
}


def manual_moves(application: Application) -> list[tuple[State, str]]:
    """The buttons the application page offers: only the moves that fit where it is now."""
    allowed = allowed_moves(application)
    moves = [(state, label) for state, label in MANUAL_MOVES.items()
             if state in allowed and application.state in MANUAL_FROM.get(state, {application.state})]
    if application.state == State.on_hold and application.held_from is not None:
        moves.insert(0, (application.held_from, f"Resume ({application.held_from.label.lower()})"))
    return moves


def moved_message(application: Application, was: State) -> str:
    """ "Casey Carer is ready to refer": what a move did, in words."""
    if was == State.on_hold:
        return f"{application.full_name} is no longer on hold: back to {application.state.label.lower()}"
    return f"{application.full_name} {MOVED.get(application.state, 'is now ' + application.state.label.lower())}"


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _conflict_redirect(application: Application):
    db.session.rollback()
    flash(CONFLICT_MESSAGE, "info")
    return redirect(url_for("recruitment.application", application_id=application.id))


@bp.get("/screening")
@role_required(*STAFF_ROLES)
def queue():
    """The screening queue: filter, sort, page; counts per state. A fixed number of queries."""
    state = request.args.get("state", "")
    assigned = request.args.get("assigned", "")
    filters = screening.QueueFilters(
        state=State[state] if state in State.__members__ and state != "draft" else None,
        all_states=state == screening.ALL_STATES, search=request.args.get("q", "").strip()[:100],
        assigned_to_id=current_user.id if assigned == "me" else (int(assigned) if assigned.isdigit() else None),
        district_id=_int_arg("district"), service_type_id=_int_arg("service_type"),
        age=request.args.get("age") if request.args.get("age") in screening.AGES else None,
        sort=request.args.get("sort") if request.args.get("sort") in screening.SORTS else "oldest",
    )
    page = paginate(db.session, screening.queue_query(filters), requested_page(), current_app.config["PAGE_SIZE"])
    districts, service_types = reference_lists(db.session)
    pairs = duplicates.open_pairs_by_application(db.session, (application.id for application in page.items))
    return render_template("recruitment/staff/queue.html", page=page, filters=filters, pairs=pairs,
                           counts=screening.state_counts(db.session), districts=districts,
                           service_types=service_types, ages=screening.AGES, sorts=screening.SORTS,
                           officers=screening.officers(db.session), assigned=assigned,
                           needs_action=screening.NEEDS_ACTION, today=date.today())


@bp.get("/applications/<int:application_id>")
@role_required(*STAFF_ROLES)
def application(application_id: int):
    """One application: answers, where it is, history of every move, notes, and what to do next."""
    application = screening.get_application_or_404(db.session, application_id, current_user)
    officers = screening.officers(db.session)
    possible_duplicates = duplicates.open_pairs_for(db.session, application)
    assign_form = AssignForm(formdata=None, version=application.version,
                             officer=str(application.assigned_to_id or ""))
    assign_form.officer.choices = [("", "Nobody")] + [(str(o.id), o.full_name) for o in officers]
    page = render_template("recruitment/staff/application.html", application=application, steps=STEPS,
                           moves=manual_moves(application), move_form=MoveForm(version=application.version),
                           note_form=NoteForm(), assign_form=assign_form,
                           next_check_in=followup.next_check_in(application.placement),
                           assessment=screening.current_assessment(application),
                           missing=checks.missing_checks(application.checks), values=VALUES,
                           possible_duplicates=possible_duplicates,
                           duplicate_tag_pairs=[duplicates.OpenPair.of(pair, application.id)
                                                for pair in possible_duplicates],
                           merged_here=duplicates.merged_into_this(db.session, application))
    # The answers include the applicant's right-to-work answer: every view is audited.
    audit("viewed_application", target=application, subject=application.user, detail="shows right to work answer")
    return page


@bp.post("/applications/<int:application_id>/move")
@role_required(*STAFF_ROLES)
def move_application(application_id: int):
    application = screening.get_application_or_404(db.session, application_id, current_user)
    form = MoveForm()
    if not form.validate_on_submit() or form.to_state.data not in State.__members__:
        abort(400)
    was = application.state
    try:
        check_version(application, form.version.data)
        move(db.session, application, State[form.to_state.data], current_user, form.reason.data)
    except Conflict:
        return _conflict_redirect(application)
    except DomainError as problem:
        flash_refusal(problem, "info")
    else:
        flash(moved_message(application, was), "success")
    return redirect(url_for("recruitment.application", application_id=application.id))


@bp.post("/applications/<int:application_id>/assign")
@role_required(*STAFF_ROLES)
def assign(application_id: int):
    """Give the application to an HCPA officer (or to nobody)."""
    application = screening.get_application_or_404(db.session, application_id, current_user)
    form = AssignForm()
    chosen = form.officer.data or ""
    if not form.validate_on_submit() or not (chosen == "" or chosen.isdigit()):
        abort(400)
    officer = None
    if chosen:
        officer = db.session.get(User, int(chosen))
        if officer is None:
            abort(400)
    try:
        check_version(application, form.version.data)
        screening.assign(db.session, application, current_user, officer)
    except Conflict:
        return _conflict_redirect(application)
    except DomainError as problem:
        flash_refusal(problem, "info")
    else:
        audit("assigned_application", target=application, subject=application.user,
              detail=f"to {officer.full_name}" if officer else "to nobody")
        who = "you" if officer is not None and officer.id == current_user.id else (
            officer.full_name if officer else "nobody")
        flash(f"{application.full_name}'s application is assigned to {who}", "success")
    return redirect(url_for("recruitment.application", application_id=application.id))


@bp.post("/applications/<int:application_id>/notes")
@role_required(*STAFF_ROLES)
def add_note(application_id: int):
    application = screening.get_application_or_404(db.session, application_id, current_user)
    form = NoteForm()
    if form.validate_on_submit():
        screening.add_note(db.session, application, current_user, form.text.data)
        flash(f"Your note is added to {application.full_name}'s application", "success")
    else:
        flash("Enter the note", "info")
    return redirect(url_for("recruitment.application", application_id=application.id, _anchor="notes"))


@bp.get("/applications/<int:application_id>/cv")
@role_required(*STAFF_ROLES)
def download_cv(application_id: int):
    """The applicant's CV, as a download (never shown inline); every download is audited."""
    application = screening.get_application_or_404(db.session, application_id, current_user)
    path = cv.cv_path(application) or abort(404)
    audit("downloaded_cv", target=application, subject=application.user)
    return send_file(path, mimetype=cv.MIME_TYPES[application.cv_kind], as_attachment=True,
                     download_name=f"cv-application-{application.id}.{application.cv_kind}", max_age=0)


# Values assessment ---------------------------------------------------------------------------

@bp.route("/applications/<int:application_id>/assessment", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def assess(application_id: int):
    """Score the 6 Cs (or, with ?corrects=<id>, record a correction of the current assessment)."""
    application = screening.get_application_or_404(db.session, application_id, current_user)
    corrects = None
    if request.values.get("corrects", "").isdigit():
        corrects = db.session.get(ValuesAssessment, int(request.values["corrects"]))
        if corrects is None or corrects.application_id != application.id:
            abort(404)
    form = ValuesAssessmentForm()
    if request.method == "GET" and corrects is not None:
        for value in VALUES:
            form[f"{value}_score"].data = str(corrects.score(value))
            form[f"{value}_justification"].data = corrects.justification(value)
    if form.validate_on_submit():
        scores = {v: int(form[f"{v}_score"].data) for v in VALUES}
        reasons = {v: form[f"{v}_justification"].data for v in VALUES}
        try:
            assessment = screening.record_assessment(db.session, application, current_user, scores, reasons, corrects)
        except DomainError as problem:
            form_error(form, "care_score", problem)
        else:
            audit("recorded_values_assessment", target=assessment, subject=application.user)
            flash(f"Assessment recorded: {'pass' if assessment.passed else 'not a pass'} "
                  f"({assessment.total} of 24). {application.full_name} "
                  f"{'has passed the values assessment' if assessment.passed else 'has not passed'}.", "success")
            return redirect(url_for("recruitment.application", application_id=application.id))
    return render_template("recruitment/staff/assess.html", form=form, application=application, values=VALUES,
                           corrects=corrects, thresholds=screening.thresholds()), status_for(form)


@bp.route("/assessments/<int:assessment_id>", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def assessment(assessment_id: int):
    """One assessment's scores and reasons; a second assessor records their review here."""
    assessment = db.session.get(ValuesAssessment, assessment_id) or abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            screening.review_assessment(db.session, assessment, current_user, form.agrees.data == "yes",
                                        form.comment.data)
        except DomainError as problem:
            form_error(form, "agrees", problem)
        else:
            flash(f"Your review of {assessment.application.full_name}'s values assessment is recorded", "success")
            return redirect(url_for("recruitment.assessment", assessment_id=assessment.id))
    return render_template("recruitment/staff/assessment.html", assessment=assessment, form=form, values=VALUES,
                           current=screening.current_assessment(assessment.application)), status_for(form)


# Safer-recruitment checks -------------------------------------------------------------------

@bp.route("/applications/<int:application_id>/checks", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def checks_page(application_id: int):
    """The safer-recruitment checklist. Shows DBS and health details, so every view is audited."""
    application = screening.get_application_or_404(db.session, application_id, current_user)
    record = checks.checks_for(application)
    form = ChecksForm(obj=record)
    if request.method == "GET":
        form.version.data = record.version
        for name in ("identity_right_to_work", "dbs_status", "reference_1_kind", "reference_1_status",
                     "reference_2_kind", "reference_2_status", "employment_history", "health_status"):
            value = getattr(record, name)
            form[name].data = value.name if value is not None else ""
        audit("viewed_dbs_and_health", target=application, subject=application.user)
    if form.validate_on_submit():
        try:
            if application.checks is not None:
                check_version(application.checks, form.version.data)
            missing = checks.save_checks(db.session, application, current_user, form.data)
        except Conflict:
            return _conflict_redirect(application)
        except checks.CheckProblems as problems:
            db.session.rollback()
            for field, message in problems.problems:
                form[field].errors = list(form[field].errors) + [message]
        except DomainError as problem:
            form_error(form, "identity_right_to_work", problem)
        else:
            audit("updated_safer_recruitment_checks", target=application, subject=application.user)
            flash(f"{application.full_name}'s checks are saved." + (" Still to do: " + "; ".join(missing) + "."
                  if missing else " All checks needed for referral are complete."), "success")
            return redirect(url_for("recruitment.application", application_id=application.id))
    if form.errors:  # the page is shown again with the DBS and health details
        audit("viewed_dbs_and_health", target=application, subject=application.user, detail="form errors")
    return render_template("recruitment/staff/checks.html", form=form, application=application,
                           missing=checks.missing_checks(application.checks)), status_for(form)


# Matching and referral ------------------------------------------------------------------------

@bp.get("/applications/<int:application_id>/matches")
@role_required(*STAFF_ROLES)
def matches(application_id: int):
    """Open vacancies ranked for this applicant, with the reasons; refer from here."""
    application = screening.get_application_or_404(db.session, application_id, current_user)
    ranked = matching.vacancies_for(db.session, application)
    return render_template("recruitment/staff/matches.html", application=application,
                           suitable=[m for m in ranked if m.suitable][:30],
                           unsuitable=len([m for m in ranked if not m.suitable]),
                           asked_unsuitable=next((m for m in ranked if m.asked_about and not m.suitable), None))


@bp.route("/applications/<int:application_id>/refer/<int:vacancy_id>", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def refer(application_id: int, vacancy_id: int):
    """Confirm a referral: the vacancy, why it fits and what does not, and an optional note to the
    manager (in their email and on their referral page)."""
    application = screening.get_application_or_404(db.session, application_id, current_user)
    vacancy = db.session.get(Vacancy, vacancy_id) or abort(404)
    match = matching.score(matching.candidate_from(application), matching.post_from(vacancy))
    form = ReferForm()
    if request.method == "GET":
        form.version.data = application.version
    if form.validate_on_submit():
        try:
            check_version(application, form.version.data)
            referral = referrals.refer(db.session, application, vacancy, current_user, form.note.data)
        except Conflict:
            return _conflict_redirect(application)
        except DomainError as problem:
            form_error(form, "note", problem)
        else:
            audit("referred_applicant", target=referral, subject=application.user)
            flash(f"{application.full_name} is referred to {vacancy.workplace.name} ({vacancy.job_role.name.lower()}). "
                  f"Its managers have been emailed{' with your note' if referral.note_to_manager else ''}.",
                  "success")
            return redirect(url_for("recruitment.application", application_id=application.id))
    return render_template("recruitment/staff/refer.html", application=application, vacancy=vacancy,
                           match=match, form=form), status_for(form)


@bp.get("/vacancies")
@role_required(*STAFF_ROLES)
def vacancies():
    """Open vacancies, to find suitable candidates for each."""
    statement = matching.open_vacancies_query().order_by(Vacancy.opened_on, Vacancy.id)
    district = _int_arg("district")
    if district:
        from academy.workplaces.models import Workplace

        statement = statement.where(Workplace.district_id == district)
    page = paginate(db.session, statement, requested_page(), current_app.config["PAGE_SIZE"])
    districts, _ = reference_lists(db.session)
    return render_template("recruitment/staff/vacancies.html", page=page, districts=districts, district=district)


@bp.get("/vacancies/<int:vacancy_id>/candidates")
@role_required(*STAFF_ROLES)
def candidates(vacancy_id: int):
    """Applicants ready to refer, ranked for this vacancy, with the reasons."""
    vacancy = db.session.get(Vacancy, vacancy_id) or abort(404)
    ranked = matching.candidates_for(db.session, vacancy)
    return render_template("recruitment/staff/candidates.html", vacancy=vacancy,
                           suitable=[m for m in ranked if m.suitable][:30],
                           unsuitable=len([m for m in ranked if not m.suitable]))


# Placement -------------------------------------------------------------------------------------

@bp.route("/referrals/<int:referral_id>/place", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def place(referral_id: int):
    """Record the start date: staff record, care-worker account, vacancy filled."""
    referral = referrals.get_referral_or_404(db.session, referral_id, current_user)
    application = referral.application
    form = PlacementForm()
    if request.method == "GET":
        form.version.data = application.version
        form.hours_per_week.data = int(referral.vacancy.hours_per_week) if referral.vacancy.hours_per_week else None
    if form.validate_on_submit():
        try:
            check_version(application, form.version.data)
            placed = placement.place(db.session, referral, current_user, form.start_date.data,
                                     form.hours_per_week.data, form.fill_post.data)
        except Conflict:
            return _conflict_redirect(application)
        except DomainError as problem:
            form_error(form, "start_date", problem)
        else:
            audit("placed_applicant", target=placed, subject=application.user)
            flash(f"{application.full_name} is placed at {referral.vacancy.workplace.name}.", "success")
            return redirect(url_for("recruitment.application", application_id=application.id))
    return render_template("recruitment/staff/place.html", form=form, referral=referral), status_for(form)


@bp.route("/referrals/<int:referral_id>/offer-not-taken-up", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def offer_not_taken_up(referral_id: int):
    referral = referrals.get_referral_or_404(db.session, referral_id, current_user)
    form = OfferDeclinedForm()
    if request.method == "GET":
        form.version.data = referral.version
    if form.validate_on_submit():
        try:
            check_version(referral, form.version.data)
            referrals.offer_not_taken_up(db.session, referral, current_user, form.reason.data)
        except Conflict:
            return _conflict_redirect(referral.application)
        except DomainError as problem:
            form_error(form, "reason", problem)
        else:
            flash(f"The offer is recorded as not taken up. {referral.application.full_name} is ready to refer again.",
                  "success")
            return redirect(url_for("recruitment.application", application_id=referral.application_id))
    return render_template("recruitment/staff/offer_declined.html", form=form, referral=referral), status_for(form)


# Follow-ups ------------------------------------------------------------------------------------

@bp.get("/follow-ups")
@role_required(*STAFF_ROLES)
def follow_ups():
    """Check-ins due and not answered, and recent answers rated 1-2 (flagged)."""
    due = list(db.session.scalars(followup.due_list(db.session)).unique())
    flagged = list(db.session.scalars(followup.flagged_list()).unique())
    return render_template("recruitment/staff/follow_ups.html", due=due, flagged=flagged)


@bp.post("/follow-ups/run")
@role_required(*STAFF_ROLES)
def run_follow_ups():
    """Run the daily follow-up job now (it is idempotent, so running it again does no harm)."""
    try:
        job = enqueue(followup.run_follow_ups, description="Create due follow-up check-ins",
                      owner_id=current_user.id)
    except JobsUnavailable as problem:
        flash(str(problem), "info")
        return redirect(url_for("recruitment.follow_ups"))
    audit("ran_follow_up_job")
    if job.is_finished:
        result = job.return_value() or {}
        flash(f"{result.get('check_ins_created', 0)} check-ins created; "
              f"{result.get('retention_recorded', 0)} retention marks recorded.", "success")
        return redirect(url_for("recruitment.follow_ups"))
    return redirect(url_for("jobs.status", job_id=job.id))
