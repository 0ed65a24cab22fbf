"""Headless Chromium: HCPA sets a category and a round, a colleague finds a care worker by name and
nominates them, HCPA shortlists and records the winner, the manager sends a thank-you; the award
and the thanks show on the worker's passport when they opt in, and not when they opt out; axe-core
is clean on each page."""
from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import assert_accessible, assert_checked, click_through, sign_in, sign_out

TODAY = date.today()
REASON = "She learnt every resident's favourite song and sings them on the night shift."


def test_a_nomination_becomes_a_winner_on_the_passport_only_when_the_worker_opts_in(ctx, page):
    from academy.auth.models import Role

    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Casey Carer", start=TODAY - timedelta(days=200))
    manager = factories.manager([workplace], full_name="Morgan Manager")
    factories.cpa_membership(worker.person, visible=True)
    hcpa = factories.user(Role.hcpa_staff, full_name="Hana Hcpa")
    closes = TODAY + timedelta(days=20)

    # HCPA staff set a category and a round.
    sign_in(page, hcpa.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Care Awards"))
    assert_checked(page)
    page.get_by_label("Category name").fill("Care worker of the year")
    click_through(page.get_by_role("button", name="Add category"))
    page.get_by_label("Round name").fill("Hertfordshire Care Awards 2027")
    page.get_by_label("Day").fill(str(closes.day))
    page.get_by_label("Month").fill(str(closes.month))
    page.get_by_label("Year").fill(str(closes.year))
    click_through(page.get_by_role("button", name="Add round"))
    assert "nominations are open until" in page.content()
    assert_checked(page)
    sign_out(page)

    # The manager finds Casey by name and nominates her, then thanks her.
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Say thank you"))
    assert_accessible(page)
    click_through(page.get_by_role("link", name="make a nomination"))
    page.get_by_label("Care worker's name").fill("casey")
    click_through(page.get_by_role("button", name="Find"))
    click_through(page.get_by_role("link", name="Nominate Casey Carer"))
    page.get_by_label("Why are you nominating them?").fill(REASON)
    click_through(page.get_by_role("button", name="Send nomination"))
    assert "your nomination of Casey Carer for Care worker of the year" in page.content()
    assert_checked(page)
    page.goto("/recognition/thanks")
    click_through(page.get_by_role("link", name="Thank Casey Carer"))
    assert_accessible(page)
    page.get_by_label("Your thank-you message").fill("Thank you for the garden party.")
    click_through(page.get_by_role("button", name="Send thank-you"))
    sign_out(page)

    # HCPA shortlists, then records the winner.
    sign_in(page, hcpa.email, factories.DEFAULT_PASSWORD)
    page.goto("/recognition/awards")
    click_through(page.get_by_role("link", name="Nominations for Hertfordshire Care Awards 2027"))
    assert REASON in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Shortlist Casey Carer for Care worker of the year"))
    click_through(page.get_by_role("button", name="Record as winner (Casey Carer, Care worker of the year)"))
    assert "Casey Carer recorded as the winner" in page.content()
    assert_checked(page)
    sign_out(page)

    # The worker: thanks on the account page; the passport shows nothing until she opts in.
    sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
    page.goto("/account")
    assert "Thank you for the garden party." in page.content()
    page.goto("/training/")
    assert page.locator("#recognition").count() == 0
    click_through(page.get_by_role("link", name="Awards and thanks"))
    assert_checked(page)
    page.get_by_label("Yes, show them").check()
    click_through(page.get_by_role("button", name="Save"))
    page.goto("/training/")
    recognition = page.locator("#recognition")
    assert recognition.is_visible()
    assert "Winner" in page.content() and "Care worker of the year, Hertfordshire Care Awards 2027" in page.content()
    assert "Thank you for the garden party." in page.content()
    assert_checked(page)

    # Opted out: gone from the passport again.
    page.goto("/recognition/mine")
    page.get_by_label("No, keep them to myself").check()
    click_through(page.get_by_role("button", name="Save"))
    page.goto("/training/")
    assert page.locator("#recognition").count() == 0
    assert "Care worker of the year" not in page.content()
