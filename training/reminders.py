"""Daily reminders: training expiring in 60 and in 30 days, NMC registrations due for renewal in
60 and 30 days, and overdue Care Certificate inductions, emailed to the worker and their managers
once per item per threshold.

Each reminder is claimed by inserting a `SentReminder` row with a unique key before its email is
queued, so a re-run (or two runs at once) never sends the same reminder twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.mail import send_mail
from academy.unit_of_work import job
from academy.workplaces.models import Person
from training.induction import overdue_inductions
from training.models import SentReminder
from training.people import current_employments, managers_of
from training.qualifications import nmc_renewals_between
from training.records import expiring_between

THRESHOLDS = (60, 30)  # days before expiry


@dataclass
class ReminderRun:
    training: int = 0
    inductions: int = 0
    emails: int = 0
    nmc: int = 0


def _claim(session, key: str, kind: str, person: Person, recipients: int) -> bool:
    """Record that this reminder is sent; False if it already was (by this or another run)."""
    if session.scalar(select(SentReminder.id).where(SentReminder.key == key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SentReminder(key=key, kind=kind, person_id=person.id, recipients=recipients))
    except IntegrityError:
        return False
    return True


def _recipients(session, person: Person, today: date) -> list[str]:
    addresses = []
    own = person.user.email if person.user is not None else person.email
    if own:
        addresses.append(own)
    addresses += [m.email for m in managers_of(session, person, today)]
    return list(dict.fromkeys(addresses))


def _threshold(days_left: int) -> int | None:
    """Which threshold a record `days_left` from expiry has reached (the nearest one)."""
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def send_due_reminders(session, today: date | None = None) -> ReminderRun:
    """Find what is due today and email it; safe to run any number of times a day."""
    today = today or date.today()
    run = ReminderRun()
    # Only people still working somewhere: leavers' training is their own business.
    records = expiring_between(session, today, today + timedelta(days=max(THRESHOLDS)))
    in_post = current_employments(session, {r.person_id for r in records}, today)
    for record in records:
        if record.person_id not in in_post:
            continue
        threshold = _threshold((record.expires_on - today).days)
        key = f"training:{record.id}:{record.expires_on.isoformat()}:{threshold}"
        to = _recipients(session, record.person, today)
        if not to or not _claim(session, key, f"training_{threshold}", record.person, len(to)):
            continue
        subject = f"Training expires on {record.expires_on:%-d %B %Y}: {record.course.name}"
        body = (f"{record.person.full_name}'s {record.course.name} training expires on "
                f"{record.expires_on:%-d %B %Y} ({(record.expires_on - today).days} days from today).\n\n"
                "Book a refresher so it stays current. Sign in to see the training passport.")
        for address in to:
            send_mail(address, subject, body)
        session.commit()  # an item at a time, with its emails: a later failure keeps those done
        run.training += 1
        run.emails += len(to)
    _nmc_reminders(session, today, run)
    for induction in overdue_inductions(session, today):
        if induction.person_id not in current_employments(session, [induction.person_id], today):
            continue
        key = f"induction:{induction.id}:overdue"
        to = _recipients(session, induction.person, today)
        if not to or not _claim(session, key, "induction_overdue", induction.person, len(to)):
            continue
        subject = f"Care Certificate induction overdue: {induction.person.full_name}"
        body = (f"{induction.person.full_name}'s Care Certificate induction started on "
                f"{induction.started_on:%-d %B %Y} and was due to be completed by {induction.target_on:%-d %B %Y}.\n\n"
                "Sign in to see which standards still need to be completed and signed off.")
        for address in to:
            send_mail(address, subject, body)
        session.commit()  # an item at a time, with its emails: a later failure keeps those done
        run.inductions += 1
        run.emails += len(to)
    return run


def _nmc_reminders(session, today: date, run: ReminderRun) -> None:
    """NMC registrations to renew within 60 days (then 30), for nurses still in post."""
    registrations = nmc_renewals_between(session, today, today + timedelta(days=max(THRESHOLDS)))
    in_post = current_employments(session, {q.person_id for q in registrations}, today)
    for registration in registrations:
        if registration.person_id not in in_post:
            continue
        due = registration.renewal_due_on
        threshold = _threshold((due - today).days)
        key = f"nmc:{registration.id}:{due.isoformat()}:{threshold}"
        person = registration.person
        to = _recipients(session, person, today)
        if not to or not _claim(session, key, f"nmc_{threshold}", person, len(to)):
            continue
        subject = f"NMC registration to renew by {due:%-d %B %Y}: {person.full_name}"
        body = (f"{person.full_name}'s NMC registration (PIN {registration.registration_number}) must be renewed "
                f"(revalidated) by {due:%-d %B %Y}, {(due - today).days} days from today.\n\n"
                "Once it is renewed, record the new renewal date on the training passport.")
        for address in to:
            send_mail(address, subject, body)
        session.commit()  # an item at a time, with its emails: a later failure keeps those done
        run.nmc += 1
        run.emails += len(to)


@job
def daily_reminders_job() -> dict:
    """RQ job (registered in academy/jobs_cron.py): today's reminders, inside the app context."""
    from academy.extensions import db

    run = send_due_reminders(db.session)
    return {"training": run.training, "inductions": run.inductions, "nmc": run.nmc, "emails": run.emails}
