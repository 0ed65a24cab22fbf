"""Good Care Recruitment pages: the start page and the applicant's journey and own page.

HCPA staff pages are in staff_views.py and the managers' and placed workers' pages in
referral_views.py; all hang on the one blueprint in blueprint.py.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import form_error, status_for
from academy.privacy.retention import keep_warned_draft
from academy.auth.audit import audit
from academy.extensions import utcnow
from recruitment import board, booking, cv, dates, journey, referrals
from recruitment.blueprint import bp
from recruitment.forms import (
    ApplicantCancelForm, BookSlotForm, ContactForm, OtherTimesForm, SubmitApplicationForm, WithdrawForm,
)
from recruitment.models import ReferralStatus, State
from recruitment.notify import plain_status, start_verb, timeline
from recruitment.pipeline import move

bp.add_app_template_filter(dates.long_date, "long_date")
bp.add_app_template_filter(dates.short_date, "short_date")
bp.add_app_template_filter(dates.date_and_time, "london_date_time")
bp.add_app_template_filter(journey.answer_rows, "answer_rows")
bp.add_app_template_filter(referrals.match_lines, "match_lines")



@bp.get("/")
def start():
    """Start page: explains applying; the applicant's own page once they have started."""
    if current_user.is_authenticated and current_user.role in (Role.hcpa_staff, Role.admin):
        return redirect(url_for("recruitment.queue"))
    if current_user.is_authenticated and current_user.role == Role.manager:
        return redirect(url_for("recruitment.manager_referrals"))
    application = None
    if current_user.is_authenticated and current_user.role in (Role.applicant, Role.care_worker):
        application = journey.application_for(db.session, current_user)
    if application is None or application.state == State.draft:
        return render_template("recruitment/start.html", application=application,
                               next_step=journey.first_unanswered(application) if application else None,
                               answered=len(journey.STEPS) - len(journey.missing_steps(application))
                               if application else 0, steps=len(journey.STEPS),
                               interested=board.interested_listing(application))
    return _yours(application)


def _yours(application, form=None):
    """The applicant's own page, with the interview forms (the posted one keeps its errors: 422)."""
    status, next_text = plain_status(application)
    forms = interview_forms(application.open_referral, form)
    return render_template("recruitment/yours.html", application=application, status=status, next_text=next_text,
                           timeline=timeline(application), started=application.placement is not None
                           and start_verb(application.placement.start_date) == "started",
                           interview=forms), status_for(form)


def interview_forms(referral, posted=None) -> dict:
    """The applicant's interview forms: book one of the offered times or ask for others; cancel an
    arranged interview still to come."""
    forms = {}
    if referral is None:
        return forms
    offered = [slot for slot in referral.slots if slot.is_offered]
    if offered and referral.status in (ReferralStatus.sent, ReferralStatus.accepted):
        book = posted if isinstance(posted, BookSlotForm) else BookSlotForm(formdata=None)
        book.slot.choices = [(str(slot.id), f"{dates.date_and_time(slot.starts_at)} ({slot.minutes} minutes), "
                                            f"{slot.interview_format.value.lower()}: {slot.place}") for slot in offered]
        forms["book"] = book
        forms["other_times"] = posted if isinstance(posted, OtherTimesForm) else OtherTimesForm(formdata=None)
    if referral.status == ReferralStatus.interview_arranged and referral.interview_at > utcnow():
        forms["cancel"] = posted if isinstance(posted, ApplicantCancelForm) else ApplicantCancelForm(formdata=None)
    return forms


def _own_referral():
    """The signed-in applicant's open referral (404 without one: nothing to book)."""
    application = journey.application_for(db.session, current_user)
    referral = application.open_referral if application else None
    if referral is None:
        abort(404)
    return application, referral


@bp.post("/interview/book")
@role_required(Role.applicant, Role.care_worker)
def book_interview():
    """The applicant books one of the offered times: both sides get the calendar invitation."""
    application, referral = _own_referral()
    chosen = request.form.get("slot", "")
    if chosen.isascii() and chosen.isdigit() and len(chosen) < 10:  # someone else's time (a guessed id)
        # is a 404, counted in the security log; other digits ("²", 30 nines) fail the choices below
        booking.get_slot_or_404(db.session, int(chosen), current_user)
    form = BookSlotForm()
    form.slot.choices = [(str(slot.id), "") for slot in referral.slots if slot.is_offered]
    if form.validate_on_submit():
        slot = booking.get_slot_or_404(db.session, int(form.slot.data), current_user)
        try:
            booking.book(db.session, slot, current_user)
        except DomainError as problem:
            form_error(form, "slot", problem)
        else:
            audit("booked_interview", target=referral, subject=current_user)
            flash(f"Your interview is booked for {dates.date_and_time(slot.starts_at)}. We have emailed you "
                  "a calendar invitation", "success")
            return redirect(url_for("recruitment.start"))
    return _yours(application, form)


@bp.post("/interview/other-times")
@role_required(Role.applicant, Role.care_worker)
def ask_other_interview_times():
    application, referral = _own_referral()
    form = OtherTimesForm()
    if form.validate_on_submit():
        try:
            booking.ask_for_other_times(db.session, referral, current_user, form.message.data)
        except DomainError as problem:
            form_error(form, "message", problem)
        else:
            audit("asked_other_interview_times", target=referral, subject=current_user)
            flash(f"We have asked {referral.vacancy.workplace.name} for other times", "success")
            return redirect(url_for("recruitment.start"))
    return _yours(application, form)


