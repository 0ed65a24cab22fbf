"""Who may open a workplace's portal: its registered managers fully, HCPA staff and admins read-only.

Every portal view loads its workplace through `get_portal_workplace_or_404` (role AND ownership),
or a record scoped to it through a loader that calls it (`get_vacancy_or_404`, `get_employment_or_404`):
- applicants and care workers: 403 (role_required semantics);
- a manager of another workplace: 404, whatever the URL (never reveal that it exists);
- HCPA staff and admins: may open any workplace's pages, but only to read; their POSTs are 403.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user, login_required

from academy.auth.access import STAFF_ROLES, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.workplaces.directory import get_workplace_or_404
from academy.workplaces.models import Workplace

PORTAL_ROLES = (Role.manager, *STAFF_ROLES)


def can_change(user) -> bool:
    """Only a workplace's own registered manager changes its records from the portal."""
    return user.is_authenticated and user.role == Role.manager


def require_manager(user: User, workplace: Workplace) -> None:
    """Domain functions' check (raises NotAllowed): only the workplace's own registered managers
    change its staff records, vacancies and link requests."""
    if user.role != Role.manager or not any(w.id == workplace.id for w in user.workplaces):
        raise NotAllowed("Only this workplace's registered managers can change its staff records")


def get_portal_workplace_or_404(session, workplace_id: int, for_user, *, write: bool | None = None) -> Workplace:
    """The workplace `workplace_id` for `for_user`'s portal pages, or abort 401/403/404.

    `write` defaults to "this request is not a GET/HEAD"; writes are for managers only.
    Call inside a request (the view is also decorated with `portal_view`).
    """
    if not for_user.is_authenticated:
        abort(401)
    if for_user.role not in PORTAL_ROLES:
        refuse(403, for_user)
    workplace = get_workplace_or_404(session, workplace_id, for_user)
    if write is None:
        write = request.method not in ("GET", "HEAD")
    if write and not can_change(for_user):
        refuse(403, for_user)
    return workplace


def portal_view(view):
    """role_required(manager, HCPA staff, admin) for portal views (anonymous -> sign in, others 403)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in PORTAL_ROLES:
            refuse(403)
        return view(*args, **kwargs)

    wrapped.allowed_roles = PORTAL_ROLES
    return wrapped
