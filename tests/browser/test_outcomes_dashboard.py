"""Headless Chromium: HCPA staff see the outcomes dashboard, start a recompute and watch it finish."""
import re
from datetime import date, timedelta

import pytest

from academy.auth.models import Role
from academy.extensions import db
from academy.outcomes import snapshots
from academy.outcomes.baselines import seed_baselines
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in

TODAY = date.today()


def _data():
    place = factories.workplace(name="Verulam House")
    for days in (900, 400, 60):
        factories.employment(place, start=TODAY - timedelta(days=days))
    factories.employment(place, start=TODAY - timedelta(days=500), leaving=TODAY - timedelta(days=30))
    factories.vacancy(place, opened=TODAY - timedelta(days=90))
    seed_baselines(db.session)
    db.session.commit()
    snapshots.run_outcomes(db.session, TODAY - timedelta(days=365), TODAY)
    return place


def test_hcpa_dashboard_recompute_and_job_page_are_accessible(ctx, page):
    place = _data()
    user = factories.user(Role.hcpa_staff)
    sign_in(page, user.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Outcomes"))
    page.wait_for_url("**/outcomes/")
    assert page.get_by_role("heading", level=1).inner_text() == "Workforce outcomes"
    page.get_by_label("Compare the county with").select_option(label="St Albans")
    click_through(page.get_by_role("button", name="Show"))
    page.wait_for_url("**/outcomes/?compare=district-*")
    assert page.get_by_role("heading", name="Vacancy rate").is_visible()
    table = page.get_by_role("table", name="Vacancy rate by month")
    assert not table.is_visible()  # behind "Show the figures"
    page.get_by_text("Show the figures for the vacancy rate").click()
    assert table.is_visible()
    chart = page.locator("img.app-outcome__chart").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    assert_accessible(page)

    click_through(page.get_by_role("button", name="Recompute outcomes"))
    page.wait_for_url("**/outcomes/recompute")
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Start the recompute"))
    page.wait_for_url("**/jobs/outcomes-*")
    assert "Finished" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="See the outcomes"))
    page.wait_for_url("**/outcomes/")
    assert place.name


def _chart_text_px(page, image) -> float:
    """The chart's text size as shown: its font size in the SVG's units, scaled to the image's width."""
    return page.evaluate("""async (img) => {
        const svg = new DOMParser().parseFromString(await (await fetch(img.currentSrc)).text(), "image/svg+xml");
        const units = parseFloat(svg.documentElement.getAttribute("viewBox").split(" ")[2]);
        const sizes = [...svg.querySelectorAll("text")].map(t => parseFloat(/font-size: ([\\d.]+)px/.exec(t.getAttribute("style"))[1]));
        return Math.min(...sizes) * img.getBoundingClientRect().width / units;
    }""", image.element_handle())


@pytest.mark.parametrize("width", [1280, 390])
def test_each_outcome_reads_as_a_headline_and_a_chart_at_desktop_and_phone_widths(ctx, page, width):
    _data()
    user = factories.user(Role.hcpa_staff)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, user.email, factories.DEFAULT_PASSWORD)
    page.goto("/outcomes/")
    for name in ("Vacancy rate", "Turnover rate", "Qualification uptake", "Care inductions",
                 "Registered-manager turnover"):
        section = page.locator("section.app-outcome", has=page.get_by_role("heading", name=name, exact=True))
        assert section.locator(".app-outcome__figure").inner_text().strip()
        assert "Source: Service records" in section.inner_text()
        image = section.get_by_role("img")
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert "baseline" in image.get_attribute("alt")
        # Drawn for the width it is shown at: its text is 16 px, and it fits the page.
        assert abs(_chart_text_px(page, image) - 16) < 0.5
        box = image.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert not section.get_by_role("table").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert_accessible(page)


def test_recompute_errors_are_accessible(ctx, page):
    _data()
    user = factories.user(Role.hcpa_staff)
    sign_in(page, user.email, factories.DEFAULT_PASSWORD)
    page.goto("/outcomes/recompute")
    page.locator("#end-day").fill("")
    page.locator("#end-month").fill("")
    page.locator("#end-year").fill("")
    click_through(page.get_by_role("button", name="Start the recompute"))
    page.wait_for_selector(".govuk-error-summary")
    assert "There is a problem" in page.content()
    assert_accessible(page)


def test_manager_dashboard_and_admin_baselines_are_accessible(ctx, page):
    place = _data()
    manager = factories.manager(workplaces=[place])
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto("/outcomes/")
    assert "Verulam House" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Sign out"))
    admin = factories.user(Role.admin)
    sign_in(page, admin.email, factories.DEFAULT_PASSWORD)
    page.goto("/outcomes/baselines")
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Change vacancy rate, Hertfordshire 2024"))
    page.wait_for_url("**/edit")
    assert_accessible(page)


def _funnel_data():
    """Two applications sent this week (one screened since, one withdrawn) and a draft that saved 4 pages."""
    from datetime import datetime, timezone

    from recruitment.models import HeardAbout, State, StateChange

    def ago(days):
        return datetime.now(timezone.utc) - timedelta(days=days)

    staff = factories.user(Role.hcpa_staff)
    sent = factories.application(heard_about=HeardAbout.social_media, created_at=ago(8), submitted_at=ago(6))
    withdrawn = factories.application(heard_about=HeardAbout.campaign, created_at=ago(8), submitted_at=ago(5))
    factories.application(state=State.draft, heard_about=None, created_at=ago(3), furthest_page=4)
    for app_, to_state, days in ((sent, State.submitted, 6), (sent, State.screening, 2),
                                 (withdrawn, State.submitted, 5), (withdrawn, State.withdrawn, 1)):
        db.session.add(StateChange(application=app_, to_state=to_state, by_id=staff.id, occurred_at=ago(days)))
    db.session.commit()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_gcr_funnel_appears_from_the_job_with_charts_and_tables(ctx, page, width):
    place = factories.workplace(name="Verulam House")
    factories.employment(place, start=TODAY - timedelta(days=400))
    _funnel_data()
    user = factories.user(Role.hcpa_staff)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, user.email, factories.DEFAULT_PASSWORD)
    page.goto("/outcomes/")
    assert page.get_by_role("heading", name="GCR funnel: where applications leak").count() == 0  # nothing computed
    click_through(page.get_by_role("button", name="Recompute outcomes"))
    click_through(page.get_by_role("button", name="Start the recompute"))
    page.wait_for_url("**/jobs/outcomes-*")
    click_through(page.get_by_role("link", name="See the outcomes"))
    section = page.locator("section", has=page.get_by_role("heading", name="GCR funnel: where applications leak"))
    stages = section.get_by_role("table", name=re.compile("^Each stage in the 12 months to"))
    first = stages.get_by_role("row").nth(1)
    assert first.get_by_role("rowheader").inner_text() == "Sent, waiting for screening"
    assert "50.0%" in first.inner_text() and "1 of 2" in first.inner_text()
    form = section.get_by_role("table", name=re.compile("^Online forms started"))
    assert "4. Where you would like to work" in form.inner_text()
    for image in section.get_by_role("img").all():
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert abs(_chart_text_px(page, image) - 16) < 0.5
        box = image.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    page.get_by_label("Applications", exact=True).select_option(label="Social media")
    click_through(page.get_by_role("button", name="Apply filters"))
    page.wait_for_url("**/outcomes/?*funnel_whose=source-*")
    first = stages.get_by_role("row").nth(1)
    assert "100.0%" in first.inner_text() and "1 of 1" in first.inner_text()
    assert_accessible(page)
