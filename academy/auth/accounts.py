"""Account rules as plain functions: sign-up, confirmation, sign-in, invitations, resets."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import INVITED_ROLES, SELF_SERVICE_ROLES, Invitation, Role, User, new_session_token
from academy.auth.passwords import dummy_hash, verify_password
from academy.auth.tokens import hash_token, new_one_time_token
from academy.extensions import utcnow
from academy.mail import public_url, send_account_mail, send_mail


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
    existing = find_user_by_email(session, email)
    if existing is not None:
        send_account_mail("account_exists", existing.id)
        session.flush()
        return None
    user = User(full_name=full_name.strip(), email=email, role=role)
    user.set_password(password)
    session.add(user)
    session.flush()
    send_confirmation(session, user)
    return user


def send_confirmation(session, user: User) -> None:
    """Email the confirmation link (made by the mail job: academy.auth.emails)."""
    send_account_mail("confirm_email", user.id)
    session.flush()


def confirm_email(session, user: User) -> None:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        session.flush()


def authenticate(session, email: str, password: str) -> User | None:
    """The user with this email and password, or None. Takes about as long either way.

    A password kept under an older hash (scrypt, or argon2 with weaker parameters) is hashed
    again as argon2id now that we have it."""
    user = find_user_by_email(session, email or "")
    if user is None:
        verify_password(dummy_hash(), password or "")  # a wrong email costs what a wrong password does
        return None
    if not user.check_password(password or ""):
        return None
    if user.password_needs_rehash:
        user.set_password(password)
        session.flush()
    return user


def record_sign_in(session, user: User) -> None:
    user.last_sign_in_at = utcnow()
    session.flush()


def end_all_sessions(session, user: User) -> None:
    """Make every existing session of this user invalid (sign-out, password change)."""
    user.session_token = new_session_token()
    session.flush()


def request_password_reset(session, email: str) -> None:
    """Email a reset link if the account exists; say nothing either way."""
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return
    send_account_mail("password_reset", user.id)  # the job makes the link (academy.auth.emails)


def reset_password(session, user: User, password: str) -> None:
    user.set_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()  # they proved they read this inbox
    user.session_token = new_session_token()
    session.flush()


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
            send_mail(email, f"You can now manage {workplace.name} on {current_app.config['SERVICE_NAME']}",
                      f"Hello {existing.full_name},\n\n{inviter.full_name} has given you access to "
                      f"{workplace.name}. Sign in to see it: {public_url('auth.sign_in')}")
            session.flush()
            return None
        raise Invalid("There is already an account with this email address")
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    # The link's token is made by the mail job, which stores its hash (academy.auth.emails); until
    # then the hash is of a token nobody was given.
    _unused, placeholder_hash = new_one_time_token()
    invitation = Invitation(
        email=email, full_name=full_name.strip(), role=role,
        workplace_id=workplace.id if workplace is not None else None,
        token_hash=placeholder_hash, invited_by_id=inviter.id, expires_at=utcnow() + timedelta(days=days),
    )
    session.add(invitation)
    session.flush()
    send_account_mail("invitation", invitation.id)
    session.flush()
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
    session.flush()
    return user
