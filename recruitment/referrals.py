"""Referral: HCPA sends a ready candidate to a workplace's vacancy; the workplace's manager
accepts or declines it, records the interview and its outcome, and makes an offer."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.extensions import utcnow
from academy.mail import public_url, send_mail
from academy.workplaces.models import Vacancy, workplace_managers
from recruitment import ics, matching
from recruitment.dates import date_and_time
from recruitment.models import Application, InterviewFormat, InterviewSlot, Referral, ReferralStatus, State
from recruitment.notify import tell_applicant, tell_applicant_referral_closed
from recruitment.pipeline import flush_or_conflict, move
from recruitment.screening import require_staff


def manages(user: User, referral: Referral) -> bool:
    return user.role == Role.manager and any(w.id == referral.vacancy.workplace_id for w in user.workplaces)


def may_see(user: User, referral: Referral) -> bool:
    return user.role in (Role.hcpa_staff, Role.admin) or manages(user, referral)


def get_referral_or_404(session, referral_id: int, for_user: User) -> Referral:
    """The referral if this user may see it (HCPA, or a manager of its workplace); 404 otherwise."""
    referral = session.get(Referral, referral_id)
    if referral is None or not may_see(for_user, referral):
        refuse(404, for_user, ("Referral", referral_id))
    return referral


def referrals_for_manager(user: User):
    """Referrals to vacancies at the manager's own workplaces, newest first."""
    mine = select(workplace_managers.c.workplace_id).where(workplace_managers.c.user_id == user.id)
    return (select(Referral).join(Referral.vacancy).where(Vacancy.workplace_id.in_(mine))
            .order_by(Referral.created_at.desc(), Referral.id.desc()))


def _require_manager_or_staff(user: User, referral: Referral) -> None:
    if not may_see(user, referral):
        raise NotAllowed("Only the workplace's managers or HCPA staff can do this")


def refer(session, application: Application, vacancy: Vacancy, by: User, note: str | None = None,
          today: date | None = None) -> Referral:
    """Send the candidate to the vacancy with why they match and what does not fit (both kept on the
    referral for the manager) and the officer's optional note; the workplace's managers are emailed.
    A vacancy matching says they cannot take (homecare without a car, a nurse's post without an NMC
    PIN) is refused."""
    require_staff(by)
    today = today or date.today()
    if application.state != State.ready_to_refer:
        raise Invalid("Only an applicant who is ready to refer can be referred (their checks must be complete)")
    if not vacancy.open_on(today) or not vacancy.workplace.is_active:
        raise Invalid("That vacancy is no longer open")
    if application.open_referral is not None:
        raise Invalid("This applicant already has an open referral")
    match = matching.score(matching.candidate_from(application), matching.post_from(vacancy))
    if not match.suitable:
        raise Invalid(f"{application.full_name} cannot be referred to this vacancy: "
                      + "; ".join(match.concerns).lower())
    note = (note or "").strip() or None
    referral = Referral(application=application, vacancy=vacancy, referred_by_id=by.id,
                        match_reasons="\n".join(match.reasons) or None,
                        match_concerns="\n".join(match.concerns) or None, note_to_manager=note,
                        status=ReferralStatus.sent)
    session.add(referral)
    move(session, application, State.referred, by,
         f"Referred to {vacancy.workplace.name} ({vacancy.job_role.name})", tell=False)
    flush_or_conflict(session)  # the referral's id, for the managers' link
    tell_applicant(application, State.referred)
    link = public_url("recruitment.referral", referral_id=referral.id)
    from_officer = f"\n\nA note from {by.full_name}, who referred them:\n{note}" if note else ""
    for manager in vacancy.workplace.managers:
        send_mail(manager.email, f"New candidate for {vacancy.workplace.name}",
                  f"Hello {manager.full_name},\n\nGood Care Recruitment has referred a candidate for your "
                  f"{vacancy.job_role.name} vacancy at {vacancy.workplace.name}. They have passed our values "
                  f"assessment and safer-recruitment checks.{from_officer}\n\nSee the referral (their CV, "
                  f"values assessment and why we matched them) and tell us if you would like to "
                  f"interview them: {link}")
    flush_or_conflict(session)  # the emails go once the owner commits (academy.mail)
    return referral


def match_lines(text: str | None) -> list[str]:
    """A referral's stored reasons or concerns as a list (one a line; older referrals used "; ")."""
    if not text:
        return []
    return [line for line in (text.split("\n") if "\n" in text else text.split("; ")) if line.strip()]


def decide(session, referral: Referral, by: User, accept: bool, reason: str | None = None) -> None:
    """The manager accepts the referral (an interview to arrange) or declines it (with a reason)."""
    _require_manager_or_staff(by, referral)
    if referral.status != ReferralStatus.sent:
        raise Invalid("This referral has already been decided")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise Invalid("Tell us why you are declining this candidate")
    referral.decided_by_id, referral.decided_at = by.id, utcnow()
    if accept:
        referral.status = ReferralStatus.accepted
        flush_or_conflict(session)
        return
    referral.status, referral.decline_reason = ReferralStatus.declined, reason
    move(session, referral.application, State.ready_to_refer, by,
         f"{referral.vacancy.workplace.name} declined the referral: {reason}", tell=False)
    tell_applicant_referral_closed(referral)
    flush_or_conflict(session)


