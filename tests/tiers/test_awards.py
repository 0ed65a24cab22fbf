"""Endorsing a tier: only the worker's manager, only when the criteria hold; the worker is emailed."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from academy.tiers import awards
from academy.tiers.evaluator import evaluate
from academy.tiers.models import TierAward
from tests import factories
from tests.tiers.conftest import signed_off_certificate, mandatory_training, worker_at

TODAY = date.today()


def _tier2_today(ladder):
    who = worker_at(ladder, start=TODAY - timedelta(days=200))
    signed_off_certificate(who, TODAY - timedelta(days=20))
    mandatory_training(who, ladder.courses, TODAY - timedelta(days=30))
    return who


def test_manager_endorses_the_tier_that_holds_and_the_worker_is_emailed(ladder, outbox):
    who = _tier2_today(ladder)
    boss = factories.manager([ladder.workplace], full_name="Morgan Manager")
    award = awards.endorse(db.session, who, 2, boss, TODAY)
    db.session.commit()
    assert (award.tier_number, award.awarded_on, award.endorsed_by_id, award.workplace_id) == (
        2, TODAY, boss.id, ladder.workplace.id)
    assert evaluate(db.session, who, TODAY).awarded_tier == 2
    assert [m["To"] for m in outbox] == [who.user.email]
    assert "career tier 2" in outbox[0]["Subject"] and "Morgan Manager" in outbox[0].get_content()
    assert [a.id for a in awards.history(db.session, who)] == [award.id]


def test_an_endorsement_that_rolls_back_emails_nobody(ladder, outbox):
    """The award email waits for the commit (academy.mail): if the view's commit fails and it
    rolls back, the worker is not told of a tier they do not hold."""
    who = _tier2_today(ladder)
    boss = factories.manager([ladder.workplace])
    awards.endorse(db.session, who, 2, boss, TODAY)
    db.session.rollback()
    db.session.commit()
    assert db.session.scalar(select(func.count(TierAward.id))) == 0
    assert outbox == []


def test_endorsing_a_tier_whose_criteria_do_not_hold_is_refused(ladder, outbox):
    who = _tier2_today(ladder)
    boss = factories.manager([ladder.workplace])
    with pytest.raises(Invalid) as problem:
        awards.endorse(db.session, who, 3, boss, TODAY)
    assert "does not meet tier 3" in str(problem.value)
    assert "Level 2" in str(problem.value) and "12 months" in str(problem.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count(TierAward.id))) == 0 and outbox == []


def test_a_tier_already_held_cannot_be_endorsed_again(ladder):
    who = _tier2_today(ladder)
    boss = factories.manager([ladder.workplace])
    factories.tier_award(who, 2, awarded=TODAY - timedelta(days=3))
    with pytest.raises(Invalid, match="already holds tier 2"):
        awards.endorse(db.session, who, 2, boss, TODAY)
    with pytest.raises(Invalid):
        awards.endorse(db.session, who, 9, boss, TODAY)


def test_only_a_manager_of_their_workplace_can_endorse(ladder):
    who = _tier2_today(ladder)
    other = factories.manager([factories.workplace()])
    for user in (other, factories.user(Role.hcpa_staff), factories.user(Role.admin), who.user):
        with pytest.raises(NotAllowed):
            awards.endorse(db.session, who, 2, user, TODAY)
    # A leaver is no longer the manager's to endorse.
    boss = factories.manager([ladder.workplace])
    for job in who.employments:
        job.leaving_date = TODAY
    db.session.commit()
    with pytest.raises(NotAllowed):
        awards.endorse(db.session, who, 2, boss, TODAY)


def test_endorsement_queue_lists_only_the_managers_staff_who_meet_a_higher_tier(ladder):
    boss = factories.manager([ladder.workplace])
    ready = _tier2_today(ladder)
    done = _tier2_today(ladder)
    factories.tier_award(done, 2, awarded=TODAY - timedelta(days=1))
    worker_at(ladder)  # nothing recorded: meets no tier
    elsewhere = factories.workplace()
    stranger = factories.care_worker(elsewhere)
    signed_off_certificate(stranger.person, TODAY - timedelta(days=5))
    waiting = awards.awaiting_endorsement(db.session, boss, TODAY)
    assert [(w.person.id, w.evaluation.eligible_tier) for w in waiting] == [(ready.id, 2)]


def test_managers_are_asked_to_endorse_once_per_person_and_tier(ladder, outbox):
    from academy.tiers.endorsement_requests import endorsement_requests_job, request_endorsements

    boss = factories.manager([ladder.workplace])
    deputy = factories.manager([ladder.workplace])
    factories.manager([factories.workplace()])  # another workplace's manager: never asked
    who = _tier2_today(ladder)
    worker_at(ladder)  # meets no tier: nobody asked
    assert request_endorsements(db.session, TODAY) == 2
    assert sorted(m["To"] for m in outbox) == sorted([boss.email, deputy.email])
    assert "career tier 2" in outbox[0]["Subject"] and f"/tiers/people/{who.id}" in outbox[0].get_content()
    assert request_endorsements(db.session, TODAY) == 0 and endorsement_requests_job() == {"emails": 0}
    awards.endorse(db.session, who, 2, boss, TODAY)
    db.session.commit()
    outbox.clear()
    assert request_endorsements(db.session, TODAY) == 0  # endorsed: nothing to ask
    factories.tier_endorsement_request(who, 3)
    assert request_endorsements(db.session, TODAY) == 0 and outbox == []
