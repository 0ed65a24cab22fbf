"""Headless Chromium: an emailed reset or invitation link lands on a clean address (the token went
into the session), and the page there, with its form and its errors, passes axe-core."""
from __future__ import annotations

from academy.auth import accounts
from academy.auth.models import Role
from academy.extensions import db
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in
from tests.helpers import links_in, path_of


def test_a_reset_link_lands_on_a_clean_accessible_page(ctx, page, outbox):
    user = factories.user(Role.care_worker)
    accounts.request_password_reset(db.session, user.email)
    db.session.commit()  # the test is the unit of work's owner: the email is queued when it commits
    page.goto(path_of(links_in(outbox[-1])[0]))
    assert page.url.endswith("/password/reset")
    assert_accessible(page)
    page.get_by_role("textbox", name="New password").fill("short")
    click_through(page.get_by_role("button", name="Change password"))
    assert "There is a problem" in page.content() and page.url.endswith("/password/reset")
    assert_accessible(page)
    page.get_by_role("textbox", name="New password").fill("a-brand-new-passphrase")
    click_through(page.get_by_role("button", name="Change password"))
    assert page.url.endswith("/sign-in")
    sign_in(page, user.email, "a-brand-new-passphrase")
    assert "/training/" in page.url


def test_an_invitation_link_lands_on_a_clean_accessible_page(ctx, page):
    _invitation, token = factories.invitation(role=Role.hcpa_staff, full_name="Rita Officer")
    page.goto(f"/invitation/{token}")
    assert page.url.endswith("/invitation")
    assert token not in page.url
    assert_accessible(page)
