"""Career-tier pages: the care worker's tier, checklist, history and CPA profile; the manager's
endorsement queue and per-person endorse action; visible member profiles for employers.
Tier-rule pages for admins are in rules_views.py on the same blueprint."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.auth.models import Role
from academy.extensions import db
from academy.forms import status_for
from academy.recognition.display import shown_recognition
from academy.tiers import awards, membership
from academy.tiers.blueprint import bp
from academy.tiers.evaluator import evaluate, load_tiers
from academy.tiers.forms import EndorseForm, VisibilityForm
from training.people import ensure_own_person


MANAGING_ROLES = (Role.manager, Role.hcpa_staff, Role.admin)
# A checklist line's "what to do" page for the worker -> the same page for a manager (by person id).
MANAGE_LINKS = {"training.own_induction": "training.induction", "training.start": "training.person",
                "training.new_own_record": "training.new_record_for",
                "training.new_own_qualification": "training.new_qualification_for"}


@bp.get("/")
@role_required(Role.care_worker)
def mine():
    """The care worker's tier, the next tier's checklist and their tier history."""
    person = ensure_own_person(db.session, current_user)
    member = membership.membership_for(db.session, person)
    today = date.today()
    return render_template("tiers/mine.html", evaluation=evaluate(db.session, person, today),
                           history=awards.history(db.session, person), member=member, tiers=load_tiers(db.session))


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.care_worker)
def profile_settings():
    """The worker's professional profile and whether employers can see it (hidden by default)."""
    person = ensure_own_person(db.session, current_user)
    member = membership.membership_for(db.session, person)
    form = VisibilityForm(data={"visible": "yes" if member.profile_visible else "no"})
    if form.validate_on_submit():
        membership.set_visibility(db.session, person, form.visible.data == "yes", current_user)
        audit("changed_profile_visibility", target=member, detail="visible" if member.profile_visible else "hidden")
        flash("Your profile is now visible to employers." if member.profile_visible
              else "Your profile is now hidden from employers.", "success")
        return redirect(url_for("tiers.profile_settings"))
    return render_template("tiers/profile_settings.html", form=form,
                           profile=membership.profile(db.session, person)), status_for(form)


@bp.get("/members")
@role_required(*MANAGING_ROLES)
def find_member():
    """Employers look up a CPA member's professional profile by the number the member gave them."""
    number = (request.args.get("number") or "").strip().upper()[:20]
    error = None
    if "number" in request.args:
        member = membership.find_visible(db.session, number)
        if member is not None:
            return redirect(url_for("tiers.member_profile", member_number=member.member_number))
        error = ("Enter a CPA member number, like CPA-000123" if not number
                 else f"There is no visible profile with member number {number}")
    return render_template("tiers/find_member.html", number=number, error=error), 404 if error else 200


@bp.get("/members/<member_number>")
@role_required(*MANAGING_ROLES)
def member_profile(member_number: str):
    """A member's professional profile, if they chose to make it visible to employers."""
    member = membership.get_visible_profile_or_404(db.session, member_number, current_user)
    audit("viewed_cpa_profile", target=member, subject=member.person.user)
    return render_template("tiers/profile.html", profile=membership.profile(db.session, member.person),
                           recognition=shown_recognition(db.session, member.person))


@bp.get("/endorsements")
@role_required(Role.manager)
def endorsements():
    """The manager's staff who meet a tier above the one they hold: waiting for endorsement."""
    return render_template("tiers/endorsements.html",
                           waiting=awards.awaiting_endorsement(db.session, current_user, date.today()))


def _person_page(person, form: EndorseForm, status: int = 200):
    today = date.today()
    evaluation = evaluate(db.session, person, today)
    if not form.tier.data and evaluation.awaiting_endorsement:
        form.tier.data = str(evaluation.eligible_tier)
    return render_template("tiers/person.html", person=person, evaluation=evaluation, form=form,
                           history=awards.history(db.session, person),
                           can_endorse=awards.can_endorse(db.session, current_user, person),
                           manage_links=MANAGE_LINKS), status


@bp.get("/people/<int:person_id>")
@role_required(*MANAGING_ROLES)
def person(person_id: int):
    """One worker's tier as their manager (or HCPA) sees it, with the endorse action."""
    worker = awards.get_staff_member_or_404(db.session, person_id, current_user)
    audit("viewed_tier", target=("Person", worker.id), subject=worker.user)
    return _person_page(worker, EndorseForm())


@bp.post("/people/<int:person_id>/endorse")
@role_required(Role.manager)
def endorse(person_id: int):
    """Endorse the tier the worker meets; refused (nothing saved) if its criteria do not hold."""
    worker = awards.get_staff_member_or_404(db.session, person_id, current_user)
    form = EndorseForm()
    if form.validate_on_submit():
        try:
            award = awards.endorse(db.session, worker, form.tier_number, current_user, date.today())
        except DomainError as problem:
            db.session.rollback()
            form.tier.errors = [str(problem)]
            return _person_page(worker, form, 422)
        audit("endorsed_tier", target=award, subject=worker.user, detail=f"tier {award.tier_number}")
        flash(f"Tier {award.tier_number} awarded to {worker.full_name}.", "success")
        return redirect(url_for("tiers.person", person_id=worker.id))
    return _person_page(worker, form, 422)
