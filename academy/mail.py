"""The one way the service sends email.

- `send_mail(to, subject, body)`: a message with nothing secret in it (a notification).
- `send_account_mail(purpose, record_id)`: a message carrying a secret link (confirmation,
  password reset, invitation). The job gets only the purpose and an id and makes the link when
  it runs (academy.auth.emails), so no token sits in Redis job data.

Both are queued **only when the database transaction that prepared them commits** (an action that
rolls back sends nothing): the message waits on the session (`session.info`) and an SQLAlchemy
listener enqueues it after the outermost commit; a transaction that ends any other way drops it.
So code that sends mail commits afterwards, even when it changed no rows.

Delivery runs as a job on the `default` queue. Without MAIL_SERVER (development, tests, or
MAIL_LOG_ONLY) the message is kept in `outbox()`; only development writes its body to the log.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "goodcare_mail_pending"  # prepared in the open transaction
_READY = "goodcare_mail_ready"  # that transaction committed: enqueue once it has ended
_NOT_QUEUED = "goodcare_mail_not_queued"  # committed, but the job queue did not take them


def not_queued_after_commit(session) -> int:
    """How many emails the last commit prepared but could not queue (the change itself is saved);
    reading it clears it. For pages that must tell staff to reach the person another way."""
    return session.info.pop(_NOT_QUEUED, 0)


def public_url_adapter():
    """A URL adapter for the site's own address, PUBLIC_BASE_URL (whatever the request's Host)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")


def public_url(endpoint: str, **values) -> str:
    """An absolute link for an email, always on PUBLIC_BASE_URL and never on the request's Host
    (a forged Host header must not be able to point a reset or invitation link elsewhere)."""
    return public_url_adapter().build(endpoint, values, force_external=True)


def send_mail(to: str, subject: str, body: str, purpose: str = "notification") -> None:
    """Queue an email to one address once the current transaction commits. Nothing secret in
    `body` (it is kept in the job data): a secret link goes through `send_account_mail`.
    Raises JobsUnavailable at once if the job queue cannot be reached."""
    _when_committed(deliver_mail, to, subject, body, purpose)


def send_account_mail(purpose: str, record_id: int) -> None:
    """Queue an email with a secret link (academy.auth.emails.PURPOSES), once the current
    transaction commits; the job reads the record and makes the link itself."""
    from academy.auth.emails import PURPOSES, deliver_account_mail

    if purpose not in PURPOSES:
        raise ValueError(f"unknown account mail {purpose!r}")
    _when_committed(deliver_account_mail, purpose, record_id)


def _when_committed(func, *args) -> None:
    from academy.extensions import db
    from academy.jobs import redis_connection, redis_or_unavailable

    session = db.session()
    # Check the queue once a transaction, before anything is saved: a page can still say "try later",
    # and a job (the draft-deletion warning) can leave undone what depends on the email going.
    if not session.info.get(_PENDING):
        with redis_or_unavailable():
            redis_connection().ping()
    if not session.in_transaction():
        session.connection()  # begin one now, so a rollback before the next commit drops the mail
    session.info.setdefault(_PENDING, []).append((func, args))


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the mail waits for the outermost commit
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info["goodcare_mail_rolled_back"] = True


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session, transaction) -> None:
    if transaction.parent is not None:
        return
    dropped = session.info.pop(_PENDING, None)
    rolled_back = session.info.pop("goodcare_mail_rolled_back", False)
    if dropped and rolled_back:
        log.info("%d email(s) not sent: the change that prepared them was rolled back", len(dropped))
    elif dropped:  # closed without a commit: most likely a commit missing after send_mail
        log.warning("%d email(s) not sent: their transaction ended without a commit", len(dropped))
    ready = session.info.pop(_READY, None)
    if ready:
        from academy.jobs import JobsUnavailable, enqueue

        for func, args in ready:  # the change is saved: a queue failure now must not undo the answer
            try:
                enqueue(func, *args, queue="default", description="Send email")
            except JobsUnavailable:
                session.info[_NOT_QUEUED] = session.info.get(_NOT_QUEUED, 0) + 1
                log.error("Email not queued after its change was saved (%s): the job queue did not answer",
                          getattr(func, "__name__", "mail"))


def deliver_mail(to: str, subject: str, body: str, purpose: str = "notification") -> None:
    """Job: hand the message to SMTP, or keep it in the outbox where no mail server is configured."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    domain = to.rpartition("@")[2]
    if not config.get("MAIL_SERVER"):
        current_app.extensions.setdefault("mail_outbox", []).append(message)
        if current_app.testing:
            return
        if config.get("DEVELOPMENT"):
            log.info("Email (not sent: no MAIL_SERVER)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        else:  # MAIL_LOG_ONLY: never the body (it may hold a link that signs someone in)
            log.info("Email not sent (MAIL_LOG_ONLY): %s to an address at %s", purpose, domain)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    log.info("Email sent: %s to an address at %s", purpose, domain)


def outbox() -> list[EmailMessage]:
    """Messages 'sent' without a mail server, oldest first (development and tests)."""
    return current_app.extensions.setdefault("mail_outbox", [])
