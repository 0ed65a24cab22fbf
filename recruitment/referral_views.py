"""Managers' referrals (a simple list and a page each: accept or decline, interview, outcome and
offer) and placed workers' follow-up check-ins."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.pagination import paginate, requested_page
from recruitment import followup, referrals
from recruitment.dates import from_london
from recruitment.forms import CheckInForm, InterviewForm, OutcomeForm, ReferralDecisionForm
from recruitment.models import ReferralStatus
from recruitment.pipeline import CONFLICT_MESSAGE, Conflict, check_version
from recruitment.views import bp, form_error, status_for


@bp.get("/referrals")
@role_required(Role.manager)
def manager_referrals():
    """Referrals to vacancies at the manager's own workplaces, newest first."""
    page = paginate(db.session, referrals.referrals_for_manager(current_user), requested_page(),
                    current_app.config["PAGE_SIZE"])
    return render_template("recruitment/referrals/index.html", page=page)


def _forms_for(referral, posted: str | None = None):
    """The forms the referral's next step needs, stamped with the version they were shown at."""
    forms = {}
    if referral.status == ReferralStatus.sent:
        forms["decision"] = ReferralDecisionForm() if posted == "decision" else \
            ReferralDecisionForm(formdata=None, version=referral.version)
    if referral.status in (ReferralStatus.sent, ReferralStatus.accepted, ReferralStatus.interview_arranged):
        forms["interview"] = InterviewForm() if posted == "interview" else \
            InterviewForm(formdata=None, version=referral.version)
    if referral.status == ReferralStatus.interview_arranged:
        forms["outcome"] = OutcomeForm() if posted == "outcome" else \
            OutcomeForm(formdata=None, version=referral.version)
    return forms


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@role_required(Role.manager, *STAFF_ROLES)
def referral(referral_id: int):
    """One referral: the candidate's details the workplace needs, and its next step."""
    referral = referrals.get_referral_or_404(db.session, referral_id, current_user)
    posted = request.form.get("step") if request.method == "POST" else None
    forms = _forms_for(referral, posted)
    form = forms.get(posted)
    if form is not None and form.validate_on_submit():
        try:
            check_version(referral, form.version.data)
            _act(referral, posted, form)
        except Conflict:
            db.session.rollback()
            flash(CONFLICT_MESSAGE, "info")
            return redirect(url_for("recruitment.referral", referral_id=referral.id))
        except DomainError as problem:
            form_error(form, next(iter(name for name in form.data if name not in ("version", "csrf_token"))),
                       problem)
        else:
            audit(f"referral_{posted}", target=referral, subject=referral.application.user)
            flash("Saved.", "success")
            return redirect(url_for("recruitment.referral", referral_id=referral.id))
    status = 422 if form is not None and form.errors else 200
    return render_template("recruitment/referrals/show.html", referral=referral, forms=forms,
                           application=referral.application, form=form), status


def _act(referral, step: str, form) -> None:
    if step == "decision":
        referrals.decide(db.session, referral, current_user, form.decision.data == "accept", form.reason.data)
    elif step == "interview":
        referrals.arrange_interview(db.session, referral, current_user,
                                    from_london(form.interview_date.data, form.interview_time.data))
    elif step == "outcome":
        referrals.record_outcome(db.session, referral, current_user, form.outcome.data == "offer",
                                 form.offer_details.data, form.notes.data)


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
                  else "Check-in recorded.", "success")
            return redirect(url_for("recruitment.check_ins" if current_user.role == Role.care_worker
                                    else "recruitment.follow_ups"))
    return render_template("recruitment/check_in.html", form=form, follow_up=follow_up), status_for(form)
