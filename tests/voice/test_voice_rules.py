"""Staff voice domain rules: who a poll reaches, answering once, the threshold and suppression,
moderation, closing, the quarterly pulse and its outcome series."""
from __future__ import annotations

import doctest
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import academy.voice.results
from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from academy.voice import answering, moderation, outcomes, polls, pulse, results
from academy.voice.audience import audience, joined
from academy.voice.models import Moderation, PollAnswer, PollParticipation, PollStatus
from tests import factories

TODAY = date.today()


@pytest.fixture
def places(ctx):
    class Places:
        st_albans_home = factories.workplace("St Albans Home")
        st_albans_care = factories.workplace("St Albans Homecare", service_code="homecare")
        watford_home = factories.workplace("Watford Home", district_name="Watford")
    return Places


def test_the_worked_example_of_suppression_holds():
    assert doctest.testmod(academy.voice.results).failed == 0


def test_a_poll_reaches_members_by_district_service_type_job_role_and_tier(places):
    in_st_albans = factories.care_worker(places.st_albans_home)
    homecare = factories.care_worker(places.st_albans_care)
    senior_in_watford = factories.care_worker(places.watford_home, role_code="senior_care_worker")
    tier_two = factories.care_worker(places.watford_home)
    factories.tier_award(tier_two.person, tier_number=2)
    left = factories.care_worker()
    factories.employment(places.st_albans_home, who=left.person, leaving=TODAY - timedelta(days=1))
    factories.manager([places.st_albans_home])
    factories.care_worker()  # no job in post
    everyone = factories.poll()
    assert {m.user_id for m in audience(db.session, everyone)} == {in_st_albans.id, homecare.id,
                                                                  senior_in_watford.id, tier_two.id}
    st_albans = factories.poll(district_ids=joined([places.st_albans_home.district_id]))
    assert {m.user_id for m in audience(db.session, st_albans)} == {in_st_albans.id, homecare.id}
    homecare_in_st_albans = factories.poll(district_ids=st_albans.district_ids,
                                           service_type_ids=joined([places.st_albans_care.service_type_id]))
    assert {m.user_id for m in audience(db.session, homecare_in_st_albans)} == {homecare.id}
    seniors = factories.poll(job_role_ids=joined([factories.job_role("senior_care_worker").id]))
    assert {m.user_id for m in audience(db.session, seniors)} == {senior_in_watford.id}
    tier_2 = factories.poll(tiers="2")
    assert {m.user_id for m in audience(db.session, tier_2)} == {tier_two.id}


def _statements(run):
    """(what `run()` returns, SQL statements it sent)."""
    from sqlalchemy import event

    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        return run(), len(seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_audience_size_is_counted_in_one_query_and_matches_the_audience(places):
    st_albans, watford = places.st_albans_home.district_id, places.watford_home.district_id
    for at in (places.st_albans_home, places.st_albans_care, places.watford_home):
        factories.care_worker(at)
    senior = factories.care_worker(places.watford_home, role_code="senior_care_worker")
    factories.tier_award(senior.person, tier_number=2)
    two_jobs = factories.care_worker(places.watford_home)  # counted once, in either district
    factories.employment(places.st_albans_care, who=two_jobs.person)
    factories.tier_award(two_jobs.person, tier_number=1)
    factories.tier_award(two_jobs.person, tier_number=3, awarded=TODAY - timedelta(days=9),
                         lapsed_on=TODAY - timedelta(days=1))  # lapsed: their tier today is 1
    left = factories.care_worker()
    factories.employment(places.st_albans_home, who=left.person, leaving=TODAY - timedelta(days=1))
    factories.care_worker()  # no job in post
    factories.manager([places.st_albans_home])
    homecare = joined([places.st_albans_care.service_type_id])
    cases = [
        (factories.poll(), 5),  # all members
        (factories.poll(district_ids=joined([st_albans])), 3),
        (factories.poll(district_ids=joined([st_albans, watford])), 5),
        (factories.poll(service_type_ids=homecare), 2),
        (factories.poll(district_ids=joined([st_albans]), service_type_ids=homecare), 2),
        (factories.poll(district_ids=joined([watford]), service_type_ids=homecare), 0),
        (factories.poll(job_role_ids=joined([factories.job_role("senior_care_worker").id])), 1),
        (factories.poll(tiers="1;2"), 2),
        (factories.poll(tiers="3"), 0),
        (factories.poll(district_ids=joined([st_albans]), tiers="1"), 1),
    ]
    for poll, expected in cases:
        db.session.refresh(poll)  # the poll itself loaded: only the count is asked
        size, statements = _statements(lambda: polls.audience_size(db.session, poll))
        assert (size, statements) == (expected, 1), (poll.district_ids, poll.service_type_ids, poll.tiers)
        assert size == len(audience(db.session, poll))


def test_a_member_with_two_jobs_answers_once_for_the_newest_job_the_poll_reaches(places):
    worker = factories.care_worker(places.watford_home, start=TODAY - timedelta(days=30))
    factories.employment(places.st_albans_home, who=worker.person, start=TODAY - timedelta(days=400))
    everyone = factories.poll()
    [member] = audience(db.session, everyone)
    assert member.workplace_id == places.watford_home.id
    st_albans = factories.poll(district_ids=joined([places.st_albans_home.district_id]))
    assert answering.as_member(db.session, st_albans, worker).workplace_id == places.st_albans_home.id


def test_a_member_answers_once_and_nothing_ties_the_answer_to_them(places):
    worker = factories.care_worker(places.st_albans_home)
    poll = factories.poll(questions=("scale", "single_choice", "free_text"))
    scale, choice, text = poll.questions
    kept = answering.answer_poll(db.session, poll, worker, {f"q{scale.id}": "5", f"q{choice.id}": "1",
                                                            f"q{text.id}": "  The new rota works.  "})
    db.session.commit()
    assert kept == 3
    rows = db.session.scalars(select(PollAnswer).where(PollAnswer.poll_id == poll.id)).all()
    assert sorted((r.choice, r.text) for r in rows if r.text is None) == [(1, None), (5, None)]
    written = next(r for r in rows if r.text)
    assert written.text == "The new rota works." and written.moderation == Moderation.waiting
    assert {(r.district_id, r.service_type_id, r.workplace_id) for r in rows} == {
        (places.st_albans_home.district_id, places.st_albans_home.service_type_id, places.st_albans_home.id)}
    assert all(len(r.id) == 32 for r in rows)
    with pytest.raises(answering.AlreadyAnswered):
        answering.answer_poll(db.session, poll, worker, {f"q{scale.id}": "1", f"q{choice.id}": "0"})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PollAnswer)) == 3
    assert db.session.scalar(select(func.count()).select_from(PollParticipation)) == 1


