"""What the applicant is told: their own page in plain English at every state, an email at each
step that matters to them (never a manager's private reasons), and after placement their
training passport starting at the new workplace."""
from datetime import date, timedelta

import pytest

from academy.auth.models import Role
from academy.extensions import db, utcnow
from recruitment import placement, referrals, screening
from recruitment.models import VALUES, InterviewFormat, State
from recruitment.notify import PLAIN_STATUS
from recruitment.pipeline import move
from tests import factories
from tests.helpers import Client, text

SENT_STATES = [s for s in State if s != State.draft]


def _application_in(state):
    if state == State.placed:
        return factories.placement(start=date.today() - timedelta(days=3)).application
    if state == State.on_hold:
        return factories.application_at(State.on_hold, held_from=State.checks)
    if state in (State.withdrawn, State.not_progressed, State.merged):  # merged: into another (duplicates.py)
        return factories.application(state=state)
    return factories.application_at(state)


@pytest.mark.parametrize("state", SENT_STATES, ids=lambda s: s.value)
def test_the_applicant_s_page_says_where_it_is_in_plain_english(client, state):
    application = _application_in(state)
    client.sign_in(application.user)
    page = client.get("/recruitment/")
    body = text(page)
    status, next_text = PLAIN_STATUS[state]
    assert page.status_code == 200
    assert status in body and next_text in body
    closed = (State.withdrawn, State.not_progressed, State.merged)
    assert ("Update your contact details" in body) == (state not in closed)
    may_withdraw = state not in (*closed, State.placed)
    assert ("Withdraw your application" in body) == may_withdraw
    assert "score" not in body.lower() and "DBS certificate" not in body  # nothing only HCPA may see


def test_the_references_step_is_worded_as_the_applicant_would_expect(client):
    application = factories.application_at(State.checks)
    client.sign_in(application.user)
    assert "We are checking your references and DBS" in text(client.get("/recruitment/"))


def _subjects(outbox, to):
    return [m["Subject"] for m in outbox if m["To"] == to]


def test_the_applicant_is_emailed_at_each_step_that_matters(ctx, outbox):
    home = factories.workplace(name="Verulam House")
    vacancy = factories.vacancy(home, posts=3)
    manager = factories.manager(workplaces=[home])
    officer = factories.user(Role.hcpa_staff)
    application = factories.application(state=State.draft)
    who = application.user.email

    move(db.session, application, State.submitted, application.user)
    move(db.session, application, State.screening, officer)
    screening.record_assessment(db.session, application, officer, {v: 3 for v in VALUES},
                                {v: f"Example of {v}" for v in VALUES})
    move(db.session, application, State.checks, officer)
    factories.complete_checks(application)
    move(db.session, application, State.ready_to_refer, officer)
    db.session.commit()
    assert _subjects(outbox, who) == ["We have received your application", "Your application is moving forward",
                                      "Your checks are complete"]

    def refer():
        return referrals.refer(db.session, application, vacancy, officer)

    outbox.clear()
    referral = refer()
    referrals.decide(db.session, referral, manager, accept=False, reason="Our own bank worker took the shifts")
    db.session.commit()
    assert _subjects(outbox, who) == ["We have introduced you to a care provider",
                                      "About your introduction to Verulam House"]
    assert "bank worker" not in outbox[-1].get_content()  # the manager's reason stays with HCPA
    assert application.state == State.ready_to_refer

    outbox.clear()
    referral = refer()
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(days=2),
                                InterviewFormat.in_person, "Verulam House, AL1 3JE")
    referrals.record_outcome(db.session, referral, manager, offer=False, notes="Not enough experience yet")
    db.session.commit()
    assert _subjects(outbox, who) == ["We have introduced you to a care provider", "Your interview with Verulam House",
                                      "After your interview with Verulam House"]
    assert "experience" not in outbox[-1].get_content()

    outbox.clear()
    referral = refer()
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(days=2),
                                InterviewFormat.in_person, "Verulam House, AL1 3JE")
    referrals.record_outcome(db.session, referral, manager, offer=True, offer_details="30 hours, £13.50")
    referrals.offer_not_taken_up(db.session, referral, officer, "Found a job nearer home")
    db.session.commit()
    assert _subjects(outbox, who)[-2:] == ["Verulam House has offered you a job", "About the job at Verulam House"]

    outbox.clear()
    referral = refer()
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(days=2),
                                InterviewFormat.in_person, "Verulam House, AL1 3JE")
    referrals.record_outcome(db.session, referral, manager, offer=True, offer_details="30 hours, £13.50")
    placement.place(db.session, referral, officer, date.today())
    db.session.commit()
    assert _subjects(outbox, who) == ["We have introduced you to a care provider", "Your interview with Verulam House",
                                      "Verulam House has offered you a job", "Your start date at Verulam House"]
    for message in outbox:
        if message["To"] == who:
            # every email says where to see the application (in its text part: the interview email has an .ics too)
            assert "/recruitment/" in message.get_body(("plain",)).get_content()


@pytest.fixture
def new_client(app):
    def make(user):
        other = Client(app)
        other.sign_in(user)
        return other

    return make


def test_placed_worker_s_passport_starts_at_the_workplace(client, new_client):
    home = factories.workplace(name="Verulam House")
    vacancy = factories.vacancy(home)
    manager = factories.manager(workplaces=[home], full_name="Morgan Manager")
    officer = factories.user(Role.hcpa_staff)
    application = factories.application_at(State.offered, at_vacancy=vacancy, full_name="Ama Mensah")
    placement.place(db.session, application.open_referral, officer, date.today())

    client.sign_in(application.user)
    passport = text(client.get("/training/"))
    assert "Training passport" in passport and f"at Verulam House, since {date.today():%-d %B %Y}" in passport
    assert "You start at" in text(client.get("/recruitment/"))
    staff = text(new_client(manager).get("/training/staff"))
    assert "Ama Mensah" in staff
    person_id = application.user.person.id
    assert new_client(manager).get(f"/training/people/{person_id}").status_code == 200
    other_manager = factories.manager(workplaces=[factories.workplace(name="Other Home")])
    assert new_client(other_manager).get(f"/training/people/{person_id}").status_code == 404
