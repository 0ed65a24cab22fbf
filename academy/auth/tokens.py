"""Signed, time-limited tokens for emailed links (email confirmation, password reset)."""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from academy.auth.models import User
from academy.extensions import db


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"goodcare-{purpose}")


def _password_fingerprint(user: User) -> str:
    # A reset link stops working once the password it was made for has changed.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _email_fingerprint(user: User) -> str:
    # The link confirms this address only; the token holds a hash of it, not the address, which
    # would otherwise be readable (base64) in access logs and the browser's history.
    return hashlib.sha256(user.email.encode()).hexdigest()[:16]


def make_confirmation_token(user: User) -> str:
    return _serializer("confirm-email").dumps({"user": user.id, "em": _email_fingerprint(user)})


def make_reset_token(user: User) -> str:
    return _serializer("reset-password").dumps({"user": user.id, "pw": _password_fingerprint(user)})


def read_confirmation_token(token: str) -> User | None:
    """The user the token confirms, or None if it is invalid or expired."""
    data = _loads("confirm-email", token, current_app.config["CONFIRM_EMAIL_MAX_AGE"])
    if not data:
        return None
    user = db.session.get(User, data.get("user"))
    if user is None:
        return None
    # "email": links sent before the address was replaced by its hash (they expire within days).
    return user if data.get("em") == _email_fingerprint(user) or data.get("email") == user.email else None


def read_reset_token(token: str) -> User | None:
    """The user whose password the token may reset, or None (invalid, expired or used)."""
    data = _loads("reset-password", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    if not data:
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or _password_fingerprint(user) != data.get("pw"):
        return None
    return user


def _loads(purpose: str, token: str, max_age: int):
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None


def new_one_time_token() -> tuple[str, str]:
    """A random token for a link and the hash kept in the database (the token itself is not)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
