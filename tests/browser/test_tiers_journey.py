"""Headless Chromium: a care worker sees their tier and the next tier's checklist, their manager
endorses the tier they meet (a refused endorsement first), the worker makes their profile
visible and the manager opens it, an admin edits a tier rule; axe-core is clean on each page."""
from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in
from tests.tiers.conftest import mandatory_training, signed_off_certificate

TODAY = date.today()


def test_worker_sees_tier_manager_endorses_and_admin_edits_rules(ctx, page):
    from academy.auth.models import Role

    factories.tiers()
    courses = factories.catalogue()
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Casey Carer", start=TODAY - timedelta(days=200))
    manager = factories.manager([workplace], full_name="Morgan Manager")
    signed_off_certificate(worker.person, TODAY - timedelta(days=20))
    mandatory_training(worker.person, courses, TODAY - timedelta(days=30))
    factories.tier_award(worker.person, 1, awarded=TODAY - timedelta(days=150), by=manager)
    admin = factories.user(Role.admin)

    # The care worker: tier held, the next tier's checklist with what to do, history.
    sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Your career tier"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your career tier"
    assert page.locator("#awarded-tier").inner_text() == "Tier 1: New to care"
    assert "You meet everything tier 2" in page.content()
    level_2 = "A relevant social care qualification at Level 2 or above, achieved"
    assert page.get_by_role("link", name=level_2).is_visible()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Change who can see your professional profile"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Save"))  # saves the default: hidden
    page.get_by_label("Yes, managers and HCPA can see it").check()
    click_through(page.get_by_role("button", name="Save"))
    assert "Your profile is now visible to employers" in page.content()
    assert_accessible(page)
    member_number = f"CPA-{worker.person.id:06d}"
    click_through(page.get_by_role("button", name="Sign out"))

    # The manager: the endorsement queue, a refused endorsement, then the real one.
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Tier endorsements"))
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Casey Carer"))
    assert_accessible(page)
    page.locator("#tier-value").evaluate("input => input.value = '3'")  # as if the page were tampered with
    click_through(page.get_by_role("button", name="Endorse tier 2"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "does not meet tier 3 yet" in page.content()
    assert_accessible(page)
    page.goto(f"/tiers/people/{worker.person.id}")
    click_through(page.get_by_role("button", name="Endorse tier 2"))
    assert "Tier 2 awarded to Casey Carer" in page.content()
    assert page.locator("#awarded-tier").inner_text() == "Tier 2: Care or support worker"
    assert_accessible(page)
    page.goto("/tiers/endorsements")
    click_through(page.get_by_role("link", name="Find a CPA member's professional profile"))
    assert_accessible(page)
    page.get_by_label("Member number").fill("CPA-999999")
    click_through(page.get_by_role("button", name="Find profile"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Member number").fill(member_number)
    click_through(page.get_by_role("button", name="Find profile"))
    assert page.get_by_role("heading", level=1).inner_text() == "Casey Carer"
    assert "Tier 2: Care or support worker" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))

    # The worker sees the new tier and the tier 3 checklist.
    sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
    page.goto("/tiers/")
    assert page.locator("#awarded-tier").inner_text() == "Tier 2: Care or support worker"
    assert "What tier 3 needs" in page.content() and "Morgan Manager" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))

    # The admin: tier rules, a bad criterion (errors), a good one.
    sign_in(page, admin.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Tier rules"))
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Add a criterion to tier 3"))
    assert_accessible(page)
    page.get_by_label("Months working in care").check()
    click_through(page.get_by_role("button", name="Save criterion"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Level or number of months").fill("18")
    click_through(page.get_by_role("button", name="Save criterion"))
    assert "At least 18 months working in care" in page.content()
    click_through(page.get_by_role("link", name="Remove At least 18 months working in care (tier 3)"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Remove criterion"))
    assert "Criterion removed from tier 3" in page.content()
