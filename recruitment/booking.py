"""Interviews people can book: the manager offers times for a referral, the applicant books one (or asks
for other times), the interview is moved or cancelled with a calendar update, a reminder goes the day
before, and HCPA sees interviews arranged, waiting and overdue for an outcome (docs/recruitment.md,
"Interview booking"). The booking itself is referrals.arrange_interview."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.extensions import db, utcnow
from academy.unit_of_work import job
from academy.mail import public_url, send_mail
from academy.workplaces.models import Vacancy
from recruitment import ics, referrals
from recruitment.dates import date_and_time
from recruitment.models import Application, InterviewFormat, InterviewReminder, InterviewSlot, Referral, ReferralStatus
from recruitment.pipeline import flush_or_conflict

log = logging.getLogger(__name__)

MAX_OPEN_SLOTS = 10
OUTCOME_DUE_AFTER = timedelta(days=2)  # an interview this long past with no outcome is overdue
REMIND_WITHIN = timedelta(hours=24)


def get_slot_or_404(session, slot_id: int, for_user: User) -> InterviewSlot:
    """An offered time: its applicant, the workplace's managers and HCPA may see it; anyone else 404."""
    slot = session.get(InterviewSlot, slot_id)
    if slot is None or not (slot.referral.application.user_id == for_user.id
                            or referrals.may_see(for_user, slot.referral)):
        refuse(404, for_user, ("InterviewSlot", slot_id))
    return slot


def offer_slot(session, referral: Referral, by: User, starts_at: datetime, minutes: int,
               interview_format: InterviewFormat | None, place: str | None, *, email_now: bool = True) -> InterviewSlot:
    """The manager (or HCPA) offers a time for the interview. With email_now the applicant is emailed
    every time not yet sent, in one email; without it the time waits for more (the "add another" pattern)."""
    referrals._require_manager_or_staff(by, referral)
    if referral.status not in (ReferralStatus.sent, ReferralStatus.accepted):
        raise Invalid("Times can be offered only before the interview is arranged (to move it, change the interview)")
    if starts_at <= utcnow():
        raise Invalid("Offer a time in the future")
    if not 10 <= minutes <= 240:
        raise Invalid("An interview must last between 10 and 240 minutes")
    if interview_format is None:
        raise Invalid("Select how the interview will happen")
    place = (place or "").strip()
    if not place:
        raise Invalid("Enter where the interview is, or how to join")
    open_slots = [s for s in referral.slots if s.is_open]
    if len(open_slots) >= MAX_OPEN_SLOTS:
        raise Invalid(f"Offer at most {MAX_OPEN_SLOTS} times at once")
    if any(s.starts_at == starts_at for s in open_slots):
        raise Invalid("You have already offered that time")
    if referral.status == ReferralStatus.sent:
        referral.status, referral.decided_by_id, referral.decided_at = ReferralStatus.accepted, by.id, utcnow()
    slot = InterviewSlot(referral=referral, starts_at=starts_at, minutes=minutes, interview_format=interview_format,
                         place=place, offered_by_id=by.id)
    session.add(slot)
    referral.other_times_request = None
    if email_now:
        send_offered_times(session, referral, by)
    flush_or_conflict(session)
    return slot


def unsent_times(referral: Referral) -> list[InterviewSlot]:
    return [s for s in referral.slots if s.is_open and s.emailed_at is None]


def send_offered_times(session, referral: Referral, by: User) -> int:
    """Email the applicant the times not yet sent, in one email that lists every time they can book.
    Returns how many times were new to them."""
    referrals._require_manager_or_staff(by, referral)
    if referral.status not in (ReferralStatus.sent, ReferralStatus.accepted):
        raise Invalid("The interview is already arranged")
    new = unsent_times(referral)
    if not new:
        raise Invalid("There are no new times to send: offer a time first")
    now = utcnow()
    for slot in new:
        slot.emailed_at = now
    application = referral.application
    workplace = referral.vacancy.workplace.name
    send_mail(application.user.email, f"Choose a time for your interview with {workplace}",
              f"Hello {application.full_name},\n\n{workplace} would like to interview you. The times you "
              f"can choose from:\n\n{_times_list(referral)}\n\nBook the one that suits you, or ask for other "
              f"times, on your application page: {public_url('recruitment.start')}\n\nGood Care Recruitment, HCPA")
    flush_or_conflict(session)
    return len(new)


