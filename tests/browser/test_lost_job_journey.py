"""Headless Chromium, on a phone: HCPA start a recompute that waits in Redis; Redis restarts empty;
the job page, which polls, turns to "This job was lost" by itself; they start it again and see it
finish; the old page links to the new one."""
from academy.auth.models import Role
from academy.jobs import redis_connection
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, click_through, sign_in


def test_a_lost_recompute_is_shown_as_lost_and_started_again(ctx, app, page, monkeypatch):
    page.set_viewport_size(PHONE)
    officer = factories.user(Role.hcpa_staff)
    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    monkeypatch.setitem(app.config, "JOBS_ASYNC", True)  # queued in Redis; no worker runs it
    try:
        page.goto("/outcomes/recompute")
        click_through(page.get_by_role("button", name="Start the recompute"))
        page.wait_for_url("**/jobs/outcomes-*")
        lost_url = page.url
        assert "Waiting to start" in page.content()

        redis_connection().flushdb()  # Redis restarts without its data
        page.get_by_text("This job was lost").wait_for()  # the page's poll saw it, and reloaded
        assert "did not run (or did not finish)" in page.content()
        assert_accessible(page)
        assert_fits_a_phone(page)

        page.goto("/outcomes/")
        assert "was lost when the job queue restarted" in page.content()
        click_through(page.get_by_role("link", name="Start the lost recompute again"))
        assert page.url == lost_url

        monkeypatch.setitem(app.config, "JOBS_ASYNC", False)  # the queue is back (inline here)
        click_through(page.get_by_role("button", name="Start it again"))
        page.wait_for_url("**/jobs/outcomes-*")
        assert page.url != lost_url and "Finished" in page.content()
        assert_accessible(page)

        page.goto(lost_url)
        assert "It has been started again" in page.content()
        assert page.get_by_role("button", name="Start it again").count() == 0
        assert_accessible(page)
    finally:
        redis_connection().flushdb()
