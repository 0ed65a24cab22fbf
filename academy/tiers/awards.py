"""Awarding tiers: a worker's manager endorses a tier whose criteria hold; the award records the
tier, the date and the endorser, and the worker is emailed. Also the endorsement queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.mail import send_mail
from academy.tiers.evaluator import TierEvaluation, evaluate, tier_results, tiers_for
from academy.tiers.models import TierAward
from academy.workplaces.models import Person
from training.people import can_manage, current_employments, is_on_staff_of, staff_people


def can_endorse(session, user: User, person: Person) -> bool:
    """Only a manager of a workplace where the person is currently on staff endorses their tier."""
    return user.role == Role.manager and person.user_id != user.id and is_on_staff_of(session, user, person)


def get_staff_member_or_404(session, person_id: int, for_user: User) -> Person:
    """The person if this user may see their tier (their manager, HCPA, admins); 404 otherwise."""
    person = session.get(Person, person_id)
    if person is None or not can_manage(session, for_user, person):
        refuse(404, for_user, ("Person", person_id))
    return person


def history(session, person: Person) -> list[TierAward]:
    """Every tier awarded to the person, newest first, with who endorsed it."""
    return list(session.scalars(select(TierAward).options(joinedload(TierAward.endorsed_by))
                                .where(TierAward.person_id == person.id)
                                .order_by(TierAward.awarded_on.desc(), TierAward.id.desc())))


def endorse(session, person: Person, tier_number: int | None, by: User, on: date | None = None) -> TierAward:
    """Award `tier_number` to `person`, endorsed by `by` on `on`. Refused unless every criterion of
    that tier (and of the tiers below it) holds on that date, and only above the tier held."""
    on = on or date.today()
    if not can_endorse(session, by, person):
        raise NotAllowed("Only a manager of a workplace where this person works can endorse their tier")
    if tier_number is None or not 1 <= tier_number <= 5:
        raise Invalid("Choose a tier from 1 to 5")
    evaluation = evaluate(session, person, on)
    if evaluation.awarded_tier is not None and tier_number <= evaluation.awarded_tier:
        raise Invalid(f"{person.full_name} already holds tier {evaluation.awarded_tier}")
    failing = [r.description for r in tier_results(session, person, tier_number, on) if not r.holds]
    if failing or evaluation.eligible_tier is None or tier_number > evaluation.eligible_tier:
        reasons = "; ".join(failing) or "the tier's criteria are not met"
        raise Invalid(f"{person.full_name} does not meet tier {tier_number} yet, so it cannot be endorsed. "
                      f"Not met: {reasons}")
    jobs = current_employments(session, [person.id], on).get(person.id, [])
    managed = {w.id for w in by.workplaces}
    workplace = next((e.workplace for e in jobs if e.workplace_id in managed), None)
    award = TierAward(person=person, tier_number=tier_number, awarded_on=on, endorsed_by_id=by.id,
                      workplace=workplace)
    session.add(award)
    session.flush()
    _email_award(person, award, evaluation, by)
    return award


def _email_award(person: Person, award: TierAward, evaluation: TierEvaluation, by: User) -> None:
    to = person.user.email if person.user is not None else person.email
    if not to:
        return
    name = evaluation.name_of(award.tier_number)
    send_mail(to, f"You have been awarded career tier {award.tier_number}: {name}",
              f"Dear {person.full_name},\n\n{by.full_name} has endorsed you for Care Professional Academy "
              f"career tier {award.tier_number} ({name}) on {award.awarded_on:%-d %B %Y}.\n\n"
              "Sign in to see your tier and what the next tier needs.")


@dataclass
class AwaitingEndorsement:
    person: Person
    evaluation: TierEvaluation


def awaiting_endorsement(session, manager: User, on: date | None = None) -> list[AwaitingEndorsement]:
    """The manager's staff whose eligible tier is above the tier they hold (fixed query count)."""
    on = on or date.today()
    people = staff_people(session, manager, on)
    evaluations = tiers_for(session, people, on)
    return [AwaitingEndorsement(p, evaluations[p.id]) for p in people
            if evaluations[p.id].awaiting_endorsement and p.user_id != manager.id]
