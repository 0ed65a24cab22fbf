"""Possible duplicates through the web: the HCPA list (a fixed number of queries), the comparison,
"not a duplicate", the merge and its confirmation page, refusals, and who may not open any of it."""
import pytest
import sqlalchemy as sa

from academy.auth.models import AuditEvent, Role, User
from academy.extensions import db, utcnow
from recruitment.models import Application, DuplicateStatus, PossibleDuplicate, ReferralStatus, State, StateChange
from tests import factories
from tests.helpers import has_error_summary, location_path, page_statements, text


def pair_of(**fields):
    first = factories.application_at(State.screening, full_name="Nia Jones", phone="07700 900401", **fields)
    second = factories.application_at(State.submitted, full_name="Nia Jones", phone="+44 7700 900401")
    return factories.possible_duplicate(first, second, same_mobile=True, same_name_postcode=True)


def test_an_officer_finds_compares_and_merges_a_pair(client):
    officer = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    pair = pair_of()
    first, second = pair.application, pair.other_application
    second.history.append(StateChange(from_state=None, to_state=State.submitted, occurred_at=utcnow()))
    factories.complete_checks(second)
    second.cv_stored_name, second.cv_original_name, second.cv_kind = "b" * 32 + ".pdf", "nia.pdf", "pdf"
    db.session.commit()
    client.sign_in(officer)

    listing = text(client.get("/recruitment/duplicates"))
    assert "Same mobile number, Same name and postcode" in listing
    assert f"/recruitment/duplicates/{pair.id}" in listing
    assert 'href="/recruitment/duplicates"' in text(client.get("/recruitment/screening"))  # navigation
    page = text(client.get(f"/recruitment/applications/{first.id}"))
    assert f"This may be a duplicate of application {second.id}" in page  # the screening officer's warning

    compare = text(client.get(f"/recruitment/duplicates/{pair.id}"))
    assert f"Application {first.id}" in compare and f"Application {second.id}" in compare
    assert "Matches" in compare and second.user.email in compare
    confirm = client.get(f"/recruitment/duplicates/{pair.id}/merge")
    assert "A merge cannot be undone." in text(confirm)
    assert f"Its safer-recruitment checks and CV stay on application {second.id}." in text(confirm)

    response = client.submit(f"/recruitment/duplicates/{pair.id}/merge", {
        "keep": str(first.id), "first_version": str(first.version), "second_version": str(second.version),
        "same_person": "y"})
    assert response.status_code == 302 and location_path(response) == f"/recruitment/applications/{first.id}"
    kept = text(client.get(f"/recruitment/applications/{first.id}"))
    assert f"Application {second.id} (Nia Jones) was merged into this one by Olu Officer" in kept
    assert f"(from application {second.id})" in kept
    # The other's checks and CV stayed on it; the kept page links to them there.
    assert f'href="/recruitment/applications/{second.id}/checks"' in kept
    assert f'href="/recruitment/applications/{second.id}/cv"' in kept
    assert db.session.get(Application, first.id).cv_stored_name is None
    assert "This may be a duplicate" not in kept
    away = text(client.get(f"/recruitment/applications/{second.id}"))
    assert f"This application was merged into" in away and f"application {first.id}</a>" in away
    assert f"/recruitment/duplicates/{pair.id}" not in text(client.get("/recruitment/duplicates"))
    assert "Merged: 1" in text(client.get("/recruitment/screening"))  # out of the queue, counted apart
    assert second.id not in [a.id for a in db.session.scalars(sa.select(Application).where(
        Application.state.in_((State.submitted, State.screening))))]
    audits = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "merged_applications")).all()
    assert {(a.actor_id, a.subject_user_id) for a in audits} == {(officer.id, first.user_id),
                                                                (officer.id, second.user_id)}
    assert all(a.detail == f"application {second.id} merged into application {first.id}" for a in audits)


