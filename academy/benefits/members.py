"""What a CPA member sees: the benefits they are eligible for today (never the others), how to
claim each, and "I've used this".

Use is self-declared: the member presses "I've used this" on the benefit's page once they have
used it. One row per member, benefit and workplace they work at when they press it (pressing again
moves only the date shown to them), so managers' counts are of people, not clicks, and of people
who used it while working for them. Following the claim link records nothing: a click is not a use.
Declaring use is not audit-logged: see docs/benefits.md ("Who can see that you used a benefit").
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from academy.auth.access import NotAllowed, refuse
from academy.auth.models import Role, User
from academy.benefits.eligibility import facts_for, is_eligible
from academy.benefits.models import Benefit, BenefitUse
from academy.workplaces.models import Employment, Person
from training.people import current_employment_clause

MEMBER_ROLES = (Role.care_worker,)


def _live_benefits(session, on: date) -> list[Benefit]:
    return [benefit for benefit in session.scalars(
        select(Benefit).options(selectinload(Benefit.job_roles))
        .where(Benefit.withdrawn_at.is_(None)).order_by(Benefit.kind, Benefit.title, Benefit.id))
        if benefit.live_on(on)]


def eligible_benefits(session, person: Person, on: date | None = None) -> list[Benefit]:
    """The live benefits this member is eligible for on `on`, by kind and title (four queries)."""
    on = on or date.today()
    facts = facts_for(session, person, on)
    return [benefit for benefit in _live_benefits(session, on) if is_eligible(benefit, facts, on)]


def can_claim(session, user: User, benefit: Benefit, on: date | None = None) -> bool:
    """Is `user` a member eligible for `benefit` today?"""
    on = on or date.today()
    person = getattr(user, "person", None)
    return (user.role in MEMBER_ROLES and person is not None
            and is_eligible(benefit, facts_for(session, person, on), on))


def get_member_benefit_or_404(session, benefit_id: int, for_user: User) -> Benefit:
    """A benefit the signed-in member is eligible for today; any other (withdrawn, closed, not for
    them, unknown) is a 404, so a member never learns of a benefit that is not theirs."""
    if for_user.role not in MEMBER_ROLES:
        refuse(403, for_user, ("Benefit", benefit_id))
    benefit = session.get(Benefit, benefit_id)
    if benefit is None or not can_claim(session, for_user, benefit):
        refuse(404, for_user, ("Benefit", benefit_id))
    return benefit


def used_on(session, person: Person, benefit_ids: list[int]) -> dict[int, date]:
    """When the member last said they used each of these benefits."""
    if not benefit_ids:
        return {}
    return dict(session.execute(
        select(BenefitUse.benefit_id, func.max(BenefitUse.used_on))
        .where(BenefitUse.person_id == person.id, BenefitUse.benefit_id.in_(benefit_ids))
        .group_by(BenefitUse.benefit_id)).all())


def workplaces_on(session, person: Person, on: date) -> list[int | None]:
    """The workplaces `person` works at on `on` (each once), or [None] between jobs: where a use
    declared that day is counted."""
    ids = session.scalars(select(Employment.workplace_id).distinct().where(
        Employment.person_id == person.id, Employment.start_date <= on, current_employment_clause(on))
        .order_by(Employment.workplace_id)).all()
    return list(ids) or [None]


def record_use(session, benefit: Benefit, person: Person, by: User, on: date | None = None) -> list[BenefitUse]:
    """The member says they have used `benefit` (only their own, only one they are eligible for):
    one row for each workplace they work at today. A row already there keeps its first date (so
    pressing again never moves a use out of the months a manager is shown) and gets the new date as
    the one shown to the member."""
    on = on or date.today()
    if person.user_id != by.id or not can_claim(session, by, benefit, on):
        raise NotAllowed("You can only record using a benefit you are eligible for")
    existing = {use.workplace_id: use for use in session.scalars(
        select(BenefitUse).where(BenefitUse.benefit_id == benefit.id, BenefitUse.person_id == person.id))}
    uses = []
    for workplace_id in workplaces_on(session, person, on):
        use = existing.get(workplace_id)
        if use is None:
            use = BenefitUse(benefit=benefit, person=person, workplace_id=workplace_id, first_used_on=on)
            session.add(use)
        use.used_on = on
        uses.append(use)
    session.flush()
    return uses
