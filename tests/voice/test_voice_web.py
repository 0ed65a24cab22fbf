"""Staff voice through the test client: HCPA build and open a poll, members answer (account and
emailed link), results and downloads under the threshold, moderation, managers' own workplace only,
and every denial (members outside the audience, other managers, applicants, no CSRF token)."""
from __future__ import annotations

import logging
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.voice.audience import joined
from academy.voice.models import Moderation, Poll, PollAnswer, PollLink, PollParticipation, PollStatus
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
    opened = visitor.get(link)  # the link is redeemed, and the browser goes on without the token
    page = f"/voice/polls/{poll.id}/from-your-link"
    assert opened.status_code == 302 and location_path(opened) == page
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    form = visitor.get(page)
    assert "Send my answers" in text(form) and link not in text(form) and f'action="{page}"' in text(form)
    assert visitor.post(link, data={f"q{poll.questions[0].id}": "4"}).status_code == 405  # never answered at the link
    assert visitor.post(page, data={f"q{poll.questions[0].id}": "4"}).status_code == 400  # no CSRF token
    done = visitor.submit(page, {f"q{poll.questions[0].id}": "4"})
    assert done.status_code == 200 and "Thank you" in text(done)
    assert db.session.scalar(select(func.count()).select_from(PollParticipation)) == 1
    assert visitor.get(link).status_code == 404  # used: it works once
    assert visitor.get(page).status_code == 404 and "Open the link in your email again" in text(visitor.get(page))
    assert visitor.get("/voice/answer/not-a-real-token").status_code == 404
    other_link = path_of(next(links_in(m)[0] for m in outbox if m["To"] == scene.outsider.email))
    assert as_user(app, scene.worker).get(other_link).status_code == 404  # signed in as someone else
    poll.status = PollStatus.closed
    db.session.commit()
    assert Client(app).get(other_link).status_code == 404


def test_the_emailed_link_names_nobody_and_only_its_hash_is_kept(app, scene):
    from academy.auth.tokens import hash_token
    from academy.voice.answering import answer_link

    poll = factories.poll()
    first = answer_link(db.session, poll, scene.worker.id).rsplit("/", 1)[1]
    token = answer_link(db.session, poll, scene.worker.id).rsplit("/", 1)[1]  # a new link replaces the old
    db.session.commit()
    assert len(token) >= 43 and "." not in token and str(scene.worker.id) not in token.split("_")
    [stored] = db.session.scalars(select(PollLink)).all()
    assert (stored.poll_id, stored.user_id, stored.token_hash) == (poll.id, scene.worker.id, hash_token(token))
    assert token not in stored.token_hash
    assert Client(app).get(f"/voice/answer/{first}").status_code == 404
    assert Client(app).get(f"/voice/answer/{token}").status_code == 302


def test_a_redeemed_link_is_refused_to_someone_else_an_inactive_account_and_after_an_hour_or_close(app, scene):
    from academy.voice.answering import answer_link
    from academy.voice.views import LINK_MARKERS

    poll = factories.poll()
    link = path_of(answer_link(db.session, poll, scene.worker.id))
    db.session.commit()
    page = f"/voice/polls/{poll.id}/from-your-link"
    visitor = Client(app)
    assert visitor.get(link).status_code == 302
    other = as_user(app, scene.outsider)  # signed in as someone else with the same marker: refused
    with visitor.http.session_transaction() as marked, other.http.session_transaction() as theirs:
        theirs[LINK_MARKERS] = marked[LINK_MARKERS]
    assert other.get(page).status_code == 404
    with visitor.http.session_transaction() as marked:  # an hour on: open the link again
        marked[LINK_MARKERS] = {key: [user, 0] for key, (user, _until) in marked[LINK_MARKERS].items()}
    assert visitor.get(page).status_code == 404
    assert visitor.get(link).status_code == 302 and visitor.get(page).status_code == 200
    scene.worker.is_active_account = False
    db.session.commit()
    assert visitor.get(page).status_code == 404 and Client(app).get(link).status_code == 404
    scene.worker.is_active_account = True
    db.session.commit()
    assert visitor.get(page).status_code == 200
    as_user(app, scene.hcpa).submit(f"/voice/polls/{poll.id}/close", form_page=f"/voice/polls/{poll.id}")
    assert visitor.get(page).status_code == 404 and Client(app).get(link).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PollLink)) == 0  # closing removed the link


