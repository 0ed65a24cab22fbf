"""Headless Chromium: a person downloads their data and asks for their account to be deleted; HCPA
confirms; an admin filters the audit log. axe-core is clean on each page."""
import json

from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in


def test_request_your_data_and_an_erasure(ctx, page):
    from academy.auth.models import Role
    from recruitment.models import State

    application = factories.application_at(State.checks, full_name="Jo Applicant")
    applicant = application.user
    officer = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    admin = factories.user(Role.admin)

    sign_in(page, applicant.email, factories.DEFAULT_PASSWORD)
    page.goto("/account")
    click_through(page.get_by_role("link", name="Download everything we hold about you"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your data"
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (JSON file)").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        export = json.load(handle)
    assert export["sections"][0]["records"][0]["email"] == applicant.email
    click_through(page.get_by_role("link", name="Read your data as a page"))
    assert "Jo Applicant" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Back"))

    click_through(page.get_by_role("link", name="Ask us to delete your account"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Ask us to delete my account"))  # not ticked: an error
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("I understand that my account will be deleted").check()
    click_through(page.get_by_role("button", name="Ask us to delete my account"))
    assert page.get_by_role("heading", name="We have your request to delete your account").is_visible()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="What we keep and why"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))

    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Privacy requests"))
    assert_accessible(page)
    click_through(page.get_by_role("link", name="find them by email address"))
    page.get_by_label("Email address of the person who asked").fill(applicant.email)
    click_through(page.get_by_role("button", name="Find"))
    assert_accessible(page)
    click_through(page.get_by_role("link", name="read their data"))
    assert_accessible(page)
    page.goto("/privacy/requests")
    click_through(page.get_by_role("link", name=applicant.full_name))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Confirm and delete the account"))
    assert "The account has been deleted" in page.content()
    assert "Erased account" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))

    sign_in(page, admin.email, factories.DEFAULT_PASSWORD)
    page.goto("/admin/audit")
    page.get_by_label("Done by (email address)").fill(officer.email)
    click_through(page.get_by_role("button", name="Filter"))
    assert "confirmed erasure" in page.content() and "produced subject access" in page.content()
    assert_accessible(page)
