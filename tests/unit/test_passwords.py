import time

import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from academy.auth import passwords
from academy.auth.passwords import hash_password, needs_rehash, password_problem, verify_password


@pytest.mark.parametrize("password, problem", [
    ("short", "12 characters or more"),
    ("elevenchars", "12 characters or more"),
    ("password1234", "too easy to guess"),
    ("PASSWORD1234", "too easy to guess"),
    ("aaaaaaaaaaaaaaa", "too easy to guess"),
    ("x" * 129, "128 characters or fewer"),
])
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert problem in password_problem(password)


@pytest.mark.parametrize("password", [
    "Password123!", "Summer2026!!", "password12345678",  # accepted before issue 13
    "P@ssw0rd2026", "Qwerty123456!", "iloveyou12345", "Welcome2026!", "Liverpool1892!", "1q2w3e4r5t6y",
])
def test_common_passwords_dressed_up_with_digits_and_symbols_are_refused(password):
    assert password_problem(password) == passwords.TOO_EASY


def test_the_common_password_list_is_the_maintained_one_and_big_enough():
    common = passwords.common_passwords()
    assert len(common) >= 10_000
    assert {"password", "summer", "qwerty", "iloveyou", "letmein"} <= common


def test_password_may_not_contain_the_email_name():
    assert "email address" in password_problem("morgan-hedge-fossil", "morgan@example.com")


@pytest.mark.parametrize("password", [
    "kettle-orchard-lantern", "a-brand-new-passphrase", "correct horse battery staple", "Tr0ub4dor&3x",
    "Hertfordshire-heron-2026",
])
def test_random_words_and_strong_passwords_are_accepted(password):
    assert password_problem(password, "someone@example.com") is None


def test_a_very_long_password_is_judged_without_error():
    assert password_problem("kettle-orchard-lantern-" * 5) is None  # 115 characters: zxcvbn stops at 72


def test_new_hashes_are_argon2id_with_at_least_owasps_parameters():
    hashed = hash_password("kettle-orchard-lantern")
    assert hashed.startswith("$argon2id$v=19$")
    params = dict(part.split("=") for part in hashed.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2 and int(params["p"]) >= 1
    assert verify_password(hashed, "kettle-orchard-lantern")
    assert not verify_password(hashed, "kettle-orchard-lantern!")
    assert not needs_rehash(hashed)


def test_one_hash_is_fast_enough_for_sign_in():
    started = time.perf_counter()
    hash_password("kettle-orchard-lantern")
    assert time.perf_counter() - started < 2.0  # ~0.06 s measured on the 2-core development machine


def test_scrypt_hashes_still_verify_and_are_due_for_rehash():
    old = generate_password_hash("kettle-orchard-lantern", method="scrypt")
    assert verify_password(old, "kettle-orchard-lantern") and not verify_password(old, "kettle-orchard-lanterns")
    assert needs_rehash(old)


def test_argon2_hashes_with_weaker_parameters_are_due_for_rehash():
    weaker = PasswordHasher(time_cost=1, memory_cost=12 * 1024, parallelism=1).hash("kettle-orchard-lantern")
    assert verify_password(weaker, "kettle-orchard-lantern")
    assert needs_rehash(weaker)


def test_hashes_of_the_rfc_9106_profile_used_before_still_verify_and_are_due_for_rehash():
    from argon2.profiles import RFC_9106_LOW_MEMORY

    before = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY).hash("kettle-orchard-lantern")
    assert "m=65536,t=3,p=4" in before
    assert verify_password(before, "kettle-orchard-lantern") and not verify_password(before, "kettle-orchard")
    assert needs_rehash(before)
    assert "m=19456,t=2,p=1" in hash_password("kettle-orchard-lantern")  # what it is hashed again with


@pytest.mark.parametrize("garbage", ["", "not-a-real-hash", "$argon2id$broken"])
def test_a_hash_neither_library_knows_never_verifies(garbage):
    assert not verify_password(garbage, "kettle-orchard-lantern")
    assert needs_rehash(garbage)


def test_the_dummy_hash_for_unknown_emails_is_argon2id():
    assert passwords.dummy_hash().startswith("$argon2id$") and not needs_rehash(passwords.dummy_hash())
