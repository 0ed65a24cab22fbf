"""Headless Chromium: a care worker downloads a credential and the passport PDF; a stranger, with
no account, opens the credential's verify link and sees "Valid" (and checks the downloaded file
by pasting it, on a 390 px phone screen); the manager withdraws the verification; the stranger
sees "Revoked". axe-core is clean on each page."""
from pathlib import Path

from sqlalchemy import select

from academy.extensions import db
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in
from training.credentials.models import IssuedCredential


def test_download_verify_withdraw_and_see_revoked(ctx, page, chromium, live_server):
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, full_name="Casey Carer")
    manager = factories.manager([workplace], full_name="Morgan Manager")
    course = factories.course(name="Moving and handling", renewal_months=12)
    factories.training_record(worker.person, of=course, verified_by=manager)

    # The worker downloads the credential and the PDF from their passport.
    sign_in(page, worker.email, factories.DEFAULT_PASSWORD)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a credential (Moving and handling)").click()
    token = Path(download.value.path()).read_text()
    assert download.value.suggested_filename.endswith(".jwt") and token.startswith("eyJ")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download as PDF").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as bundle:
        page.get_by_role("button", name="Download the whole passport").click()
    assert bundle.value.suggested_filename.endswith(".json")
    click_through(page.get_by_role("button", name="Sign out"))

    db.session.expire_all()
    issued = db.session.scalar(select(IssuedCredential))
    verify_link = f"/credentials/verify/{issued.public_id}"

    # A stranger on a phone opens the verify link (the QR code's address): valid.
    phone = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    try:
        stranger = phone.new_page()
        stranger.goto(verify_link)
        assert stranger.get_by_role("heading", level=1).inner_text() == "Check a training credential"
        result = stranger.locator(".app-credential-result")
        assert "Valid" in result.inner_text() and "Casey Carer" in result.inner_text()
        assert "Moving and handling" in result.inner_text()
        assert stranger.evaluate("document.documentElement.scrollWidth") <= 390
        assert_accessible(stranger)
        # ... and checks the file they were sent by pasting it.
        stranger.get_by_label("Paste the credential").fill(token)
        click_through(stranger.get_by_role("button", name="Check"))
        assert "its signature matches" in stranger.locator(".app-credential-result").inner_text()
        assert_accessible(stranger)

        # The manager withdraws the verification.
        sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
        page.goto(f"/training/people/{worker.person.id}")
        click_through(page.get_by_role("button", name="Withdraw verification of Moving and handling"))
        assert "Any credential issued for it is now revoked" in page.content()
        assert_accessible(page)

        # The stranger looks again: revoked.
        stranger.goto(verify_link)
        result = stranger.locator(".app-credential-result")
        assert "Revoked" in result.inner_text() and "has revoked it" in result.inner_text()
        assert stranger.title().startswith("Not valid")
        assert_accessible(stranger)
    finally:
        phone.close()
