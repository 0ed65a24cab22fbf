"""Headless Chromium: a care worker sets up two-step sign-in from the account page, signs in with
a code, and turns it off; an admin without it is made to set it up first. axe-core on each page."""
import pyotp

from academy.auth.models import Role
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in, user_code


def _set_up(page) -> str:
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-step sign-in"
    assert page.get_by_role("img").first.get_attribute("src").startswith("data:image/svg+xml")
    assert_accessible(page)
    key = page.locator("#two-step-key").inner_text().replace(" ", "")
    page.get_by_label("Enter the 6-digit code your app shows").fill(pyotp.TOTP(key).now())
    click_through(page.get_by_role("button", name="Turn on two-step sign-in"))
    assert "Save your recovery codes" in page.content()
    assert page.locator("ul[aria-label='Recovery codes'] li").count() == 10
    assert_accessible(page)
    return key


def test_a_care_worker_turns_two_step_on_signs_in_with_a_code_and_turns_it_off(ctx, page):
    worker = factories.user(Role.care_worker)
    sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
    page.goto("/account")
    click_through(page.get_by_role("link", name="Set up two-step sign-in"))
    assert_accessible(page)  # the two-step page, off
    click_through(page.get_by_role("button", name="Set up two-step sign-in"))
    key = _set_up(page)
    click_through(page.get_by_role("button", name="I have saved my recovery codes"))
    click_through(page.get_by_role("button", name="Sign out"))

    page.goto("/sign-in")
    page.get_by_label("Email address").fill(worker.email)
    page.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("button", name="Sign in"))
    assert page.get_by_role("heading", level=1).inner_text() == "Enter the 6-digit code"
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill("000000")
    click_through(page.get_by_role("button", name="Continue"))
    assert "The code is not right" in page.content()
    assert_accessible(page)  # with the error summary
    page.get_by_label("Code", exact=True).fill(user_code(worker.email))  # a code not used at set-up
    click_through(page.get_by_role("button", name="Continue"))
    assert page.url.endswith("/training/")

    page.goto("/account/two-step")
    click_through(page.get_by_role("button", name="Turn off two-step sign-in"))
    assert_accessible(page)
    page.get_by_label("Enter the 6-digit code your app shows").fill(pyotp.TOTP(key).now())
    click_through(page.get_by_role("button", name="Turn off two-step sign-in"))
    assert "Two-step sign-in is off" in page.content()


def test_an_admin_without_two_step_sets_it_up_before_anything_else(ctx, page):
    admin = factories.user(Role.admin, two_step=False)
    sign_in(page, admin.email, factories.DEFAULT_PASSWORD)
    assert page.url.endswith("/account/two-step/set-up")
    _set_up(page)
    click_through(page.get_by_role("button", name="I have saved my recovery codes"))
    assert page.url.endswith("/admin/users")
