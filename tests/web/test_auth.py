"""Sign-up, confirmation, sign-in, sign-out, reset and invitations through the web pages."""
from datetime import timedelta

import pyotp
import pytest

from academy.auth.models import AuditEvent, Invitation, Role, User
from academy.extensions import db, utcnow
from tests import factories
from tests.helpers import has_error_summary, links_in, location_path, path_of, text


def test_sign_up_confirm_sign_in_and_out(client, outbox):
    response = client.submit("/sign-up", {"purpose": "applicant", "full_name": "Grace Hopper",
                                          "email": "Grace@Example.com", "password": "kettle-orchard-lantern"})
    assert location_path(response) == "/sign-up/check-your-email"
    assert "grace@example.com" in text(client.get("/sign-up/check-your-email"))
    user = db.session.query(User).filter_by(email="grace@example.com").one()
    assert user.role == Role.applicant and not user.email_confirmed

    refused = client.submit("/sign-in", {"email": "grace@example.com", "password": "kettle-orchard-lantern"})
    assert refused.status_code == 422 and "Confirm your email address" in text(refused)

    confirm = client.get(path_of(links_in(outbox[-1])[0]))
    assert location_path(confirm) == "/sign-in" and "grace" not in confirm.headers["Location"]  # not in the URL
    form = text(client.get("/sign-in"))
    assert "Your email address is confirmed" in form and 'value="grace@example.com"' in form  # filled in
    assert 'value="grace@example.com"' not in text(client.get("/sign-in"))  # once: not kept in the session
    signed_in = client.submit("/sign-in", {"email": "grace@example.com", "password": "kettle-orchard-lantern"})
    assert location_path(signed_in) == "/recruitment/"
    assert "Signed in as Grace Hopper" in text(client.get("/recruitment/"))

    client.sign_out()
    assert location_path(client.get("/account")) == "/sign-in"


def test_sign_out_invalidates_a_copied_session_cookie(app, client):
    user = factories.user(Role.care_worker)
    client.sign_in(user)
    stolen = client.http.get_cookie("session").value
    client.sign_out()
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert location_path(other.get("/account")) == "/sign-in"


def test_session_is_renewed_at_sign_in(client):
    user = factories.user(Role.care_worker)
    client.get("/sign-in")
    before = client.http.get_cookie("session").value
    client.sign_in(user)
    assert client.http.get_cookie("session").value != before


def test_wrong_password_shows_one_message_and_is_audited(client):
    user = factories.user()
    response = client.submit("/sign-in", {"email": user.email, "password": "not-the-password"})
    assert response.status_code == 422 and has_error_summary(response)
    assert "Enter a correct email address and password" in text(response)
    assert db.session.query(AuditEvent).filter_by(action="sign_in_failed").count() == 1


def test_next_only_goes_to_pages_of_this_service(client):
    user = factories.user(Role.admin)
    token = client.csrf_token("/sign-in")
    response = client.post("/sign-in?next=https://evil.example/", data={
        "email": user.email, "password": factories.DEFAULT_PASSWORD, "csrf_token": token})
    assert location_path(response) == "/sign-in/two-step"  # admins give a code first
    response = client.submit("/sign-in/two-step", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert location_path(response) == "/admin/users"


def test_password_reset_by_emailed_token_works_once(client, outbox):
    user = factories.user(Role.care_worker)
    response = client.submit("/password/forgot", {"email": user.email})
    assert response.status_code == 200 and "Check your email" in text(response)
    reset_path = path_of(links_in(outbox[-1])[0])
    opened = client.get(reset_path)  # the token moves into the session; the address bar is cleaned
    assert opened.status_code == 302 and opened.headers["Location"] == "/password/reset"
    done = client.submit("/password/reset", {"password": "a-brand-new-passphrase"})
    assert location_path(done) == "/sign-in"
    assert client.get(reset_path).status_code == 400  # used
    assert client.get("/password/reset").status_code == 400  # and gone from the session
    client.sign_in(user, "a-brand-new-passphrase")


def test_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client, outbox):
    response = client.submit("/password/forgot", {"email": "nobody@example.com"})
    assert "Check your email" in text(response) and outbox == []


def test_tampered_links_are_refused(client):
    for path in ("/confirm-email/not-a-token", "/password/reset/not-a-token", "/invitation/not-a-token"):
        response = client.get(path)
        assert response.status_code == 400 and "problem with this link" in text(response)


