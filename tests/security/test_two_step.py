"""Two-step sign-in (issue 13, point 4): required for HCPA staff and admins, offered to everyone
else; and how long a sign-in lasts (12 hours at most, 30 minutes idle for staff roles)."""
from __future__ import annotations

import re

import pyotp
import pytest

from academy.auth import signing_in
from academy.auth.models import AuditEvent, RecoveryCode, Role
from academy.extensions import db
from tests import factories
from tests.helpers import fresh_code, location_path, text

STAFF_PAGES = ["/admin/users", "/workplaces/", "/account", "/admin/audit", "/recruitment/screening"]


def _password(client, user):
    response = client.submit("/sign-in", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


def _code(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def _actions() -> list[str]:
    return [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


@pytest.mark.parametrize("role", [Role.hcpa_staff, Role.admin])
def test_staff_reach_no_page_before_the_second_step(client, role):
    user = factories.user(role)
    assert location_path(_password(client, user)) == "/sign-in/two-step"
    for page in STAFF_PAGES:
        response = client.get(page)
        assert response.status_code == 302 and location_path(response) == "/sign-in", page
    assert "Enter the 6-digit code" in text(client.get("/sign-in/two-step"))
    done = client.submit("/sign-in/two-step", {"code": _code(user)})
    assert done.status_code == 302
    assert client.get(STAFF_PAGES[0] if role == Role.admin else STAFF_PAGES[1]).status_code == 200


def test_wrong_code_is_refused_and_too_many_mean_starting_again(client):
    user = factories.user(Role.admin)
    _password(client, user)
    wrong = str((int(_code(user)) + 500000) % 1000000).zfill(6)
    response = client.submit("/sign-in/two-step", {"code": wrong})
    assert response.status_code == 422 and "The code is not right" in text(response)
    assert client.get("/admin/users").status_code == 302  # still not signed in
    for _ in range(4):
        response = client.submit("/sign-in/two-step", {"code": "000000" if wrong != "000000" else "111111"},
                                 form_page="/sign-in/two-step")
    assert response.status_code == 302 and location_path(response) == "/sign-in"
    # The pending sign-in is gone: even the right code now needs the password first.
    again = client.get("/sign-in/two-step")
    assert again.status_code == 302 and location_path(again) == "/sign-in"
    assert _actions().count("two_step_code_wrong") == 5


def test_wrong_codes_are_limited_per_account_across_sign_ins(app, client):
    user = factories.user(Role.hcpa_staff)
    tries = app.config["TWO_STEP_TRIES_PER_SIGN_IN"]
    statuses = []
    for _ in range(3):
        _password(client, user)
        for _ in range(tries - 1):
            statuses.append(client.submit("/sign-in/two-step", {"code": "12345x"}).status_code)
    assert 429 in statuses  # 10 per 15 minutes for this account, however many times the password is given
    _password(client, user)
    assert client.submit("/sign-in/two-step", {"code": _code(user)}).status_code == 429


def test_a_recovery_code_signs_in_once(client):
    user = factories.user(Role.hcpa_staff)
    codes = factories.recovery_codes(user)
    _password(client, user)
    response = client.submit("/sign-in/two-step", {"code": codes[0].upper()})
    assert response.status_code == 302 and location_path(response) == "/recruitment/screening"  # HCPA's start
    assert "recovery_code_used" in _actions()
    assert "You have 9 left" in text(client.get("/recruitment/screening"))
    client.sign_out()
    _password(client, user)
    response = client.submit("/sign-in/two-step", {"code": codes[0]})
    assert response.status_code == 422  # used up
    assert client.submit("/sign-in/two-step", {"code": codes[1]}).status_code == 302


def test_staff_without_two_step_must_set_it_up_before_anything_else(client):
    user = factories.user(Role.admin, two_step=False)
    response = _password(client, user)
    assert location_path(response) == "/account/two-step/set-up"
    for page in STAFF_PAGES:
        assert location_path(client.get(page)) == "/sign-in", page
    page = text(client.get("/account/two-step/set-up"))
    assert 'src="data:image/svg+xml' in page  # the QR code, as a data: image (no inline SVG styles)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    wrong = client.submit("/account/two-step/set-up", {"code": "000000"}, form_page=None)
    assert wrong.status_code == 422
    # The GET above made a new secret: read it again before entering its code.
    page = text(client.get("/account/two-step/set-up"))
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post("/account/two-step/set-up", {"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 200 and "Save your recovery codes" in text(done)
    shown = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", text(done))
    assert len(shown) == 10
    assert client.get("/admin/users").status_code == 200  # signed in now
    db.session.refresh(user)
    assert user.totp_secret == secret and user.two_step_enabled
    assert db.session.query(RecoveryCode).filter_by(user_id=user.id).count() == 10
    assert all(code not in {r.code_hash for r in db.session.query(RecoveryCode)} for code in shown)  # hashed
    assert "two_step_turned_on" in _actions()


def _set_up(client, user) -> str:
    page = text(client.get("/account/two-step/set-up"))
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post("/account/two-step/set-up", {"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 200 and "Save your recovery codes" in text(done)
    return secret


def test_a_care_worker_can_turn_two_step_on_and_off(client):
    worker = factories.user(Role.care_worker)
    client.sign_in(worker)
    assert "Two-step sign-in is off" in text(client.get("/account"))
    secret = _set_up(client, worker)
    client.sign_out()
    assert location_path(_password(client, worker)) == "/sign-in/two-step"  # now asked for a code
    assert client.submit("/sign-in/two-step", {"code": fresh_code(worker)}).status_code == 302
    refused = client.submit("/account/two-step/turn-off", {"code": "000000"})
    assert refused.status_code == 422 and "The code is not right" in text(refused)
    off = client.submit("/account/two-step/turn-off", {"code": pyotp.TOTP(secret).now()})
    assert off.status_code == 302
    db.session.refresh(worker)
    assert not worker.two_step_enabled and worker.totp_secret is None
    assert db.session.query(RecoveryCode).filter_by(user_id=worker.id).count() == 0
    client.sign_out()
    assert location_path(_password(client, worker)) == "/training/"  # password alone again
    assert {"two_step_turned_on", "two_step_turned_off"} <= set(_actions())


@pytest.mark.parametrize("role", [Role.hcpa_staff, Role.admin])
def test_staff_cannot_turn_two_step_off(client, role):
    user = factories.user(role)
    client.sign_in(user)
    assert client.get("/account/two-step/turn-off").status_code == 403
    assert client.submit("/account/two-step/turn-off", {"code": _code(user)},
                         form_page="/account/two-step").status_code == 403
    db.session.refresh(user)
    assert user.two_step_enabled


def test_staff_get_new_recovery_codes_and_the_old_ones_stop_working(client):
    user = factories.user(Role.admin)
    old = factories.recovery_codes(user)
    client.sign_in(user)
    refused = client.submit("/account/two-step/recovery-codes", {"code": "000000"})
    assert refused.status_code == 422 and "The code is not right" in text(refused)
    done = client.submit("/account/two-step/recovery-codes", {"code": _code(user)})
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", text(done))
    assert done.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert "recovery_codes_renewed" in _actions()
    client.sign_out()
    _password(client, user)
    assert client.submit("/sign-in/two-step", {"code": old[0]}).status_code == 422
    assert client.submit("/sign-in/two-step", {"code": new[0]}).status_code == 302


# --- how long a sign-in lasts ---------------------------------------------------------------

def _move_clock(client, signed_in_ago: int = 0, seen_ago: int = 0) -> None:
    """Make the sign-in look older, as if time had passed, by editing its stored moments."""
    now = signing_in.now()
    with client.http.session_transaction() as session:
        session["signed_in_at"] = now - signed_in_ago
        session["seen_at"] = now - seen_ago


def _signed_out(client, page: str, reason: str) -> None:
    response = client.get(page)
    assert response.status_code == 302 and location_path(response) == "/sign-in"
    assert "You have been signed out because " + reason in text(client.get("/sign-in"))
    assert location_path(client.get(page)) == "/sign-in"  # and it stays ended


def test_a_sign_in_lasts_twelve_hours_however_active(client):
    worker = factories.user(Role.care_worker)
    client.sign_in(worker)
    _move_clock(client, signed_in_ago=12 * 3600 - 60)
    assert client.get("/account").status_code == 200
    _move_clock(client, signed_in_ago=12 * 3600 + 1)
    _signed_out(client, "/account", "you signed in more than 12 hours ago")


def test_staff_are_signed_out_after_thirty_idle_minutes_others_after_eight_hours(client):
    hcpa = factories.user(Role.hcpa_staff)
    client.sign_in(hcpa)
    _move_clock(client, signed_in_ago=3600, seen_ago=29 * 60)
    assert client.get("/workplaces/").status_code == 200  # activity: the idle clock starts again
    with client.http.session_transaction() as session:
        assert signing_in.now() - session["seen_at"] < 5
    _move_clock(client, signed_in_ago=3600, seen_ago=31 * 60)
    _signed_out(client, "/workplaces/", "you had not used the service for 30 minutes")

    manager = factories.manager()
    client.sign_in(manager)
    _move_clock(client, signed_in_ago=7 * 3600, seen_ago=7 * 3600)
    assert client.get("/account").status_code == 200
    _move_clock(client, signed_in_ago=9 * 3600, seen_ago=8 * 3600 + 1)
    _signed_out(client, "/account", "you had not used the service for 8 hours")


def test_a_session_without_a_sign_in_moment_is_ended(client):
    worker = factories.user(Role.care_worker)
    client.sign_in(worker)
    with client.http.session_transaction() as session:  # e.g. a cookie made before this change
        session.pop("signed_in_at")
    assert location_path(client.get("/account")) == "/sign-in"


def test_erasing_an_account_removes_its_authenticator_secret_and_recovery_codes(ctx):
    from academy.privacy.erasure import confirm_erasure

    worker = factories.user(Role.care_worker, two_step=True)
    factories.recovery_codes(worker)
    confirm_erasure(db.session, factories.erasure_request(worker), factories.user(Role.hcpa_staff))
    db.session.refresh(worker)
    assert worker.totp_secret is None and not worker.two_step_enabled
    assert db.session.query(RecoveryCode).filter_by(user_id=worker.id).count() == 0


def test_the_subject_access_export_shows_two_step_is_on_but_never_the_secret(ctx):
    import json

    from academy.privacy import subject_access

    worker = factories.user(Role.care_worker, two_step=True)
    export = subject_access.build_export(db.session, subject_access.subject_for_user(db.session, worker))
    account = next(s for s in export["sections"] if s["key"] == "account")["records"][0]
    assert account["two_step_enabled_at"]
    assert "totp_secret" not in account and worker.totp_secret not in json.dumps(export)


def test_an_invited_hcpa_officer_sets_up_two_step_before_they_are_signed_in(client):
    _, token = factories.invitation(role=Role.hcpa_staff)
    assert location_path(client.get(f"/invitation/{token}")) == "/invitation"  # the token moves to the session
    created = client.submit("/invitation", {"full_name": "Hana Officer", "password": "kettle-orchard-lantern"})
    assert location_path(created) == "/account/two-step/set-up"
    assert location_path(client.get("/workplaces/")) == "/sign-in"  # not signed in by the link alone
    assert "Set up two-step sign-in" in text(client.get("/account/two-step/set-up"))


def test_an_app_code_signs_in_only_once(client):
    user = factories.user(Role.hcpa_staff)
    code = fresh_code(user)
    _password(client, user)
    assert client.submit("/sign-in/two-step", {"code": code}).status_code == 302
    client.sign_out()
    _password(client, user)
    replayed = client.submit("/sign-in/two-step", {"code": code})
    assert replayed.status_code == 422 and "already used this code" in text(replayed)
    assert client.submit("/sign-in/two-step", {"code": fresh_code(user)}).status_code == 302


def test_the_key_being_set_up_never_travels_in_the_session_cookie(client):
    worker = factories.user(Role.care_worker)
    client.sign_in(worker)
    page = text(client.get("/account/two-step/set-up"))
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    with client.http.session_transaction() as session:  # the cookie's content, decoded
        assert session.get("two_step_setup") and key not in repr(dict(session))


def test_a_code_in_other_scripts_digits_is_a_message_not_a_500(client):
    worker = factories.user(Role.care_worker, two_step=True)
    assert location_path(_password(client, worker)) == "/sign-in/two-step"
    response = client.submit("/sign-in/two-step", {"code": "١٢٣٤٥٦"})  # Arabic-Indic digits: str.isdigit() is True
    assert response.status_code == 422 and "The code is not right" in text(response)


def test_turning_two_step_on_ends_the_accounts_other_sessions_but_not_this_one(app, client):
    from tests.helpers import Client

    worker = factories.user(Role.care_worker)
    elsewhere = Client(app)  # a session someone else holds (a stolen cookie, another device)
    elsewhere.sign_in(worker)
    client.sign_in(worker)
    _set_up(client, worker)
    assert client.get("/account").status_code == 200
    assert location_path(elsewhere.get("/account")) == "/sign-in"
