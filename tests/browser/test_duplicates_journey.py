"""Headless Chromium: an applicant sends an application that duplicates an earlier one (same mobile
written another way, same name and postcode) and sees nothing different; an HCPA officer finds the
pair under "Possible duplicates", compares them, merges the new one into the earlier one, and sees
the history and notes of both on the kept application; axe-core, legends and 390 px on each page."""
from datetime import timedelta

from academy.auth.models import Role
from academy.extensions import db, utcnow
from recruitment.models import Note, State, StateChange
from tests import factories
from tests.browser.conftest import assert_accessible, assert_checked, click_through, sign_in


def test_an_officer_finds_and_merges_a_duplicate_application(ctx, page):
    officer = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    earlier = factories.application_at(State.screening, full_name="Ama Mensah", phone="07700 900555",
                                       postcode="AL1 3JE", submitted_at=utcnow() - timedelta(days=20))
    earlier.history.append(StateChange(from_state=State.submitted, to_state=State.screening, by_id=officer.id,
                                       occurred_at=utcnow() - timedelta(days=19)))
    earlier.notes.append(Note(author_id=officer.id, text="Phoned Ama: prefers early shifts."))
    applicant = factories.user(Role.applicant, full_name="Ama Mensah", email="ama.new@example.com")
    draft = factories.application(state=State.draft, owner=applicant, full_name="Ama Mensah",
                                  phone="+44 (0)7700-900-555", postcode="al1 3je")
    db.session.commit()

    # The applicant sends as usual: nothing says their application looks like another.
    sign_in(page, applicant.email, factories.DEFAULT_PASSWORD)
    page.goto("/recruitment/apply/check-your-answers")
    click_through(page.get_by_role("button", name="Accept and send"))
    assert "Application sent" in page.content() and "duplicate" not in page.content().lower()
    page.goto("/recruitment/")
    assert "We have received your application" in page.content()
    click_through(page.get_by_role("button", name="Sign out"))

    # The officer finds the pair in the list.
    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Possible duplicates"))
    assert "Same mobile number, Same name and postcode" in page.content()
    assert_checked(page)
    click_through(page.get_by_role("link", name=f"Compare applications {earlier.id} and {draft.id}"))
    assert "Compare applications" in page.content() and "ama.new@example.com" in page.content()
    assert_checked(page)

    # ... and merges the new one into the earlier one, after the confirmation.
    click_through(page.get_by_role("button", name="Merge these applications"))
    assert "A merge cannot be undone." in page.content()
    assert_checked(page)
    click_through(page.get_by_role("button", name="Merge applications"))  # nothing chosen: asked again
    assert "Select the application to keep" in page.content()
    assert "Confirm that you have checked these applications are from the same person" in page.content()
    assert_accessible(page)
    page.get_by_label(f"Keep application {earlier.id}", exact=True).check()
    page.get_by_label("I have checked that these two applications are from the same person").check()
    click_through(page.get_by_role("button", name="Merge applications"))

    # The kept application shows the history of both, the merged one's marked as such.
    assert page.url.endswith(f"/recruitment/applications/{earlier.id}")
    content = page.content()
    assert f"Application {draft.id} is merged into application {earlier.id}" in content
    assert f"(from application {draft.id})" in content  # the new application's "sent" move
    assert "Phoned Ama: prefers early shifts." in content  # the kept one's own note
    assert f"Application {draft.id} (Ama Mensah) was merged into this one" in content  # the officer's view
    assert f"Application {draft.id} was merged into this one. Moved here" in content  # the note names nobody
    assert "ama.new@example.com" not in content
    history = page.get_by_role("table", name="Every change of state, oldest first").inner_text()
    assert "Olu Officer" in history and f"from application {draft.id}" in history
    assert history.count("to submitted") == 1 and history.count("to screening") == 1
    assert_checked(page)

    # The merged-away application points to the kept one and is out of the list.
    click_through(page.get_by_role("link", name=f"see what is left on application {draft.id}"))
    assert "This application was merged into" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Possible duplicates"))
    assert "No possible duplicates found" in page.content()
