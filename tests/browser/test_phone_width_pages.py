"""Headless Chromium at a phone's 390 px (issue 15, points 1 and 2): a care worker's passport and its
share page fit the screen, with every column and the Revoke button on it; their PDF carries a short
check code and its address; an employer checks that code and reads the result as words (no markup
shown), genuine and then changed. Staff pages with tables (the manager's staff training, one person's
training, HCPA's workplaces) fit too."""
from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, click_through, sign_in

# A table region that scrolls sideways hides columns (and actions) off the screen on a phone.
TABLES_WIDER_THAN_THEIR_REGION = """() => [...document.querySelectorAll(".app-table-wrapper")]
  .filter((region) => region.scrollWidth > region.clientWidth + 1)
  .map((region) => `${region.getAttribute("aria-label")}: ${region.scrollWidth} px in ${region.clientWidth} px`)"""


def assert_every_column_on_screen(page) -> None:
    assert_fits_a_phone(page)
    wide = page.evaluate(TABLES_WIDER_THAN_THEIR_REGION)
    assert not wide, f"{page.url}: a table scrolls sideways at 390 px: {wide}"


def column_label_shown(page, column: str) -> str:
    """What a stacked cell of this column shows before its value (CSS generated from data-label)."""
    return page.locator(f'td[data-label="{column}"]').first.evaluate(
        "(cell) => getComputedStyle(cell, '::before').content")


def assert_on_screen(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def check_code_in_pdf(pdf: bytes) -> tuple[str, str]:
    """The check code and the address printed on the passport PDF."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    code = re.search(r"Check code: ((?:[A-Z2-9]{4}-){5}[A-Z2-9]{4})", text).group(1)
    address = re.search(r"go to (\S+?verify\?code=\S+?) \(or scan", text).group(1)
    assert sum(len(page.images) for page in reader.pages) == 1  # the QR code
    return code, address


def test_a_worker_shares_from_a_phone_and_an_employer_checks_the_pdf_code(ctx, chromium, live_server):
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Casey Carer")
    manager = factories.manager([workplace], full_name="Morgan Manager")
    catalogue = factories.catalogue()
    for code in ("fire_safety", "moving_handling", "safeguarding_adults"):
        factories.training_record(worker.person, catalogue[code], verified_by=manager)
    factories.training_record(worker.person, catalogue["dementia"])  # self-declared: a Remove button
    factories.qualification(worker.person, "diploma_l2_adult_care", status="in_progress")

    phone = chromium.new_context(base_url=live_server, viewport=PHONE)
    employer = chromium.new_context(base_url=live_server)
    try:
        page = phone.new_page()
        sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
        assert page.get_by_role("heading", level=1).inner_text() == "Training passport"
        assert_every_column_on_screen(page)  # was 585 px wide at 390
        assert_on_screen(page.get_by_role("button", name=f"Remove {catalogue['dementia'].name}"))
        assert column_label_shown(page, "Expires") == '"Expires: "'  # each stacked cell names its column
        assert_accessible(page)

        click_through(page.get_by_role("button", name="Share your passport"))
        page.get_by_label("Who are you sharing it with?").fill("Gade House manager")
        page.get_by_label("7 days").check()
        click_through(page.get_by_role("button", name="Create link"))
        page.goto("/training/passport/share")
        assert_every_column_on_screen(page)
        revoke = page.get_by_role("button", name="Revoke the link for Gade House manager")
        assert_on_screen(revoke)  # was off the screen: a worker could not revoke from a phone
        assert_accessible(page)

        pdf = phone.request.get("/training/passport.pdf")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        code, address = check_code_in_pdf(pdf.body())
        assert address == f"http://localhost/training/verify?code={code}"  # on PUBLIC_BASE_URL

        checking = employer.new_page()
        checking.goto("/training/verify")
        checking.get_by_label("Check code").fill(code.replace("-", " ").lower())  # typed from paper
        click_through(checking.get_by_role("button", name="Check"))
        banner = checking.locator(".govuk-notification-banner")
        assert banner.get_by_role("heading", name="This is a genuine passport for Casey Carer").is_visible()
        assert "The record has not changed since" in banner.inner_text()
        assert "<h3" not in checking.locator("main").inner_text()  # was shown as raw markup
        assert_accessible(checking)

        factories.training_record(worker.person, catalogue["end_of_life"])
        checking.goto("/training/verify?code=" + code)  # the address the PDF prints and its QR code holds
        banner = checking.locator(".govuk-notification-banner")
        assert "Genuine, but changed since" in banner.inner_text()
        assert banner.get_by_role("heading", name=re.compile(r"This passport for Casey Carer was issued by us on")).is_visible()
        assert "<h3" not in checking.locator("main").inner_text() and "<p" not in checking.locator("main").inner_text()
        assert_accessible(checking)

        checking.goto("/training/verify")
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        checking.get_by_label("Check code").fill(wrong)
        click_through(checking.get_by_role("button", name="Check"))
        assert "This code was not issued by" in checking.locator("main").inner_text()
    finally:
        phone.close()
        employer.close()


def test_staff_pages_with_tables_fit_a_phone(ctx, chromium, live_server):
    workplace = factories.workplace(name="Verulam House with a long name for a narrow screen")
    catalogue = factories.catalogue()
    manager = factories.manager([workplace], full_name="Morgan Manager")
    worker = factories.care_worker(workplace, full_name="Nadia Nowak-Fitzgerald", start=date.today() - timedelta(days=60))
    factories.training_record(worker.person, catalogue["fire_safety"])
    factories.induction(worker.person, by=manager)
    for n in range(3):
        factories.workplace(name=f"Another care home {n}")
    hcpa = factories.user(factories.Role.hcpa_staff)

    context = chromium.new_context(base_url=live_server, viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
        page.goto("/training/staff")
        assert_every_column_on_screen(page)
        assert column_label_shown(page, "Care Certificate") == '"Care Certificate: "'
        assert_accessible(page)
        click_through(page.get_by_role("link", name="Nadia Nowak-Fitzgerald", exact=True))
        assert_every_column_on_screen(page)
        assert_on_screen(page.get_by_role("button", name=f"Verify {catalogue['fire_safety'].name}"))
        assert_accessible(page)
        click_through(page.get_by_role("button", name="Sign out"))

        sign_in(page, hcpa.email, factories.DEFAULT_PASSWORD)
        page.goto("/workplaces/")
        assert_every_column_on_screen(page)
        assert_on_screen(page.get_by_role("link", name="Another care home 1"))
        assert_accessible(page)
    finally:
        context.close()