def test_the_confirmation_asks_which_to_keep_and_says_why_one_cannot_be(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    pair = pair_of()
    first, second = pair.application, pair.other_application
    factories.referral(first, factories.vacancy(factories.workplace()), status=ReferralStatus.sent)
    url = f"/recruitment/duplicates/{pair.id}/merge"
    page = text(client.get(url))
    refusal = (f"Cannot be kept: Application {first.id} has an open referral: keep that application instead, "
               "or close its referral first.")
    assert page.count(refusal) == 1  # on the second's choice; the first may be kept
    assert f"Moves here from application {second.id}" in page

    response = client.submit(url, {"first_version": str(first.version), "second_version": str(second.version)})
    assert response.status_code == 422 and has_error_summary(response)
    assert "Select the application to keep" in text(response)

    response = client.submit(url, {"keep": str(first.id), "first_version": str(first.version),
                                   "second_version": str(second.version)})
    assert response.status_code == 422 and has_error_summary(response)  # the officer has not said they checked
    assert "Confirm that you have checked these applications are from the same person" in text(response)
    assert 'name="same_person"' in page

    response = client.submit(url, {"keep": str(second.id), "first_version": str(first.version),
                                   "second_version": str(second.version), "same_person": "y"})
    assert response.status_code == 422 and has_error_summary(response)
    assert f"Application {first.id} has an open referral" in text(response)
    db.session.expire_all()
    assert db.session.get(PossibleDuplicate, pair.id).status == DuplicateStatus.open
    assert db.session.get(Application, second.id).state == State.submitted  # nothing saved

    response = client.submit(url, {"keep": "999999", "first_version": str(first.version),
                                   "second_version": str(second.version), "same_person": "y"})
    assert response.status_code == 422  # not one of the two


def test_a_change_meanwhile_is_a_conflict_not_a_merge(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    pair = pair_of()
    first, second = pair.application, pair.other_application
    response = client.submit(f"/recruitment/duplicates/{pair.id}/merge", {
        "keep": str(first.id), "first_version": str(first.version - 1), "second_version": str(second.version),
        "same_person": "y"})
    assert location_path(response) == f"/recruitment/duplicates/{pair.id}/merge"
    db.session.expire_all()
    assert db.session.get(Application, second.id).state == State.submitted


def test_not_a_duplicate_is_remembered_and_audited(client):
    officer = factories.user(Role.hcpa_staff)
    pair = pair_of()
    client.sign_in(officer)
    response = client.submit(f"/recruitment/duplicates/{pair.id}/dismiss", form_page=f"/recruitment/duplicates/{pair.id}")
    assert location_path(response) == "/recruitment/duplicates"
    assert f"/recruitment/duplicates/{pair.id}\"" not in text(client.get("/recruitment/duplicates"))
    db.session.expire_all()
    stored = db.session.get(PossibleDuplicate, pair.id)
    assert (stored.status, stored.decided_by_id) == (DuplicateStatus.dismissed, officer.id)
    assert "Marked as not duplicates" in text(client.get(f"/recruitment/duplicates/{pair.id}"))
    page = text(client.get(f"/recruitment/applications/{pair.application_id}"))
    assert "This may be a duplicate" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "dismissed_possible_duplicate")) == 2  # one for each applicant's trail
    again = client.submit(f"/recruitment/duplicates/{pair.id}/dismiss", form_page=f"/recruitment/duplicates/{pair.id}")
    assert location_path(again) == f"/recruitment/duplicates/{pair.id}"  # refused: already dealt with
    merge_page = client.get(f"/recruitment/duplicates/{pair.id}/merge")
    assert "already been dealt with" in text(merge_page) and 'name="keep"' not in text(merge_page)


def test_the_queue_tags_applications_in_open_pairs_and_links_to_compare_them(client):
    officer = factories.user(Role.hcpa_staff)
    pair = pair_of()
    first, second = pair.application, pair.other_application
    third = factories.application_at(State.submitted, full_name="Nia J Jones", phone="07700 900402")
    also = factories.possible_duplicate(first, third, same_name_postcode=True)
    dismissed = factories.possible_duplicate(factories.application_at(State.submitted, full_name="Ola Dismissed",
                                                                      phone="07700 900403"),
                                             factories.application_at(State.submitted, full_name="Ola D",
                                                                      phone="07700 900403"), status="dismissed")
    client.sign_in(officer)

    queue = text(client.get("/recruitment/screening"))
    assert queue.count("Possible duplicate</strong>") == 3  # first, second and third; not the dismissed pair
    # In one pair: the tag and a link to that pair's comparison, naming the applicant for a screen reader.
    assert (f'<a class="govuk-link" href="/recruitment/duplicates/{pair.id}">Compare'
            f'<span class="govuk-visually-hidden"> Nia Jones’s application {second.id} with possible duplicate '
            f'application {first.id}</span></a>') in queue
    assert (f'href="/recruitment/duplicates/{also.id}">Compare<span class="govuk-visually-hidden"> '
            f"Nia J Jones’s application {third.id} with possible duplicate application {first.id}") in queue
    # In two pairs: a link to the list of that application's pairs, so neither is missed.
    assert (f'href="/recruitment/duplicates?application={first.id}">Compare 2 possible duplicates'
            f'<span class="govuk-visually-hidden"> of Nia Jones’s application {first.id}</span>') in queue
    assert f"/recruitment/duplicates/{dismissed.id}" not in queue

    listed = text(client.get(f"/recruitment/duplicates?application={first.id}"))
    assert "Possible duplicates of this application" in listed and f"Application {first.id}: Nia Jones" in listed
    assert f'href="/recruitment/duplicates/{pair.id}"' in listed
    assert f'href="/recruitment/duplicates/{also.id}"' in listed
    assert "Showing 1 to 2 of 2 possible duplicates" in listed
    only_third = text(client.get(f"/recruitment/duplicates?application={third.id}"))
    assert f'href="/recruitment/duplicates/{also.id}"' in only_third
    assert f'href="/recruitment/duplicates/{pair.id}"' not in only_third

    page = text(client.get(f"/recruitment/applications/{second.id}"))  # the same tag on the application's page
    assert "Possible duplicate</strong>" in page
    assert f'href="/recruitment/duplicates/{pair.id}">Compare<span class="govuk-visually-hidden"> Nia Jones’s' in page
    page = text(client.get(f"/recruitment/applications/{first.id}"))
    assert f'href="/recruitment/duplicates?application={first.id}">Compare 2 possible duplicates' in page
    untagged = text(client.get(f"/recruitment/applications/{dismissed.application_id}"))
    assert "Possible duplicate</strong>" not in untagged


