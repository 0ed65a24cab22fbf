"""Headless Chromium: a worker adds training, their manager verifies it, the worker shares the
passport and someone else opens the link in a second browser; axe-core is clean on each page."""
import re
from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in
from tests.helpers import path_of


def _fill_date(page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_add_verify_share_and_open_the_passport(ctx, page, chromium, live_server):
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Casey Carer")
    manager = factories.manager([workplace], full_name="Morgan Manager")
    catalogue = factories.catalogue()
    factories.induction(worker.person, by=manager)

    # The worker adds training they have done.
    sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Training passport"
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Add training"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Save training"))  # nothing filled in: errors
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Course").select_option(label=catalogue["fire_safety"].name)
    _fill_date(page, "Date completed", date.today() - timedelta(days=20))
    page.get_by_label("Training provider (optional)").fill("St Albans Fire Training")
    click_through(page.get_by_role("button", name="Save training"))
    assert "Fire safety has been added" in page.content()
    assert "Self-declared" in page.content()
    page.goto("/training/induction")
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Mark in progress standard 1", exact=True))
    assert "Standard 1 is now in progress" in page.content()
    click_through(page.get_by_role("button", name="Sign out"))

    # The manager sees the staff list and verifies the line.
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto("/training/staff")
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Casey Carer", exact=True))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Verify Fire safety"))
    assert "is verified" in page.content()
    assert "Morgan Manager" in page.content()
    assert_accessible(page)
    page.goto("/training/sessions/new")
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))

    # The worker shares the passport.
    sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Share your passport").first)
    assert_accessible(page)
    page.get_by_label("Who are you sharing it with?").fill("Gade House manager")
    page.get_by_label("7 days").check()
    click_through(page.get_by_role("button", name="Create link"))
    assert page.get_by_role("heading", name="Your passport link is ready").is_visible()
    assert_accessible(page)
    link = page.locator("#share-link").inner_text()
    assert link.startswith("http://localhost/training/shared/")  # on PUBLIC_BASE_URL, whatever the Host
    link = path_of(link)  # the test server runs on another port
    code = page.locator("#share-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code)

    # Someone else, in their own browser, opens it.
    other = chromium.new_context(base_url=live_server)
    try:
        stranger = other.new_page()
        stranger.goto(link)
        assert stranger.get_by_role("heading", level=1).inner_text() == "Casey Carer"
        assert "Verified" in stranger.content() and "Morgan Manager" in stranger.content()
        assert_accessible(stranger)
        click_through(stranger.get_by_role("link", name="Check this passport's verify code"))
        stranger.wait_for_url("**/training/verify?code=*")
        banner = stranger.locator(".govuk-notification-banner").inner_text()
        assert "genuine passport for Casey Carer" in banner, banner
        assert_accessible(stranger)
        stranger.goto("/training/shared")
        stranger.get_by_label("Passport code").fill(code)
        click_through(stranger.get_by_role("button", name="View passport"))
        assert stranger.get_by_role("heading", level=1).inner_text() == "Casey Carer"

        # The worker sees it was opened, and revokes it.
        page.goto("/training/passport/share")
        assert "2 times" in page.content()
        assert_accessible(page)
        click_through(page.get_by_role("button", name="Revoke the link for Gade House manager"))
        page.get_by_text("no longer works").wait_for()
        stranger.goto(link)
        assert stranger.get_by_role("heading", level=1).inner_text() == "This link has been withdrawn"
        assert "Casey Carer" not in stranger.content()
        assert_accessible(stranger)
    finally:
        other.close()


def test_catalogue_and_public_pages_are_accessible(ctx, page):
    factories.catalogue()
    admin = factories.user(factories.Role.admin)
    sign_in(page, admin.email, factories.DEFAULT_PASSWORD)
    page.goto("/training/courses")
    assert "Oliver McGowan" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Add a course"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))
    for path in ("/training/", "/training/shared", "/training/verify", "/training/shared/not-a-real-link"):
        page.goto(path)
        assert_accessible(page)


def test_manager_pages_for_a_new_starter_are_accessible(ctx, page):
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Nadia Nowak", start=date.today() - timedelta(days=200))
    manager = factories.manager([workplace])
    factories.qualification(worker.person, "nmc_registration", registration_number="12A3456E",
                            renewal_due_on=date.today() + timedelta(days=300))
    factories.training_record(worker.person, factories.course(name="Moving and handling people"))
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/training/people/{worker.person.id}")
    assert "Six months in post" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Care Certificate"))
    assert_accessible(page)
    _fill_date(page, "Date the induction started", date.today() - timedelta(days=100))
    click_through(page.get_by_role("button", name="Start the Care Certificate"))
    page.get_by_text("Care Certificate induction started").wait_for()
    assert "Overdue" in page.content()
    assert_accessible(page)
    page.goto(f"/training/people/{worker.person.id}/qualifications/new")
    click_through(page.get_by_role("button", name="Save qualification"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.goto(f"/training/people/{worker.person.id}/records/new")
    assert_accessible(page)


def test_a_nurse_s_passport_with_renewal_due_is_accessible(ctx, page):
    workplace = factories.workplace(name="Harpenden Nursing Home")
    nurse = factories.care_worker(workplace, role_code="registered_nurse", full_name="Nia Nurse",
                                  start=date.today() - timedelta(days=90))
    factories.qualification(nurse.person, "nmc_registration", registration_number="12A3456E",
                            renewal_due_on=date.today() + timedelta(days=40))
    sign_in(page, nurse.email, factories.DEFAULT_PASSWORD)
    assert page.get_by_text("Renewal due", exact=True).is_visible()
    assert "NMC registration: renew (revalidate) by" in page.content()
    assert_accessible(page)