@bp.post("/interview/cancel")
@role_required(Role.applicant, Role.care_worker)
def cancel_interview():
    application, referral = _own_referral()
    form = ApplicantCancelForm()
    if form.validate_on_submit():
        try:
            booking.cancel_interview(db.session, referral, current_user, form.reason.data)
        except DomainError as problem:
            form_error(form, "reason", problem)
        else:
            audit("cancelled_interview", target=referral, subject=current_user)
            flash("Your interview is cancelled. We have told the care provider", "success")
            return redirect(url_for("recruitment.start"))
    return _yours(application, form)


@bp.get("/apply")
@role_required(Role.applicant)
def apply():
    """Begin (or carry on with) the application at the first question not yet answered."""
    application = journey.application_for(db.session, current_user, create=True)
    if keep_warned_draft(application):  # the link in the "will be deleted" email: keep it
        flash("Your application will be kept. Carry on with it when you are ready.", "success")
    if application.state != State.draft:
        return redirect(url_for("recruitment.start"))
    step = journey.first_unanswered(application)
    if step is None:
        return redirect(url_for("recruitment.check_answers"))
    return redirect(url_for("recruitment.question", slug=step.slug))


@bp.route("/apply/<slug>", methods=["GET", "POST"])
@role_required(Role.applicant)
def question(slug: str):
    """One question page of the application; saves the answer and goes on to the next."""
    step = journey.STEPS_BY_SLUG.get(slug) or abort(404)
    application = journey.application_for(db.session, current_user, create=True)
    if application.state != State.draft:
        flash("You have already sent your application. You can still update your contact details.", "info")
        return redirect(url_for("recruitment.start"))
    form = journey.make_form(db.session, step, application, submitted=request.method == "POST")
    if form.validate_on_submit():
        try:
            if step.slug == "cv" and form.cv.data and form.cv.data.filename:
                cv.store_cv(db.session, application, current_user, form.cv.data)
            journey.save_step(db.session, application, step, form, current_user)
        except DomainError as problem:
            form_error(form, step.fields[0], problem)
        else:
            return redirect(_after(step, application))
    previous = journey.previous_step(step)
    back = url_for("recruitment.check_answers") if request.args.get("change") else (
        url_for("recruitment.question", slug=previous.slug) if previous else url_for("recruitment.start"))
    number = journey.STEPS.index(step) + 1
    return render_template("recruitment/apply/question.html", form=form, step=step, back=back, number=number,
                           steps=len(journey.STEPS), application=application,
                           enctype="multipart/form-data" if step.slug == "cv" else None), status_for(form)


def _after(step, application) -> str:
    if step.slug == "postcode" and application.district_id is None:
        return url_for("recruitment.question", slug="district", **request.args)
    if request.args.get("change"):
        return url_for("recruitment.check_answers")
    following = journey.next_step(step)
    if following is None or not journey.missing_steps(application):
        return url_for("recruitment.check_answers")
    return url_for("recruitment.question", slug=following.slug)


@bp.route("/apply/check-your-answers", methods=["GET", "POST"])
@role_required(Role.applicant)
def check_answers():
    """Check your answers, then send the application."""
    application = journey.application_for(db.session, current_user) or abort(404)
    if application.state != State.draft:
        return redirect(url_for("recruitment.start"))
    form = SubmitApplicationForm()
    missing = journey.missing_steps(application)
    if form.validate_on_submit():
        try:
            journey.send(db.session, application, current_user)
        except DomainError as problem:
            form_error(form, "submit", problem)
        else:
            return redirect(url_for("recruitment.sent"))
    return render_template("recruitment/apply/check_answers.html", application=application, form=form,
                           missing=missing, steps=journey.STEPS), status_for(form)


@bp.get("/apply/sent")
@role_required(Role.applicant)
def sent():
    application = journey.application_for(db.session, current_user) or abort(404)
    if application.state == State.draft:
        return redirect(url_for("recruitment.check_answers"))
    return render_template("recruitment/apply/sent.html", application=application)


@bp.route("/your-application/contact", methods=["GET", "POST"])
@role_required(Role.applicant, Role.care_worker)
def contact():
    """The applicant keeps their phone number and postcode up to date after sending."""
    application = journey.application_for(db.session, current_user) or abort(404)
    form = ContactForm(obj=application)
    if form.validate_on_submit():
        try:
            journey.update_contact_details(db.session, application, current_user, form.phone.data, form.postcode.data)
        except DomainError as problem:
            form_error(form, "phone", problem)
        else:
            flash("Your contact details have been saved.", "success")
            return redirect(url_for("recruitment.start"))
    return render_template("recruitment/contact.html", form=form), status_for(form)


@bp.route("/your-application/withdraw", methods=["GET", "POST"])
@role_required(Role.applicant)
def withdraw():
    """The applicant withdraws their application (confirmation page first)."""
    application = journey.application_for(db.session, current_user) or abort(404)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            move(db.session, application, State.withdrawn, current_user, form.reason.data or "Withdrawn by the applicant")
        except DomainError as problem:
            form_error(form, "reason", problem)
        else:
            flash("You have withdrawn your application.", "success")
            return redirect(url_for("recruitment.start"))
    return render_template("recruitment/withdraw.html", form=form, application=application), status_for(form)