def withdraw_slot(session, referral: Referral, slot: InterviewSlot, by: User) -> None:
    """The manager (or HCPA) takes back one offered time; the applicant, if already emailed it, is told
    which times are left (or that new ones will follow)."""
    referrals._require_manager_or_staff(by, referral)
    if slot.referral_id != referral.id:
        refuse(404, by, ("InterviewSlot", slot.id))
    if not slot.is_open:
        raise Invalid("That time has already been booked or withdrawn")
    slot.withdrawn_at = utcnow()
    if slot.emailed_at is not None:
        application = referral.application
        left = _times_list(referral)
        send_mail(application.user.email, f"Interview time withdrawn: {date_and_time(slot.starts_at)}",
                  f"Hello {application.full_name},\n\n{referral.vacancy.workplace.name} can no longer interview "
                  f"you on {date_and_time(slot.starts_at)}.\n\n"
                  + (f"You can still book one of these times:\n\n{left}\n\non your application page: "
                     f"{public_url('recruitment.start')}" if left else
                     "They will offer you other times, and we will email you when they do.")
                  + "\n\nGood Care Recruitment, HCPA")
    flush_or_conflict(session)


def _times_list(referral: Referral) -> str:
    """The times the applicant can book, a line each, in UK time."""
    return "\n".join(f"- {date_and_time(s.starts_at)} ({s.minutes} minutes), {s.interview_format.value.lower()}"
                     for s in sorted(referral.slots, key=lambda s: s.starts_at)
                     if s.is_open and s.emailed_at is not None)


def book(session, slot: InterviewSlot, by: User) -> Referral:
    """The applicant books one of the offered times: the referral's interview is arranged from it."""
    referral = slot.referral
    referrals.arrange_interview(session, referral, by, slot.starts_at, slot.interview_format, slot.place,
                                minutes=slot.minutes, booking=slot)
    return referral


def ask_for_other_times(session, referral: Referral, by: User, message: str | None) -> None:
    """None of the offered times suits the applicant: the managers are told, with their message."""
    if by.id != referral.application.user_id:
        raise NotAllowed("Only the applicant can ask for other interview times")
    if referral.status not in (ReferralStatus.sent, ReferralStatus.accepted):
        raise Invalid("Your interview is already arranged: reply to its email to change it")
    message = (message or "").strip()
    if not message:
        raise Invalid("Tell the care provider when you can come")
    referral.other_times_request = message
    for slot in referral.slots:
        if slot.is_offered:  # (times the manager has not sent yet stay theirs to send or withdraw)
            slot.withdrawn_at = utcnow()
    for manager in referral.vacancy.workplace.managers:
        send_mail(manager.email, f"{referral.application.full_name} asks for other interview times",
                  f"Hello {manager.full_name},\n\nNone of the times you offered suits "
                  f"{referral.application.full_name}. They wrote:\n\n{message}\n\nOffer other times: "
                  f"{public_url('recruitment.referral', referral_id=referral.id)}")
    flush_or_conflict(session)


def cancel_interview(session, referral: Referral, by: User, reason: str | None) -> None:
    """The interview is called off by the manager, HCPA or the applicant (recorded: who, when, why);
    everyone's calendar gets the cancellation (METHOD:CANCEL, SEQUENCE one more), and the referral
    goes back to "interview to arrange" so new times can be offered."""
    applicant = by.id == referral.application.user_id
    if not applicant:
        referrals._require_manager_or_staff(by, referral)
    if referral.status != ReferralStatus.interview_arranged:
        raise Invalid("There is no arranged interview to cancel")
    if applicant and referral.interview_at <= utcnow():
        raise Invalid("The interview time has passed: it can no longer be cancelled")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Tell us why the interview is cancelled")
    referral.interview_sequence = (referral.interview_sequence or 0) + 1
    referral.interview_cancelled_at, referral.interview_cancelled_by_id = utcnow(), by.id
    referral.interview_cancel_reason, referral.status = reason, ReferralStatus.accepted
    cancellation = ics.invitation(referral, referrals.interview_attendees(referral), cancel=True)
    who = "You" if applicant else referral.vacancy.workplace.name
    when = date_and_time(referral.interview_at)
    for email, name in _people(referral):
        send_mail(email, f"Interview cancelled: {when}",
                  f"Hello {name},\n\nThe interview on {when} with {referral.application.full_name} at "
                  f"{referral.vacancy.workplace.name} is cancelled ({'by ' + by.full_name}): {reason}\n\n"
                  f"The attached cancellation removes it from your calendar.", attachments=[cancellation])
    log.info("Interview for referral %s cancelled by %s", referral.id, "the applicant" if applicant else who)
    flush_or_conflict(session)


