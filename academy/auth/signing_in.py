"""The steps of a sign-in after the password is right, and how long a sign-in lasts.

A user with two-step sign-in on (or whose role requires it) is not signed in by the password
alone: their id waits in the session ("pending") until they enter a code, or set two-step up.
A sign-in then lasts at most SESSION_ABSOLUTE_LIFETIME, and ends after an idle period
(SESSION_IDLE_TIMEOUT_STAFF for HCPA staff and admins, SESSION_IDLE_TIMEOUT for others).
"""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from academy.auth import accounts, two_step
from academy.auth.access import STAFF_ROLES
from academy.auth.audit import audit
from academy.auth.models import User
from academy.extensions import db

PENDING = "two_step_pending"
PENDING_MAX_AGE = 10 * 60  # seconds to enter the code before the password is needed again
SEEN_EVERY = 60  # the last-seen moment is rewritten at most once a minute


def now() -> int:
    """Seconds since the epoch (one function, so tests can move the clock)."""
    return int(time.time())


def begin_sign_in(user: User, next_url: str):
    """The password (or an invitation) proved who this is: sign in, or ask for the second step."""
    session.clear()  # a fresh session at sign-in
    if user.two_step_enabled or two_step.is_required(user):
        session[PENDING] = {"user": user.id, "token": user.session_token, "next": next_url, "at": now(), "wrong": 0}
        if user.two_step_enabled:
            return redirect(url_for("two_step.enter_code"))
        flash("Your role needs two-step sign-in. Set it up to continue.", "info")
        return redirect(url_for("two_step.set_up"))
    complete_sign_in(user)
    return redirect(next_url)


def pending_user() -> User | None:
    """The user who has given their password and not yet their code, while that is still fresh."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    if now() - int(pending.get("at") or 0) > PENDING_MAX_AGE:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.is_active or user.session_token != pending.get("token"):
        return None
    return user


def count_wrong_code() -> bool:
    """Count a wrong code; True once this sign-in has had too many (it is then forgotten)."""
    pending = dict(session.get(PENDING) or {})
    pending["wrong"] = int(pending.get("wrong") or 0) + 1
    if pending["wrong"] >= current_app.config["TWO_STEP_TRIES_PER_SIGN_IN"]:
        session.pop(PENDING, None)
        return True
    session[PENDING] = pending
    return False


def keep_this_session(user: User) -> None:
    """After the user's session token changed (other sessions ended), carry on in this one:
    the same sign-in moment, the new token in the cookie."""
    login_user(getattr(user, "_get_current_object", lambda: user)())  # the user, never the current_user proxy


def complete_sign_in(user: User) -> str:
    """Sign `user` in for real; returns where to go next."""
    next_url = (session.get(PENDING) or {}).get("next") or url_for("public.home")
    session.clear()
    login_user(user)
    session["signed_in_at"] = session["seen_at"] = now()
    accounts.record_sign_in(db.session, user)
    audit("signed_in", target=user, subject=user, actor=user)
    return next_url


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(seconds // 60, 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def enforce_session_limits():
    """Before every request: end a sign-in that is too old or has been idle too long."""
    if request.endpoint is None or request.endpoint.startswith(("static", "govuk_")):
        return None
    if not current_user.is_authenticated:
        return None
    config, moment = current_app.config, now()
    signed_in_at, seen_at = session.get("signed_in_at"), session.get("seen_at")
    idle = config["SESSION_IDLE_TIMEOUT_STAFF"] if current_user.role in STAFF_ROLES else config["SESSION_IDLE_TIMEOUT"]
    reason = None
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        reason = "your sign-in has expired"
    elif moment - signed_in_at > config["SESSION_ABSOLUTE_LIFETIME"]:
        reason = f"you signed in more than {_duration(config['SESSION_ABSOLUTE_LIFETIME'])} ago"
    elif moment - seen_at > idle:
        reason = f"you had not used the service for {_duration(idle)}"
    if reason is None:
        if moment - seen_at >= SEEN_EVERY:
            session["seen_at"] = moment
        return None
    logout_user()
    session.clear()
    flash(f"You have been signed out because {reason}. Sign in again to carry on.", "info")
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.sign_in", next=back))
