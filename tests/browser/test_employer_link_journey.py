"""Headless Chromium: a new employer records a starter by email and the worker accepts the request
to link their training passport (issue 13, point 1); every page on the way is axe-core clean."""
from datetime import date, timedelta

from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in


def test_a_worker_accepts_a_new_employers_request_to_link_their_passport(ctx, page, browser_context):
    first, second = factories.workplace(name="Aldenham House"), factories.workplace(name="Bushey Lodge")
    manager = factories.manager(workplaces=[second])
    worker = factories.care_worker(at=first, email="samira@example.com", full_name="Samira Okafor")
    factories.training_record(worker.person)

    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/portal/{second.id}/staff/new")
    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_label("Email address (optional)").fill("samira@example.com")
    page.get_by_label("Job role").select_option(label=factories.job_role("care_worker").name)
    page.get_by_label("Permanent").check()
    start = date.today() - timedelta(days=1)
    for part, value in (("day", start.day), ("month", start.month), ("year", start.year)):
        page.locator(f"#start_date-{part}").fill(str(value))
    click_through(page.get_by_role("button", name="Record starter"))
    assert "we have asked them to link it to Bushey Lodge" in page.content()
    assert "Samira Okafor" not in page.content()
    click_through(page.get_by_role("link", name="Sam Okafor"))
    assert "There is no answer yet" in page.content()
    assert_accessible(page)

    worker_page = browser_context.browser.new_context(base_url=page.url.split("/portal")[0]).new_page()
    sign_in(worker_page, worker.email, factories.DEFAULT_PASSWORD)
    worker_page.goto("/training/")
    assert "Bushey Lodge has asked to link your training passport" in worker_page.content()
    assert_accessible(worker_page)
    click_through(worker_page.get_by_role("link", name="See the request and accept or decline it"))
    heading = worker_page.get_by_role("heading", level=1).inner_text()
    assert heading == "Bushey Lodge asks to link your training passport"
    assert_accessible(worker_page)
    click_through(worker_page.get_by_role("button", name="Accept and link my passport"))
    assert "Your training passport is linked to Bushey Lodge" in worker_page.content()
    assert "Bushey Lodge" in worker_page.locator("main").inner_text()
    assert_accessible(worker_page)
    worker_page.context.close()

    page.reload()
    assert "Linked to their training passport" in page.content() and "Samira Okafor" in page.content()
    assert_accessible(page)
