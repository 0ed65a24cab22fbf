"""Staff voice through the test client: HCPA build and open a poll, members answer (account and
emailed link), results and downloads under the threshold, moderation, managers' own workplace only,
and every denial (members outside the audience, other managers, applicants, no CSRF token)."""
from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.voice.audience import joined
from academy.voice.models import Poll, PollAnswer, PollParticipation, PollStatus
from tests import factories
from tests.helpers import Client, has_error_summary, links_in, location_path, path_of, statements_for, text

TODAY = date.today()


@pytest.fixture
def scene(ctx):
    class Scene:
        home = factories.workplace("Harpenden House")
        other_home = factories.workplace("Watford Lodge", district_name="Watford")
        worker = factories.care_worker(home, full_name="Wren Worker")
        outsider = factories.care_worker(other_home)
        manager = factories.manager([home])
        other_manager = factories.manager([other_home])
        hcpa = factories.user(Role.hcpa_staff)
        applicant = factories.user(Role.applicant)
    return Scene


def as_user(app, user):
    signed_in = Client(app)
    signed_in.sign_in(user)
    return signed_in


def _date(field: str, day: date) -> dict:
    return {field: [day.day, day.month, day.year]}


def test_hcpa_create_a_poll_add_questions_and_open_it_and_members_are_emailed(app, scene, outbox):
    hcpa = as_user(app, scene.hcpa)
    assert hcpa.get("/voice/polls").status_code == 200
    bad = hcpa.submit("/voice/polls/new", {"title": "", **_date("opens_on", TODAY), **_date("closes_on", TODAY)})
    assert bad.status_code == 422 and has_error_summary(bad) and db.session.scalar(select(func.count(Poll.id))) == 0
    backwards = hcpa.submit("/voice/polls/new", {"title": "Breaks", **_date("opens_on", TODAY),
                                                 **_date("closes_on", TODAY - timedelta(days=1))})
    assert backwards.status_code == 422 and "closing date" in text(backwards)
    made = hcpa.submit("/voice/polls/new", {"title": "Breaks", **_date("opens_on", TODAY),
                                            **_date("closes_on", TODAY + timedelta(days=14)),
                                            "district_ids": [scene.home.district_id]})
    assert made.status_code == 302
    poll = db.session.scalar(select(Poll))
    page = f"/voice/polls/{poll.id}"
    assert location_path(made) == page and poll.status == PollStatus.draft
    assert "1 member today" in text(hcpa.get(page))
    no_options = hcpa.submit(f"{page}/questions", {"kind": "single_choice", "text": "Do you get one?", "options": "Yes"},
                             form_page=page)
    assert no_options.status_code == 422 and "at least 2 answers" in text(no_options)
    for data in ({"kind": "scale", "text": "How are your breaks?"},
                 {"kind": "single_choice", "text": "Do you get one?", "options": "Yes\nNo"},
                 {"kind": "free_text", "text": "Anything else?"}):
        assert hcpa.submit(f"{page}/questions", data, form_page=page).status_code == 302
    assert len(db.session.get(Poll, poll.id).questions) == 3
    assert hcpa.submit(f"{page}/open", form_page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Poll, poll.id).status == PollStatus.open
    [mail] = outbox  # the worker in the district; not the one in Watford
    assert mail["To"] == scene.worker.email and "Breaks" in mail["Subject"]
    assert path_of(links_in(mail)[0]).startswith("/voice/answer/")
    assert hcpa.submit(f"{page}/questions", {"kind": "scale", "text": "Late?"}, form_page=page).status_code == 422
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "Poll")))
    assert {"saved_poll", "added_poll_question", "opened_poll"} <= actions


def test_a_member_answers_from_their_account_once_and_nothing_records_who_answered_what(app, scene, caplog):
    poll = factories.poll(questions=("scale", "free_text"))
    scale, free = poll.questions
    worker = as_user(app, scene.worker)
    assert poll.title in text(worker.get("/voice/"))
    url = f"/voice/polls/{poll.id}/answer"
    missing = worker.submit(url, {f"q{free.id}": "Nothing"})
    assert missing.status_code == 422 and has_error_summary(missing)
    assert db.session.scalar(select(func.count()).select_from(PollParticipation)) == 0
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))
    with caplog.at_level(logging.DEBUG):
        sent = worker.submit(url, {f"q{scale.id}": "2", f"q{free.id}": "Short-staffed on Sundays"})
    assert sent.status_code == 302 and location_path(sent) == "/voice/"
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before
    assert "Short-staffed" not in caplog.text and f"q{scale.id}" not in caplog.text
    again = worker.get(url)
    assert again.status_code == 200 and "already answered" in text(again)
    assert worker.submit(url, {f"q{scale.id}": "5"}, form_page=f"/voice/polls/{poll.id}/answer").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(PollAnswer)) == 2
    assert "Answered" in text(worker.get("/voice/"))


