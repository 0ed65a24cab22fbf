"""Sign-in throttling (issue 13, point 3): a guesser is slowed, the account's owner is never locked out."""
import time

import pytest

from academy.auth import throttle
from academy.extensions import limiter
from tests import factories
from tests.helpers import links_in, location_path, text

GUESSER, OWNER = "203.0.113.7", "198.51.100.20"


def sign_in(client, email, password, address):
    return client.submit("/sign-in", {"email": email, "password": password},
                         environ_base={"REMOTE_ADDR": address})


def limiter_keys() -> list[str]:
    """Every key in the rate limiter's storage (Redis when TEST_REDIS_URL is set, else memory)."""
    storage = limiter.limiter.storage
    if hasattr(storage, "get_connection"):
        return [key.decode() for key in storage.get_connection().scan_iter("*")]
    return [*storage.storage, *storage.events]


@pytest.fixture
def config(app, monkeypatch):
    def change(**values):
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, value)
    return change


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(client):
    user = factories.user()
    for _ in range(12):
        assert sign_in(client, user.email, "wrong-password-x", GUESSER).status_code in (422, 429)
    signed_in = sign_in(client, user.email, factories.DEFAULT_PASSWORD, OWNER)
    assert signed_in.status_code == 302 and location_path(signed_in) == "/recruitment/"


def test_the_guessing_address_must_wait_even_with_the_right_password(client):
    user = factories.user()
    for _ in range(5):
        assert sign_in(client, user.email, "wrong-password-x", GUESSER).status_code == 422
    refused = sign_in(client, user.email, factories.DEFAULT_PASSWORD, GUESSER)
    assert refused.status_code == 429
    assert "Wait before you try to sign in again" in text(refused)
    assert "You can try again in 30 seconds" in text(refused)
    assert int(refused.headers["Retry-After"]) >= 30
    # Only that account is slowed for that address: another account from it signs in.
    other = factories.user()
    assert sign_in(client, other.email, factories.DEFAULT_PASSWORD, GUESSER).status_code == 302


def test_the_wait_doubles_with_each_further_failure_up_to_the_cap(app, ctx, config):
    config(SIGN_IN_FAILURES_BEFORE_WAIT=5, SIGN_IN_FIRST_WAIT_SECONDS=30, SIGN_IN_MAX_WAIT_SECONDS=900)
    waits = [throttle.wait_after(n) for n in range(1, 13)]
    assert waits == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]
    assert throttle.in_words(30) == "30 seconds" and throttle.in_words(61) == "2 minutes"
    assert throttle.in_words(900) == "15 minutes"


def test_the_wait_grows_for_the_guessing_address_and_ends(client, config):
    config(SIGN_IN_FAILURES_BEFORE_WAIT=2, SIGN_IN_FIRST_WAIT_SECONDS=1)
    user = factories.user()
    for _ in range(2):
        sign_in(client, user.email, "wrong-password-x", GUESSER)
    assert sign_in(client, user.email, "wrong-password-x", GUESSER).status_code == 429
    time.sleep(1.2)
    assert sign_in(client, user.email, "wrong-password-x", GUESSER).status_code == 422  # the third failure
    assert throttle.seconds_to_wait(user.email, GUESSER) == 2  # now twice as long
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, GUESSER).status_code == 429
    time.sleep(2.2)
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, GUESSER).status_code == 302


def test_a_successful_sign_in_forgets_that_address_failures(client):
    user = factories.user()
    for _ in range(4):
        sign_in(client, user.email, "wrong-password-x", GUESSER)
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, GUESSER).status_code == 302
    client.sign_out()
    for _ in range(4):
        assert sign_in(client, user.email, "wrong-password-x", GUESSER).status_code == 422
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, GUESSER).status_code == 302


def test_the_per_address_limit_still_refuses_a_sprayer(client):
    user = factories.user()
    for n in range(20):
        sign_in(client, f"guess{n}@example.com", "wrong-password-x", GUESSER)
    refused = sign_in(client, user.email, factories.DEFAULT_PASSWORD, GUESSER)
    assert refused.status_code == 429 and "Too many attempts to sign in" in text(refused)
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, OWNER).status_code == 302


def test_the_owner_is_emailed_once_about_a_burst_of_failures(client, outbox):
    user = factories.user()
    for n in range(9):
        sign_in(client, user.email, "wrong-password-x", f"192.0.2.{n}")
    assert not outbox
    for n in range(9, 15):
        sign_in(client, user.email, "wrong-password-x", f"192.0.2.{n}")
    assert [mail["To"] for mail in outbox] == [user.email]
    mail = outbox[0]
    assert "unsuccessful attempts to sign in" in mail["Subject"].lower()
    assert "10 unsuccessful attempts" in mail.get_content()
    assert all("/password/reset/" not in link and "token" not in link for link in links_in(mail))
    # The owner still signs in, from any address.
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, OWNER).status_code == 302


def test_no_email_for_a_burst_against_an_address_with_no_account(client, outbox):
    for n in range(12):
        sign_in(client, "nobody@example.com", "wrong-password-x", f"192.0.2.{n}")
    assert not outbox


def test_a_huge_email_is_a_form_error_and_makes_no_large_key(client):
    huge = "a" * 300_000 + "@example.com"
    response = sign_in(client, huge, "wrong-password-x", GUESSER)
    assert response.status_code == 422 and "254 characters or fewer" in text(response)
    keys = limiter_keys()
    assert keys and max(len(key) for key in keys) < 200


def test_limiter_keys_hold_no_email_address(client):
    user = factories.user()
    sign_in(client, user.email, "wrong-password-x", GUESSER)
    keys = limiter_keys()
    assert any("sign-in/failures/" in key for key in keys)
    assert not any(user.email in key or user.email.split("@")[0] in key for key in keys)


def test_a_burst_with_the_job_queue_down_still_answers_as_failed_sign_ins(app, client, outbox, config):
    config(REDIS_URL="redis://127.0.0.1:1/0", JOBS_ASYNC=True)  # nothing listens on port 1
    user = factories.user()
    statuses = {sign_in(client, user.email, "wrong-password-x", f"192.0.2.{n}").status_code for n in range(10)}
    assert statuses == {422} and not outbox


def test_ipv6_addresses_count_by_their_64_network(client):
    user = factories.user()
    for n in range(5):
        sign_in(client, user.email, "wrong-password-x", f"2001:db8:1:2::{n + 1}")
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, "2001:db8:1:2::ffff").status_code == 429
    assert sign_in(client, user.email, factories.DEFAULT_PASSWORD, "2001:db8:1:3::1").status_code == 302


def test_a_proxy_without_proxy_fix_is_named_in_the_log_once(client, caplog, monkeypatch):
    monkeypatch.setattr(throttle, "_proxy_warned", False)
    for _ in range(2):
        client.submit("/sign-in", {"email": "someone@example.com", "password": "wrong-password-x"},
                      headers={"X-Forwarded-For": "198.51.100.30"})
    warnings = [r for r in caplog.records if "PROXY_FIX is off" in r.getMessage()]
    assert len(warnings) == 1 and "198.51.100.30" not in warnings[0].getMessage()
