"""Headless Chromium: a manager uploads ASC-WDS files with a mistake, reads the report, uploads the
corrected files, applies them and sees the staff in the portal; axe-core is clean on each page."""
from tests import factories
from tests.ascwds.conftest import FIXTURES, edited
from tests.browser.conftest import assert_accessible, click_through, sign_in


def test_upload_report_fix_apply_and_see_the_staff(ctx, page, tmp_path):
    oak = factories.workplace(name="Oak House", ascwds_local_id="OAK1", cqc_location_id="1-000000001")
    manager = factories.manager([oak], full_name="Morgan Manager")
    factories.catalogue()
    wrong = tmp_path / "staff.csv"
    wrong.write_bytes(edited("staff.csv", {2: {"MAINJOBROLE": "99"}}))

    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="ASC-WDS files"))
    assert page.get_by_role("heading", level=1).inner_text() == "ASC-WDS files"
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Upload ASC-WDS files"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Upload and check"))  # nothing chosen
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)

    page.get_by_label("ASC-WDS bulk-upload files").set_input_files([str(wrong), str(FIXTURES / "training.csv")])
    click_through(page.get_by_role("button", name="Upload and check"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your ASC-WDS import"
    assert "Line 3, MAINJOBROLE: 99 is not a job role code" in page.content()
    assert page.get_by_role("button", name="Apply the import").count() == 0
    assert_accessible(page)

    click_through(page.get_by_role("button", name="Upload corrected files"))
    page.get_by_label("ASC-WDS bulk-upload files").set_input_files(
        [str(FIXTURES / "staff.csv"), str(FIXTURES / "training.csv")])
    click_through(page.get_by_role("button", name="Upload and check"))
    assert "0 errors" not in page.content()
    page.get_by_text("Records to create (7)").click()
    assert page.get_by_text("Amina Khan (W1) at OAK1").is_visible()
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Apply the import"))
    assert page.get_by_role("heading", name="Import applied").is_visible()
    assert_accessible(page)

    click_through(page.get_by_role("link", name="See your staff"))
    for name in ("Amina Khan", "Ben Ode, senior", "Cara Lee"):
        assert name in page.content()
    assert_accessible(page)
