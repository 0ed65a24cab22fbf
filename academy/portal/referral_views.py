"""The portal's referrals inbox: candidates GCR referred to this workplace's vacancies, and each
referral's next step (accept or decline, interview, outcome and offer), using recruitment's own
domain functions (recruitment/referrals.py) and step handling (recruitment/referral_views.py)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.auth.audit import audit
from academy.extensions import db, utcnow
from academy.forms import status_for
from academy.pagination import paginate, requested_page
from academy.portal.blueprint import bp
from academy.portal import vacancies
from academy.portal.access import can_change, get_portal_workplace_or_404, portal_view
from academy.workplaces.models import Vacancy
from recruitment.models import Application, Referral
from recruitment.referral_views import handle_step
from training.models import Passport, PassportShare
from training.passport import share_token


@bp.get("/<int:workplace_id>/referrals")
@portal_view
def referrals_list(workplace_id: int):
    workplace = get_portal_workplace_or_404(db.session, workplace_id, current_user)
    statement = (select(Referral).join(Referral.vacancy).where(Vacancy.workplace_id == workplace.id)
                 .options(joinedload(Referral.application).joinedload(Application.user))
                 .order_by(Referral.created_at.desc(), Referral.id.desc()))
    page = paginate(db.session, statement, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template("portal/referrals/index.html", workplace=workplace, page=page)


def shared_passport_link(referral: Referral, now: datetime | None = None) -> str | None:
    """A link to the candidate's passport when they have shared it with this workplace (a live share
    whose 'shared with' names the workplace); None otherwise."""
    person = referral.application.user.person if referral.application.user else None
    if person is None:
        return None
    now = now or utcnow()
    name = referral.vacancy.workplace.name.lower()
    shares = db.session.scalars(select(PassportShare).join(PassportShare.passport)
                                .where(Passport.person_id == person.id, PassportShare.revoked_at.is_(None),
                                       PassportShare.expires_at > now)
                                .order_by(PassportShare.expires_at.desc()))
    for share in shares:
        if name in share.shared_with.lower():
            return url_for("training.shared", token=share_token(share))
    return None


@bp.route("/<int:workplace_id>/referrals/<int:referral_id>", methods=["GET", "POST"])
@portal_view
def referral(workplace_id: int, referral_id: int):
    item = vacancies.get_referral_or_404(db.session, referral_id, current_user, workplace_id=workplace_id)
    workplace = item.vacancy.workplace
    page_url = url_for("portal.referral", workplace_id=workplace.id, referral_id=item.id)
    done, forms, form = handle_step(item, page_url)
    if done is not None:
        return done
    if not can_change(current_user):
        forms = {}
    audit("viewed_portal_referral", target=item, subject=item.application.user_id)
    status = status_for(form)
    return render_template("portal/referrals/show.html", workplace=workplace, referral=item, forms=forms,
                           application=item.application, form=form,
                           passport_link=shared_passport_link(item)), status
