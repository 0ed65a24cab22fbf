"""Erasure: a person asks for their account to be deleted, HCPA staff confirm, and the service
removes what it need not keep and keeps (and says why) what it must.

The account row itself stays as an anonymised tombstone (no name, no email, unusable password,
switched off), because other records point at it by id; nothing in it identifies the person.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import func, or_, select, update

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Invitation, Role, User
from academy.extensions import utcnow
from academy.privacy.models import ErasureRequest, ErasureStatus, Redaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    what: str
    why: str


WE_DELETE = (
    Item("Your name, email address and password", "We no longer need them once your account is closed."),
    Item("Your application: your answers, contact details and CV",
         "They were only needed to help you find work in care."),
    Item("HCPA's notes, values assessment and safer-recruitment checks (DBS, health, right to work, references) "
         "on an application that did not lead to a job", "They were only needed to decide on your application."),
    Item("Your check-in comments and any training passport links you shared",
         "Links stop working at once; your comments are removed."),
)

WE_KEEP = (
    Item("Employment records at the workplaces you worked at (dates and job role)",
         "Care providers must keep staff records (Health and Social Care Act 2008 (Regulated Activities) "
         "Regulations 2014, regulations 17 and 19)."),
    Item("Your training records, qualifications and Care Certificate progress",
         "Your employer must be able to show the training its staff have had; these stay with your "
         "employment record, not with an account."),
    Item("If you were placed in a job: the safer-recruitment checks made before you started",
         "Employers must hold the Schedule 3 information about the people they employ."),
    Item("Dates and stages of your application, without your name or anything you told us",
         "To count how many people apply and get jobs (the outcome statistics never name anyone)."),
    Item("The audit log of who looked at or changed your records",
         "To show that your information was handled properly; it holds no details of the records."),
)


def _tell(to: str, subject: str, body: str) -> bool:
    """Email the person; if the mail queue is down the request still stands (the page says it)."""
    from academy.jobs import JobsUnavailable
    from academy.mail import send_mail

    try:
        send_mail(to, subject, body)
    except JobsUnavailable:
        log.warning("Erasure email not queued (background service unavailable): %s", subject)
        return False
    return True


def pending_request(session, user: User) -> ErasureRequest | None:
    return session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                       ErasureRequest.status == ErasureStatus.pending))


def request_erasure(session, user: User) -> ErasureRequest:
    """Record that `user` asks for their account to be deleted, and tell them we have it."""
    if pending_request(session, user) is not None:
        raise Invalid("You have already asked us to delete your account")
    request = ErasureRequest(user_id=user.id, status=ErasureStatus.pending, requested_at=utcnow())
    session.add(request)
    session.commit()
    _tell(user.email, "We have your request to delete your account",
              f"Hello {user.full_name},\n\nWe have your request to delete your {current_app.config['SERVICE_NAME']} "
              "account. HCPA will confirm it within one month and email you when it is done.\n\n"
              "If you did not ask for this, sign in and cancel the request from your account page.\n")
    return request


def cancel_erasure(session, request: ErasureRequest, by: User) -> None:
    if request.user_id != by.id:
        raise NotAllowed("You can only cancel your own request")
    if request.status != ErasureStatus.pending:
        raise Invalid("This request has already been dealt with")
    request.status, request.decided_at, request.decided_by_id = ErasureStatus.cancelled, utcnow(), by.id
    session.commit()


def confirm_erasure(session, request: ErasureRequest, by: User) -> bool:
    """HCPA staff confirm: remove what need not be kept, email the person what was kept and why.
    Returns whether the email was queued."""
    if by.role not in (Role.hcpa_staff, Role.admin):
        raise NotAllowed("Only HCPA staff can confirm a request to delete an account")
    if request.user_id == by.id:
        raise NotAllowed("Another member of HCPA staff must confirm a request about your own account")
    if request.status != ErasureStatus.pending:
        raise Invalid("This request has already been dealt with")
    user = request.user
    email, name = user.email, user.full_name
    _erase_recruitment(session, user, by)
    _erase_workforce_links(session, user)
    _erase_account(session, user)
    request.status, request.decided_at, request.decided_by_id = ErasureStatus.completed, utcnow(), by.id
    session.add(Redaction(record_type="user", record_id=user.id, reason="erasure"))
    session.commit()
    kept = "\n".join(f"- {item.what}: {item.why}" for item in WE_KEEP)
    deleted = "\n".join(f"- {item.what}" for item in WE_DELETE)
    return _tell(email, "Your account has been deleted",
              f"Hello {name},\n\nWe have deleted your {current_app.config['SERVICE_NAME']} account.\n\n"
              f"What we deleted:\n{deleted}\n\nWhat we keep, and why:\n{kept}\n\n"
              f"You can read this again at {_what_we_keep_url()}\n")


def _what_we_keep_url() -> str:
    try:
        return url_for("privacy.what_we_keep", _external=True)
    except RuntimeError:
        return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/privacy/what-we-keep"


def _erase_recruitment(session, user: User, by: User) -> None:
    from academy.privacy.retention import anonymise_application, is_anonymised
    from recruitment.models import Application, ReferralStatus, State, StateChange

    application = session.scalar(select(Application).where(Application.user_id == user.id))
    if application is None:
        return
    if application.state not in (State.placed, State.withdrawn, State.not_progressed):
        now = utcnow()
        session.add(StateChange(application=application, from_state=application.state, to_state=State.withdrawn,
                                by_id=by.id, occurred_at=now))
        if application.open_referral is not None:
            application.open_referral.status = ReferralStatus.withdrawn
        application.state, application.state_changed_at, application.held_from = State.withdrawn, now, None
        session.flush()
    placed = application.state == State.placed
    if not is_anonymised(session, application):  # retention may have done it already
        anonymise_application(session, application, "erasure", keep_checks=placed)


def _erase_workforce_links(session, user: User) -> None:
    from academy.workplaces.models import Person
    from training.models import Passport, PassportShare

    person = session.scalar(select(Person).where(Person.user_id == user.id))
    if person is None:
        return
    now = utcnow()
    passport_ids = select(Passport.id).where(Passport.person_id == person.id)
    session.execute(update(PassportShare).where(PassportShare.passport_id.in_(passport_ids))
                    .values(shared_with="(removed)"))
    session.execute(update(PassportShare).where(PassportShare.passport_id.in_(passport_ids),
                                                PassportShare.revoked_at.is_(None)).values(revoked_at=now))
    person.user_id, person.email = None, None
    has_records = bool(person.employments or person.training_records or person.qualifications or person.inductions)
    if not has_records:
        person.full_name = "Erased person"


def _erase_account(session, user: User) -> None:
    session.execute(update(Invitation).where(or_(Invitation.accepted_user_id == user.id,
                                                 func.lower(Invitation.email) == user.email.lower()))
                    .values(email=f"erased-{user.id}@erased.invalid", full_name="Erased account"))
    user.email = f"erased-{user.id}@erased.invalid"
    user.full_name = "Erased account"
    user.set_password(secrets.token_urlsafe(32))
    user.session_token = secrets.token_urlsafe(16)[:32]
    user.is_active_account = False
    user.email_confirmed_at = None
    user.last_sign_in_at = None
    user.workplaces.clear()
