"""Headless Chromium: HCPA adds a benefit for senior care workers at HCPA member providers; an
eligible member sees it, reads how to claim and says they used it; an ineligible member (a care
worker, and a senior care worker elsewhere) never sees it, even by its address; the manager's
portal shows "fewer than 5" (and counts only to the end of last month, so today's use is not in
it yet); axe-core, legends and 390 px on each page."""
from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import assert_checked, click_through, sign_in, sign_out

TODAY = date.today()
TITLE = "Senior carers' spa day"


def test_a_benefit_is_seen_by_an_eligible_member_and_not_by_an_ineligible_one(ctx, page):
    from academy.auth.models import Role

    member_place = factories.workplace(name="Verulam House", hcpa_member=True)
    other_place = factories.workplace(name="Bushey Lodge")
    eligible = factories.care_worker(member_place, role_code="senior_care_worker", full_name="Sam Senior",
                                     start=TODAY - timedelta(days=400))
    wrong_role = factories.care_worker(member_place, full_name="Casey Carer")
    wrong_employer = factories.care_worker(other_place, role_code="senior_care_worker", full_name="Ola Other")
    manager = factories.manager([member_place], full_name="Morgan Manager")
    hcpa = factories.user(Role.hcpa_staff, full_name="Hana Hcpa")
    factories.benefit("Wellbeing walks", kind="wellbeing_service")  # for every member

    # HCPA add the benefit.
    sign_in(page, hcpa.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Benefits catalogue"))
    assert_checked(page)
    click_through(page.get_by_role("button", name="Add a benefit"))
    page.get_by_label("Name of the benefit").fill(TITLE)
    page.get_by_label("Discount").check()
    page.get_by_label("What the benefit is").fill("A free day at a Hertfordshire spa.")
    page.get_by_label("How to claim it").fill("Book by phone and quote your CPA member number.")
    page.get_by_label("Web address to claim it (optional)").fill("http://spa.example.org")
    page.get_by_label("Senior care worker").check()
    page.get_by_label("Yes, only for staff employed by an HCPA member provider").check()
    click_through(page.get_by_role("button", name="Save benefit"))
    assert "There is a problem" in page.content() and "starts with https://" in page.content()
    assert_checked(page)
    page.get_by_label("Web address to claim it (optional)").fill("https://spa.example.org/cpa")
    click_through(page.get_by_role("button", name="Save benefit"))
    assert f"{TITLE} added to the catalogue." in page.content().replace("&#39;", "'")
    assert_checked(page)
    sign_out(page)

    # The eligible member sees it, reads how to claim and says they used it.
    sign_in(page, eligible.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Your benefits"))
    assert_checked(page)
    assert page.get_by_role("link", name="Wellbeing walks").is_visible()
    click_through(page.get_by_role("link", name=TITLE))
    address = page.url
    assert_checked(page)
    assert page.get_by_role("link", name=f"Claim {TITLE} on the provider's website").get_attribute(
        "href") == "https://spa.example.org/cpa"
    click_through(page.get_by_role("button", name="I've used this"))
    assert "You said you used it on" in page.content()
    sign_out(page)

    # Members it is not for never see it, not even by its address.
    for someone in (wrong_role, wrong_employer):
        sign_in(page, someone.email, factories.DEFAULT_PASSWORD)
        page.goto("/benefits/")
        assert page.get_by_role("link", name="Wellbeing walks").is_visible()
        assert page.get_by_role("link", name=TITLE).count() == 0 and "spa day" not in page.content()
        assert page.goto(address).status == 404
        page.goto("/benefits/")
        sign_out(page)

    # The manager sees who are members and the use as a count, never who.
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Manager portal"))
    click_through(page.get_by_role("link", name="CPA members and benefits"))
    assert_checked(page)
    assert f"to the end of {TODAY.replace(day=1) - timedelta(days=1):%B %Y}" in page.content()
    row = page.get_by_role("row", name=TITLE)
    assert "fewer than 5" in row.inner_text() and "Sam Senior" not in row.inner_text()
    assert page.get_by_role("row", name="Sam Senior").count() == 1  # a member (opened Your benefits)