def test_the_database_refuses_a_second_participation(ctx):
    from sqlalchemy.exc import IntegrityError

    worker = factories.care_worker(factories.workplace())
    poll = factories.poll()
    factories.poll_participation(poll, worker)
    with pytest.raises(IntegrityError):
        factories.poll_participation(poll, worker)
    db.session.rollback()


def test_every_choice_must_be_answered_and_free_text_is_optional(places):
    worker = factories.care_worker(places.st_albans_home)
    poll = factories.poll(questions=("scale", "single_choice", "free_text"))
    scale, choice, text = poll.questions
    for values, field in (({f"q{choice.id}": "0"}, f"q{scale.id}"),
                          ({f"q{scale.id}": "6", f"q{choice.id}": "0"}, f"q{scale.id}"),
                          ({f"q{scale.id}": "3", f"q{choice.id}": "3"}, f"q{choice.id}"),
                          ({f"q{scale.id}": "3", f"q{choice.id}": "x"}, f"q{choice.id}"),
                          ({f"q{scale.id}": "3", f"q{choice.id}": "0", f"q{text.id}": "a" * 2001}, f"q{text.id}")):
        with pytest.raises(answering.AnswerProblem) as refused:
            answering.answer_poll(db.session, poll, worker, values)
        assert refused.value.field == field
        db.session.rollback()
    assert answering.answer_poll(db.session, poll, worker, {f"q{scale.id}": "3", f"q{choice.id}": "2"}) == 2


def test_only_members_the_poll_reaches_answer_and_only_while_it_is_open(places):
    outsider = factories.care_worker(places.watford_home)
    applicant = factories.user(Role.applicant)
    poll = factories.poll(district_ids=joined([places.st_albans_home.district_id]))
    for who in (outsider, applicant):
        with pytest.raises(NotAllowed):
            answering.answer_poll(db.session, poll, who, {f"q{poll.questions[0].id}": "3"})
    member = factories.care_worker(places.st_albans_home)
    for not_open in (factories.poll(status="draft"), factories.poll(status="closed"),
                     factories.poll(opens=TODAY + timedelta(days=1)),
                     factories.poll(opens=TODAY - timedelta(days=9), closes=TODAY - timedelta(days=1))):
        with pytest.raises(Invalid):
            answering.answer_poll(db.session, not_open, member, {f"q{not_open.questions[0].id}": "3"})


def _workers(at, n):
    return [factories.care_worker(at) for _ in range(n)]


