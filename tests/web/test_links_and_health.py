"""Emailed links that have expired are refused with a clear page; /healthz says 503 when the
database does not answer."""
from academy.auth.models import User
from academy.extensions import db
from tests import factories
from tests.helpers import links_in, location_path, path_of, text


def test_an_expired_confirmation_link_is_refused_and_offers_a_new_one(app, client, outbox):
    client.submit("/sign-up", {"purpose": "applicant", "full_name": "Grace Hopper", "email": "grace@example.com",
                               "password": "kettle-orchard-lantern"})
    link = path_of(links_in(outbox[-1])[0])
    saved = app.config["CONFIRM_EMAIL_MAX_AGE"]
    app.config["CONFIRM_EMAIL_MAX_AGE"] = -1  # every link is already too old
    try:
        response = client.get(link)
    finally:
        app.config["CONFIRM_EMAIL_MAX_AGE"] = saved
    assert response.status_code == 400 and "not valid or has expired" in text(response)
    assert "/confirm-email/resend" in text(response)
    assert not db.session.query(User).filter_by(email="grace@example.com").one().email_confirmed
    assert location_path(client.get(link)) == "/sign-in"  # within its lifetime it works


def test_an_expired_reset_link_changes_nothing(app, client, outbox):
    user = factories.user()
    client.submit("/password/forgot", {"email": user.email})
    link = path_of(links_in(outbox[-1])[0])
    assert client.get(link).status_code == 302  # opened while fresh: the token is now in the session
    saved = app.config["PASSWORD_RESET_MAX_AGE"]
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        token = client.csrf_token("/password/forgot")
        posted = client.post("/password/reset", data={"password": "a-brand-new-passphrase", "csrf_token": token})
        page = client.get(link)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = saved
    assert page.status_code == 400 and posted.status_code == 400 and "has expired" in text(posted)
    db.session.refresh(user)
    assert user.check_password(factories.DEFAULT_PASSWORD)


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    from academy import create_app
    from academy.config import TestConfig

    app = create_app(TestConfig(f"sqlite:///{tmp_path}/no-such-folder/x.db"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable" and response.get_json()["status"] == "unavailable"
