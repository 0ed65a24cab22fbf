"""Career-tier test helpers: a worker whose passport is built to order at a chosen date."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from academy.extensions import db, utcnow
from tests import factories
from training.models import CareCertificateInduction, CertificateVersion, CareCertificateStandardProgress, StandardState
from training.records import add_months

ON = date(2026, 6, 15)
CARE_WORKER_MANDATORY = ("moving_handling", "basic_life_support", "fire_safety", "infection_prevention",
                         "safeguarding_adults", "food_hygiene", "health_safety", "oliver_mcgowan_tier1",
                         "mental_capacity", "data_protection")


def signed_off_certificate(who, completed: date, started: date | None = None):
    """A 2025 Care Certificate with every standard signed off on `completed`."""
    started = started or completed - timedelta(weeks=8)
    obj = CareCertificateInduction(
        person=who, version=CertificateVersion.v2025, started_on=started, target_on=started + timedelta(weeks=12),
        completed_on=completed,
        standards=[CareCertificateStandardProgress(standard_number=n, state=StandardState.signed_off,
                                                   completed_on=completed, signed_off_at=utcnow())
                   for n in range(1, 17)])
    db.session.add(obj)
    db.session.commit()
    return obj


def mandatory_training(who, courses, completed: date, skip=()):
    for code in CARE_WORKER_MANDATORY:
        if code not in skip:
            factories.training_record(who, courses[code], completed=completed)


def months_before(day: date, months: int) -> date:
    return add_months(day, -months)


@pytest.fixture
def ladder(ctx):
    """The seeded tiers and course catalogue, and a workplace."""
    class Ladder:
        tiers = factories.tiers()
        courses = factories.catalogue()
        workplace = factories.workplace()
    return Ladder


def worker_at(ladder, role_code="care_worker", start: date | None = None, **fields):
    account = factories.care_worker(**fields)
    factories.employment(ladder.workplace, who=account.person, role_code=role_code,
                         start=start or months_before(ON, 24))
    return account.person


def tier2_ready(ladder, start: date | None = None, **fields):
    """A care worker with the Care Certificate signed off and all mandatory training current on ON."""
    who = worker_at(ladder, start=start, **fields)
    signed_off_certificate(who, ON - timedelta(days=100))
    mandatory_training(who, ladder.courses, ON - timedelta(days=60))
    return who


def tier3_ready(ladder, role_code="care_worker"):
    """Tier 3 criteria hold on ON (with any extra role's mandatory training current too)."""
    from training.records import mandatory_course_ids

    who = tier2_ready(ladder)
    if role_code != "care_worker":
        job = factories.employment(ladder.workplace, who=who, role_code=role_code, start=ON - timedelta(days=5))
        held = {r.course_id for r in who.training_records}
        by_id = {c.id: c for c in ladder.courses.values()}
        for course_id in mandatory_course_ids(db.session, [job.job_role_id]).get(job.job_role_id, set()) - held:
            factories.training_record(who, by_id[course_id], completed=ON - timedelta(days=60))
    factories.training_record(who, ladder.courses["dementia"], completed=ON - timedelta(days=10))
    return who


def people_at_every_rung(ladder):
    """Workers standing at every rung: none, 1 to 5, a lapsed award, an award above what still
    holds, two current jobs, a leaver and one who has not started yet."""
    nobody = worker_at(ladder)
    new = worker_at(ladder)
    factories.induction(new, started=ON - timedelta(days=30))
    two = tier2_ready(ladder)
    three = tier3_ready(ladder)
    factories.qualification(three, "diploma_l2_adult_care", achieved=ON - timedelta(days=100))
    leader = tier3_ready(ladder, role_code="team_leader")
    factories.qualification(leader, "diploma_l3_adult_care", achieved=ON - timedelta(days=5))
    deputy = tier3_ready(ladder, role_code="deputy_manager")
    factories.qualification(deputy, "diploma_l3_adult_care", achieved=ON - timedelta(days=400))
    factories.qualification(deputy, "diploma_l5_leadership", achieved=ON)
    lapsed = tier2_ready(ladder)
    factories.tier_award(lapsed, 2, awarded=ON - timedelta(days=50), lapsed_on=ON)
    above = worker_at(ladder)
    signed_off_certificate(above, ON - timedelta(days=500))
    mandatory_training(above, ladder.courses, months_before(ON, 13))
    factories.tier_award(above, 2, awarded=ON - timedelta(days=200))
    awarded = tier2_ready(ladder)
    factories.tier_award(awarded, 1, awarded=ON - timedelta(days=300))
    left = tier2_ready(ladder)
    factories.employment(ladder.workplace, who=left, role_code="registered_manager", start=months_before(ON, 30),
                         leaving=ON - timedelta(days=1))
    later = worker_at(ladder, start=ON + timedelta(days=1))
    factories.induction(later, started=ON - timedelta(days=3))
    return [nobody, new, two, three, leader, deputy, lapsed, above, awarded, left, later]
