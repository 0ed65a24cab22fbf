"""A referral's page for HCPA staff (managers handle theirs in the portal, academy/portal/referral_views.py,
which reuses step_forms/handle_step) and placed workers' follow-up check-ins."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db, utcnow
from academy.forms import form_error, status_for
from academy.pagination import paginate, requested_page
from recruitment import booking, followup, referrals
from recruitment.blueprint import bp
from recruitment.dates import date_and_time, from_london
from recruitment.forms import (
    CancelInterviewForm, CheckInForm, InterviewForm, NoShowForm, OutcomeForm, ReferralDecisionForm, SendTimesForm,
    SlotForm, WithdrawSlotForm,
)
from recruitment.models import VALUES, Application, InterviewFormat, Referral, ReferralStatus
from recruitment.screening import current_assessment
from recruitment.pipeline import CONFLICT_MESSAGE, Conflict, check_version


@bp.get("/referrals")
@role_required(Role.manager)
def manager_referrals():
    """The *Referrals* menu: with one workplace, its portal referrals inbox; with several, every
    referral to any of them on one list (no workplace to choose first), each acted on in one click."""
    workplaces = current_user.workplaces
    if len(workplaces) == 1:
        return redirect(url_for("portal.referrals_list", workplace_id=workplaces[0].id))
    statement = referrals.referrals_for_manager(current_user).options(
        joinedload(Referral.application).joinedload(Application.user))
    page = paginate(db.session, statement, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template("recruitment/referrals/mine.html", page=page,
                           workplaces=sorted(workplaces, key=lambda w: w.name))


def step_forms(referral, posted: str | None = None):
    """The forms the referral's next step needs, stamped with the version they were shown at."""
    forms = {}
    if referral.status == ReferralStatus.sent:
        forms["decision"] = ReferralDecisionForm() if posted == "decision" else \
            ReferralDecisionForm(formdata=None, version=referral.version)
    if referral.status in (ReferralStatus.sent, ReferralStatus.accepted, ReferralStatus.interview_arranged):
        forms["interview"] = InterviewForm() if posted == "interview" else InterviewForm(
            formdata=None, version=referral.version, interview_place=referral.interview_place,
            interview_format=referral.interview_format.name if referral.interview_format else None)
    if referral.status in (ReferralStatus.sent, ReferralStatus.accepted):
        forms["slot"] = SlotForm() if posted == "slot" else SlotForm(formdata=None, version=referral.version)
        if booking.unsent_times(referral):
            forms["send_times"] = SendTimesForm() if posted == "send_times" else \
                SendTimesForm(formdata=None, version=referral.version)
        if any(slot.is_open for slot in referral.slots):
            forms["withdraw_slot"] = WithdrawSlotForm() if posted == "withdraw_slot" else \
                WithdrawSlotForm(formdata=None, version=referral.version)
    if referral.status == ReferralStatus.interview_arranged:
        forms["cancel"] = CancelInterviewForm() if posted == "cancel" else \
            CancelInterviewForm(formdata=None, version=referral.version)
        if referral.interview_at <= utcnow() and not referral.interview_no_show:
            forms["no_show"] = NoShowForm() if posted == "no_show" else \
                NoShowForm(formdata=None, version=referral.version)
        forms["outcome"] = OutcomeForm() if posted == "outcome" else \
            OutcomeForm(formdata=None, version=referral.version)
    return forms


def handle_step(referral, page_url: str):
    """Run the posted step (if any) on the referral. Returns (redirect or None, forms, posted form)."""
    posted = request.form.get("step") if request.method == "POST" else None
    forms = step_forms(referral, posted)
    form = forms.get(posted)
    if posted and form is None:  # a page left open or a replayed post: the step is no longer offered
        flash("That is no longer possible: the referral has moved on. This page shows what you can do now.", "info")
    if form is not None and form.validate_on_submit():
        try:
            check_version(referral, form.version.data)
            act_on_step(referral, posted, form)
        except Conflict:
            db.session.rollback()
            flash(CONFLICT_MESSAGE, "info")
            return redirect(page_url), forms, form
        except DomainError as problem:
            form_error(form, next(iter(name for name in form.data if name not in ("version", "csrf_token"))),
                       problem)  # (NoShowForm: its submit button)
        else:
            audit(f"referral_{posted}", target=referral, subject=referral.application.user)
            flash(step_done_message(referral, posted, form), "success")
            return redirect(page_url), forms, form
    return None, forms, form


