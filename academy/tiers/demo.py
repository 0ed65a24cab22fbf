"""Demo career tiers (development only), called from academy/demo.py: the five tiers, and the demo
care worker's tier 2 endorsed by the demo manager, so their tier page shows a tier held and a
tier 3 checklist with something missing (the Level 2 Diploma is still in progress).
Idempotent: a person who already has a tier award is left alone."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from academy.auth.models import User
from academy.tiers.evaluator import evaluate
from academy.tiers.membership import membership_for
from academy.tiers.models import TierAward
from academy.tiers.rules import seed_tiers


def seed_demo_tiers(session, care_worker: User, manager: User, today: date) -> int:
    """Returns how many awards were added."""
    seed_tiers(session)
    person = care_worker.person
    if person is None:
        session.flush()
        return 0
    membership_for(session, person)
    added = 0
    if session.scalar(select(TierAward.id).where(TierAward.person_id == person.id)) is None:
        eligible = evaluate(session, person, today).eligible_tier
        if eligible:
            workplace = next((w for w in manager.workplaces if any(e.workplace_id == w.id for e in person.employments)),
                             None)
            session.add(TierAward(person=person, tier_number=eligible, awarded_on=today, endorsed_by_id=manager.id,
                                  workplace=workplace))
            added += 1
    session.flush()
    return added
