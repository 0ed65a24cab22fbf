"""Headless Chromium: a manager's workplace edit page (provider and CQC rating as text, not fields)
passes axe-core."""
from academy.workplaces.models import CqcRating
from tests import factories
from tests.browser.conftest import assert_accessible, sign_in


def test_manager_edit_page_without_rating_fields_is_accessible(ctx, page):
    home = factories.workplace(name="Verulam House", cqc_rating=CqcRating.good)
    manager = factories.manager(workplaces=[home])
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/workplaces/{home.id}/edit")
    assert "Only HCPA staff can change these" in page.content()
    assert page.locator("[name=cqc_rating]").count() == 0
    assert_accessible(page)
