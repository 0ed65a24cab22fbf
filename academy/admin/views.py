"""Administration: users and roles, the audit log, refused requests, and invitations to staff roles."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import joinedload

from academy.admin.blueprint import bp
from academy.auth import accounts, lifecycle
from academy.auth.access import STAFF_ROLES, DomainError, NotAllowed, refuse, role_required
from academy.auth.audit import action_text, audit
from academy.auth.forms import ChangeRoleForm, ConfirmForm, InviteForm
from academy.auth.models import AuditEvent, Invitation, Role, User
from academy.extensions import db
from academy.forms import flash_refusal, form_error, status_for
from academy.pagination import paginate, requested_page
from academy.workplaces.models import Workplace


bp.add_app_template_filter(action_text, "audit_action")


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
    _audit_viewing(filters, action)  # after rendering: the commit would expire the events shown
    return body, status_for(form)


AUDIT_LOG_VIEWS = "audit_log_views"  # in the session: the views of the log already recorded


def _audit_viewing(filters: dict, action: str) -> None:
    """Record viewing the audit log once for each thing looked at in a signed-in session (the whole
    log, or one person's records, or one action), never again for its next pages or a reload: the
    log stays readable, and whose records an admin looked at is still known."""
    subject, actor = filters.get("subject"), filters.get("actor")
    key = f"{subject.id if subject else ''}/{actor.id if actor else ''}/{action}"
    seen = session.get(AUDIT_LOG_VIEWS, [])
    if key in seen:
        return
    detail = ", ".join(part for part in (f"subject={subject.id}" if subject else "", f"actor={actor.id}" if actor else "",
                                         f"action={action}" if action else "") if part)
    audit("viewed_audit_log", detail=detail or None)  # ids in the detail: not itself a row about the person
    session[AUDIT_LOG_VIEWS] = (seen + [key])[-20:]


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
            form_error(form, "email", problem)
        else:
            audit("invited_user", target=invitation or ("Workplace", workplace.id),
                  detail=f"role={role.value}")
            flash(f"Invitation sent to {form.email.data}." if invitation else
                  f"{form.email.data} already had an account and now manages {workplace.name}.", "success")
            return redirect(url_for("admin.invite"))
    return render_template("admin/invite.html", form=form), status_for(form)


# --- an account's lifecycle: deactivate, reactivate, change role -------------------------------

def _someone_else_or_403(user: User) -> None:
    if user.id == current_user.id:
        refuse(403)  # nobody changes their own account here (another admin does)


@bp.get("/users/<int:user_id>")
@role_required(Role.admin)
def user(user_id: int):
    """One account: its role, status and two-step sign-in, with what an admin may change."""
    shown = lifecycle.get_user_or_404(db.session, user_id, current_user)
    return render_template("admin/user.html", user=shown, own=shown.id == current_user.id,
                           reactivate_form=ConfirmForm())


def _change_account(shown: User, change, action: str, done: str) -> None:
    """Apply a lifecycle change to someone else's account: audited and flashed, or refused."""
    try:
        change(db.session, current_user, shown)
    except NotAllowed:
        refuse(403)
    except DomainError as problem:
        flash_refusal(problem, "info")
    else:
        audit(action, target=shown, subject=shown)
        flash(done, "success")


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@role_required(Role.admin)
def deactivate_user(user_id: int):
    """Confirm, then stop the person signing in and end their sessions."""
    shown = lifecycle.get_user_or_404(db.session, user_id, current_user)
    _someone_else_or_403(shown)
    form = ConfirmForm()
    form.submit.label.text = "Deactivate account"
    if form.validate_on_submit():
        _change_account(shown, lifecycle.deactivate, "deactivated_user",
                        f"{shown.full_name}'s account is deactivated and they have been signed out.")
        return redirect(url_for("admin.user", user_id=shown.id))
    return render_template("admin/deactivate.html", user=shown, form=form)


@bp.route("/users/<int:user_id>/two-step/reset", methods=["GET", "POST"])
@role_required(Role.admin)
def reset_two_step(user_id: int):
    """Confirm, then turn off someone's two-step sign-in (lost phone and recovery codes)."""
    shown = lifecycle.get_user_or_404(db.session, user_id, current_user)
    _someone_else_or_403(shown)
    if not shown.two_step_enabled:
        abort(404)
    form = ConfirmForm()
    form.submit.label.text = "Reset two-step sign-in"
    if form.validate_on_submit():
        lifecycle.reset_two_step(db.session, current_user, shown)
        audit("two_step_reset", target=shown, subject=shown)
        flash(f"{shown.full_name}'s two-step sign-in is reset and they have been signed out.", "success")
        return redirect(url_for("admin.user", user_id=shown.id))
    return render_template("admin/reset_two_step.html", user=shown, form=form)


@bp.post("/users/<int:user_id>/reactivate")
@role_required(Role.admin)
def reactivate_user(user_id: int):
    shown = lifecycle.get_user_or_404(db.session, user_id, current_user)
    _someone_else_or_403(shown)
    if ConfirmForm().validate_on_submit():
        _change_account(shown, lifecycle.reactivate, "reactivated_user", f"{shown.full_name}'s account is active again.")
    return redirect(url_for("admin.user", user_id=shown.id))


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@role_required(Role.admin)
def change_role(user_id: int):
    """Give someone another role (not yourself); ends their sessions."""
    shown = lifecycle.get_user_or_404(db.session, user_id, current_user)
    _someone_else_or_403(shown)
    form = ChangeRoleForm(shown.role)
    if form.validate_on_submit():
        try:
            old = lifecycle.change_role(db.session, current_user, shown, Role(form.role.data))
        except NotAllowed:
            refuse(403)
        except DomainError as problem:
            form_error(form, "role", problem)
        else:
            audit("changed_role", target=shown, subject=shown, detail=f"from={old.value} to={shown.role.value}")
            flash(f"{shown.full_name} is now {shown.role.label} and has been signed out.", "success")
            return redirect(url_for("admin.user", user_id=shown.id))
    return render_template("admin/change_role.html", user=shown, form=form), status_for(form)


# --- invitations: resend, cancel -----------------------------------------------------------------

@bp.get("/invitations")
@role_required(Role.admin)
def invitations():
    """Invitations not yet used or cancelled, newest first."""
    statement = (select(Invitation).where(Invitation.accepted_at.is_(None), Invitation.cancelled_at.is_(None))
                 .options(joinedload(Invitation.workplace))
                 .order_by(Invitation.created_at.desc(), Invitation.id.desc()))
    page = paginate(db.session, statement, requested_page(), 50)
    return render_template("admin/invitations.html", page=page, form=ConfirmForm())


@bp.post("/invitations/<int:invitation_id>/resend")
@role_required(Role.admin)
def resend_invitation(invitation_id: int):
    """A new link and expiry, emailed; the old link stops working."""
    invitation = lifecycle.get_open_invitation_or_404(db.session, invitation_id, current_user)
    if ConfirmForm().validate_on_submit():
        lifecycle.resend_invitation(db.session, current_user, invitation)
        audit("resent_invitation", target=invitation)
        flash(f"A new invitation link has been sent to {invitation.email}. The old link no longer works.", "success")
    return redirect(url_for("admin.invitations"))


@bp.route("/invitations/<int:invitation_id>/cancel", methods=["GET", "POST"])
@role_required(Role.admin)
def cancel_invitation(invitation_id: int):
    invitation = lifecycle.get_open_invitation_or_404(db.session, invitation_id, current_user)
    form = ConfirmForm()
    form.submit.label.text = "Cancel invitation"
    if form.validate_on_submit():
        lifecycle.cancel_invitation(db.session, current_user, invitation)
        audit("cancelled_invitation", target=invitation)
        flash(f"The invitation to {invitation.email} is cancelled: its link no longer works.", "success")
        return redirect(url_for("admin.invitations"))
    return render_template("admin/cancel_invitation.html", invitation=invitation, form=form)


# --- managers of a workplace ---------------------------------------------------------------------

@bp.route("/workplaces/<int:workplace_id>/managers/<int:user_id>/remove", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def remove_manager(workplace_id: int, user_id: int):
    """Confirm, then the manager no longer manages this workplace; ends their sessions."""
    workplace = db.session.get(Workplace, workplace_id)
    manager = db.session.get(User, user_id)
    if workplace is None or manager is None or manager not in workplace.managers:
        abort(404)
    form = ConfirmForm()
    form.submit.label.text = "Remove manager"
    if form.validate_on_submit():
        lifecycle.remove_manager(db.session, current_user, workplace, manager)
        audit("removed_manager", target=workplace, subject=manager)
        flash(f"{manager.full_name} no longer manages {workplace.name} and has been signed out.", "success")
        return redirect(url_for("workplaces.show", workplace_id=workplace.id))
    return render_template("admin/remove_manager.html", workplace=workplace, manager=manager, form=form)