def test_the_access_log_and_error_log_never_show_a_links_token(app, scene, caplog):
    """gunicorn's access log line for the link (and for pages that name it as their Referer) says
    /voice/answer/[redacted]; so does the application's log when a request for it fails."""
    import importlib.util
    import io
    import logging as stdlib_logging
    from datetime import timedelta as elapsed
    from pathlib import Path

    from gunicorn.config import Config

    from academy.voice.answering import answer_link

    spec = importlib.util.spec_from_file_location("gunicorn_conf", Path(app.root_path).parent / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    config = Config()
    config.set("logger_class", conf.logger_class)
    config.set("accesslog", "-")
    logger = config.logger_class(config)
    written = io.StringIO()
    logger.access_log.handlers = [stdlib_logging.StreamHandler(written)]
    token = answer_link(db.session, factories.poll(), scene.worker.id).rsplit("/", 1)[1]
    response = type("Response", (), {"status": "302 FOUND", "sent": 0, "headers": []})()
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/voice/answer/{token}?utm=x",
               "PATH_INFO": f"/voice/answer/{token}", "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "utm=x", "REMOTE_ADDR": "192.0.2.1",
               "HTTP_REFERER": f"https://care.example/voice/answer/{token}"}
    request = type("Request", (), {"headers": [("Referer", environ["HTTP_REFERER"])]})()
    logger.access(response, request, environ, elapsed(milliseconds=5))
    line = written.getvalue()
    assert "GET /voice/answer/[redacted]?utm=x HTTP/1.1" in line and "care.example/voice/answer/[redacted]" in line
    assert token not in line
    db.session.commit()
    with caplog.at_level(logging.WARNING):  # a failed CSRF check on the link's address, say
        assert Client(app).post(f"/voice/answer/{token}", headers={"Host": "elsewhere.example"}).status_code == 400
    assert caplog.text and token not in caplog.text


def _closed(poll):
    poll.status = PollStatus.closed
    db.session.commit()
    return poll


