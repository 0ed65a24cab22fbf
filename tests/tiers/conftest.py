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
