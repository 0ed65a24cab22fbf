"""Two-step sign-in: 6-digit codes from an authenticator app (TOTP, RFC 6238, via pyotp) and
ten one-time recovery codes for when the app is lost. Required for HCPA staff and admins."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select

from academy.auth.access import STAFF_ROLES, Invalid, NotAllowed
from academy.auth.models import RecoveryCode, User, new_session_token
from academy.auth.tokens import hash_token
from academy.extensions import utcnow

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a recovery code is copied by hand from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now"


def is_required(user: User) -> bool:
    """HCPA staff and admins see DBS, right-to-work and health details: two-step is not optional."""
    return user.role in STAFF_ROLES


def new_setup_nonce() -> str:
    return secrets.token_urlsafe(16)


def setup_secret(user: User, nonce: str) -> str:
    """The key offered while `user` sets two-step up, derived from a random nonce (kept in their
    session) and SECRET_KEY, so the session cookie never carries the key itself. 160 bits, base32."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"totp-setup:{user.id}:{nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def setup_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SERVICE_NAME"])


def qr_code_image(uri: str) -> str:
    """The QR code as an SVG data: URI, for an <img> (the CSP allows data: images, not inline SVG styles)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def spaced(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code: str | None) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _matching_step(secret: str | None, code: str | None) -> int | None:
    """The time step whose app code this is, or None. One step either side of now is accepted:
    the phone's clock may be up to 30 seconds out."""
    code = _clean(code)
    if not secret or len(code) != 6 or not (code.isascii() and code.isdigit()):  # '١٢٣٤٥٦' is isdigit()
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(time.time())
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(code, totp.generate_otp(step)):
            return step
    return None


def turn_on(session, user: User, secret: str, code: str) -> list[str]:
    """Turn two-step on once the app shows a right code for `secret`; returns the recovery codes
    (shown once: only their hashes are kept)."""
    if user.two_step_enabled:
        raise Invalid("Two-step sign-in is already on for your account")
    step = _matching_step(secret, code)
    if step is None:
        raise Invalid(WRONG_CODE)
    user.totp_secret = secret
    user.totp_last_step = step
    user.two_step_enabled_at = utcnow()
    user.session_token = new_session_token()  # a session someone else holds ends here (this one is kept)
    codes = _new_recovery_codes(session, user)
    session.flush()
    return codes


def turn_off(session, user: User, code: str) -> None:
    """Turn two-step off, proven by a current code from the app. Not for roles that require it."""
    if is_required(user):
        raise NotAllowed("Two-step sign-in is required for your role, so it cannot be turned off")
    if not user.two_step_enabled:
        raise Invalid("Two-step sign-in is not on for your account")
    if _matching_step(user.totp_secret, code) is None:
        raise Invalid(WRONG_CODE)
    user.totp_secret = None
    user.two_step_enabled_at = None
    user.totp_last_step = None
    user.session_token = new_session_token()  # a session someone else holds ends here (this one is kept)
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()


def renew_recovery_codes(session, user: User, code: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), proven by a current code from the app."""
    if not user.two_step_enabled:
        raise Invalid("Two-step sign-in is not on for your account")
    if _matching_step(user.totp_secret, code) is None:
        raise Invalid(WRONG_CODE)
    codes = _new_recovery_codes(session, user)
    session.flush()
    return codes


def check_code(session, user: User, code: str) -> str:
    """How the code signs `user` in: "app" or "recovery" (either is then used up: an app code is
    refused a second time, as RFC 6238 section 5.2 asks). Raises Invalid for a wrong code."""
    if not user.two_step_enabled:
        raise Invalid(WRONG_CODE)
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            raise Invalid("You have already used this code. Wait for your app to show a new one, then enter it")
        user.totp_last_step = step
        session.flush()
        return "app"
    cleaned = _clean(code)
    if len(cleaned) == 10:
        found = session.scalar(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_token(cleaned),
            RecoveryCode.used_at.is_(None)))
        if found is not None:
            found.used_at = utcnow()
            session.flush()
            return "recovery"
    raise Invalid(WRONG_CODE)


def recovery_codes_left(session, user: User) -> int:
    return session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _new_recovery_codes(session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        session.add(RecoveryCode(user_id=user.id, code_hash=hash_token(raw)))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes
