"""Issue 13, points 2, 6 and 7: links in emails are built on PUBLIC_BASE_URL (never the request's
Host), the service refuses other hosts and unsafe production settings, mail jobs carry no secret,
tokens and emails stay out of URLs, and confirmation mails do not repeat what a stranger typed."""
from __future__ import annotations

import pytest
from rq.job import Job

from academy import create_app, jobs
from academy.auth.models import Invitation, Role, User
from academy.config import Config
from academy.config import TestConfig as SettingsForTests
from academy.extensions import db
from tests import factories
from training.credentials.keys import new_key_set
from tests.helpers import CSRF, links_in, path_of, text

EVIL = "evil.example"


# --- point 2: the Host header cannot choose where emailed links point -------------------------

def test_a_forged_host_on_forgot_password_is_refused_and_sends_nothing(client, outbox):
    user = factories.user(Role.hcpa_staff)
    token = client.csrf_token("/password/forgot")
    response = client.post("/password/forgot", data={"email": user.email, "csrf_token": token},
                           headers={"Host": EVIL})
    assert response.status_code == 400
    assert "does not answer to the address" in text(response)
    assert outbox == []


def test_an_untrusted_host_gets_a_400_page_on_any_page(client):
    for path in ("/", "/sign-in", "/password/forgot", "/no-such-page"):
        response = client.get(path, headers={"Host": EVIL})
        assert response.status_code == 400, path
        assert "govuk-heading-xl" in text(response) and EVIL not in text(response)


def test_the_reset_link_is_on_public_base_url(app, client, outbox):
    user = factories.user(Role.care_worker)
    client.submit("/password/forgot", {"email": user.email})
    [link] = links_in(outbox[-1])
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/password/reset/")


@pytest.fixture
def proxied_app(database_url, tmp_path):
    """The app as deployed behind a proxy (PROXY_FIX on), on the test database."""
    def make(**settings):
        return create_app(SettingsForTests(database_url, STORAGE_DIR=tmp_path, PUBLIC_BASE_URL="https://care.example",
                                     PROXY_FIX=True, **settings))
    return make


def _forgot_with_forwarded_host(proxied, email):
    client = proxied.test_client()
    form = client.get("/password/forgot", base_url="http://care.example").get_data(as_text=True)
    token = CSRF.search(form).group(1)
    headers = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https",
               "Referer": "https://care.example/password/forgot"}
    return client.post("/password/forgot", data={"email": email, "csrf_token": token}, headers=headers,
                       base_url="http://care.example")


def test_with_proxy_fix_a_forged_x_forwarded_host_does_not_reach_the_link(proxied_app, app):
    proxied = proxied_app()
    with proxied.app_context():
        email = factories.user(Role.admin).email
        response = _forgot_with_forwarded_host(proxied, email)
        assert response.status_code == 200
        [mail] = proxied.extensions["mail_outbox"]
        [link] = links_in(mail)
        assert link.startswith("https://care.example/password/reset/") and EVIL not in mail.get_content()


def test_with_proxy_fix_host_on_a_forwarded_host_that_is_not_ours_is_refused(proxied_app):
    proxied = proxied_app(PROXY_FIX_HOST=True)
    with proxied.app_context():
        email = factories.user(Role.admin).email
        response = _forgot_with_forwarded_host(proxied, email)
        assert response.status_code == 400 and "does not answer to the address" in text(response)
        assert proxied.extensions.get("mail_outbox", []) == []


def test_proxy_fix_still_trusts_the_forwarded_address_and_scheme(proxied_app):
    proxied = proxied_app()
    seen = {}

    @proxied.get("/test-only/who")
    def who():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure, host=request.host)
        return "ok"

    proxied.test_client().get("/test-only/who", base_url="http://care.example",
                              headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
                                       "X-Forwarded-Host": EVIL})
    assert seen == {"addr": "203.0.113.9", "secure": True, "host": "care.example"}


# Production also needs a credential signing key (tests/training/test_credentials.py checks it refuses to start without).
PRODUCTION = {"GOODCARE_ENV": "production", "SECRET_KEY": "k" * 40, "MAIL_SERVER": "smtp.example",
              "CREDENTIAL_SIGNING_KEYS": new_key_set()}


