"""Members' benefit pages ("Your benefits", how to claim one, "I've used this") and the manager
portal's page of CPA members and benefit use (thin views). HCPA's catalogue is catalogue_views.py."""
from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from academy.auth.access import DomainError, role_required
from academy.auth.audit import audit
from academy.benefits import members, workplace_use
from academy.benefits.blueprint import bp
from academy.benefits.eligibility import who_for
from academy.benefits.forms import ButtonForm
from academy.extensions import db
from academy.forms import flash_refusal
from academy.pagination import paginate, requested_page
from academy.portal.access import get_portal_workplace_or_404, portal_view
from academy.tiers.membership import membership_for
from training.people import ensure_own_person


def _own_member():
    """The signed-in care worker's Person, a CPA member from their first visit (as on their tier page)."""
    person = ensure_own_person(db.session, current_user)
    membership_for(db.session, person)
    return person


@bp.get("/")
@role_required(*members.MEMBER_ROLES)
def mine():
    """The benefits the member is eligible for today, and nothing else."""
    person = _own_member()
    benefits = members.eligible_benefits(db.session, person)
    return render_template("benefits/mine.html", benefits=benefits,
                           used=members.used_on(db.session, person, [b.id for b in benefits]))


@bp.get("/<int:benefit_id>")
@role_required(*members.MEMBER_ROLES)
def detail(benefit_id: int):
    """How to claim one benefit (only one the member is eligible for; any other is a 404)."""
    person = _own_member()  # first: a member's first visit may be this link (eligibility needs their record)
    benefit = members.get_member_benefit_or_404(db.session, benefit_id, current_user)
    return render_template("benefits/detail.html", benefit=benefit, who_for=who_for(benefit), form=ButtonForm(),
                           used=members.used_on(db.session, person, [benefit.id]).get(benefit.id))


@bp.post("/<int:benefit_id>/used")
@role_required(*members.MEMBER_ROLES)
def used(benefit_id: int):
    """"I've used this": the member declares use (counted for managers, never named). Not audit-logged:
    a log entry would be a record, readable by admins and kept after erasure, of who used what."""
    person = _own_member()
    benefit = members.get_member_benefit_or_404(db.session, benefit_id, current_user)
    if ButtonForm().validate_on_submit():
        try:
            members.record_use(db.session, benefit, person, current_user)
        except DomainError as problem:
            flash_refusal(problem)
        else:
            flash(f"Thank you: we have noted that you used {benefit.title}.", "success")
    return redirect(url_for("benefits.detail", benefit_id=benefit.id))


@bp.get("/workplaces/<int:workplace_id>")
@portal_view
def workplace(workplace_id: int):
    """Manager portal: which staff are CPA members (by name) and benefit use (counts to the end of
    last month, "fewer than 5")."""
    place = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    today = date.today()
    audit("viewed_portal_cpa_members", target=place)
    page = paginate(db.session, workplace_use.members_query(place, today), requested_page(),
                    current_app.config["PAGE_SIZE"])
    return render_template("benefits/workplace.html", workplace=place, page=page,
                           staff_count=workplace_use.staff_count(db.session, place, today),
                           lines=workplace_use.use_counts(db.session, place, today),
                           counted_to=workplace_use.counted_to(today),
                           smallest=workplace_use.SMALLEST_COUNT_SHOWN)
