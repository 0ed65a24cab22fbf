"""Administration: users and roles, the audit log, refused requests, and invitations to staff roles."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import false, func, or_, select

from academy.auth import accounts
from academy.auth.access import STAFF_ROLES, DomainError, role_required
from academy.auth.audit import audit
from academy.auth.forms import InviteForm
from academy.auth.models import AuditEvent, Role, User
from academy.extensions import db
from academy.pagination import paginate, requested_page
from academy.workplaces.models import Workplace

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@role_required(Role.admin)
def users():
    """Everyone with an account, filterable by role and searchable by name or email."""
    statement = select(User).order_by(User.full_name)
    role = request.args.get("role")
    if role in Role._value2member_map_:
        statement = statement.where(User.role == Role(role))
    query = (request.args.get("q") or "").strip()
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(or_(User.email.ilike(like), User.full_name.ilike(like)))
    page = paginate(db.session, statement, requested_page(), 50)
    return render_template("admin/users.html", page=page, roles=list(Role), role=role, query=query)


@bp.get("/audit")
@role_required(Role.admin)
def audit_log():
    """The audit log, newest first; filter by the person a record is about (subject) and by who
    acted (actor), by id (links in the table) or by email address (the form), and by action.
    A fixed number of queries whatever the number of events (actor and subject are joined)."""
    from academy.privacy.forms import AuditFilterForm

    form = AuditFilterForm(request.args)
    form.validate()
    statement = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    filters = {}
    unknown = []
    for name, field, column in (("actor", form.by, AuditEvent.actor_id),
                                ("subject", form.person, AuditEvent.subject_user_id)):
        value = request.args.get(name, "")
        found = None
        if value.isdigit():
            found = db.session.get(User, int(value))
        elif field.data and not field.errors:
            found = db.session.scalar(select(User).where(func.lower(User.email) == field.data))
            if found is None:
                unknown.append(field.label.text)
        if found is not None:
            filters[name] = found
            statement = statement.where(column == found.id)
        elif value.isdigit() or field.data:
            statement = statement.where(false())
    action = (form.action.data or "").strip() if not form.action.errors else ""
    if action:
        statement = statement.where(AuditEvent.action == action.replace(" ", "_"))
    page = paginate(db.session, statement, requested_page(), 50)
    body = render_template("admin/audit_log.html", page=page, filters=filters, action=action, form=form,
                           unknown=unknown)
    audit("viewed_audit_log")  # after rendering: the commit would expire the events shown
    return body, 422 if form.errors else 200


@bp.get("/refusals")
@role_required(Role.admin)
def refusals():
    """Accounts most often refused (403s and ownership 404s) in the last day, bursts first."""
    from academy.auth import refusals as security

    return render_template("admin/refusals.html", counts=security.busiest_accounts(db.session),
                           burst_count=security.BURST_COUNT,
                           burst_minutes=int(security.BURST_WINDOW.total_seconds() // 60))


@bp.route("/invite", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def invite():
    """Invite a registered manager, an HCPA officer or (admins only) another admin."""
    roles = accounts.roles_inviter_may_grant(current_user)
    workplaces = db.session.scalars(select(Workplace).where(Workplace.is_active).order_by(Workplace.name)).all()
    form = InviteForm(roles, workplaces)
    if request.method == "GET":
        preset = request.args.get("workplace", "")
        if preset.isdigit():
            form.workplace_id.data = int(preset)
            form.role.data = Role.manager.value
    if form.validate_on_submit():
        role = Role(form.role.data)
        workplace = db.session.get(Workplace, form.workplace_id.data) if role == Role.manager else None
        if role == Role.manager and workplace is None:
            abort(404)
        try:
            invitation = accounts.invite(db.session, current_user, form.email.data, form.full_name.data,
                                         role, workplace)
        except DomainError as problem:
            form.email.errors = list(form.email.errors) + [str(problem)]
        else:
            audit("invited_user", target=invitation or ("Workplace", workplace.id),
                  detail=f"role={role.value}")
            flash(f"Invitation sent to {form.email.data}." if invitation else
                  f"{form.email.data} already had an account and now manages {workplace.name}.", "success")
            return redirect(url_for("admin.invite"))
    return render_template("admin/invite.html", form=form), 422 if form.errors else 200
