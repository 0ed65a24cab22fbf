"""Headless Chromium, desktop: the training matrix keeps its name column in view while it scrolls
sideways (CSS position: sticky, no inline styles), with the other cells passing under it."""
from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import assert_accessible, sign_in


def test_the_matrix_name_column_stays_in_view_while_scrolling_sideways(ctx, page):
    today = date.today()
    home = factories.workplace(name="Verulam House")
    manager = factories.manager([home])
    worker = factories.care_worker(home, full_name="Kofi Boateng", start=today - timedelta(days=400))
    for n in range(12):
        course = factories.course(name=f"Long course name number {n + 1} for the matrix", mandatory_for=["care_worker"])
        factories.training_record(worker.person, of=course, completed=today - timedelta(days=30))
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/portal/{home.id}/matrix")
    region = page.locator(".app-table-wrapper")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth + 200")  # it does scroll sideways
    name_header = page.get_by_role("columnheader", name="Name and role")
    name_cell = page.get_by_role("rowheader", name="Kofi Boateng")
    course_header = page.get_by_role("columnheader", name="Long course name number 1 for the matrix", exact=True)
    page.evaluate("window.scrollTo(0, document.querySelector('.app-table-wrapper').getBoundingClientRect().top"
                  " + window.scrollY - 10)")  # the table at the top of the window
    before = (name_header.bounding_box()["x"], name_cell.bounding_box()["x"], course_header.bounding_box()["x"])

    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    after = (name_header.bounding_box()["x"], name_cell.bounding_box()["x"], course_header.bounding_box()["x"])
    assert after[0] == before[0] and after[1] == before[1]  # the names stay put
    assert after[2] < before[2] - 200  # the courses moved
    # The name is on top: what is drawn at its middle is the name cell, not a course cell under it.
    box = name_cell.bounding_box()
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('th, td').textContent",
                           [box["x"] + 10, box["y"] + box["height"] / 2])
    assert "Kofi Boateng" in on_top
    assert page.locator("table [style]").count() == 0  # styled by app.css, never inline (the CSP)
    assert_accessible(page)
