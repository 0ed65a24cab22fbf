"""Sign-in throttling that slows someone guessing a password without locking out its owner.

Three counts, all in the rate limiter's storage (Redis with REDIS_URL, else this process's memory):
- per address, any accounts (the Flask-Limiter limit on the sign-in view, SIGN_IN_LIMIT_PER_ADDRESS):
  stops one address trying many accounts;
- per account and address: after SIGN_IN_FAILURES_BEFORE_WAIT wrong passwords for one account
  from one address, that address must wait before it tries that account again, a wait that
  doubles with each further failure (SIGN_IN_FIRST_WAIT_SECONDS up to SIGN_IN_MAX_WAIT_SECONDS).
  Other addresses, the owner's among them, are not slowed, and a success forgets the failures;
- per account, from any address (SIGN_IN_ALERT_PER_ACCOUNT): a burst of failures emails the
  owner, once a window. It never refuses anyone.

Keys hold a keyed hash of the normalised email (never the email itself) and the client address
(an IPv6 address by its /64 network, which one household or server can hold whole).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import math
import time

from flask import current_app, request
from limits import parse

from academy.auth.accounts import find_user_by_email
from academy.auth.audit import audit
from academy.extensions import limiter
from academy.jobs import JobsUnavailable
from academy.mail import public_url, send_mail

log = logging.getLogger(__name__)
FAILURES_REMEMBERED_SECONDS = 24 * 3600  # an address's failures for an account count for a day
_proxy_warned = False


def _storage():
    # limiter.limiter follows Flask-Limiter's fall-back to memory while Redis is unreachable.
    return limiter.limiter.storage


def client_address() -> str:
    """The client's address as the sign-in counts see it: IPv4 as it is, IPv6 as its /64 network."""
    _warn_if_behind_an_untrusted_proxy()
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def _warn_if_behind_an_untrusted_proxy() -> None:
    """Behind a reverse proxy without PROXY_FIX every client has the proxy's address, so one
    guesser's failures would slow everyone: say so in the log, once a process."""
    global _proxy_warned
    if _proxy_warned or current_app.config.get("PROXY_FIX") or "X-Forwarded-For" not in request.headers:
        return
    _proxy_warned = True
    log.warning("Sign-in requests carry X-Forwarded-For but PROXY_FIX is off: every client is counted "
                "as the proxy's address. Set PROXY_FIX=1 behind a reverse proxy.")


def _account(email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _keys(email: str, address: str | None) -> tuple[str, str, str]:
    account, where = _account(email), address or "unknown"
    return f"sign-in/failures/{account}/{where}", f"sign-in/wait/{account}/{where}", f"sign-in/alert/{account}"


def wait_after(failures: int) -> int:
    """Seconds an address must wait after its nth failure in a row for one account (0: none)."""
    config = current_app.config
    over = failures - config["SIGN_IN_FAILURES_BEFORE_WAIT"]
    if over < 0:
        return 0
    return min(config["SIGN_IN_MAX_WAIT_SECONDS"], config["SIGN_IN_FIRST_WAIT_SECONDS"] * 2 ** min(over, 20))


def seconds_to_wait(email: str, address: str | None) -> int:
    """How long this address must still wait before it may try this account again (0: it may now)."""
    storage = _storage()
    _, wait_key, _ = _keys(email, address)
    if not storage.get(wait_key):
        return 0
    return max(1, math.ceil(storage.get_expiry(wait_key) - time.time()))


def record_failure(session, email: str, address: str | None) -> int:
    """Count a wrong password for this account from this address; return the wait it now has."""
    storage = _storage()
    failures_key, wait_key, alert_key = _keys(email, address)
    wait = wait_after(storage.incr(failures_key, FAILURES_REMEMBERED_SECONDS))
    if wait:
        storage.clear(wait_key)
        storage.incr(wait_key, wait)
    burst = parse(current_app.config["SIGN_IN_ALERT_PER_ACCOUNT"])
    if storage.incr(alert_key, burst.get_expiry()) == burst.amount:
        _alert_owner(session, email, burst)
    return wait


def record_success(email: str, address: str | None) -> None:
    """The right password from this address: forget its failures for this account."""
    storage = _storage()
    failures_key, wait_key, _ = _keys(email, address)
    storage.clear(failures_key)
    storage.clear(wait_key)


def in_words(seconds: int) -> str:
    """'30 seconds', '1 minute', '15 minutes': a wait as the page says it (rounded up)."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _alert_owner(session, email: str, burst) -> None:
    """Tell the account's owner about a burst of failed sign-ins (no link that carries a token)."""
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return
    try:
        service = current_app.config["SERVICE_NAME"]
        send_mail(user.email, f"Unsuccessful attempts to sign in to your {service} account",
                  f"Hello {user.full_name},\n\n"
                  f"There have been {burst.amount} unsuccessful attempts to sign in to your {service} "
                  f"account in less than {in_words(burst.get_expiry())}.\n\n"
                  "If this was you, you do not need to do anything.\n\n"
                  "If it was not you, someone may be trying to guess your password. Repeated attempts "
                  "are slowed down, and nobody can sign in without your password. If you think someone "
                  "knows it, change it: choose 'Forgotten your password?' on the sign-in page, "
                  f"{public_url('auth.sign_in')}\n")
    except JobsUnavailable:  # Redis down: the failed sign-in still answers as one, not a 503
        log.warning("Could not queue a sign-in alert email (user id %s): jobs unavailable", user.id)
    audit("sign_in_failures_alerted", target=user, subject=user)
