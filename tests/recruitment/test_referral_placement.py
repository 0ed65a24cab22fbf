"""Referral, the manager's decisions, placement onto the shared workforce spine, and retention."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Employment, Person
from recruitment import placement, referrals
from recruitment.dates import from_london
from recruitment.models import InterviewFormat, ReferralStatus, State
from tests import factories


@pytest.fixture
def setting(ctx):
    home = factories.workplace(name="Verulam House")
    vacancy = factories.vacancy(home, posts=2, hours_per_week=30)
    return {"home": home, "vacancy": vacancy, "manager": factories.manager(workplaces=[home]),
            "officer": factories.user(Role.hcpa_staff)}


def test_refer_sends_the_candidate_and_emails_applicant_and_managers(setting, outbox):
    app_ = factories.application_at(State.ready_to_refer)
    referral = referrals.refer(db.session, app_, setting["vacancy"], setting["officer"])
    assert app_.state == State.referred and referral.status == ReferralStatus.sent
    db.session.commit()
    assert {m["To"] for m in outbox} == {app_.user.email, setting["manager"].email}
    assert "Verulam House" in outbox[0].get_content()


def test_referral_is_refused_before_checks_are_done_or_twice(setting):
    with pytest.raises(Invalid, match="ready to refer"):
        referrals.refer(db.session, factories.application_at(State.checks), setting["vacancy"], setting["officer"])
    app_ = factories.application_at(State.ready_to_refer)
    setting["vacancy"].closed_on = date.today()
    with pytest.raises(Invalid, match="no longer open"):
        referrals.refer(db.session, app_, setting["vacancy"], setting["officer"])


def test_manager_declines_with_a_reason_and_the_applicant_is_ready_again(setting):
    app_ = factories.application_at(State.referred, at_vacancy=setting["vacancy"])
    referral = app_.open_referral
    with pytest.raises(Invalid, match="why"):
        referrals.decide(db.session, referral, setting["manager"], accept=False, reason="")
    referrals.decide(db.session, referral, setting["manager"], accept=False, reason="Role filled internally")
    assert referral.status == ReferralStatus.declined and app_.state == State.ready_to_refer


def test_another_workplaces_manager_cannot_act(setting):
    app_ = factories.application_at(State.referred, at_vacancy=setting["vacancy"])
    stranger = factories.manager(workplaces=[factories.workplace()])
    with pytest.raises(NotAllowed):
        referrals.decide(db.session, app_.open_referral, stranger, accept=True)


def test_interview_then_offer_then_placement_end_to_end(setting, outbox):
    app_ = factories.application_at(State.referred, at_vacancy=setting["vacancy"])
    referral, manager = app_.open_referral, setting["manager"]
    referrals.decide(db.session, referral, manager, accept=True)
    when = from_london(date.today() + timedelta(days=3), time(14, 30))
    referrals.arrange_interview(db.session, referral, manager, when, InterviewFormat.video, "https://meet.example/abc")
    db.session.commit()
    to_applicant = [m for m in outbox if m["To"] == app_.user.email]
    # the email now carries the calendar invitation too (multipart): its text is the plain part
    assert app_.state == State.interviewing and "2:30pm" in to_applicant[-1].get_body(("plain",)).get_content()
    with pytest.raises(Invalid, match="details of the offer"):
        referrals.record_outcome(db.session, referral, manager, offer=True, offer_details="")
    referrals.record_outcome(db.session, referral, manager, offer=True, offer_details="30 hours, £13.50")
    assert app_.state == State.offered and referral.status == ReferralStatus.offered

    start = date.today() + timedelta(days=7)
    placed = placement.place(db.session, referral, setting["officer"], start)
    db.session.commit()
    user = app_.user
    assert app_.state == State.placed and user.role == Role.care_worker
    person = db.session.query(Person).filter_by(user_id=user.id).one()
    job = db.session.query(Employment).filter_by(person_id=person.id).one()
    assert (job.workplace, job.start_date, job.job_role.code, float(job.hours_per_week)) == (
        setting["home"], start, "care_worker", 30.0)
    assert placed.employment == job and setting["vacancy"].posts == 1 and setting["vacancy"].closed_on is None
    assert outbox[-1]["Subject"] == "Your start date at Verulam House"


def test_an_unsuccessful_interview_returns_the_applicant_to_ready_to_refer(setting):
    app_ = factories.application_at(State.interviewing, at_vacancy=setting["vacancy"])
    referrals.record_outcome(db.session, app_.open_referral, setting["manager"], offer=False, notes="Not yet")
    assert app_.state == State.ready_to_refer and app_.referrals[-1].status == ReferralStatus.unsuccessful


def test_placing_someone_without_an_offer_is_refused(setting):
    for state in (State.referred, State.interviewing):
        app_ = factories.application_at(state, at_vacancy=setting["vacancy"])
        with pytest.raises(Invalid, match="job offer"):
            placement.place(db.session, app_.open_referral, setting["officer"], date.today())
    app_ = factories.application_at(State.offered, at_vacancy=setting["vacancy"])
    with pytest.raises(NotAllowed):
        placement.place(db.session, app_.open_referral, setting["manager"], date.today())
    with pytest.raises(Invalid, match="within a year"):
        placement.place(db.session, app_.open_referral, setting["officer"], date.today() + timedelta(days=400))


def test_filling_the_last_post_closes_the_vacancy(setting):
    vacancy = factories.vacancy(setting["home"], posts=1)
    app_ = factories.application_at(State.offered, at_vacancy=vacancy)
    placement.place(db.session, app_.open_referral, setting["officer"], date.today())
    assert vacancy.closed_on == date.today() and vacancy.posts == 1


def test_an_offer_not_taken_up_returns_to_ready_to_refer(setting):
    app_ = factories.application_at(State.offered, at_vacancy=setting["vacancy"])
    referrals.offer_not_taken_up(db.session, app_.open_referral, setting["officer"], "Took a job nearer home")
    assert app_.state == State.ready_to_refer and app_.referrals[-1].status == ReferralStatus.offer_declined


def test_interview_times_are_entered_in_london_time():
    assert from_london(date(2026, 7, 1), time(9, 0)) == datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc)
    assert from_london(date(2026, 1, 5), time(9, 0)) == datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