def open_link(client, mail) -> str:
    """Follow the emailed reset or invitation link: its token goes into the session and the page
    is at a clean address, which this returns."""
    opened = client.get(path_of(links_in(mail)[0]))
    assert opened.status_code == 302, opened.status_code
    assert "token" not in opened.headers["Location"] and len(opened.headers["Location"]) < 20
    return opened.headers["Location"]


def _invite(client, admin, **data):
    client.sign_in(admin)
    return client.submit("/admin/invite", {"full_name": "Rita Manager", "email": "rita@example.com", **data})


def test_invitation_creates_a_manager_for_the_workplace(app, client, outbox):
    admin = factories.user(Role.admin)
    workplace = factories.workplace(name="Verulam House")
    response = _invite(client, admin, role="manager", workplace_id=workplace.id)
    assert location_path(response) == "/admin/invite"
    link = path_of(links_in(outbox[-1])[0])
    client.sign_out()
    opened = client.get(link)  # the token moves into the session; the address bar is cleaned
    assert opened.status_code == 302 and opened.headers["Location"] == "/invitation"
    page = client.get("/invitation")
    assert "Registered manager for Verulam House" in text(page)
    created = client.submit("/invitation", {"full_name": "Rita Manager", "password": "kettle-orchard-lantern"})
    assert location_path(created) == "/portal/"  # the manager portal is a manager's start page
    assert "Verulam House" in text(client.get("/workplaces/mine"))
    client.sign_out()
    assert client.get(link).status_code == 400  # reuse refused
    assert "already been used" in text(client.get(link))


def test_expired_invitation_is_refused(client, outbox):
    admin = factories.user(Role.admin)
    _invite(client, admin, role="hcpa_staff")
    invitation = db.session.query(Invitation).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client.sign_out()
    response = client.get(path_of(links_in(outbox[-1])[0]))
    assert response.status_code == 400 and "expired" in text(response)


def test_manager_invitation_needs_a_workplace(client):
    response = _invite(client, factories.user(Role.admin), role="manager", workplace_id=0)
    assert response.status_code == 422 and "Select the workplace this manager runs" in text(response)
    assert db.session.query(Invitation).count() == 0


def test_hcpa_cannot_invite_an_admin(client):
    response = _invite(client, factories.user(Role.hcpa_staff), role="admin")
    assert response.status_code == 422 and db.session.query(Invitation).count() == 0


@pytest.mark.parametrize("page, data, message", [
    ("/sign-up", {}, "Select what you want to do"),
    ("/sign-up", {"purpose": "applicant", "full_name": "A", "email": "not-an-email", "password": "kettle-orchard-lantern"},
     "Enter an email address in the correct format"),
    ("/sign-up", {"purpose": "applicant", "full_name": "A", "email": "a@example.com", "password": "short"},
     "12 characters or more"),
    ("/sign-up", {"purpose": "admin", "full_name": "A", "email": "a@example.com", "password": "kettle-orchard-lantern"},
     "Not a valid choice"),
    ("/sign-up", {"purpose": "applicant", "full_name": "A" * 201, "email": "a@example.com",
                  "password": "kettle-orchard-lantern"}, "200 characters or fewer"),
    ("/sign-up", {"purpose": "applicant", "full_name": "   ", "email": "a@example.com",
                  "password": "kettle-orchard-lantern"}, "Enter your full name"),
    ("/sign-in", {"email": "", "password": ""}, "Enter an email address"),
    ("/password/forgot", {"email": "nope"}, "correct format"),
    ("/confirm-email/resend", {"email": ""}, "Enter an email address"),
])
def test_bad_input_shows_the_error_summary_and_saves_nothing(client, page, data, message):
    response = client.submit(page, data)
    assert response.status_code == 422
    assert has_error_summary(response) and message in text(response)
    assert db.session.query(User).count() == 0


def test_bad_new_password_on_reset_and_invitation_is_refused(client, outbox):
    user = factories.user()
    client.submit("/password/forgot", {"email": user.email})
    response = client.submit(open_link(client, outbox[-1]), {"password": "password1234"})
    assert response.status_code == 422 and "too easy to guess" in text(response)
    db.session.refresh(user)
    assert user.check_password(factories.DEFAULT_PASSWORD)


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/sign-up", data={"purpose": "applicant", "full_name": "No Token",
                                             "email": "nt@example.com", "password": "kettle-orchard-lantern"})
    assert response.status_code == 400 and "The form has expired" in text(response)
    assert db.session.query(User).count() == 0


