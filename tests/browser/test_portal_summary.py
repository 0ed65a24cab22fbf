"""Headless Chromium, desktop: the manager's summary agrees with its own pages. Its "Needs your
attention" list gives each item's count and opens the page that deals with it; today's counts are
the staff and vacancies pages' own totals; the month-end figures say their date."""
import re
from datetime import date, timedelta

from academy.outcomes.metrics import month_end
from academy.workplaces.models import ContractType
from recruitment.models import State
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in


def test_the_summary_lists_what_needs_attention_and_agrees_with_its_pages(ctx, page):
    today = date.today()
    home = factories.workplace(name="Verulam House")
    manager = factories.manager(workplaces=[home])
    factories.tier(1, criteria=[("induction_started", None, None)])
    course = factories.course(name="Fire safety", renewal_months=12, mandatory_for=["care_worker"])
    kofi = factories.employment(home, who=factories.person("Kofi Boateng"), start=date(2024, 2, 1)).person
    factories.training_record(kofi, of=course, completed=today - timedelta(days=400))  # expired
    factories.induction(kofi, started=today - timedelta(weeks=14))  # past 12 weeks
    factories.employment(home, who=factories.person("Bea Bank"), contract=ContractType.bank)
    factories.employment(home, who=factories.person("Sam Later"), start=today + timedelta(days=14))
    factories.application_at(State.referred, at_vacancy=factories.vacancy(home, posts=2), full_name="Ama Mensah")
    factories.vacancy(home)

    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    assert page.url.endswith(f"/portal/{home.id}/")
    attention = page.locator("#attention")
    assert attention.locator("#attention-referrals").inner_text() == "1 referral waiting for your decision"
    assert attention.locator("#attention-training").inner_text().startswith("1 mandatory course expired")
    # Kofi's induction is past its target; Bea (a year in post) has none.
    assert attention.locator("#attention-inductions").inner_text() == "2 Care Certificate inductions past 12 weeks"
    assert attention.locator("#attention-endorsements").inner_text() == "1 career tier waiting for endorsement"
    assert page.locator("#live-staff").inner_text() == "3 (1 starting later)"
    assert page.locator("#live-vacancies").inner_text() == "2 (3 posts)"
    last_month_end = month_end(today) if month_end(today) == today else today.replace(day=1) - timedelta(days=1)
    assert page.get_by_role("heading", name=f"At {last_month_end:%-d %B %Y}").is_visible()
    assert "outcomes engine" not in page.content()
    assert_accessible(page)

    # Each item opens the page that deals with it.
    for key, heading in (("referrals", "Referrals"), ("training", None), ("inductions", "Inductions"),
                         ("endorsements", "Tiers to endorse")):
        click_through(attention.locator(f"#attention-{key} a"))
        if heading:
            assert page.get_by_role("heading", level=1).inner_text() == heading
        if key == "referrals":
            assert "Ama Mensah" in page.content()
        if key == "training":
            assert "Fire safety" in page.content() and "Kofi Boateng" in page.content()
        if key in ("inductions", "endorsements"):
            assert "Kofi Boateng" in page.content()
        page.go_back()

    # Today's counts are the staff and vacancies pages' own totals.
    click_through(page.get_by_role("link", name="See staff in post"))
    assert re.search(r"Showing 1 to 3 of 3 staff", page.content())
    page.go_back()
    click_through(page.get_by_role("link", name="See vacancies that are open"))
    assert re.search(r"Showing 1 to 2 of 2 vacancies", page.content())
