"""NMC registration for nurses: its renewal date gives a state on the passport (renewal due within
60 days, renewal date passed) and reminders at 60 and 30 days, each sent once."""
from datetime import date, timedelta

import pytest

from academy.extensions import db
from tests import factories
from tests.helpers import text
from training.qualifications import nmc_renewal_state
from training.reminders import daily_reminders_job, send_due_reminders

RENEW_BY = date(2027, 3, 31)


def _registration(who, renew_by=RENEW_BY, **fields):
    return factories.qualification(who, kind="nmc_registration", achieved=date(2020, 4, 1),
                                   registration_number="12A3456E", renewal_due_on=renew_by, **fields)


@pytest.mark.parametrize("on, expected", [
    (RENEW_BY - timedelta(days=61), "current"),
    (RENEW_BY - timedelta(days=60), "due"),
    (RENEW_BY, "due"),                          # still valid on the renewal date itself
    (RENEW_BY + timedelta(days=1), "lapsed"),
])
def test_renewal_state_around_the_boundaries(ctx, on, expected):
    nurse = factories.person("Nia Nurse")
    assert nmc_renewal_state(_registration(nurse), on) == expected


def test_other_qualifications_and_unfinished_registrations_have_no_renewal_state(ctx):
    nurse = factories.person("Nia Nurse")
    diploma = factories.qualification(nurse)
    enrolled = factories.qualification(nurse, kind="nmc_registration", status="in_progress",
                                       renewal_due_on=RENEW_BY)
    assert nmc_renewal_state(diploma, RENEW_BY) is None and nmc_renewal_state(enrolled, RENEW_BY) is None


@pytest.fixture
def nurse_team(ctx):
    workplace = factories.workplace(name="Harpenden Nursing Home")
    nurse = factories.care_worker(workplace, role_code="registered_nurse", start=date(2022, 1, 1),
                                  full_name="Nia Nurse")
    manager = factories.manager([workplace])
    return nurse, manager


def test_reminders_at_sixty_and_thirty_days_then_nothing_more(nurse_team, outbox):
    nurse, manager = nurse_team
    _registration(nurse.person)
    assert send_due_reminders(db.session, RENEW_BY - timedelta(days=61)).nmc == 0
    run = send_due_reminders(db.session, RENEW_BY - timedelta(days=60))
    assert run.nmc == 1 and sorted(m["To"] for m in outbox) == sorted([nurse.email, manager.email])
    assert "NMC registration to renew by 31 March 2027" in outbox[0]["Subject"]
    assert "12A3456E" in outbox[0].get_content()
    assert send_due_reminders(db.session, RENEW_BY - timedelta(days=60)).emails == 0   # re-run
    assert send_due_reminders(db.session, RENEW_BY - timedelta(days=45)).emails == 0   # same threshold
    assert send_due_reminders(db.session, RENEW_BY - timedelta(days=30)).nmc == 1
    assert send_due_reminders(db.session, RENEW_BY - timedelta(days=1)).emails == 0
    assert send_due_reminders(db.session, RENEW_BY + timedelta(days=5)).emails == 0
    assert len(outbox) == 4


def test_a_renewed_registration_starts_again_and_leavers_are_not_reminded(nurse_team, outbox):
    nurse, _ = nurse_team
    registration = _registration(nurse.person)
    send_due_reminders(db.session, RENEW_BY - timedelta(days=60))
    registration.renewal_due_on = date(2030, 3, 31)  # revalidated: a new renewal date
    db.session.commit()
    assert send_due_reminders(db.session, RENEW_BY - timedelta(days=30)).nmc == 0
    leaver = factories.care_worker(factories.workplace(), role_code="registered_nurse")
    leaver.person.employments[0].leaving_date = date(2026, 1, 1)
    db.session.commit()
    _registration(leaver.person)
    outbox.clear()
    assert send_due_reminders(db.session, RENEW_BY - timedelta(days=60)).nmc == 0 and outbox == []


def test_the_daily_job_counts_nmc_reminders(nurse_team):
    nurse, _ = nurse_team
    _registration(nurse.person, renew_by=date.today() + timedelta(days=20))
    assert daily_reminders_job()["nmc"] == 1
    assert daily_reminders_job()["nmc"] == 0


def test_the_passport_shows_the_renewal_due_to_the_nurse_and_their_manager(client, nurse_team):
    nurse, manager = nurse_team
    _registration(nurse.person, renew_by=date.today() + timedelta(days=40))
    client.sign_in(nurse)
    page = text(client.get("/training/"))
    assert "Renewal due" in page and "NMC registration: renew (revalidate) by" in page
    client.sign_out()
    client.sign_in(manager)
    assert "Renewal due" in text(client.get(f"/training/people/{nurse.person.id}"))


def test_the_passport_says_when_the_renewal_date_has_passed(client, nurse_team):
    nurse, _ = nurse_team
    _registration(nurse.person, renew_by=date.today() - timedelta(days=3))
    client.sign_in(nurse)
    page = text(client.get("/training/"))
    assert "Renewal date passed" in page and "has passed" in page