def arrange_interview(session, referral: Referral, by: User, when: datetime,
                      interview_format: InterviewFormat | None = None, place: str | None = None,
                      minutes: int | None = None, booking: InterviewSlot | None = None) -> None:
    """Record (or change) the interview: when, how (in person, video, phone), where or how to join, and
    how long. The manager (or HCPA) sets it, or the applicant books one of the times the manager
    offered (`booking`). The applicant moves to interviewing; the applicant and the workplace's
    managers get the calendar invitation (a moved interview: the same event, SEQUENCE one more)."""
    if booking is not None:
        if by.id != referral.application.user_id or booking.referral_id != referral.id:
            raise NotAllowed("Only the applicant can book one of their interview times")
        if not booking.is_offered:
            raise Invalid("That time is no longer available: choose another")
    else:
        _require_manager_or_staff(by, referral)
    if referral.status not in (ReferralStatus.sent, ReferralStatus.accepted, ReferralStatus.interview_arranged):
        raise Invalid("An interview can only be arranged for an open referral that has not had its outcome")
    if when < utcnow() - timedelta(days=365):
        raise Invalid("Enter an interview date in the last year or the future")
    if interview_format is None:
        raise Invalid("Select how the interview will happen")
    place = (place or "").strip()
    if not place:
        raise Invalid("Enter where the interview is, or how to join")
    first_time = referral.status != ReferralStatus.interview_arranged
    if referral.status == ReferralStatus.sent:
        referral.decided_by_id, referral.decided_at = by.id, utcnow()
    referral.status, referral.interview_at = ReferralStatus.interview_arranged, when
    referral.interview_format, referral.interview_place = interview_format, place
    referral.interview_minutes = minutes or referral.interview_minutes or ics.DEFAULT_MINUTES
    referral.interview_sequence = 0 if referral.interview_sequence is None else referral.interview_sequence + 1
    referral.interview_cancelled_at = referral.interview_cancelled_by_id = referral.interview_cancel_reason = None
    referral.interview_no_show, referral.other_times_request = False, None
    now = utcnow()
    for slot in referral.slots:  # booked, or (once an interview is set) no longer on offer
        if slot.is_open:
            if slot is booking:
                slot.booked_at = now
            else:
                slot.withdrawn_at = now
    if first_time:
        move(session, referral.application, State.interviewing, by, "Interview arranged", tell=False)
    invite = ics.invitation(referral, interview_attendees(referral))
    tell_applicant(referral.application, State.interviewing, attachments=[invite])
    moved = "moved" if referral.interview_sequence else "arranged"
    for manager in referral.vacancy.workplace.managers:
        send_mail(manager.email, f"Interview {moved}: {referral.application.full_name}, "
                                 f"{date_and_time(referral.interview_at)}",
                  f"Hello {manager.full_name},\n\nThe interview with {referral.application.full_name} for your "
                  f"{referral.vacancy.job_role.name} vacancy at {referral.vacancy.workplace.name} is "
                  f"{date_and_time(referral.interview_at)} ({referral.interview_minutes} minutes), "
                  f"{interview_format.value.lower()}: {place}.\n\nThe calendar invitation is attached.\n\n"
                  f"The referral: {public_url('recruitment.referral', referral_id=referral.id)}",
                  attachments=[invite])
    flush_or_conflict(session)


def interview_attendees(referral: Referral) -> list[str]:
    """Who the calendar event invites: the applicant and the workplace's managers."""
    return [referral.application.user.email] + [m.email for m in referral.vacancy.workplace.managers]


def record_outcome(session, referral: Referral, by: User, offer: bool, offer_details: str | None = None,
                   notes: str | None = None) -> None:
    """After the interview: offer the job (applicant moves to offered) or not (back to ready to refer)."""
    _require_manager_or_staff(by, referral)
    if referral.status != ReferralStatus.interview_arranged:
        raise Invalid("Record the interview date before its outcome")
    details = (offer_details or "").strip()
    if offer and not details:
        raise Invalid("Enter the details of the offer")
    referral.interview_notes = (notes or "").strip() or None
    if offer:
        referral.status, referral.offered_at, referral.offer_details = ReferralStatus.offered, utcnow(), details
        move(session, referral.application, State.offered, by, "Job offered", tell=False)
    else:
        referral.status = ReferralStatus.unsuccessful
        move(session, referral.application, State.ready_to_refer, by,
             f"Not successful at interview with {referral.vacancy.workplace.name}", tell=False)
    if offer:
        tell_applicant(referral.application, State.offered)
    else:
        tell_applicant_referral_closed(referral)
    flush_or_conflict(session)


def offer_not_taken_up(session, referral: Referral, by: User, reason: str) -> None:
    """HCPA records that the applicant turned the offer down; they are ready to refer again."""
    require_staff(by)
    if referral.status != ReferralStatus.offered:
        raise Invalid("Only an offer that has been made can be turned down")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Enter why the offer was not taken up")
    referral.status = ReferralStatus.offer_declined
    move(session, referral.application, State.ready_to_refer, by, f"Offer not taken up: {reason}", tell=False)
    tell_applicant_referral_closed(referral)
    flush_or_conflict(session)