def step_done_message(referral, step: str, form=None) -> str:
    """What the step did, in words: "You accepted Ama Mensah: arrange their interview below"."""
    name = referral.application.full_name
    if step == "decision":
        if referral.status == ReferralStatus.accepted:
            return f"You accepted {name}: arrange their interview below"
        return f"You declined {name}. We will tell them and look for another vacancy for them"
    if step == "slot" and form is not None and form.another.data == "yes":
        return f"Time saved. Add another below: we email {name} when you choose to"
    if step in ("slot", "send_times"):
        sent = sum(1 for slot in referral.slots if slot.is_offered)
        return f"We have emailed {name} {sent} time{'' if sent == 1 else 's'} to choose from"
    if step == "withdraw_slot":
        return "You withdrew the time. If we had emailed it, we have told the applicant"
    if step == "cancel":
        return f"The interview with {name} is cancelled. We have sent everyone the cancellation"
    if step == "no_show":
        return f"Recorded that {name} did not come to the interview. Record the outcome below"
    if step == "interview":
        how = f", {referral.interview_format.value.lower()}" if referral.interview_format else ""
        return f"{name}'s interview is arranged for {date_and_time(referral.interview_at)}{how}. We have emailed them"
    if referral.status == ReferralStatus.offered:
        return f"You offered {name} the job. We will confirm their start date with them and you"
    return f"{name} was not successful at interview. We will tell them"


def referral_page(referral, cv_url: str | None) -> dict:
    """What the referral page shows beside the referral: the CV link (None without a CV) and the
    values-assessment summary (scores, never the assessor's notes)."""
    return {"cv_url": cv_url if referral.application.cv_stored_name else None, "values": VALUES,
            "assessment": current_assessment(referral.application)}


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@role_required(Role.manager, *STAFF_ROLES)
def referral(referral_id: int):
    """One referral: the candidate's details the workplace needs, and its next step. Managers work on
    referrals in their portal (this URL, from older emails, sends them there)."""
    referral = referrals.get_referral_or_404(db.session, referral_id, current_user)
    if current_user.role == Role.manager:
        return redirect(url_for("portal.referral", workplace_id=referral.vacancy.workplace_id,
                                referral_id=referral.id), code=307 if request.method == "POST" else 302)
    done, forms, form = handle_step(referral, url_for("recruitment.referral", referral_id=referral.id))
    if done is not None:
        return done
    status = status_for(form)
    return render_template("recruitment/referrals/show.html", referral=referral, forms=forms,
                           application=referral.application, form=form,
                           **referral_page(referral, url_for("recruitment.download_cv",
                                                             application_id=referral.application_id))), status


def act_on_step(referral, step: str, form) -> None:
    if step == "decision":
        referrals.decide(db.session, referral, current_user, form.decision.data == "accept", form.reason.data)
    elif step == "interview":
        referrals.arrange_interview(db.session, referral, current_user,
                                    from_london(form.interview_date.data, form.interview_time.data),
                                    InterviewFormat[form.interview_format.data], form.interview_place.data)
    elif step == "slot":
        booking.offer_slot(db.session, referral, current_user, from_london(form.slot_date.data, form.slot_time.data),
                           form.minutes.data, InterviewFormat[form.slot_format.data], form.slot_place.data,
                           email_now=form.another.data == "no")
    elif step == "send_times":
        booking.send_offered_times(db.session, referral, current_user)
    elif step == "withdraw_slot":
        slot = booking.get_slot_or_404(db.session, int(form.slot.data), current_user)
        booking.withdraw_slot(db.session, referral, slot, current_user)
    elif step == "cancel":
        booking.cancel_interview(db.session, referral, current_user, form.cancel_reason.data)
    elif step == "no_show":
        booking.record_no_show(db.session, referral, current_user)
    elif step == "outcome":
        referrals.record_outcome(db.session, referral, current_user, form.outcome.data == "offer",
                                 form.offer_details.data, form.notes.data)


@bp.get("/interviews")
@role_required(*STAFF_ROLES)
def interviews_overview():
    """HCPA: interviews arranged, waiting for the applicant to book (or for new times), and overdue
    for an outcome."""
    return render_template("recruitment/staff/interviews.html", lists=booking.interview_lists(db.session))


# Placed workers' check-ins ---------------------------------------------------------------------

@bp.get("/check-ins")
@role_required(Role.care_worker)
def check_ins():
    """The placed worker's check-ins: those to answer and those answered."""
    return render_template("recruitment/check_ins.html",
                           follow_ups=followup.follow_ups_for_worker(db.session, current_user))


@bp.route("/check-ins/<int:follow_up_id>", methods=["GET", "POST"])
@role_required(Role.care_worker, *STAFF_ROLES)
def check_in(follow_up_id: int):
    """Answer a check-in (the worker, or HCPA staff recording a phone call)."""
    follow_up = followup.get_follow_up_or_404(db.session, follow_up_id, current_user)
    form = CheckInForm()
    if form.validate_on_submit():
        try:
            followup.answer(db.session, follow_up, current_user, int(form.settled_rating.data),
                            form.comments.data, form.support_wanted.data)
        except DomainError as problem:
            form_error(form, "settled_rating", problem)
        else:
            flash("Thank you. We have your answers." if current_user.role == Role.care_worker
                  else f"{follow_up.placement.application.full_name}'s {follow_up.point.value} check-in is recorded",
                  "success")
            return redirect(url_for("recruitment.check_ins" if current_user.role == Role.care_worker
                                    else "recruitment.follow_ups"))
    return render_template("recruitment/check_in.html", form=form, follow_up=follow_up), status_for(form)