def test_results_hidden_under_the_threshold_then_shown_with_chart_and_downloads(app, scene):
    four, five = (factories.poll(questions=("single_choice",)) for _ in range(2))
    hcpa = as_user(app, scene.hcpa)
    factories.answered_by(four, [factories.care_worker(scene.home) for _ in range(4)], choice=1)
    factories.answered_by(five, [factories.care_worker(scene.home) for _ in range(4)], choice=1)
    factories.answered_by(five, [factories.care_worker(scene.home)], choice=0)
    poll = _closed(four)
    hidden = text(hcpa.get(f"/voice/polls/{poll.id}/results"))
    assert "Results are hidden until at least 5 people have answered" in hidden
    assert hcpa.get(f"/voice/polls/{poll.id}/questions/{poll.questions[0].id}/chart.svg").status_code == 404
    csv = text(hcpa.get(f"/voice/polls/{poll.id}/results.csv"))
    assert "Hidden: fewer than 5" in csv and "Harpenden" not in csv
    poll = _closed(five)
    shown = text(hcpa.get(f"/voice/polls/{poll.id}/results"))
    assert "Hertfordshire: 5 answers" in shown and "80%" in shown
    chart = hcpa.get(f"/voice/polls/{poll.id}/questions/{poll.questions[0].id}/chart.svg?size=narrow")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    xlsx = hcpa.get(f"/voice/polls/{poll.id}/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert hcpa.get(f"/voice/polls/{poll.id}/results.pdf").status_code == 404
    for other in (scene.manager, scene.worker, scene.applicant):
        assert as_user(app, other).get(f"/voice/polls/{poll.id}/results").status_code == 403


def test_while_a_poll_is_open_hcpa_see_only_how_many_answered_and_nothing_to_download_or_chart(app, scene):
    """Two looks a little apart would differ by the answers given between them: no figure but the
    total (and the audience) until the poll closes, then everything as before."""
    poll = factories.poll(questions=("single_choice", "scale", "free_text"), closes=TODAY + timedelta(days=5))
    choice, scale, free = poll.questions
    factories.answered_by(poll, [factories.care_worker(scene.home) for _ in range(6)], choice=1,
                          text="More staff on Sundays")
    factories.answered_by(poll, [factories.care_worker(scene.other_home) for _ in range(5)], choice=4)
    for answer in db.session.scalars(select(PollAnswer).where(PollAnswer.text.is_not(None))):
        answer.moderation = Moderation.approved  # approved, yet not shown while the poll is open
    db.session.commit()
    hcpa = as_user(app, scene.hcpa)
    page, results_page = f"/voice/polls/{poll.id}", f"/voice/polls/{poll.id}/results"
    charts = [f"{page}/questions/{q.id}/chart.svg{size}" for q in (choice, scale) for size in ("", "?size=narrow")]
    downloads = [f"{results_page}.csv", f"{results_page}.xlsx"]

    waiting = hcpa.get(results_page)
    body = re.search(r"<main.*</main>", text(waiting), re.S).group(0)
    assert waiting.status_code == 200 and "govuk-inset-text" in body
    assert f"Results are shown when the poll closes, after {poll.closes_on:%-d %B %Y}" in body
    assert "So far 11 people have answered" in body and "The poll reaches 13 members today" in body
    for withheld in ("Hertfordshire", "St Albans", "Watford", "Harpenden", "Care home", "%", "govuk-table",
                     "More staff on Sundays", "chart.svg", "results.csv", "results.xlsx", "Yes", "No", "Not sure",
                     "very good", "Average"):
        assert withheld not in body, withheld
    detail = text(hcpa.get(page))  # the poll's page: the total answered, no count per answer either
    assert "Answered</dt><dd class=\"govuk-summary-list__value\">11" in detail
    assert "%" not in re.search(r"<main.*</main>", detail, re.S).group(0)
    for url in charts + downloads:
        assert hcpa.get(url).status_code == 404, url
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "downloaded_poll_results")) == 0

    assert hcpa.submit(f"{page}/close", form_page=page).status_code == 302
    shown = text(hcpa.get(results_page))
    assert "Results are shown when the poll closes" not in shown and "11 people answered" in shown
    assert "Hertfordshire: 11 answers" in shown and "By district" in shown and "More staff on Sundays" in shown
    assert "results.csv" in shown and "chart.svg" in shown
    for url in charts:
        assert hcpa.get(url).status_code == 200, url
    csv = hcpa.get(downloads[0])
    assert csv.status_code == 200 and "Hertfordshire" in text(csv) and "St Albans" in text(csv)
    assert hcpa.get(downloads[1]).status_code == 200
    assert sorted(db.session.scalars(select(AuditEvent.detail)
                                     .where(AuditEvent.action == "downloaded_poll_results"))) == ["csv", "xlsx"]


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
    assert "Someone in the office" not in text(hcpa.get(f"/voice/polls/{poll.id}/results"))  # still open
    page = text(hcpa.get(f"/voice/polls/{_closed(poll).id}/results"))
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
    nobody = text(other.get(f"/voice/workplaces/{scene.other_home.id}/polls/{poll.id}"))
    assert "results for this poll are not shown" in nobody
    watford_only = factories.poll(status="closed", district_ids=joined([scene.other_home.district_id]))
    assert manager.get(f"/voice/workplaces/{scene.home.id}/polls/{watford_only.id}").status_code == 404
    assert as_user(app, scene.hcpa).get(mine).status_code == 403


def test_a_manager_reads_the_same_words_whether_none_or_a_few_of_a_small_staff_answered(app, scene):
    answered, silent = factories.poll(title="Answered"), factories.poll(title="Silent")
    factories.answered_by(answered, [scene.worker], choice=3)  # the home's only care worker
    for poll in (answered, silent):
        poll.status = PollStatus.closed
    db.session.commit()
    manager = as_user(app, scene.manager)
    pages = [text(manager.get(f"/voice/workplaces/{scene.home.id}/polls/{poll.id}")) for poll in (answered, silent)]
    for page in pages:
        assert "results for this poll are not shown" in page and "Fewer than" not in page and "None of" not in page
    main = [re.search(r"<main.*</main>", page, re.S).group(0) for page in pages]
    assert main[0].replace("Answered", "Silent") == main[1]


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


def test_an_erased_account_loses_its_emailed_links(app, scene, outbox):
    from academy.privacy.erasure import confirm_erasure, request_erasure
    from academy.voice.answering import answer_link

    link = path_of(answer_link(db.session, factories.poll(), scene.worker.id))
    confirm_erasure(db.session, request_erasure(db.session, scene.worker), scene.hcpa)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PollLink)) == 0
    assert Client(app).get(link).status_code == 404
