"""Headless Chromium: every role signs in and lands on its own start page; axe-core is clean."""
import pytest

from academy.auth.models import Role
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in

START_PAGES = {
    Role.applicant: ("/recruitment/", "Apply for a job in care"),
    Role.care_worker: ("/training/", "Training passport"),
    Role.manager: ("/portal/{workplace}/", "Workplace summary"),  # the manager portal, one workplace
    Role.hcpa_staff: ("/recruitment/screening", "Screening queue"),  # issue 15: land on the queue
    Role.admin: ("/admin/users", "Users"),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_lands_on_its_start_page(ctx, page, role):
    workplace = factories.workplace(name="Verulam House")
    user = factories.user(role, workplaces=[workplace] if role == Role.manager else ())
    sign_in(page, user.email, factories.DEFAULT_PASSWORD)
    path, heading = START_PAGES[role]
    path = path.format(workplace=workplace.id)
    assert page.url.endswith(path)
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert f"Signed in as {user.full_name}" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))
    assert "You have signed out" in page.content()


@pytest.mark.parametrize("path", ["/", "/sign-in", "/sign-up", "/password/forgot", "/accessibility",
                                  "/privacy", "/cookies", "/recruitment/", "/no-such-page"])
def test_public_pages_have_no_axe_violations(page, path):
    page.goto(path)
    assert_accessible(page)


def test_sign_up_errors_are_accessible_and_summarised(page):
    page.goto("/sign-up")
    click_through(page.get_by_role("button", name="Create account"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "Error: Create an account" in page.title()
    assert_accessible(page)


def test_workplace_list_is_accessible_for_hcpa(ctx, page):
    for n in range(30):
        factories.workplace(name=f"Care Home {n:02d}")
    hcpa = factories.user(Role.hcpa_staff)
    sign_in(page, hcpa.email, factories.DEFAULT_PASSWORD)
    page.goto("/workplaces/?page=2")
    assert "Showing 26 to 30 of 30 workplaces" in page.content()
    assert_accessible(page)


def test_the_wait_page_after_repeated_wrong_passwords_is_accessible(ctx, page):
    user = factories.user()
    for _ in range(5):
        sign_in(page, user.email, "wrong-password-x")
        assert "Enter a correct email address and password" in page.content()
    sign_in(page, user.email, factories.DEFAULT_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Wait before you try to sign in again"
    assert "You can try again in 30 seconds" in page.content()
    assert_accessible(page)