def test_results_are_hidden_under_the_threshold_and_shown_at_it(app, places):
    poll = factories.poll()
    factories.answered_by(poll, _workers(places.st_albans_home, 4), choice=5)
    found = results.county_results(db.session, poll)
    assert not found.shown and found.questions[0].total.hidden == results.HIDDEN_SMALL
    assert results.export_rows(found)[0][3] == "Hidden: fewer than 5"
    assert all(row[5] == "" for row in results.export_rows(found))
    factories.answered_by(poll, _workers(places.st_albans_home, 1), choice=2)
    found = results.county_results(db.session, poll)
    assert found.shown and found.questions[0].total.counts == [0, 1, 0, 0, 4]
    assert found.questions[0].total.share_good == 0.8
    app.config["VOICE_MIN_GROUP"] = 6
    try:
        assert not results.county_results(db.session, poll).shown
    finally:
        app.config["VOICE_MIN_GROUP"] = 5


def test_a_small_district_is_hidden_and_so_is_the_next_smallest_so_the_total_cannot_reveal_it(places):
    poll = factories.poll()
    stevenage = factories.workplace("Stevenage Home", district_name="Stevenage")
    factories.answered_by(poll, _workers(places.st_albans_home, 6), choice=4)
    factories.answered_by(poll, _workers(places.watford_home, 5), choice=3)
    factories.answered_by(poll, _workers(stevenage, 2), choice=1)
    found = results.county_results(db.session, poll).questions[0]
    assert found.total.n == 13 and found.total.shown
    by_district = {c.label: c for c in found.breakdowns[0].cells}
    assert by_district["Stevenage"].hidden == results.HIDDEN_SMALL
    assert by_district["Watford"].hidden == results.HIDDEN_DIFFERENCE  # 5 < 6: the smaller shown one
    assert by_district["St Albans"].shown and by_district["St Albans"].counts == [0, 0, 0, 6, 0]
    assert by_district["Dacorum"].n == 0 and not by_district["Dacorum"].hidden
    exported = [row for row in results.export_rows(results.county_results(db.session, poll)) if row[2] == "Watford"]
    assert exported == [[poll.questions[0].text, "District", "Watford", "Hidden: protects a smaller group", "", "", ""]]


def test_free_text_shows_only_once_approved_edited_and_for_a_large_enough_group(places):
    hcpa = factories.user(Role.hcpa_staff)
    poll = factories.poll(questions=("scale", "free_text"))
    factories.answered_by(poll, _workers(places.st_albans_home, 4), text="Jo on nights at St Albans Home is great")
    waiting = moderation.queue(db.session)
    assert len(waiting) == 4 and moderation.waiting_count(db.session) == 4
    moderation.approve(db.session, waiting[0], "A colleague on nights is great", hcpa)
    moderation.reject(db.session, waiting[1], hcpa)
    db.session.commit()
    assert waiting[1].text is None and waiting[1].moderation == Moderation.rejected
    with pytest.raises(Invalid):
        moderation.approve(db.session, waiting[2], "   ", hcpa)
    with pytest.raises(NotAllowed):
        moderation.reject(db.session, waiting[2], factories.manager())
    assert results.county_results(db.session, poll).questions[1].comments == []  # 4 people: hidden
    factories.answered_by(poll, _workers(places.st_albans_home, 1))
    shown = results.county_results(db.session, poll).questions[1]
    assert shown.comments_shown and shown.comments == ["A colleague on nights is great"]
    assert "Jo" not in " ".join(shown.comments)


def test_hcpa_see_a_polls_results_only_once_it_has_closed(places):
    hcpa = factories.user(Role.hcpa_staff)
    assert not results.shown_to_staff(factories.poll(status="draft"), TODAY)
    open_poll = factories.poll(closes=TODAY)
    assert not results.shown_to_staff(open_poll, TODAY)  # answers are taken to the end of the closing date
    assert results.shown_to_staff(open_poll, TODAY + timedelta(days=1))  # past it: no more answers, closed
    polls.close_poll(db.session, open_poll, hcpa)
    assert results.shown_to_staff(open_poll, TODAY)
    closed_early = factories.poll(closes=TODAY + timedelta(days=9))
    polls.close_poll(db.session, closed_early, hcpa)
    assert results.shown_to_staff(closed_early, TODAY)


def test_closing_writes_the_answers_again_under_new_keys(places):
    hcpa = factories.user(Role.hcpa_staff)
    poll = factories.poll()
    factories.answered_by(poll, _workers(places.st_albans_home, 3), choice=2)
    before = set(db.session.scalars(select(PollAnswer.id)))
    polls.close_poll(db.session, poll, hcpa)
    db.session.commit()
    after = set(db.session.scalars(select(PollAnswer.id)))
    assert len(after) == 3 and not before & after
    assert poll.status == PollStatus.closed and poll.closes_on == TODAY
    with pytest.raises(Invalid):
        polls.close_poll(db.session, poll, hcpa)