def test_members_outside_the_audience_managers_and_applicants_cannot_answer(app, scene):
    poll = factories.poll(district_ids=joined([scene.home.district_id]))
    url = f"/voice/polls/{poll.id}/answer"
    assert as_user(app, scene.outsider).get(url).status_code == 404
    assert as_user(app, scene.applicant).get(url).status_code == 403
    assert as_user(app, scene.manager).get(url).status_code == 403
    assert Client(app).get(url).status_code == 302  # sign in first
    draft = factories.poll(status="draft")
    assert as_user(app, scene.worker).get(f"/voice/polls/{draft.id}/answer").status_code == 404
    assert as_user(app, scene.applicant).get("/voice/").status_code == 403


def test_the_emailed_link_answers_without_signing_in_once_and_only_for_its_member(app, scene, outbox):
    from academy.voice.invitations import send_poll_invitations

    poll = factories.poll()
    assert send_poll_invitations(poll.id) == 2
    link = path_of(next(links_in(m)[0] for m in outbox if m["To"] == scene.worker.email))
    visitor = Client(app)
    assert "Send my answers" in text(visitor.get(link))
    assert visitor.post(link, data={f"q{poll.questions[0].id}": "4"}).status_code == 400  # no CSRF token
    done = visitor.submit(link, {f"q{poll.questions[0].id}": "4"})
    assert done.status_code == 200 and "Thank you" in text(done)
    assert "already answered" in text(visitor.get(link))
    assert visitor.get("/voice/answer/not-a-real-token").status_code == 404
    other_link = path_of(next(links_in(m)[0] for m in outbox if m["To"] == scene.outsider.email))
    assert as_user(app, scene.worker).get(other_link).status_code == 404  # signed in as someone else
    poll.status = PollStatus.closed
    db.session.commit()
    assert Client(app).get(other_link).status_code == 404


def test_results_hidden_under_the_threshold_then_shown_with_chart_and_downloads(app, scene):
    poll = factories.poll(questions=("single_choice",))
    hcpa = as_user(app, scene.hcpa)
    factories.answered_by(poll, [factories.care_worker(scene.home) for _ in range(4)], choice=1)
    hidden = text(hcpa.get(f"/voice/polls/{poll.id}/results"))
    assert "Results are hidden until at least 5 people have answered" in hidden
    assert hcpa.get(f"/voice/polls/{poll.id}/questions/{poll.questions[0].id}/chart.svg").status_code == 404
    csv = text(hcpa.get(f"/voice/polls/{poll.id}/results.csv"))
    assert "Hidden: fewer than 5" in csv and "Harpenden" not in csv
    factories.answered_by(poll, [factories.care_worker(scene.home)], choice=0)
    shown = text(hcpa.get(f"/voice/polls/{poll.id}/results"))
    assert "Hertfordshire: 5 answers" in shown and "80%" in shown
    chart = hcpa.get(f"/voice/polls/{poll.id}/questions/{poll.questions[0].id}/chart.svg?size=narrow")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    xlsx = hcpa.get(f"/voice/polls/{poll.id}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert hcpa.get(f"/voice/polls/{poll.id}/results.pdf").status_code == 404
    for other in (scene.manager, scene.worker, scene.applicant):
        assert as_user(app, other).get(f"/voice/polls/{poll.id}/results").status_code == 403


def test_hcpa_moderate_free_text_and_only_approved_text_is_shown(app, scene):
    poll = factories.poll(questions=("scale", "free_text"))
    factories.answered_by(poll, [factories.care_worker(scene.home) for _ in range(5)], text="Sam in the office is rude")
    hcpa = as_user(app, scene.hcpa)
    assert "Sam in the office" not in text(hcpa.get(f"/voice/polls/{poll.id}/results"))
    queue = hcpa.get("/voice/moderation")
    assert "5 waiting" in text(queue)
    [first, second, *_] = db.session.scalars(select(PollAnswer.id).where(PollAnswer.text.is_not(None)))
    unchosen = hcpa.submit(f"/voice/moderation/{first}", {"text": "x"})
    assert unchosen.status_code == 422
    assert hcpa.submit(f"/voice/moderation/{first}", {"text": "Someone in the office is rude",
                                                       "decision": "approve"}).status_code == 302
    assert hcpa.submit(f"/voice/moderation/{second}", {"text": "", "decision": "reject"}).status_code == 302
    assert hcpa.get(f"/voice/moderation/{first}").status_code == 404  # no longer waiting
    page = text(hcpa.get(f"/voice/polls/{poll.id}/results"))
    assert "Someone in the office is rude" in page and "Sam" not in page
    assert as_user(app, scene.manager).get(f"/voice/moderation/{second}").status_code == 403
    assert sorted(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "moderated_poll_answer"))) \
        == ["approved", "rejected"]


