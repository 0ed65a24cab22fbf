"""Passwords: how they are hashed (argon2id) and which ones are refused as too easy to guess.

Hashing: argon2id with OWASP's minimum, m=19456 KiB (19 MiB), t=2 passes, p=1 lane (one of its five
equal-strength options), chosen with bench/signin.py so that 20 people signing in at once on two
gunicorn workers stay under 1 s at p95 (docs/security.md, "Password hashing: the trade-off"). Hashes
made before (Werkzeug's scrypt or pbkdf2, or argon2id with other parameters, such as the RFC 9106
low-memory profile used until issue 20) still verify, and `needs_rehash` tells the caller to hash
the password again, as argon2id with today's parameters, once the user has proved it by signing in.

Guessability, for a new password: 12 to 128 characters, and
1. not in the 30,000 most common passwords of real breaches (the `passwords` frequency list that
   the zxcvbn package ships), compared without case, as typed, with the digits and symbols around
   it stripped ("Summer2026!!" is "summer") and with look-alike characters read back as letters
   ("P@ssw0rd" is "password");
2. and scored at least 3 of 4 by zxcvbn's estimator (about 10^8 guesses or more), which also
   knows keyboard patterns, sequences, dates, names and words, and is told the person's email.
"""
from __future__ import annotations

import functools
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" online, about 10^8 guesses
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters decide

TOO_EASY = "Password is too easy to guess. Try 3 random words, for example 'coffee-window-meadow'"

# OWASP Password Storage Cheat Sheet, argon2id: "m=19456 (19 MiB), t=2, p=1".
MEMORY_KIB, PASSES, LANES = 19_456, 2, 1
_hasher = PasswordHasher(time_cost=PASSES, memory_cost=MEMORY_KIB, parallelism=LANES)
_AROUND = string.digits + string.punctuation + string.whitespace
# Characters people put in place of letters; 1 is tried as both i and l.
_LOOK_ALIKES = (str.maketrans("@4310$5!7+|", "aaeiossitti"), str.maketrans("@4310$5!7+|", "aaelosslttl"))


def hash_password(password: str) -> str:
    """An argon2id hash of the password (with its own salt and parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches an argon2 hash, or an older Werkzeug (scrypt, pbkdf2) one."""
    if password_hash.startswith("$argon2"):
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(password_hash, password)
    except ValueError:  # not a hash Werkzeug knows either
        return False


def needs_rehash(password_hash: str) -> bool:
    """True for a hash that is not argon2id with today's parameters."""
    if not password_hash.startswith("$argon2id$"):
        return True
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@functools.cache
def dummy_hash() -> str:
    """A hash to check when no account matches, so a wrong email takes as long as a wrong password."""
    return hash_password(secrets.token_urlsafe(16))


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list, from real breaches), lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _forms_of(password: str) -> set[str]:
    lowered = password.lower()
    core = lowered.strip(_AROUND)
    forms = {lowered, core}
    for table in _LOOK_ALIKES:
        forms.add(lowered.translate(table).strip(_AROUND))
        forms.add(core.translate(table))
    return {form for form in forms if form}


def is_common(password: str) -> bool:
    """In the common-password list, as typed, stripped of digits and symbols around it, or with
    look-alike characters read back as letters."""
    return not _forms_of(password).isdisjoint(common_passwords())


def guess_score(password: str, hints: list[str]) -> int:
    """zxcvbn's 0-4 estimate of how hard the password is to guess, knowing the hints."""
    from zxcvbn import zxcvbn

    return zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=hints)["score"]


def password_problem(password: str, email: str | None = None) -> str | None:
    """Return a message fit for the page if the password is not acceptable, else None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    local_part = email.split("@")[0].lower() if email else ""
    if len(local_part) >= 4 and local_part in lowered:
        return "Password must not contain your email address"
    hints = [part for part in [local_part, *local_part.replace(".", " ").replace("_", " ").split()] if part]
    if len(set(lowered)) < 4 or is_common(password) or guess_score(password, hints) < MIN_SCORE:
        return TOO_EASY
    return None
