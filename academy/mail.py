"""The one way the service sends email.

- `send_mail(to, subject, body, attachments=[(filename, mimetype, text)])`: a message with nothing
  secret in it (a notification), optionally with text attachments (an interview's .ics invitation),
  carried in the job data like the body.
- `send_account_mail(purpose, record_id)`: a message carrying a secret link (confirmation,
  password reset, invitation). The job gets only the purpose and an id and makes the link when
  it runs (academy.auth.emails), so no token sits in Redis job data.

Both are queued **only when the database transaction that prepared them commits** (an action that
rolls back sends nothing): `academy.unit_of_work.enqueue_after_commit`. The owner of the unit of work
(the request, the job, the CLI command) commits; domain functions that send mail never do.

Delivery runs as a job on the `default` queue. Without MAIL_SERVER (development, tests, or
MAIL_LOG_ONLY) the message is kept in `outbox()`; only development writes its body to the log.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger(__name__)




def public_url_adapter():
    """A URL adapter for the site's own address, PUBLIC_BASE_URL (whatever the request's Host)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    return current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")


def public_url(endpoint: str, **values) -> str:
    """An absolute link for an email, always on PUBLIC_BASE_URL and never on the request's Host
    (a forged Host header must not be able to point a reset or invitation link elsewhere)."""
    return public_url_adapter().build(endpoint, values, force_external=True)


def send_mail(to: str, subject: str, body: str, purpose: str = "notification", must_queue: bool = True,
              attachments: list[tuple[str, str, str]] | None = None) -> None:
    """Queue an email to one address once the current transaction commits. Nothing secret in
    `body` or `attachments` (both are kept in the job data): a secret link goes through
    `send_account_mail`. `attachments` are text files: (filename, mimetype, text), such as
    ("interview.ics", "text/calendar; method=REQUEST", ics).
    Raises JobsUnavailable at once if the job queue cannot be reached, unless `must_queue` is
    False (the change stands without its email: see unit_of_work.flash_when_committed)."""
    if attachments:
        _when_committed(deliver_mail, to, subject, body, purpose, [list(a) for a in attachments],
                        check_queue=must_queue)
    else:
        _when_committed(deliver_mail, to, subject, body, purpose, check_queue=must_queue)


def send_account_mail(purpose: str, record_id: int) -> None:
    """Queue an email with a secret link (academy.auth.emails.PURPOSES), once the current
    transaction commits; the job reads the record and makes the link itself."""
    from academy.auth.emails import PURPOSES, deliver_account_mail

    if purpose not in PURPOSES:
        raise ValueError(f"unknown account mail {purpose!r}")
    _when_committed(deliver_account_mail, purpose, record_id)


def _when_committed(func, *args, check_queue: bool = True) -> None:
    from academy.unit_of_work import enqueue_after_commit

    enqueue_after_commit(func, *args, check_queue=check_queue, queue="default", description="Send email")


def deliver_mail(to: str, subject: str, body: str, purpose: str = "notification",
                 attachments: list | None = None) -> None:
    """Job: hand the message to SMTP, or keep it in the outbox where no mail server is configured."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for filename, mimetype, text in attachments or ():
        _attach_text(message, filename, mimetype, text)
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


def _attach_text(message: EmailMessage, filename: str, mimetype: str, text: str) -> None:
    """A text attachment: "text/calendar; method=REQUEST" gives subtype calendar, params method=REQUEST."""
    kind, _, rest = mimetype.partition(";")
    maintype, _, subtype = kind.strip().partition("/")
    if maintype != "text":
        raise ValueError(f"only text attachments: {mimetype!r}")
    params = dict(part.strip().split("=", 1) for part in rest.split(";") if "=" in part)
    message.add_attachment(text, subtype=subtype, filename=filename, params=params)


def outbox() -> list[EmailMessage]:
    """Messages 'sent' without a mail server, oldest first (development and tests)."""
    return current_app.extensions.setdefault("mail_outbox", [])
