"""The demo care worker's tier, the seed staying idempotent, and CPA membership numbers."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from academy.auth.models import User
from academy.extensions import db
from academy.tiers.evaluator import evaluate
from academy.tiers.membership import membership_for, profile
from academy.tiers.models import CpaMembership, TierAward
from tests import factories


def test_demo_worker_holds_a_tier_with_something_missing_for_the_next_and_reseeding_adds_nothing(ctx):
    from academy.demo import seed_demo_data

    today = date.today()
    seed_demo_data(db.session, today=today)
    worker = db.session.scalar(select(User).where(User.email == "careworker@demo.goodcare.example"))
    result = evaluate(db.session, worker.person, today)
    assert result.awarded_tier == 2 and result.next_tier == 3
    assert [c.description for c in result.missing] == [
        "A relevant social care qualification at Level 2 or above, achieved"]
    assert "Working towards" in result.missing[0].detail
    award = db.session.scalar(select(TierAward).where(TierAward.person_id == worker.person.id))
    assert award.endorsed_by.email == "manager@demo.goodcare.example"
    from academy.tiers.awards import awaiting_endorsement

    manager = db.session.scalar(select(User).where(User.email == "manager@demo.goodcare.example"))
    assert awaiting_endorsement(db.session, manager, today)  # new starters meeting tier 1
    counts = (db.session.scalar(select(func.count(TierAward.id))),
              db.session.scalar(select(func.count(CpaMembership.id))))
    seed_demo_data(db.session, today=today)
    assert counts == (db.session.scalar(select(func.count(TierAward.id))),
                      db.session.scalar(select(func.count(CpaMembership.id))))


def test_member_numbers_are_stable_and_unique(ctx):
    first, second = factories.person(), factories.person()
    one = membership_for(db.session, first)
    assert one.member_number == f"CPA-{first.id:06d}" and not one.profile_visible
    assert membership_for(db.session, first) is one
    assert membership_for(db.session, second).member_number != one.member_number


def test_profile_shows_tier_years_in_care_and_current_specialisms(ctx):
    courses = factories.catalogue()
    factories.tiers()
    workplace = factories.workplace()
    account = factories.care_worker(workplace, start=date(2020, 5, 1))
    who = account.person
    factories.training_record(who, courses["dementia"], completed=date(2026, 1, 1))
    factories.training_record(who, courses["end_of_life"], completed=date(2019, 1, 1))  # expired
    factories.qualification(who, "diploma_l2_adult_care", achieved=date(2021, 1, 1))
    factories.tier_award(who, 1, awarded=date(2025, 1, 1))
    shown = profile(db.session, who, date(2026, 4, 30))
    assert (shown.tier, shown.tier_name, shown.years_in_care) == (1, "New to care", 5)
    assert profile(db.session, who, date(2026, 5, 1)).years_in_care == 6
    assert shown.specialisms == ["Dementia awareness"]
    assert shown.qualifications == ["Level 2 Diploma in Care (Adult Care)"]