def record_no_show(session, referral: Referral, by: User) -> None:
    """The applicant did not come: recorded on the referral (the outcome is then recorded as usual)."""
    referrals._require_manager_or_staff(by, referral)
    if referral.status != ReferralStatus.interview_arranged or referral.interview_at > utcnow():
        raise Invalid("A no-show can be recorded only after the interview time")
    referral.interview_no_show = True
    flush_or_conflict(session)


def _people(referral: Referral) -> list[tuple[str, str]]:
    application = referral.application
    return [(application.user.email, application.full_name)] + [
        (m.email, m.full_name) for m in referral.vacancy.workplace.managers]


# The day-before reminder ------------------------------------------------------------------------

def due_reminders(session, now: datetime | None = None) -> list[Referral]:
    """Arranged interviews in the next day with no reminder yet for that time."""
    now = now or utcnow()
    reminded = exists().where(InterviewReminder.referral_id == Referral.id,
                              InterviewReminder.interview_at == Referral.interview_at)
    return list(session.scalars(
        select(Referral).where(Referral.status == ReferralStatus.interview_arranged,
                               Referral.interview_at > now, Referral.interview_at <= now + REMIND_WITHIN, ~reminded)
        .options(joinedload(Referral.application).joinedload(Application.user))
        .order_by(Referral.interview_at)))


def claim_and_remind(session, referral: Referral, now: datetime | None = None) -> bool:
    """Claim the reminder for this interview time (a row; a unique key, so a second run or a second
    worker cannot send it again) and email everyone. False when it was already claimed."""
    try:
        with session.begin_nested():
            session.add(InterviewReminder(referral_id=referral.id, interview_at=referral.interview_at,
                                          sent_at=now or utcnow()))
    except IntegrityError:
        return False
    when = date_and_time(referral.interview_at)
    how = f"{referral.interview_format.value.lower()}: {referral.interview_place}" if referral.interview_format else ""
    for email, name in _people(referral):
        send_mail(email, f"Reminder: interview {when}",
                  f"Hello {name},\n\nA reminder of the interview with {referral.application.full_name} for the "
                  f"{referral.vacancy.job_role.name} job at {referral.vacancy.workplace.name}: {when} "
                  f"({referral.interview_minutes or ics.DEFAULT_MINUTES} minutes), {how}.\n\n"
                  f"Good Care Recruitment, HCPA")
    return True


@job
def interview_reminders_job() -> dict[str, int]:
    """Hourly (academy/jobs_cron.py): a reminder for each interview in the next 24 hours, once."""
    sent = 0
    for referral in due_reminders(db.session):
        if claim_and_remind(db.session, referral):
            sent += 1
            db.session.commit()  # each reminder's claim with its emails: a failure keeps those done
    log.info("Interview reminders: %d sent", sent)
    return {"reminders_sent": sent}


# HCPA's view ------------------------------------------------------------------------------------

@dataclass(slots=True)
class InterviewLists:
    arranged: list[Referral]
    waiting: list[Referral]
    overdue: list[Referral]


def interview_lists(session, now: datetime | None = None) -> InterviewLists:
    """Interviews arranged (still to come), waiting (times offered, none booked, or other times
    asked for) and overdue for an outcome (more than OUTCOME_DUE_AFTER past, no outcome)."""
    now = now or utcnow()
    load = (joinedload(Referral.application), selectinload(Referral.slots),
            joinedload(Referral.vacancy).joinedload(Vacancy.workplace), joinedload(Referral.vacancy).joinedload(Vacancy.job_role))
    arranged_q = select(Referral).where(Referral.status == ReferralStatus.interview_arranged).options(*load)
    arranged = list(session.scalars(arranged_q.where(Referral.interview_at >= now - OUTCOME_DUE_AFTER)
                                    .order_by(Referral.interview_at)))
    overdue = list(session.scalars(arranged_q.where(Referral.interview_at < now - OUTCOME_DUE_AFTER)
                                   .order_by(Referral.interview_at)))
    open_slot = exists().where(InterviewSlot.referral_id == Referral.id, InterviewSlot.booked_at.is_(None),
                               InterviewSlot.withdrawn_at.is_(None))
    waiting = list(session.scalars(
        select(Referral).where(Referral.status.in_((ReferralStatus.sent, ReferralStatus.accepted)),
                               open_slot | Referral.other_times_request.is_not(None))
        .options(*load).order_by(Referral.updated_at)))
    return InterviewLists(arranged, waiting, overdue)


def is_applicant(user: User) -> bool:
    return user.role in (Role.applicant, Role.care_worker)