def test_a_manager_sees_their_own_workplace_results_of_closed_polls_only(app, scene):
    poll = factories.poll()
    factories.answered_by(poll, [factories.care_worker(scene.home) for _ in range(5)], choice=3)
    mine = f"/voice/workplaces/{scene.home.id}/polls/{poll.id}"
    manager = as_user(app, scene.manager)
    assert manager.get(mine).status_code == 404  # still open
    poll.status = PollStatus.closed
    db.session.commit()
    assert poll.title in text(manager.get("/voice/workplaces"))
    page = text(manager.get(mine))
    assert "Harpenden House: 5 answers" in page
    assert manager.get(f"/voice/workplaces/{scene.other_home.id}/polls/{poll.id}").status_code == 404
    other = as_user(app, scene.other_manager)
    assert other.get(mine).status_code == 404
    assert "None of your staff answered" in text(other.get(f"/voice/workplaces/{scene.other_home.id}/polls/{poll.id}"))
    watford_only = factories.poll(status="closed", district_ids=joined([scene.other_home.district_id]))
    assert manager.get(f"/voice/workplaces/{scene.home.id}/polls/{watford_only.id}").status_code == 404
    assert as_user(app, scene.hcpa).get(mine).status_code == 403


def test_the_polls_list_takes_the_same_queries_for_few_and_many_polls(app, scene):
    hcpa = as_user(app, scene.hcpa)
    factories.poll()
    few = statements_for(hcpa, "/voice/polls")
    for _ in range(6):
        factories.answered_by(factories.poll(), [scene.worker])
    assert statements_for(hcpa, "/voice/polls") == few


def test_the_pulse_shows_on_the_outcomes_dashboard_beside_turnover(app, scene):
    from academy.voice.models import PollKind

    factories.outcome_snapshot(metric="turnover_rate", day=TODAY.replace(day=1) - timedelta(days=1))
    pulse = factories.poll(kind=PollKind.pulse, pulse_quarter="2026-Q1")
    factories.answered_by(pulse, [factories.care_worker(scene.home) for _ in range(5)], choice=5)
    pulse.status = PollStatus.closed
    db.session.commit()
    page = text(as_user(app, scene.hcpa).get("/outcomes/"))
    assert "How are you finding work?" in page and "5 of 5" in page
    assert page.index("Turnover rate") < page.index("How are you finding work?")


def test_a_members_poll_list_takes_the_same_queries_for_few_and_many_polls(app, scene):
    worker = as_user(app, scene.worker)
    factories.poll()
    few = statements_for(worker, "/voice/")
    for _ in range(5):
        factories.poll()
    factories.poll(district_ids=joined([scene.other_home.district_id]))
    assert statements_for(worker, "/voice/") == few


def test_hcpa_change_a_draft_remove_a_question_and_close_an_open_poll_early(app, scene):
    hcpa = as_user(app, scene.hcpa)
    draft = factories.poll(status="draft", questions=("scale", "free_text"))
    edit = f"/voice/polls/{draft.id}/edit"
    assert draft.title in text(hcpa.get(edit))
    changed = hcpa.submit(edit, {"title": "Night shifts", **_date("opens_on", TODAY),
                                 **_date("closes_on", TODAY + timedelta(days=3)), "tiers": [1]})
    assert changed.status_code == 422  # no tier 1 yet: choose from the list
    factories.tiers()
    assert hcpa.submit(edit, {"title": "Night shifts", **_date("opens_on", TODAY),
                              **_date("closes_on", TODAY + timedelta(days=3)), "tiers": [1]}).status_code == 302
    db.session.expire_all()
    assert (draft.title, draft.tiers) == ("Night shifts", "1")
    page = f"/voice/polls/{draft.id}"
    first = draft.questions[0].id
    assert hcpa.submit(f"{page}/questions/{first}/remove", form_page=page).status_code == 302
    db.session.expire_all()
    assert [q.position for q in draft.questions] == [1] and draft.questions[0].kind.name == "free_text"
    open_poll = factories.poll(closes=TODAY + timedelta(days=10))
    open_page = f"/voice/polls/{open_poll.id}"
    assert hcpa.submit(f"/voice/polls/{open_poll.id}/edit", {"title": "Renamed", **_date("opens_on", TODAY),
                                                             **_date("closes_on", TODAY)}).status_code == 422
    assert hcpa.submit(f"{open_page}/close", form_page=open_page).status_code == 302
    db.session.expire_all()
    assert open_poll.status == PollStatus.closed and open_poll.closes_on == TODAY
    again = hcpa.submit(f"{open_page}/close", form_page=open_page, follow_redirects=True)
    assert "Only an open poll can be closed" in text(again)
    assert hcpa.post(f"{open_page}/close").status_code == 400  # no CSRF token