def test_the_tag_goes_once_the_pair_is_dealt_with(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    pair = pair_of()
    assert "Possible duplicate</strong>" in text(client.get("/recruitment/screening"))
    client.submit(f"/recruitment/duplicates/{pair.id}/dismiss", form_page=f"/recruitment/duplicates/{pair.id}")
    assert "Possible duplicate</strong>" not in text(client.get("/recruitment/screening"))
    assert "Possible duplicate</strong>" not in text(client.get(f"/recruitment/applications/{pair.application_id}"))


def test_the_list_of_one_applications_pairs_is_a_404_for_an_unknown_or_unsent_application(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    draft = factories.application(state=State.draft)
    assert client.get("/recruitment/duplicates?application=999999").status_code == 404
    assert client.get(f"/recruitment/duplicates?application={draft.id}").status_code == 404
    assert client.get("/recruitment/duplicates?application=99999999999999999999").status_code == 200  # ignored
    assert client.get("/recruitment/duplicates?application=abc").status_code == 200


@pytest.mark.parametrize("role", [Role.applicant, Role.manager, Role.care_worker])
def test_only_hcpa_staff_open_the_duplicate_pages(client, role):
    pair = pair_of()
    user = factories.user(role)
    client.sign_in(user)
    for url in ("/recruitment/duplicates", f"/recruitment/duplicates/{pair.id}",
                f"/recruitment/duplicates/{pair.id}/merge",
                f"/recruitment/duplicates?application={pair.application_id}",
                "/recruitment/screening", f"/recruitment/applications/{pair.application_id}"):
        assert client.get(url).status_code == 403, url
    token = client.csrf_token("/account")
    for url in (f"/recruitment/duplicates/{pair.id}/dismiss", f"/recruitment/duplicates/{pair.id}/merge"):
        response = client.post(url, {"csrf_token": token, "keep": str(pair.application_id)})
        assert response.status_code == 403, url
    db.session.expire_all()
    assert db.session.get(PossibleDuplicate, pair.id).status == DuplicateStatus.open


def test_signed_out_visitors_are_sent_to_sign_in_and_posts_need_the_csrf_token(client):
    pair = pair_of()
    assert location_path(client.get("/recruitment/duplicates")) == "/sign-in"
    client.sign_in(factories.user(Role.hcpa_staff))
    assert client.get("/recruitment/duplicates/999999").status_code == 404
    assert client.get("/recruitment/duplicates/999999/merge").status_code == 404
    response = client.post(f"/recruitment/duplicates/{pair.id}/merge", {"keep": str(pair.application_id)})
    assert response.status_code == 400
    assert client.post(f"/recruitment/duplicates/{pair.id}/dismiss").status_code == 400
    db.session.expire_all()
    assert db.session.get(PossibleDuplicate, pair.id).status == DuplicateStatus.open


def _add_pairs(count: int, start: int) -> None:
    """Many pairs quickly (one commit, no password hashing)."""
    district = factories.district("Watford")
    for n in range(start, start + count):
        apps = []
        for side in ("a", "b"):
            user = User(email=f"dup{n}{side}@example.com", full_name=f"Dup Applicant {n:03d}", role=Role.applicant,
                        password_hash="not-a-real-hash")
            apps.append(Application(user=user, state=State.submitted, full_name=user.full_name, district=district,
                                    submitted_at=utcnow(), phone=f"07700 9{n:05d}"))
        db.session.add_all(apps)
        db.session.flush()
        db.session.add(PossibleDuplicate(application_id=apps[0].id, other_application_id=apps[1].id,
                                         same_mobile=True, found_at=utcnow()))
    db.session.commit()


def test_the_list_uses_the_same_number_of_queries_for_3_and_60_pairs(app, client):
    client.sign_in(factories.user(Role.hcpa_staff))
    _add_pairs(3, 0)
    app.config["PAGE_SIZE"] = 100
    try:
        with_3, _ = page_statements(client, "/recruitment/duplicates")
        _add_pairs(57, 3)
        with_60, body = page_statements(client, "/recruitment/duplicates")
    finally:
        app.config["PAGE_SIZE"] = 25
    assert with_3 == with_60, (with_3, with_60)
    assert with_60 <= 8, with_60
    assert "Dup Applicant 059" in body and "Showing 1 to 60 of 60 possible duplicates" in body
    paged, body = page_statements(client, "/recruitment/duplicates?page=2")
    assert paged == with_60 and "Showing 26 to 50 of 60" in body