@pytest.mark.parametrize("settings, message", [
    ({}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "http://care.example"}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "https://"}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "https://care.example", "MAIL_SERVER": ""}, "MAIL_SERVER"),
])
def test_production_refuses_to_start_without_https_public_url_and_a_mail_server(settings, message):
    with pytest.raises(RuntimeError, match=message):
        Config({**PRODUCTION, **settings})


def test_production_settings_that_are_enough():
    config = Config({**PRODUCTION, "PUBLIC_BASE_URL": "https://care.example"})
    assert config.TRUSTED_HOSTS == ["care.example"]
    assert config.SQLALCHEMY_ENGINE_OPTIONS["hide_parameters"] is True
    logged_only = Config({**PRODUCTION, "PUBLIC_BASE_URL": "https://care.example", "MAIL_SERVER": "",
                          "MAIL_LOG_ONLY": "on"})
    assert logged_only.MAIL_LOG_ONLY and logged_only.MAIL_SERVER is None


def test_development_answers_on_this_machine_and_shows_query_parameters():
    config = Config({"GOODCARE_ENV": "development", "SECRET_KEY": "x"})
    assert set(config.TRUSTED_HOSTS) == {"127.0.0.1", "localhost"}
    assert config.SQLALCHEMY_ENGINE_OPTIONS["hide_parameters"] is False


def test_query_parameters_are_hidden_from_errors_and_logs_outside_development(app):
    with app.app_context():
        assert db.engine.hide_parameters is True


# --- point 6: mail jobs carry a purpose and ids, never a token or a link ------------------------

@pytest.fixture
def enqueued(monkeypatch):
    """Every job the mail module enqueues: (function name, args, kwargs)."""
    seen = []
    real = jobs.enqueue

    def spy(func, *args, **kwargs):
        seen.append((func.__name__, args, kwargs))
        return real(func, *args, **kwargs)

    monkeypatch.setattr(jobs, "enqueue", spy)
    return seen


def _stored_jobs_text() -> str:
    """What Redis holds for every job (args and kwargs, decoded)."""
    connection = jobs.redis_connection()
    found = []
    for key in connection.scan_iter("rq:job:*"):
        job_id = key.decode().split(":", 2)[2]
        if ":" in job_id:
            continue
        try:
            job = Job.fetch(job_id, connection=connection)
        except Exception:  # noqa: BLE001 - an expired or partial key
            continue
        found.append(repr((job.args, job.kwargs, job.description, job.meta)))
    return "\n".join(found)


def _token_of(mail) -> str:
    return path_of(links_in(mail)[0]).rstrip("/").rsplit("/", 1)[1]


def test_the_reset_job_holds_no_token_or_link(client, outbox, enqueued):
    user = factories.user(Role.hcpa_staff)
    client.submit("/password/forgot", {"email": user.email})
    token = _token_of(outbox[-1])
    assert enqueued, "the mail went through the job queue"
    held = repr(enqueued) + _stored_jobs_text()
    assert token not in held and "http" not in repr(enqueued) and user.email not in repr(enqueued)
    assert enqueued == [("deliver_account_mail", ("password_reset", user.id), {"queue": "default",
                                                                                "description": "Send email"})]


def test_the_confirmation_and_invitation_jobs_hold_no_token(client, outbox, enqueued):
    client.submit("/sign-up", {"purpose": "care_worker", "full_name": "Ada Lovelace", "email": "ada@example.com",
                               "password": "kettle-orchard-lantern"})
    confirmation = _token_of(outbox[-1])
    client.sign_in(factories.user(Role.admin))
    client.submit("/admin/invite", {"full_name": "Rita Manager", "email": "rita@example.com", "role": "hcpa_staff"})
    invitation = _token_of(outbox[-1])
    held = repr(enqueued) + _stored_jobs_text()
    assert confirmation not in held and invitation not in held and "http" not in repr(enqueued)
    assert [call[1][0] for call in enqueued] == ["confirm_email", "invitation"]
    # Only the hash of the token the job made is stored, and it opens the invitation.
    stored = db.session.query(Invitation).one()
    from academy.auth.tokens import hash_token

    assert stored.token_hash == hash_token(invitation)


