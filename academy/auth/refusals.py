"""The security log of refused requests: a 403, or the 404 of an ownership check, for a signed-in
account. Each is an audit_events row (action `refused_access`, detail "<code> <METHOD> <endpoint>",
the record asked for as its target, no personal data) and a line on the `academy.security` logger;
admins see the accounts with the most (a burst suggests someone probing for records they may not see).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import case, desc, func, inspect, select

from academy.auth.models import AuditEvent, User
from academy.extensions import db, utcnow

REFUSED_ACCESS = "refused_access"
# An account refused this many times within BURST_WINDOW is flagged on the admin page.
BURST_COUNT = 20
BURST_WINDOW = timedelta(minutes=10)

security_log = logging.getLogger("academy.security")


def _actor_id(actor) -> int | None:
    """The signed-in account's id, read from its identity alone: touching any other attribute could
    load it, and so flush the request's unfinished work or fail with the request's session.
    None for an anonymous visitor (not a mapped User)."""
    if actor is None:
        actor = current_user
    actor = getattr(actor, "_get_current_object", lambda: actor)()
    state = inspect(actor, raiseerr=False)
    if state is None or not state.identity:
        return None
    return int(state.identity[0])


def _target(target) -> tuple[str | None, str | None]:
    if isinstance(target, tuple):
        kind, ident = target
        return kind, str(ident)[:60]
    return None, None


def record_refusal(code: int, actor=None, target: tuple[str, object] | None = None) -> None:
    """Count a refused request in the security log, once per request, for signed-in accounts only
    (an anonymous 404 of an unknown address is noise).

    Written on a connection and transaction of its own: it neither commits the request's unfinished
    work nor depends on it, and any failure (a session in a failed state, the database away) is
    logged and swallowed, so the refusal the user gets is still the 403/404, never a 500."""
    try:
        if not has_request_context() or g.get("_refusal_recorded"):
            return
        actor_id = _actor_id(actor)
        if actor_id is None:
            return
        g._refusal_recorded = True
        detail = f"{code} {request.method} {request.endpoint or '-'}"[:200]
        security_log.warning("Refused request: %s by user %s", detail, actor_id)
        target_type, target_id = _target(target)
        if _sqlite_write_in_progress():
            security_log.warning("Refused request not counted: the request holds SQLite's write lock")
            return
        with db.engine.begin() as connection:
            connection.execute(AuditEvent.__table__.insert().values(
                occurred_at=utcnow(), actor_id=actor_id, action=REFUSED_ACCESS, target_type=target_type,
                target_id=target_id, detail=detail, ip_address=(request.remote_addr or "")[:45] or None))
    except Exception as error:  # noqa: BLE001 - recording must never turn a refusal into a 500
        security_log.warning("Could not record a refused request: %s", type(error).__name__)


def _sqlite_write_in_progress() -> bool:
    """SQLite (development, tests) has one writer: if the request's session already wrote, a second
    connection would wait for it and fail. PostgreSQL has no such limit."""
    session = db.session()
    if db.engine.dialect.name != "sqlite" or not session.in_transaction():
        return False
    try:
        return bool(session.connection().connection.dbapi_connection.in_transaction)
    except Exception:  # noqa: BLE001 - a session awaiting rollback: its database transaction has ended
        return False


@dataclass
class RefusalCount:
    """How often one account was refused in the last 10 minutes, hour and day."""

    user: User
    in_window: int
    in_hour: int
    in_day: int
    latest: datetime

    @property
    def is_burst(self) -> bool:
        return self.in_window >= BURST_COUNT


def _within(since: datetime):
    return func.sum(case((AuditEvent.occurred_at >= since, 1), else_=0))


def busiest_accounts(session, now: datetime | None = None, limit: int = 50) -> list[RefusalCount]:
    """Accounts refused in the last 24 hours: bursts first, then most in the last hour (two queries)."""
    now = now or utcnow()
    window, hour, day = _within(now - BURST_WINDOW).label("window"), _within(now - timedelta(hours=1)).label("hour"), \
        func.count(AuditEvent.id).label("day")
    rows = session.execute(
        select(AuditEvent.actor_id, window, hour, day, func.max(AuditEvent.occurred_at).label("latest"))
        .where(AuditEvent.action == REFUSED_ACCESS, AuditEvent.occurred_at >= now - timedelta(days=1),
               AuditEvent.actor_id.is_not(None))
        .group_by(AuditEvent.actor_id)
        .order_by(desc("window"), desc("hour"), desc("day"), AuditEvent.actor_id)
        .limit(limit)).all()
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_([r.actor_id for r in rows])))}
    return [RefusalCount(users[r.actor_id], int(r.window or 0), int(r.hour or 0), int(r.day), r.latest)
            for r in rows if r.actor_id in users]