def test_sign_in_is_slowed_per_account_and_address_not_locked_for_everyone(client):
    user = factories.user()
    for _ in range(5):
        assert client.submit("/sign-in", {"email": user.email, "password": "wrong-password-x"}).status_code == 422
    limited = client.submit("/sign-in", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    assert limited.status_code == 429 and "You can try again in 30 seconds" in text(limited)
    elsewhere = client.submit("/sign-in", {"email": user.email, "password": factories.DEFAULT_PASSWORD},
                              environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert elsewhere.status_code == 302


def test_sign_in_is_rate_limited_per_address(client):
    for n in range(20):
        client.submit("/sign-in", {"email": f"guess{n}@example.com", "password": "wrong-password-x"})
    assert client.submit("/sign-in", {"email": "another@example.com", "password": "x"}).status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(client):
    user = factories.user()
    for _ in range(7):
        client.sign_in(user)
        client.sign_out()


def test_bad_input_on_the_invitation_page_creates_no_account(client, outbox):
    _invite(client, factories.user(Role.admin), role="hcpa_staff")
    client.sign_out()
    response = client.submit(open_link(client, outbox[-1]), {"full_name": "", "password": "short"})
    assert response.status_code == 422 and has_error_summary(response)
    assert "Enter your full name" in text(response) and "12 characters or more" in text(response)
    assert db.session.query(User).filter_by(email="rita@example.com").count() == 0
    assert db.session.query(Invitation).one().accepted_at is None


def _field_error(response, message: str) -> bool:
    """The message is in the error summary and next to its field (GOV.UK pattern)."""
    body = text(response)
    return has_error_summary(response) and "govuk-error-message" in body and body.count(message) >= 2


@pytest.mark.parametrize("data, message", [
    ({"full_name": "", "email": "rita@example.com", "role": "hcpa_staff"}, "Enter your full name"),
    ({"full_name": "Rita", "email": "not-an-email", "role": "hcpa_staff"}, "Enter an email address in the correct format"),
    ({"full_name": "Rita", "email": "rita@example.com"}, "Select a role"),
    ({"full_name": "Rita", "email": "rita@example.com", "role": "admin"}, "Not a valid choice"),
    ({"full_name": "Rita", "email": "rita@example.com", "role": "manager", "workplace_id": "0"},
     "Select the workplace this manager runs"),
])
def test_bad_invitation_input_shows_field_errors_and_invites_nobody(client, outbox, data, message):
    client.sign_in(factories.user(Role.hcpa_staff))
    response = client.submit("/admin/invite", data)
    assert response.status_code == 422 and _field_error(response, message)
    assert db.session.query(Invitation).count() == 0 and outbox == []


def test_inviting_someone_who_already_has_an_account_is_a_field_error(client, outbox):
    factories.user(Role.care_worker, email="taken@example.com")
    client.sign_in(factories.user(Role.admin))
    response = client.submit("/admin/invite", {"full_name": "Taken", "email": "taken@example.com",
                                               "role": "hcpa_staff"})
    assert response.status_code == 422 and _field_error(response, "There is already an account")
    assert db.session.query(Invitation).count() == 0 and outbox == []


@pytest.mark.parametrize("password, message", [
    ("", "Enter a password"), ("short", "12 characters or more"), ("password1234", "too easy to guess"),
])
def test_bad_new_password_on_reset_shows_field_errors_and_changes_nothing(client, outbox, password, message):
    user = factories.user()
    client.submit("/password/forgot", {"email": user.email})
    link = path_of(links_in(outbox[-1])[0])
    response = client.submit(open_link(client, outbox[-1]), {"password": password})
    assert response.status_code == 422 and _field_error(response, message)
    db.session.refresh(user)
    assert user.check_password(factories.DEFAULT_PASSWORD)
    assert client.get(link).status_code == 302  # still usable: nothing was changed
    assert client.get("/password/reset").status_code == 200


@pytest.mark.parametrize("target", ["/\\evil.example/", "/\\/evil.example", "/account\r\nSet-Cookie: x=1"])
def test_next_with_a_backslash_or_control_character_is_not_followed(client, target):
    user = factories.user(Role.care_worker)
    token = client.csrf_token("/sign-in")
    response = client.post("/sign-in", query_string={"next": target}, data={
        "email": user.email, "password": factories.DEFAULT_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/training/"
