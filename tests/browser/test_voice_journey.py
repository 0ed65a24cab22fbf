"""Headless Chromium: HCPA staff create a poll and open it; four members answer (through the domain
function, to be quick) and, the poll being open, the results page shows only how many have answered;
a fifth answers in the browser from their account, HCPA close the poll and the results show, with
the chart; axe-core, the fieldsets' questions and a 390 px phone are checked on each page."""
from datetime import date, timedelta

from academy.extensions import db
from academy.voice.models import Poll
from tests import factories
from tests.browser.conftest import assert_checked, click_through, sign_in, sign_out

TODAY = date.today()


def fill_date(page, field: str, day: date) -> None:
    page.locator(f"#{field}-day").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def test_a_poll_from_creation_to_results_hidden_at_four_answers_and_shown_at_five(ctx, page):
    from academy.auth.models import Role

    workplace = factories.workplace(name="Verulam House")
    workers = [factories.care_worker(workplace, start=TODAY - timedelta(days=100)) for _ in range(5)]
    hcpa = factories.user(Role.hcpa_staff, full_name="Hana Hcpa")

    # HCPA staff create the poll, add two questions and open it.
    sign_in(page, hcpa.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Polls and surveys"))
    assert_checked(page)
    click_through(page.get_by_role("button", name="Create a poll"))
    assert_checked(page)
    page.get_by_label("Title").fill("Your breaks")
    fill_date(page, "opens_on", TODAY)
    fill_date(page, "closes_on", TODAY + timedelta(days=14))
    click_through(page.get_by_role("button", name="Save poll"))
    assert "Now add its questions" in page.content()
    page.get_by_role("radio", name="Scale of 1 to 5").check()
    page.get_by_label("Question", exact=True).fill("How well do your breaks let you rest?")
    click_through(page.get_by_role("button", name="Add question"))
    page.get_by_role("radio", name="Single choice").check()
    page.get_by_label("Question", exact=True).fill("Do you get your full break?")
    page.get_by_label("Answers to choose from (single choice only)").fill("Always\nSometimes\nRarely")
    click_through(page.get_by_role("button", name="Add question"))
    assert_checked(page)
    click_through(page.get_by_role("button", name="Open the poll"))
    assert "Your breaks is open" in page.content()
    poll = db.session.scalar(db.select(Poll).where(Poll.title == "Your breaks"))
    db.session.refresh(poll)

    # Four members answer; while the poll is open the results page shows only how many.
    factories.answered_by(poll, workers[:4], choice=2)
    click_through(page.get_by_role("link", name="See the results"))
    assert "Results are shown when the poll closes" in page.content()
    assert "So far 4 people have answered" in page.content()
    assert_checked(page)
    sign_out(page)

    # The fifth answers from their account.
    sign_in(page, workers[4].email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Have your say"))
    assert_checked(page)
    click_through(page.get_by_role("link", name="Your breaks"))
    assert_checked(page)
    click_through(page.get_by_role("button", name="Send my answers"))  # nothing chosen: errors, nothing kept
    assert "Choose an answer to" in page.content()
    page.get_by_label("5 (very good)").check()
    page.get_by_label("Always").check()
    click_through(page.get_by_role("button", name="Send my answers"))
    assert "your answers to Your breaks have been sent" in page.content()
    assert "Answered" in page.content()
    sign_out(page)

    # Now five, and HCPA close the poll: the results show, with the chart.
    sign_in(page, hcpa.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/voice/polls/{poll.id}")
    click_through(page.get_by_role("button", name="Close the poll now"))
    assert "Your breaks is closed" in page.content()
    page.goto(f"/voice/polls/{poll.id}/results")
    assert "Hertfordshire: 5 answers to question 1, How well do your breaks let you rest?" in page.content()
    assert page.locator("img.app-outcome__chart").first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_checked(page)


def test_a_member_answers_from_their_emailed_link_without_signing_in_and_the_token_leaves_the_address(ctx, page):
    from academy.voice.answering import answer_link
    from tests.helpers import path_of

    worker = factories.care_worker(factories.workplace(name="Verulam House"), start=TODAY - timedelta(days=100))
    poll = factories.poll(title="Your rota", questions=("scale", "free_text"))
    link = path_of(answer_link(db.session, poll, worker.id))
    db.session.commit()

    page.goto(link)
    assert page.url.endswith(f"/voice/polls/{poll.id}/from-your-link")  # the token is gone from the address
    assert_checked(page)
    page.get_by_label("4", exact=True).check()
    click_through(page.get_by_role("button", name="Send my answers"))
    assert "Thank you" in page.content()
    assert_checked(page)

    assert page.goto(link).status == 404  # it works once
    assert page.goto(f"/voice/polls/{poll.id}/from-your-link").status == 404
    assert "Open the link in your email again" in page.content()
    assert_checked(page)
