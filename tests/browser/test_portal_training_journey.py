"""Headless Chromium: a registered manager opens the training matrix, signs off Care Certificate
standards from the Inductions page (a mistake first), sees the inductions and the matrix change,
filters the matrix and reads the training-needs plan; axe-core is clean on each page."""
from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in


def test_a_manager_signs_off_standards_and_sees_the_matrix_change(ctx, page, chromium, live_server):
    today = date.today()
    workplace = factories.workplace(name="Verulam House")
    manager = factories.manager([workplace], full_name="Morgan Manager")
    worker = factories.care_worker(workplace, full_name="Casey Carer", start=today - timedelta(days=25))
    other = factories.care_worker(workplace, full_name="Robin Rota", start=today - timedelta(days=400))
    fire = factories.course(name="Fire safety", mandatory_for=["care_worker"])
    factories.course(name="Moving and handling", mandatory_for=["care_worker"])
    factories.training_record(worker.person, of=fire, completed=today - timedelta(days=20))
    factories.training_record(other.person, of=fire, completed=today - timedelta(days=330))
    induction = factories.induction(worker.person, started=today - timedelta(days=20), by=manager)

    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/portal/{workplace.id}/matrix")
    assert page.get_by_role("heading", level=1).inner_text() == "Training matrix"
    table = page.get_by_role("table", name="Mandatory training for 2 of 2 staff in post")
    assert table.get_by_role("columnheader", name="Fire safety").is_visible()
    casey = table.get_by_role("row", name="Casey Carer")
    assert "0 of 16 signed off" in casey.inner_text() and "In progress" in casey.inner_text()
    assert "Expiring soon" in table.get_by_role("row", name="Robin Rota").inner_text()
    assert_accessible(page)

    # Inductions: nothing ticked is an error, then two standards, then the rest.
    click_through(page.get_by_role("navigation", name="Workplace portal").get_by_role("link", name="Inductions"))
    assert page.get_by_role("heading", level=1).inner_text() == "Inductions"
    assert_accessible(page)
    page.get_by_text("Sign off standards for Casey Carer").click()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign off selected standards for Casey Carer"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "Select at least one standard to sign off" in page.content()
    assert_accessible(page)
    page.get_by_label("1. Understand your role (not started)").check()
    page.get_by_label("2. Your personal development (not started)").check()
    click_through(page.get_by_role("button", name="Sign off selected standards for Casey Carer"))
    assert "Casey Carer: standards 1, 2 signed off." in page.content()
    assert "2 of 16" in page.get_by_role("row", name="Casey Carer").first.inner_text()
    assert_accessible(page)
    page.get_by_text("Sign off standards for Casey Carer").click()
    for box in page.locator(f"input[name='induction-{induction.id}-standards']").all():
        box.check()
    click_through(page.get_by_role("button", name="Sign off selected standards for Casey Carer"))
    assert "The Care Certificate is complete" in page.content()
    assert "Nobody in post is inducting" in page.content()

    # The matrix shows the completed Care Certificate; filter by state.
    click_through(page.get_by_role("navigation", name="Workplace portal").get_by_role("link", name="Training matrix"))
    casey = page.get_by_role("row", name="Casey Carer")
    assert "Completed" in casey.inner_text() and "0 of 16" not in casey.inner_text()
    page.get_by_label("Staff with training that is").select_option(label="Expiring soon")
    click_through(page.get_by_role("button", name="Filter"))
    assert page.get_by_role("table", name="Mandatory training for 1 of 2 staff in post").is_visible()
    assert page.get_by_role("row", name="Casey Carer").count() == 0
    assert_accessible(page)

    # The training-needs plan.
    click_through(page.get_by_role("navigation", name="Workplace portal").get_by_role("link", name="Training needs"))
    assert page.get_by_role("heading", level=1).inner_text() == "Training needs (STAN+)"
    plan = page.get_by_role("table", name="The plan, soonest due first")
    assert "Moving and handling" in plan.inner_text() and "Robin Rota: Never done" in plan.inner_text()
    assert_accessible(page)
