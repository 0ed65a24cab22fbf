"""Daily reminders: 60 and 30 days before expiry and overdue inductions, each sent once."""
from datetime import date, timedelta

import pytest

from academy.extensions import db
from tests import factories
from training.models import SentReminder
from training.reminders import send_due_reminders

TODAY = date(2026, 6, 1)


@pytest.fixture
def team(ctx):
    workplace = factories.workplace()
    worker = factories.care_worker(workplace, start=date(2024, 1, 1))
    manager = factories.manager([workplace])
    return worker, manager


def _recipients(outbox):
    return sorted(message["To"] for message in outbox)


def test_sixty_then_thirty_days_then_nothing_more(team, outbox):
    worker, manager = team
    fire = factories.course(name="Fire safety", renewal_months=12)
    factories.training_record(worker.person, fire, completed=date(2025, 7, 31))  # expires 31 July 2026
    run = send_due_reminders(db.session, date(2026, 6, 1))   # 60 days before
    assert run.training == 1 and _recipients(outbox) == sorted([worker.email, manager.email])
    assert "Fire safety" in outbox[0]["Subject"]
    assert send_due_reminders(db.session, date(2026, 6, 1)).emails == 0   # re-run: nothing
    assert send_due_reminders(db.session, date(2026, 6, 15)).emails == 0  # still the 60-day threshold
    assert send_due_reminders(db.session, date(2026, 7, 1)).training == 1  # 30 days before
    assert send_due_reminders(db.session, date(2026, 7, 2)).emails == 0
    assert len(outbox) == 4
    assert db.session.query(SentReminder).count() == 2


def test_nothing_when_more_than_sixty_days_or_already_expired(team, outbox):
    worker, _ = team
    fire = factories.course(renewal_months=12)
    factories.training_record(worker.person, fire, completed=date(2025, 8, 1))   # 61 days on 1 June
    factories.training_record(worker.person, factories.course(renewal_months=12), completed=date(2025, 5, 1))
    assert send_due_reminders(db.session, TODAY).emails == 0


def test_renewed_training_is_not_reminded(team, outbox):
    worker, _ = team
    fire = factories.course(renewal_months=12)
    factories.training_record(worker.person, fire, completed=date(2025, 7, 1))
    factories.training_record(worker.person, fire, completed=date(2026, 5, 20))
    assert send_due_reminders(db.session, TODAY).emails == 0


def test_leavers_are_not_reminded(team, outbox):
    worker, _ = team
    worker.person.employments[0].leaving_date = TODAY - timedelta(days=3)
    db.session.commit()
    factories.training_record(worker.person, factories.course(renewal_months=12), completed=date(2025, 7, 1))
    assert send_due_reminders(db.session, TODAY).emails == 0


def test_overdue_induction_once(team, outbox):
    worker, manager = team
    factories.induction(worker.person, started=TODAY - timedelta(weeks=13))
    factories.induction(factories.care_worker(worker.person.employments[0].workplace).person,
                        started=TODAY - timedelta(weeks=11))  # not yet overdue
    run = send_due_reminders(db.session, TODAY)
    assert run.inductions == 1 and _recipients(outbox) == sorted([worker.email, manager.email])
    assert "overdue" in outbox[0]["Subject"]
    assert send_due_reminders(db.session, TODAY + timedelta(days=1)).emails == 0


def test_the_daily_job_is_registered_for_rq_cron():
    import fakeredis
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=fakeredis.FakeRedis())
    scheduler.load_config_from_file("academy/jobs_cron.py")
    jobs = {job.func_name: job for job in scheduler._cron_jobs}
    job = jobs["training.reminders.daily_reminders_job"]
    assert job.cron == "30 6 * * *" and job.queue_name == "default"


def test_the_job_function_runs_in_the_app(team, outbox):
    from training.reminders import daily_reminders_job

    worker, _ = team
    factories.training_record(worker.person, factories.course(renewal_months=12),
                              completed=date.today() - timedelta(days=340))
    assert daily_reminders_job()["training"] == 1
    assert daily_reminders_job()["training"] == 0