def test_hcpa_build_a_poll_and_open_it_only_with_questions(ctx):
    hcpa = factories.user(Role.hcpa_staff)
    details = polls.PollDetails("Breaks", None, TODAY, TODAY + timedelta(days=7), [], [], [], [])
    poll = polls.save_poll(db.session, None, details, hcpa)
    with pytest.raises(Invalid):
        polls.open_poll(db.session, poll, hcpa)
    with pytest.raises(polls.PollProblem) as refused:
        polls.add_question(db.session, poll, academy.voice.models.QuestionKind.single_choice, "Lunch?", "Yes", hcpa)
    assert refused.value.field == "options"
    polls.add_question(db.session, poll, academy.voice.models.QuestionKind.scale, "How are breaks?", None, hcpa)
    assert polls.open_poll(db.session, poll, hcpa) is True
    with pytest.raises(polls.PollProblem):
        polls.save_poll(db.session, poll, details, hcpa)
    with pytest.raises(NotAllowed):
        polls.save_poll(db.session, None, details, factories.user(Role.admin))
    bad = polls.PollDetails("Late", None, TODAY, TODAY - timedelta(days=1), [], [], [], [])
    with pytest.raises(polls.PollProblem) as refused:
        polls.save_poll(db.session, None, bad, hcpa)
    assert refused.value.field == "closes_on"


def test_the_daily_job_closes_due_polls_opens_the_quarters_pulse_once_and_emails_links(app, places, outbox):
    worker = factories.care_worker(places.st_albans_home)
    due = factories.poll(opens=TODAY - timedelta(days=10), closes=TODAY - timedelta(days=1))
    done = pulse.voice_daily_job()
    assert done == {"closed": 1, "pulse_opened": True, "emailed": 1}
    assert db.session.get(type(due), due.id).status == PollStatus.closed
    the_pulse = pulse.pulse_for(db.session, pulse.quarter_of(TODAY))
    assert the_pulse.questions[0].text == "How are you finding work?" and the_pulse.accepting(TODAY)
    [mail] = outbox
    assert mail["To"] == worker.email and "/voice/answer/" in mail.get_content()
    assert pulse.voice_daily_job() == {"closed": 0, "pulse_opened": False, "emailed": 0}


def test_the_pulse_outcome_is_the_share_answering_4_or_5_under_the_threshold(places):
    from academy.outcomes.dashboard import Scope

    last_quarter = factories.poll(kind=academy.voice.models.PollKind.pulse, pulse_quarter="2026-Q1",
                                  opens=TODAY - timedelta(days=40))
    stevenage = factories.workplace("Stevenage Home", district_name="Stevenage")
    factories.answered_by(last_quarter, _workers(places.st_albans_home, 6), choice=5)
    factories.answered_by(last_quarter, _workers(places.watford_home, 2), choice=2)
    factories.answered_by(last_quarter, _workers(places.watford_home, 3), choice=4)
    factories.answered_by(last_quarter, _workers(stevenage, 1), choice=1)
    last_quarter.status = PollStatus.closed
    db.session.commit()
    scopes = [Scope("county", 0, "Hertfordshire"), Scope("district", places.watford_home.district_id, "Watford"),
              Scope("district", stevenage.district_id, "Stevenage"),
              Scope("district", places.st_albans_home.district_id, "St Albans"),
              Scope("workplace", places.st_albans_home.id, "St Albans Home")]
    county, watford, small, st_albans, workplace = outcomes.pulse_series(db.session, scopes)
    assert (county.points[0].numerator, county.points[0].denominator) == (9, 12)
    assert small.points[0].denominator is None  # 1 answer
    assert watford.points[0].denominator is None  # 5 answers, but hidden so Stevenage's 1 cannot be worked out
    assert (st_albans.points[0].numerator, st_albans.points[0].denominator) == (6, 6)
    assert (workplace.points[0].numerator, workplace.points[0].denominator) == (6, 6)


def test_flask_voice_pulse_opens_the_quarters_pulse_once_and_emails_members(app, places, outbox):
    worker = factories.care_worker(places.st_albans_home)
    first = app.test_cli_runner().invoke(args=["voice", "pulse"])
    assert first.exit_code == 0 and "1 members emailed" in first.output, first.output
    assert [m["To"] for m in outbox] == [worker.email]
    again = app.test_cli_runner().invoke(args=["voice", "pulse"])
    assert "already exists" in again.output and len(outbox) == 1


def test_the_export_says_a_member_answered_and_erasure_removes_that_but_not_the_anonymous_answers(places):
    from academy.privacy import erasure, subject_access

    worker = factories.care_worker(places.st_albans_home)
    poll = factories.poll()
    factories.answered_by(poll, [worker], choice=3)
    export = str(subject_access.build_export(db.session, subject_access.subject_for_user(db.session, worker)))
    assert "voice participation" in export
    erasure.confirm_erasure(db.session, factories.erasure_request(worker), factories.user(Role.hcpa_staff))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PollParticipation)) == 0
    assert db.session.scalar(select(func.count()).select_from(PollAnswer)) == 1