def test_an_invitation_sent_again_only_the_latest_link_works(client, outbox):
    from academy.auth.emails import deliver_account_mail

    client.sign_in(factories.user(Role.admin))
    client.submit("/admin/invite", {"full_name": "Rita Manager", "email": "rita@example.com", "role": "hcpa_staff"})
    first = path_of(links_in(outbox[-1])[0])
    deliver_account_mail("invitation", db.session.query(Invitation).one().id)
    second = path_of(links_in(outbox[-1])[0])
    client.sign_out()
    assert first != second
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 302


# --- point 6: tokens out of URLs ------------------------------------------------------------------

def test_the_reset_page_without_a_token_in_the_session_is_refused(client):
    response = client.get("/password/reset")
    assert response.status_code == 400 and "problem with this link" in text(response)
    assert client.get("/invitation").status_code == 400


def test_the_reset_token_is_kept_only_until_the_password_is_changed(client, outbox):
    user = factories.user(Role.care_worker)
    client.submit("/password/forgot", {"email": user.email})
    link = path_of(links_in(outbox[-1])[0])
    opened = client.get(link)
    assert opened.headers["Location"] == "/password/reset"
    assert _token_of(outbox[-1]) not in opened.headers["Location"]
    done = client.submit("/password/reset", {"password": "a-brand-new-passphrase"})
    assert done.status_code == 302
    assert client.get("/password/reset").status_code == 400


@pytest.mark.parametrize("path", ["/workplaces/99999999999", "/workplaces/2147483648",
                                  "/workplaces/99999999999999999999999"])
def test_ids_past_the_database_integer_range_are_a_404(client, path):
    client.sign_in(factories.user(Role.hcpa_staff))
    assert client.get(path).status_code == 404


def test_the_largest_database_id_still_reaches_the_page(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    assert client.get("/workplaces/2147483647").status_code == 404  # no such workplace, but asked


# --- point 7: confirmation to an unconfirmed address does not repeat what was typed ----------

def test_the_confirmation_email_does_not_echo_the_name_typed(client, outbox):
    client.submit("/sign-up", {"purpose": "applicant", "full_name": "Winner Of Our Prize Draw",
                               "email": "stranger@example.com", "password": "kettle-orchard-lantern"})
    [mail] = outbox
    assert "Winner" not in mail.get_content() and "Prize" not in mail["Subject"]
    assert db.session.query(User).filter_by(email="stranger@example.com").one().full_name == "Winner Of Our Prize Draw"


def test_an_existing_account_is_told_without_the_name_typed(client, outbox):
    user = factories.user(Role.applicant)
    client.submit("/sign-up", {"purpose": "applicant", "full_name": "Winner Of Our Prize Draw",
                               "email": user.email, "password": "kettle-orchard-lantern"})
    [mail] = outbox
    assert "already have" in mail["Subject"] and "Winner" not in mail.get_content()
    assert all(link.startswith("http://localhost/") for link in links_in(mail))


def test_no_emailed_link_carries_the_email_address(client, outbox):
    """Signed tokens are readable (base64): the confirmation token holds a hash of the address."""
    from itsdangerous import URLSafeTimedSerializer

    client.submit("/sign-up", {"purpose": "applicant", "full_name": "Ada Lovelace", "email": "ada@example.com",
                               "password": "kettle-orchard-lantern"})
    client.submit("/password/forgot", {"email": "ada@example.com"})
    assert len(outbox) == 2
    for mail in outbox:
        _ok, readable = URLSafeTimedSerializer("any key: the payload is readable without it").loads_unsafe(_token_of(mail))
        assert readable and "ada" not in repr(readable) and "example.com" not in repr(readable)
    confirm = client.get(path_of(links_in(outbox[0])[0]))
    assert confirm.status_code == 302 and confirm.headers["Location"] == "/sign-in"
    assert db.session.query(User).filter_by(email="ada@example.com").one().email_confirmed
