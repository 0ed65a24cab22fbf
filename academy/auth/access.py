"""Access checks: `role_required(...)` for views; NotAllowed/Invalid for domain functions."""
from __future__ import annotations

from functools import wraps
from typing import NoReturn

from flask import abort
from flask_login import current_user, login_required

from academy.auth.models import Role


class DomainError(Exception):
    """A rule of the service refused the action; the message is fit to show on the page."""


class NotAllowed(DomainError):
    """The person may not do this."""


class Invalid(DomainError):
    """The values break a rule of the domain."""


def refuse(code: int = 404, actor=None, target: tuple[str, object] | None = None) -> NoReturn:
    """Abort with `code` (403: the role may not; 404: a record this user may not see) after counting
    the refusal in the security log (academy.auth.refusals; signed-in users only, never a 500).
    `actor` defaults to the signed-in user; `target` is ("Kind", id) of the record asked for."""
    from academy.auth.refusals import record_refusal

    record_refusal(code, actor, target)
    abort(code)


def get_record_for_roles_or_404(session, record_id, for_user, *, model, roles):
    """`model`'s row `record_id` for a user holding one of `roles` (who see every such row: HCPA's
    catalogues, rounds and polls); another role is refused (403, logged), an unknown id is a 404.
    What loaders such as polls.get_poll_or_404 load through (tests/unit/test_access_loaders.py)."""
    if for_user.role not in roles:
        refuse(403, for_user, (model.__name__, record_id))
    record = session.get(model, record_id)
    if record is None:
        abort(404)
    return record


def role_required(*roles: Role):
    """Let the view run only for signed-in users holding one of `roles`; others get 403.

    Anonymous visitors are sent to sign in first (Flask-Login's login_required).
    """
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                refuse(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


STAFF_ROLES = (Role.hcpa_staff, Role.admin)
