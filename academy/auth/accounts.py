"""Account rules as plain functions: sign-up, confirmation, sign-in, invitations, resets."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import INVITED_ROLES, SELF_SERVICE_ROLES, Invitation, Role, User, new_session_token
from academy.auth.tokens import hash_token, make_confirmation_token, make_reset_token, new_one_time_token
from academy.extensions import utcnow
from academy.mail import send_mail

# Checked when no account matches, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$1TgaAoUyB6UTTnF5$9934e3aab6978ea4d95617efebe597eb9d87258466c4e031756ac910a126998af0cee2bb7d57c44dbca9c9181fed9d12dd2f477f2587874ccdbb6ad267ed932b"


def find_user_by_email(session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def sign_up(session, full_name: str, email: str, password: str, role: Role) -> User | None:
    """Create an unconfirmed applicant or care-worker account and email the confirmation link.

    If the email already has an account, nothing is created and its owner is emailed instead,
    so the page never reveals who has an account. Returns the new user, or None.
    """
    if role not in SELF_SERVICE_ROLES:
        raise NotAllowed("Only applicants and care workers can create their own accounts")
    email = email.strip().lower()
    if find_user_by_email(session, email) is not None:
        send_mail(email, "You already have a Good Care account",
                  "Someone tried to create a Good Care account with this email address.\n\n"
                  f"If it was you, sign in instead: {url_for('auth.sign_in', _external=True)}\n"
                  f"Forgotten your password? {url_for('auth.forgot_password', _external=True)}\n\n"
                  "If it was not you, you can ignore this email.")
        return None
    user = User(full_name=full_name.strip(), email=email, role=role)
    user.set_password(password)
    session.add(user)
    session.commit()
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    link = url_for("auth.confirm_email", token=make_confirmation_token(user), _external=True)
    days = current_app.config["CONFIRM_EMAIL_MAX_AGE"] // 86400
    send_mail(user.email, "Confirm your email address for Good Care",
              f"Hello {user.full_name},\n\nConfirm your email address to finish creating your account:\n"
              f"{link}\n\nThe link works for {days} days.")


def confirm_email(session, user: User) -> None:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        session.commit()


def authenticate(session, email: str, password: str) -> User | None:
    """The user with this email and password, or None. Takes about as long either way."""
    user = find_user_by_email(session, email or "")
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if user.check_password(password or "") else None


def record_sign_in(session, user: User) -> None:
    user.last_sign_in_at = utcnow()
    session.commit()


def end_all_sessions(session, user: User) -> None:
    """Make every existing session of this user invalid (sign-out, password change)."""
    user.session_token = new_session_token()
    session.commit()


def request_password_reset(session, email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return
    link = url_for("auth.reset_password", token=make_reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    send_mail(user.email, "Reset your Good Care password",
              f"Hello {user.full_name},\n\nUse this link to choose a new password:\n{link}\n\n"
              f"The link works once, for {minutes} minutes. If you did not ask for it, ignore this email.")


def reset_password(session, user: User, password: str) -> None:
    user.set_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # they proved they read this inbox
    user.session_token = new_session_token()
    session.commit()


def roles_inviter_may_grant(inviter: User) -> tuple[Role, ...]:
    if inviter.role == Role.admin:
        return INVITED_ROLES
    if inviter.role == Role.hcpa_staff:
        return (Role.manager, Role.hcpa_staff)
    return ()


def invite(session, inviter: User, email: str, full_name: str, role: Role, workplace=None) -> Invitation | None:
    """Invite someone to a staff role by a one-time emailed link.

    An existing manager invited to another workplace is linked to it at once (returns None).
    """
    if role not in roles_inviter_may_grant(inviter):
        raise NotAllowed(f"You cannot invite someone as {role.label}")
    if role == Role.manager and workplace is None:
        raise Invalid("Select the workplace this manager runs")
    email = email.strip().lower()
    existing = find_user_by_email(session, email)
    if existing is not None:
        if role == Role.manager and existing.role == Role.manager:
            if workplace not in existing.workplaces:
                existing.workplaces.append(workplace)
            session.commit()
            send_mail(email, f"You can now manage {workplace.name} on Good Care",
                      f"Hello {existing.full_name},\n\n{inviter.full_name} has given you access to "
                      f"{workplace.name}. Sign in to see it: {url_for('auth.sign_in', _external=True)}")
            return None
        raise Invalid("There is already an account with this email address")
    token, token_hash = new_one_time_token()
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    invitation = Invitation(
        email=email, full_name=full_name.strip(), role=role,
        workplace_id=workplace.id if workplace is not None else None,
        token_hash=token_hash, invited_by_id=inviter.id, expires_at=utcnow() + timedelta(days=days),
    )
    session.add(invitation)
    session.commit()
    link = url_for("auth.accept_invitation", token=token, _external=True)
    where = f" for {workplace.name}" if workplace is not None else ""
    send_mail(email, "You have been invited to Good Care",
              f"Hello {invitation.full_name},\n\n{inviter.full_name} has invited you to Good Care as "
              f"{role.label}{where}.\n\nCreate your account with this link (it works once, for {days} days):\n{link}")
    return invitation


def find_invitation(session, token: str) -> Invitation:
    """The invitation behind a link, or Invalid with the reason to show."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise Invalid("This invitation link is not valid. Check you copied the whole link from the email.")
    if invitation.accepted_at is not None:
        raise Invalid("This invitation has already been used. Sign in with the account it created.")
    if invitation.cancelled_at is not None:
        raise Invalid("This invitation has been cancelled. Ask the person who invited you if you still need an account.")
    if invitation.is_expired:
        raise Invalid("This invitation has expired. Ask the person who invited you to send a new one.")
    return invitation


def accept_invitation(session, token: str, full_name: str, password: str) -> User:
    invitation = find_invitation(session, token)
    if find_user_by_email(session, invitation.email) is not None:
        raise Invalid("There is already an account with this email address. Sign in instead.")
    user = User(full_name=full_name.strip(), email=invitation.email, role=invitation.role,
                email_confirmed_at=utcnow())
    user.set_password(password)
    if invitation.workplace is not None:
        user.workplaces.append(invitation.workplace)
    session.add(user)
    session.flush()
    invitation.accepted_at = utcnow()
    invitation.accepted_user_id = user.id
    session.commit()
    return user
