"""Tier lapse: a notice first, the lapse after the grace period, nothing twice on re-runs."""
from __future__ import annotations

from datetime import timedelta

from academy.extensions import db
from academy.tiers.evaluator import evaluate
from academy.tiers.lapse import run_tier_lapses
from tests import factories
from tests.tiers.conftest import ON, mandatory_training, months_before, signed_off_certificate, worker_at

GRACE = 60


def _tier2_with_fire_safety_expiring_on(ladder, expires_on):
    who = worker_at(ladder)
    signed_off_certificate(who, ON - timedelta(days=400))
    mandatory_training(who, ladder.courses, ON - timedelta(days=30), skip=("fire_safety",))
    factories.training_record(who, ladder.courses["fire_safety"], completed=months_before(expires_on, 12))
    boss = factories.manager([ladder.workplace])
    factories.tier_award(who, 1, awarded=ON - timedelta(days=500))
    award = factories.tier_award(who, 2, awarded=ON - timedelta(days=300), by=boss)
    return who, boss, award


def test_notice_then_lapse_after_the_grace_period_and_reruns_send_nothing_more(ladder, outbox):
    who, boss, award = _tier2_with_fire_safety_expiring_on(ladder, ON)
    assert run_tier_lapses(db.session, ON - timedelta(days=1), GRACE).notices == 0  # not expired yet
    first = run_tier_lapses(db.session, ON, GRACE)
    assert (first.notices, first.lapsed, first.emails) == (1, 0, 2)
    assert sorted(m["To"] for m in outbox) == sorted([who.user.email, boss.email])
    assert "will lapse on" in outbox[0]["Subject"] and "Fire safety" in outbox[0].get_content()
    again = run_tier_lapses(db.session, ON, GRACE)
    assert (again.notices, again.lapsed, again.emails) == (0, 0, 0) and len(outbox) == 2
    # Expired for exactly the grace period: not yet; one day more: lapsed.
    assert run_tier_lapses(db.session, ON + timedelta(days=GRACE), GRACE).lapsed == 0
    lapsed_day = ON + timedelta(days=GRACE + 1)
    run = run_tier_lapses(db.session, lapsed_day, GRACE)
    assert run.lapsed == 1 and len(outbox) == 4 and outbox[-1]["Subject"] == "A career tier has lapsed"
    db.session.refresh(award)
    assert award.lapsed_on == lapsed_day and "Fire safety" in award.lapse_reason
    assert evaluate(db.session, who, lapsed_day).awarded_tier == 1  # tier 1 needs no mandatory training
    rerun = run_tier_lapses(db.session, lapsed_day, GRACE)
    assert (rerun.notices, rerun.lapsed, rerun.emails) == (0, 0, 0) and len(outbox) == 4


def test_the_lapse_always_comes_after_a_notice(ladder, outbox):
    """A first run long after the expiry sends the notice; the lapse waits for a later day."""
    who, _, award = _tier2_with_fire_safety_expiring_on(ladder, ON - timedelta(days=200))
    assert (run_tier_lapses(db.session, ON, GRACE).notices, award.lapsed_on) == (1, None)
    assert run_tier_lapses(db.session, ON, GRACE).lapsed == 0
    assert run_tier_lapses(db.session, ON + timedelta(days=1), GRACE).lapsed == 1


def test_renewed_training_stops_the_lapse_and_resets_the_notice(ladder, outbox):
    who, _, award = _tier2_with_fire_safety_expiring_on(ladder, ON)
    run_tier_lapses(db.session, ON, GRACE)
    factories.training_record(who, ladder.courses["fire_safety"], completed=ON + timedelta(days=5))
    later = ON + timedelta(days=GRACE + 5)
    assert run_tier_lapses(db.session, later, GRACE).lapsed == 0
    db.session.refresh(award)
    assert award.lapsed_on is None and award.lapse_notice_sent_on is None
    assert evaluate(db.session, who, later).awarded_tier == 2


def test_the_grace_period_is_a_setting(app):
    from academy.config import Config

    assert Config({"GOODCARE_ENV": "development", "SECRET_KEY": "x"}).TIER_LAPSE_GRACE_DAYS == 60
    assert Config({"GOODCARE_ENV": "development", "SECRET_KEY": "x", "TIER_LAPSE_GRACE_DAYS": "30"}) \
        .TIER_LAPSE_GRACE_DAYS == 30


def test_the_daily_job_is_scheduled_and_runs(app, ctx, ladder):
    import academy.jobs_cron  # noqa: F401  (the schedule loads)
    from academy.tiers.lapse import tier_lapse_job

    assert tier_lapse_job() == {"notices": 0, "lapsed": 0, "emails": 0}


def test_tiers_that_do_not_need_mandatory_training_never_lapse(ladder, outbox):
    who = worker_at(ladder)
    factories.induction(who, started=ON - timedelta(days=400))
    factories.training_record(who, ladder.courses["fire_safety"], completed=months_before(ON, 24))  # long expired
    award = factories.tier_award(who, 1, awarded=ON - timedelta(days=300))
    for day in (ON, ON + timedelta(days=GRACE + 10)):
        assert run_tier_lapses(db.session, day, GRACE).emails == 0
    db.session.refresh(award)
    assert award.lapsed_on is None and award.lapse_notice_sent_on is None and outbox == []


def test_the_command_runs_the_job_by_hand(app, ladder):
    result = app.test_cli_runner().invoke(args=["jobs", "tier-lapses"])
    assert result.exit_code == 0 and "0 lapse notices, 0 tiers lapsed, 0 emails" in result.output
    seeded = app.test_cli_runner().invoke(args=["seed", "reference"])
    assert seeded.exit_code == 0 and "0 career tiers added" in seeded.output  # already seeded by `ladder`
