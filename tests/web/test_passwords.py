"""Password rules and hashing through the pages: common passwords refused, old hashes upgraded."""
import pytest
from werkzeug.security import generate_password_hash

from academy.auth.models import User
from academy.extensions import db
from tests import factories
from tests.helpers import has_error_summary, links_in, path_of, text

EASY = ["Password123!", "Summer2026!!", "password12345678"]


@pytest.mark.parametrize("password", EASY)
def test_common_passwords_are_refused_on_sign_up(client, outbox, password):
    response = client.submit("/sign-up", {"purpose": "care_worker", "full_name": "Ada Lovelace",
                                          "email": "ada@example.com", "password": password})
    assert response.status_code == 422 and has_error_summary(response)
    assert "Password is too easy to guess" in text(response)
    assert db.session.query(User).count() == 0 and not outbox


@pytest.mark.parametrize("password", EASY)
def test_common_passwords_are_refused_on_reset(client, outbox, password):
    user = factories.user()
    client.submit("/password/forgot", {"email": user.email})
    assert client.get(path_of(links_in(outbox[-1])[0])).headers["Location"] == "/password/reset"
    response = client.submit("/password/reset", {"password": password})
    assert response.status_code == 422 and "Password is too easy to guess" in text(response)
    db.session.refresh(user)
    assert user.check_password(factories.DEFAULT_PASSWORD) and not user.check_password(password)


def test_a_good_passphrase_is_accepted_on_sign_up_and_hashed_with_argon2id(client):
    response = client.submit("/sign-up", {"purpose": "care_worker", "full_name": "Ada Lovelace",
                                          "email": "ada@example.com", "password": "heron-biscuit-lighthouse"})
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="ada@example.com").one()
    assert user.password_hash.startswith("$argon2id$") and user.check_password("heron-biscuit-lighthouse")


def test_a_scrypt_hash_is_upgraded_to_argon2id_at_the_next_sign_in(client):
    user = factories.user()
    user.password_hash = generate_password_hash(factories.DEFAULT_PASSWORD, method="scrypt")
    db.session.commit()

    client.submit("/sign-in", {"email": user.email, "password": "wrong-password-here"})
    db.session.refresh(user)
    assert user.password_hash.startswith("scrypt:")  # a wrong password changes nothing

    client.sign_in(user)
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$") and not user.password_needs_rehash
    client.sign_out()
    client.sign_in(user)  # and the new hash works


def test_a_hash_of_the_rfc_9106_profile_used_before_is_hashed_again_with_todays_parameters_at_sign_in(client):
    from argon2 import PasswordHasher
    from argon2.profiles import RFC_9106_LOW_MEMORY

    user = factories.user()
    user.password_hash = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY).hash(factories.DEFAULT_PASSWORD)
    db.session.commit()
    client.sign_in(user)
    db.session.refresh(user)
    assert "$m=19456,t=2,p=1$" in user.password_hash and not user.password_needs_rehash
    client.sign_out()
    client.sign_in(user)  # and the new hash works


def test_an_unknown_email_is_refused_like_a_wrong_password(client):
    response = client.submit("/sign-in", {"email": "nobody@example.com", "password": "kettle-orchard-lantern"})
    assert response.status_code == 422 and "Enter a correct email address and password" in text(response)
