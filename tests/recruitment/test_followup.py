"""Follow-up: check-ins created by the daily job (idempotently), answered by the worker, and
retention recorded at 3, 6 and 12 months from the Employment's leaving date."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db, utcnow
from recruitment import followup
from recruitment.models import FollowUp, FollowUpPoint
from tests import factories


def test_due_dates_follow_the_calendar():
    start = date(2026, 1, 31)
    assert [followup.due_on(start, p) for p in FollowUpPoint] == [
        date(2026, 2, 7), date(2026, 2, 28), date(2026, 4, 30), date(2026, 7, 31)]


def test_the_job_creates_due_check_ins_once_and_emails_the_worker(ctx, outbox):
    placed = factories.placement(start=date.today() - timedelta(days=40))
    created = followup.create_due_follow_ups(db.session)
    assert sorted(f.point.name for f in created) == ["month_1", "week_1"]
    assert outbox == []  # the emails wait for the owner's commit (here the test; in production the job)
    db.session.commit()
    assert [m["Subject"] for m in outbox] == ["How are you settling in?"] * 2
    assert followup.create_due_follow_ups(db.session) == []  # re-running creates nothing
    assert db.session.query(FollowUp).filter_by(placement_id=placed.id).count() == 2
    later = followup.create_due_follow_ups(db.session, today=date.today() + timedelta(days=200))
    assert sorted(f.point.name for f in later) == ["month_3", "month_6"]
    assert db.session.query(FollowUp).count() == 4


def test_nothing_is_due_in_the_first_week_or_after_leaving(ctx):
    factories.placement(start=date.today() - timedelta(days=3))
    factories.placement(start=date.today() - timedelta(days=60), leaving=date.today() - timedelta(days=55))
    assert followup.create_due_follow_ups(db.session) == []


def test_the_periodic_job_is_registered_with_rq_cron():
    from rq import cron

    cron._job_data_registry = []
    import importlib

    import academy.jobs_cron

    importlib.reload(academy.jobs_cron)
    names = [entry["func"].__name__ for entry in cron._job_data_registry]
    assert "run_follow_ups" in names


def test_run_follow_ups_job_records_both(ctx):
    factories.placement(start=date.today() - timedelta(days=100))
    assert followup.run_follow_ups() == {"check_ins_created": 3, "retention_recorded": 1}
    assert followup.run_follow_ups() == {"check_ins_created": 0, "retention_recorded": 0}


def test_retention_is_recorded_from_the_leaving_date(ctx):
    stayed = factories.placement(start=date.today() - timedelta(days=400))
    left = factories.placement(start=date.today() - timedelta(days=400), leaving=date.today() - timedelta(days=330))
    followup.record_retention(db.session)
    assert (stayed.retained_3_months, stayed.retained_6_months, stayed.retained_12_months) == (True, True, True)
    assert (left.retained_3_months, left.retained_6_months, left.retained_12_months) == (False, False, False)
    recent = factories.placement(start=date.today() - timedelta(days=100))
    followup.record_retention(db.session)
    assert (recent.retained_3_months, recent.retained_6_months) == (True, None)


def _due_check_in():
    factories.placement(start=date.today() - timedelta(days=10))
    check_in = followup.create_due_follow_ups(db.session)[0]
    db.session.commit()
    return check_in


@pytest.mark.parametrize("rating,flagged", [(1, True), (2, True), (3, False), (5, False)])
def test_answers_rated_1_or_2_are_flagged(ctx, rating, flagged):
    check_in = _due_check_in()
    worker = check_in.placement.application.user
    followup.answer(db.session, check_in, worker, rating, "Going ok", "More shadow shifts")
    assert check_in.flagged is flagged and check_in.answered_by_id == worker.id
    assert (check_in in db.session.scalars(followup.flagged_list()).all()) is flagged


def test_only_the_worker_or_hcpa_answer_and_only_once(ctx):
    check_in = _due_check_in()
    with pytest.raises(NotAllowed):
        followup.answer(db.session, check_in, factories.user(Role.care_worker), 4, None, None)
    with pytest.raises(Invalid):
        followup.answer(db.session, check_in, check_in.placement.application.user, 6, None, None)
    followup.answer(db.session, check_in, factories.user(Role.hcpa_staff), 4, "By phone", None)
    with pytest.raises(Invalid, match="already"):
        followup.answer(db.session, check_in, check_in.placement.application.user, 4, None, None)


def test_retention_marks_around_each_leaving_date(ctx):
    """Start 31 January 2025 (a month end): marks fall on 30 April, 31 July 2025 and 31 January 2026.
    Someone who leaves on a mark was not in post at it."""
    start = date(2025, 1, 31)
    cases = {
        date(2025, 4, 30): (False, False, False),
        date(2025, 5, 1): (True, False, False),
        date(2025, 7, 31): (True, False, False),
        date(2025, 8, 1): (True, True, False),
        date(2026, 1, 31): (True, True, False),
        date(2026, 2, 1): (True, True, True),
    }
    placements = {leaving: factories.placement(start=start, leaving=leaving) for leaving in cases}
    followup.record_retention(db.session, today=date(2026, 6, 1))
    for leaving, expected in cases.items():
        p = placements[leaving]
        assert (p.retained_3_months, p.retained_6_months, p.retained_12_months) == expected, leaving
    assert followup.record_retention(db.session, today=date(2026, 6, 1)) == 0  # recorded once


def test_retention_is_not_recorded_before_each_mark(ctx):
    p = factories.placement(start=date(2025, 1, 31))
    followup.record_retention(db.session, today=date(2025, 4, 29))
    assert (p.retained_3_months, p.retained_6_months, p.retained_12_months) == (None, None, None)
    followup.record_retention(db.session, today=date(2025, 4, 30))
    assert (p.retained_3_months, p.retained_6_months) == (True, None)


def test_two_answers_at_once_keep_the_first(ctx):
    check_in = _due_check_in()
    worker = check_in.placement.application.user
    assert check_in.answered_at is None  # what the worker's form showed
    with db.engine.begin() as other:  # HCPA's answer from a phone call commits first
        other.execute(sa.update(FollowUp).where(FollowUp.id == check_in.id)
                      .values(settled_rating=2, comments="By phone", flagged=True, answered_at=utcnow()))
    with pytest.raises(Invalid, match="already been answered"):
        followup.answer(db.session, check_in, worker, 5, "All good", None)
    db.session.refresh(check_in)
    assert (check_in.settled_rating, check_in.comments, check_in.flagged) == (2, "By phone", True)
