"""The one way the service sends email: `send_mail(to, subject, body)`.

Delivery runs as a job on the `default` queue. Without MAIL_SERVER (development, tests) the
message is written to the log instead, and tests read it from `outbox()`.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger(__name__)


def public_url(endpoint: str, **values) -> str:
    """An absolute link for an email, always on PUBLIC_BASE_URL and never on the request's Host
    (a forged Host header must not be able to point a reset or invitation link elsewhere)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def send_mail(to: str, subject: str, body: str) -> None:
    """Queue an email to one address."""
    from academy.jobs import enqueue

    enqueue(deliver_mail, to, subject, body, queue="default", description="Send email")


def deliver_mail(to: str, subject: str, body: str) -> None:
    """Job: hand the message to SMTP, or log it where no mail server is configured."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config.get("MAIL_SERVER"):
        current_app.extensions.setdefault("mail_outbox", []).append(message)
        if not current_app.testing:
            log.info("Email (not sent: no MAIL_SERVER)\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    log.info("Email sent: subject=%r", subject)


def outbox() -> list[EmailMessage]:
    """Messages 'sent' without a mail server, oldest first (development and tests)."""
    return current_app.extensions.setdefault("mail_outbox", [])
