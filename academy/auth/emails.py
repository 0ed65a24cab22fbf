"""Emails that carry a secret link (confirmation, password reset, invitation), written by the job.

`academy.mail.send_account_mail(purpose, record_id)` queues `deliver_account_mail` with nothing
but the purpose and an id; the link and its token are made here, when the job runs, so no token
or link is ever in Redis job data. Links are built on PUBLIC_BASE_URL (academy.mail.public_url).

A confirmation goes to an address nobody has confirmed yet, so it never repeats what was typed
at sign-up (the name): otherwise anyone could send their own words to a stranger's inbox.
"""
from __future__ import annotations

from flask import current_app

from academy.auth.models import Invitation, User
from academy.auth.tokens import make_confirmation_token, make_reset_token, new_one_time_token
from academy.extensions import db
from academy.mail import deliver_mail, public_url
from academy.unit_of_work import job


def _confirmation(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.email_confirmed:
        return None
    link = public_url("auth.confirm_email", token=make_confirmation_token(user))
    days = current_app.config["CONFIRM_EMAIL_MAX_AGE"] // 86400
    return (user.email, f"Confirm your email address for {current_app.config['SERVICE_NAME']}",
            f"Hello,\n\nConfirm your email address to finish creating your {current_app.config['SERVICE_NAME']} "
            f"account:\n{link}\n\nThe link works for {days} days. If you did not create an account, "
            "ignore this email: no account is made until the address is confirmed.")


def _account_exists(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        return None
    return (user.email, f"You already have a {current_app.config['SERVICE_NAME']} account",
            f"Someone tried to create a {current_app.config['SERVICE_NAME']} account with this email address.\n\n"
            f"If it was you, sign in instead: {public_url('auth.sign_in')}\n"
            f"Forgotten your password? {public_url('auth.forgot_password')}\n\n"
            "If it was not you, you can ignore this email.")


def _password_reset(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    link = public_url("auth.reset_password", token=make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    return (user.email, f"Reset your {current_app.config['SERVICE_NAME']} password",
            f"Hello {user.full_name},\n\nUse this link to choose a new password:\n{link}\n\n"
            f"The link works once, for {minutes} minutes. If you did not ask for it, ignore this email.")


def _invitation(invitation_id: int):
    """A fresh token each time the job runs (only its hash is stored), so a resend or a retry
    leaves only the link in the latest email working."""
    invitation = db.session.get(Invitation, invitation_id)
    if (invitation is None or invitation.accepted_at is not None or invitation.is_expired
            or invitation.cancelled_at is not None):
        return None
    token, invitation.token_hash = new_one_time_token()
    to, name, role = invitation.email, invitation.full_name, invitation.role.label
    inviter = invitation.invited_by.full_name
    where = f" for {invitation.workplace.name}" if invitation.workplace is not None else ""
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    link = public_url("auth.accept_invitation", token=token)
    return (to, f"You have been invited to {current_app.config['SERVICE_NAME']}",
            f"Hello {name},\n\n{inviter} has invited you to {current_app.config['SERVICE_NAME']} as "
            f"{role}{where}.\n\nCreate your account with this link (it works once, for {days} days):\n{link}")


PURPOSES = {
    "confirm_email": _confirmation,
    "account_exists": _account_exists,
    "password_reset": _password_reset,
    "invitation": _invitation,
}


@job
def deliver_account_mail(purpose: str, record_id: int) -> None:
    """Job: write the email for `purpose` about record `record_id` and send it. Nothing is sent
    if the record no longer needs it (confirmed already, deactivated, invitation used or expired)."""
    message = PURPOSES[purpose](record_id)
    db.session.commit()  # an invitation's new token is saved before its link goes out
    if message is not None:
        deliver_mail(*message, purpose=purpose)
