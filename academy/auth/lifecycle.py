"""An account's life after it is made: deactivate and reactivate, change role, resend or cancel
an invitation, remove a manager from a workplace. Each change to a person ends their sessions."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import delete

from academy.auth.access import STAFF_ROLES, Invalid, NotAllowed, refuse
from academy.auth.models import Invitation, RecoveryCode, Role, User, new_session_token
from academy.auth.tokens import new_one_time_token
from academy.extensions import utcnow
from academy.mail import send_account_mail


def get_user_or_404(session, user_id: int, for_user: User) -> User:
    """An account, for an administrator (the only role that manages accounts); 404 if there is none."""
    if for_user.role != Role.admin:
        refuse(404, for_user, ("User", user_id))
    return session.get(User, user_id) or abort(404)


def get_open_invitation_or_404(session, invitation_id: int, for_user: User) -> Invitation:
    """An invitation still waiting to be accepted, for an administrator; 404 once accepted or cancelled."""
    if for_user.role != Role.admin:
        refuse(404, for_user, ("Invitation", invitation_id))
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.accepted_at is not None or invitation.cancelled_at is not None:
        abort(404)
    return invitation


def _admin_changing_someone_else(actor: User, user: User | None = None) -> None:
    if actor.role != Role.admin:
        raise NotAllowed("Only administrators can change accounts")
    if user is not None and user.id == actor.id:
        raise NotAllowed("You cannot change your own account. Ask another administrator.")


def _end_sessions(user: User) -> None:
    user.session_token = new_session_token()


def deactivate(session, actor: User, user: User) -> None:
    """Stop `user` signing in (their data stays); signs them out everywhere."""
    _admin_changing_someone_else(actor, user)
    if not user.is_active_account:
        raise Invalid("This account is already deactivated")
    user.is_active_account = False
    user.deactivated_at = utcnow()
    _end_sessions(user)
    session.flush()


def reactivate(session, actor: User, user: User) -> None:
    _admin_changing_someone_else(actor, user)
    if user.is_active_account:
        raise Invalid("This account is already active")
    user.is_active_account = True
    user.deactivated_at = None
    _end_sessions(user)
    session.flush()


def change_role(session, actor: User, user: User, role: Role) -> Role:
    """Give `user` another role; returns the old one. A manager who stops being one no longer
    manages any workplace; a new HCPA officer or admin sets up two-step at their next sign-in."""
    _admin_changing_someone_else(actor, user)
    if role == user.role:
        raise Invalid("Choose a role the person does not already have")
    old = user.role
    if old == Role.manager:
        user.workplaces.clear()
    user.role = role
    _end_sessions(user)
    session.flush()
    return old


def reset_two_step(session, actor: User, user: User) -> None:
    """For someone who lost both their app and their recovery codes: two-step is off until they
    set it up again (HCPA staff and admins must, at their next sign-in). Signs them out everywhere."""
    _admin_changing_someone_else(actor, user)
    if not user.two_step_enabled:
        raise Invalid("Two-step sign-in is not on for this account")
    user.totp_secret = None
    user.two_step_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _end_sessions(user)
    session.flush()


def _open_invitation(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise Invalid("This invitation has already been used")
    if invitation.cancelled_at is not None:
        raise Invalid("This invitation was cancelled. Send a new one instead.")


def resend_invitation(session, actor: User, invitation: Invitation) -> None:
    """A new link and a new expiry; the link sent before stops working."""
    _admin_changing_someone_else(actor)
    _open_invitation(invitation)
    invitation.token_hash = new_one_time_token()[1]  # the link sent before stops working now
    invitation.expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"])
    send_account_mail("invitation", invitation.id)  # the job makes the new link; queued on commit
    session.flush()


def cancel_invitation(session, actor: User, invitation: Invitation) -> None:
    """The invitation's link stops working."""
    _admin_changing_someone_else(actor)
    _open_invitation(invitation)
    invitation.cancelled_at = utcnow()
    session.flush()


def remove_manager(session, actor: User, workplace, manager: User) -> None:
    """`manager` no longer manages `workplace` (HCPA staff and admins); signs them out everywhere."""
    if actor.role not in STAFF_ROLES:
        raise NotAllowed("Only HCPA staff and administrators can remove a manager")
    if manager not in workplace.managers:
        raise Invalid("This person does not manage this workplace")
    workplace.managers.remove(manager)
    _end_sessions(manager)
    session.flush()
