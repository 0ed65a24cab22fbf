"""Qualifications: type and level, status (enrolled, in progress, achieved) with dates, and NMC
registration (PIN and renewal date) for nurses."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.extensions import utcnow
from academy.workplaces.models import Person
from training.catalogue import QUALIFICATION_FACTS
from training.models import Qualification, QualificationStatus, QualificationType
from training.people import can_manage, can_see

NMC_PIN = re.compile(r"^\d{2}[A-Z]\d{4}[A-Z]$")
NMC_RENEWAL_WARNING_DAYS = 60
"""A nurse is told (on the passport and by the daily reminders) from 60 days before the renewal date."""


def invalid(message: str, field: str) -> Invalid:
    problem = Invalid(message)
    problem.field = field
    return problem


@dataclass
class QualificationInput:
    qualification_type: str | None
    status: str | None
    title: str | None = None
    level: int | None = None
    started_on: date | None = None
    achieved_on: date | None = None
    awarding_body: str | None = None
    registration_number: str | None = None
    renewal_due_on: date | None = None


def _checked(values: QualificationInput, today: date) -> dict:
    try:
        kind = QualificationType[values.qualification_type or ""]
    except KeyError:
        raise invalid("Choose the qualification from the list", "qualification_type") from None
    try:
        status = QualificationStatus[values.status or ""]
    except KeyError:
        raise invalid("Choose whether you are enrolled, in progress or have achieved it", "status") from None
    level, social_care = QUALIFICATION_FACTS[kind]
    if level is None:
        if not (values.title or "").strip():
            raise invalid("Enter the name of the qualification", "title")
        if values.level is None or not 0 <= values.level <= 8:
            raise invalid("Enter the level, from 0 (entry level) to 8", "level")
        level = values.level
    for label, day, field in (("start date", values.started_on, "started_on"),
                              ("date achieved", values.achieved_on, "achieved_on")):
        if day is not None and day > today:
            raise invalid(f"The {label} must be today or in the past", field)
    if status == QualificationStatus.achieved and values.achieved_on is None:
        raise invalid("Enter the date the qualification was achieved", "achieved_on")
    if status != QualificationStatus.achieved and values.achieved_on is not None:
        raise invalid("Leave the date achieved empty until the qualification is achieved", "achieved_on")
    if values.started_on and values.achieved_on and values.achieved_on < values.started_on:
        raise invalid("The date achieved must be on or after the start date", "achieved_on")
    pin = (values.registration_number or "").strip().upper().replace(" ", "") or None
    if kind == QualificationType.nmc_registration:
        if status == QualificationStatus.achieved and (pin is None or not NMC_PIN.match(pin)):
            raise invalid("Enter the NMC PIN in the correct format, like 12A3456E", "registration_number")
        if status == QualificationStatus.achieved and values.renewal_due_on is None:
            raise invalid("Enter the date the NMC registration must be renewed", "renewal_due_on")
        if values.renewal_due_on and values.achieved_on and values.renewal_due_on <= values.achieved_on:
            raise invalid("The renewal date must be after the date registered", "renewal_due_on")
    else:
        pin = None
    return {
        "qualification_type": kind, "status": status, "level": level, "social_care": social_care,
        "title": (values.title or "").strip() or kind.value, "started_on": values.started_on,
        "achieved_on": values.achieved_on, "awarding_body": (values.awarding_body or "").strip() or None,
        "registration_number": pin,
        "renewal_due_on": values.renewal_due_on if kind == QualificationType.nmc_registration else None,
    }


def get_qualification_or_404(session, qualification_id: int, for_user: User) -> Qualification:
    """A qualification, if `for_user` may see its person's training (training.people.can_see)."""
    qualification = session.get(Qualification, qualification_id)
    if qualification is None or not can_see(session, for_user, qualification.person):
        refuse(404, for_user, ("Qualification", qualification_id))
    return qualification


def add_qualification(session, person: Person, values: QualificationInput, by: User,
                      today: date | None = None) -> Qualification:
    """Add a qualification to someone's record: their own (unverified) or a staff member's
    (verified by the manager or HCPA adding it)."""
    today = today or date.today()
    own = person.user_id == by.id
    if not own and not can_manage(session, by, person):
        raise NotAllowed("You can only add qualifications for yourself or your own staff")
    qualification = Qualification(person=person, added_by_id=by.id, **_checked(values, today))
    if not own:
        qualification.verified_by_id, qualification.verified_at = by.id, utcnow()
    session.add(qualification)
    session.flush()
    return qualification


def update_qualification(session, qualification: Qualification, values: QualificationInput, by: User,
                         today: date | None = None) -> Qualification:
    """Change status or dates (e.g. mark achieved). A worker's own change clears verification."""
    today = today or date.today()
    own = qualification.person.user_id == by.id
    if not own and not can_manage(session, by, qualification.person):
        raise NotAllowed("You cannot change this qualification")
    if qualification.achieved_on != values.achieved_on:
        qualification.achieved_precision = None  # a date given here is the day
    for key, value in _checked(values, today).items():
        setattr(qualification, key, value)
    # Changed here: it is no longer what an ASC-WDS import said, so a later import leaves it alone.
    qualification.ascwds_key = None
    if own:
        qualification.verified_by_id, qualification.verified_at = None, None
    else:
        qualification.verified_by_id, qualification.verified_at = by.id, utcnow()
    session.flush()
    return qualification


def verify_qualification(session, qualification: Qualification, by: User) -> Qualification:
    if by.role not in (Role.manager, Role.hcpa_staff, Role.admin) or not can_manage(session, by, qualification.person):
        raise NotAllowed("Only a manager of this worker's workplace or HCPA can verify their qualifications")
    if qualification.verified_at is None:
        qualification.verified_by_id, qualification.verified_at = by.id, utcnow()
        session.flush()
    return qualification


def nmc_renewal_state(qualification: Qualification, on: date) -> str | None:
    """For an achieved NMC registration with a renewal date: "current", "due" (renewal date within
    60 days) or "lapsed" (the renewal date has passed). None for anything else."""
    if (qualification.qualification_type != QualificationType.nmc_registration
            or qualification.status != QualificationStatus.achieved or qualification.renewal_due_on is None):
        return None
    if on > qualification.renewal_due_on:
        return "lapsed"
    if (qualification.renewal_due_on - on).days <= NMC_RENEWAL_WARNING_DAYS:
        return "due"
    return "current"


def nmc_renewals_between(session, start: date, end: date) -> list[Qualification]:
    """Achieved NMC registrations whose renewal date falls in [start, end] (for the reminders)."""
    return list(session.scalars(select(Qualification).where(
        Qualification.qualification_type == QualificationType.nmc_registration,
        Qualification.status == QualificationStatus.achieved,
        Qualification.renewal_due_on >= start, Qualification.renewal_due_on <= end,
    ).order_by(Qualification.renewal_due_on, Qualification.id)))
