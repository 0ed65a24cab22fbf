"""Erasure: a person asks for their account to be deleted, HCPA staff confirm, and the service
removes what it need not keep and keeps (and says why) what it must. Staff can instead decline
a request (say, one that did not come from the account holder), giving the person the reason.

The account row itself stays as an anonymised tombstone (no name, no email, unusable password,
switched off), because other records point at it by id; nothing in it identifies the person.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Invitation, RecoveryCode, Role, User
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
    Item("Hertfordshire Care Awards nominations of you, managers' thanks to you, and your name on thanks you sent",
         "They were only there to recognise your work."),
    Item("Which member benefits you told us you used", "They were only there to count how often benefits are used."),
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


def _tell(to: str, subject: str, body: str) -> None:
    """Email the person once the decision is saved; if the mail queue is down the decision still
    stands (the page says so: unit_of_work.flash_when_committed)."""
    from academy.mail import send_mail

    send_mail(to, subject, body, must_queue=False)


def pending_request(session, user: User) -> ErasureRequest | None:
    return session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                       ErasureRequest.status == ErasureStatus.pending))


def last_declined(session, user: User) -> ErasureRequest | None:
    """The person's most recent declined request (their data page shows why)."""
    return session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                       ErasureRequest.status == ErasureStatus.declined)
                          .order_by(ErasureRequest.decided_at.desc(), ErasureRequest.id.desc()).limit(1))


def request_erasure(session, user: User) -> ErasureRequest:
    """Record that `user` asks for their account to be deleted, and tell them we have it."""
    if pending_request(session, user) is not None:
        raise Invalid("You have already asked us to delete your account")
    request = ErasureRequest(user_id=user.id, status=ErasureStatus.pending, requested_at=utcnow())
    session.add(request)
    session.flush()
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
    session.flush()


DECISION_REASON_MAX = 2000


def _check_decider(request: ErasureRequest, by: User, doing: str) -> None:
    if by.role not in (Role.hcpa_staff, Role.admin):
        raise NotAllowed(f"Only HCPA staff can {doing} a request to delete an account")
    if request.user_id == by.id:
        raise NotAllowed(f"Another member of HCPA staff must {doing} a request about your own account")
    if request.status != ErasureStatus.pending:
        raise Invalid("This request has already been dealt with")


def decline_erasure(session, request: ErasureRequest, by: User, reason: str) -> None:
    """HCPA staff decline (for example, the request did not come from the account holder): nothing
    is removed and the person is emailed the reason."""
    _check_decider(request, by, "decline")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Enter why the request is declined")
    if len(reason) > DECISION_REASON_MAX:
        raise Invalid(f"The reason must be {DECISION_REASON_MAX} characters or fewer")
    request.status, request.decided_at, request.decided_by_id = ErasureStatus.declined, utcnow(), by.id
    request.decision_reason = reason
    session.flush()
    user = request.user
    _tell(user.email, "We have not deleted your account",
          f"Hello {user.full_name},\n\nWe have not deleted your {current_app.config['SERVICE_NAME']} account, "
          f"as you asked on {request.requested_at:%-d %B %Y}, because:\n\n{reason}\n\n"
          "Your account stays as it is. You can ask again from your account page, or reply to this "
          "email. If you are unhappy with our decision you can complain to the Information "
          "Commissioner's Office (ico.org.uk).\n")


def confirm_erasure(session, request: ErasureRequest, by: User) -> None:
    """HCPA staff confirm: remove what need not be kept, email the person what was kept and why."""
    _check_decider(request, by, "confirm")
    user = request.user
    email, name = user.email, user.full_name
    _erase_recruitment(session, user, by)
    _erase_workforce_links(session, user)
    _erase_account(session, user)
    request.status, request.decided_at, request.decided_by_id = ErasureStatus.completed, utcnow(), by.id
    session.add(Redaction(record_type="user", record_id=user.id, reason="erasure"))
    session.flush()
    kept = "\n".join(f"- {item.what}: {item.why}" for item in WE_KEEP)
    deleted = "\n".join(f"- {item.what}" for item in WE_DELETE)
    _tell(email, "Your account has been deleted",
              f"Hello {name},\n\nWe have deleted your {current_app.config['SERVICE_NAME']} account.\n\n"
              f"What we deleted:\n{deleted}\n\nWhat we keep, and why:\n{kept}\n\n"
              f"You can read this again at {_what_we_keep_url()}\n")


def _what_we_keep_url() -> str:
    from academy.mail import public_url

    return public_url("privacy.what_we_keep")


def _erase_recruitment(session, user: User, by: User) -> None:
    from academy.privacy.retention import anonymise_application, is_anonymised
    from recruitment.models import Application, ReferralStatus, State, StateChange

    application = session.scalar(select(Application).where(Application.user_id == user.id))
    if application is None:
        return
    if application.state not in (State.placed, State.withdrawn, State.not_progressed, State.merged):
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
    _erase_recognition(session, person)
    _erase_benefit_uses(session, person)
    person.user_id, person.email = None, None
    has_records = bool(person.employments or person.training_records or person.qualifications or person.inductions)
    if not has_records:
        person.full_name = "Erased person"


def _erase_recognition(session, person) -> None:
    from academy.recognition.models import Nomination, RecognitionChoice, Thanks

    for model in (Nomination, Thanks, RecognitionChoice):
        session.execute(delete(model).where(model.person_id == person.id))


def _erase_benefit_uses(session, person) -> None:
    from academy.benefits.models import BenefitUse

    session.execute(delete(BenefitUse).where(BenefitUse.person_id == person.id))


def _erase_account(session, user: User) -> None:
    from academy.recognition.models import Nomination, Thanks

    session.execute(update(Thanks).where(Thanks.from_user_id == user.id)
                    .values(from_user_id=None, from_name="Erased account"))
    session.execute(update(Nomination).where(Nomination.nominated_by_id == user.id).values(nominated_by_id=None))
    from academy.voice.models import PollLink, PollParticipation  # their answers name nobody

    session.execute(delete(PollParticipation).where(PollParticipation.user_id == user.id))  # that they answered
    session.execute(delete(PollLink).where(PollLink.user_id == user.id))  # their emailed links' hashes
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
    user.totp_secret = None
    user.two_step_enabled_at = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
