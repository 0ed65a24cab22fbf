"""The one audit helper: `audit("viewed_dbs", target=check, subject=applicant_user)`."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from academy.auth.accounts import find_user_by_email
from academy.auth.models import AuditEvent, User
from academy.extensions import db


# How an action reads to people (the audit log, a subject-access export) where its code would
# mislead: "passport share revoked" is logged when someone opens a link its owner revoked earlier.
ACTION_TEXT = {
    "passport_share_revoked": "revoked passport link opened",
    "passport_share_expired": "expired passport link opened",
    "passport_share_invalid": "passport link or code that does not exist tried",
    "viewed_audit_log": "viewed the audit log",
}


def action_text(action: str) -> str:
    """What happened, in words: ACTION_TEXT's wording, else the code read out ("viewed dbs")."""
    return ACTION_TEXT.get(action) or action.replace("_", " ")


def _target_parts(target) -> tuple[str | None, str | None]:
    if target is None:
        return None, None
    if isinstance(target, tuple):
        kind, ident = target
        return kind, str(ident)
    return type(target).__name__, str(getattr(target, "id", target))


def audit(action: str, target=None, subject: User | int | None = None, detail: str | None = None,
          actor: User | None = None) -> AuditEvent:
    """Record that the signed-in user (or `actor`) did `action` to `target`, in the caller's
    transaction: saved when the request, job or command commits, gone if it rolls back.

    `detail` must never hold personal data such as DBS numbers: name the record, not its content.
    """
    if db.session.new:
        db.session.flush()  # a record made in this unit of work gets its id before it is named here
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    target_type, target_id = _target_parts(target)
    subject_id = subject.id if isinstance(subject, User) else subject
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        subject_user_id=subject_id,
        detail=detail,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def audit_failed_sign_in(session, email: str | None) -> AuditEvent:
    """Record a failed sign-in about the account tried (its subject), so its owner's trail and the
    admins see attempts on it; an address with no account is 'unknown account', never stored."""
    tried = find_user_by_email(session, email) if email else None
    if tried is None:
        return audit("sign_in_failed", detail="unknown account")
    return audit("sign_in_failed", target=tried, subject=tried)
