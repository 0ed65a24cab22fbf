"""Care Certificate induction: the standards' progress, sign-off by an assessor, the 12-week
target, completion when every standard is signed off, and the 2015 version's lasting validity.

Rules (DOMAIN.md): the 2025 set has 16 standards (in use from March 2025); the 2015 set's 15
could be used until July 2025, and a completion under it stays valid. Workers record their own
knowledge (in progress, completed); only an assessor (a manager of their workplace, or HCPA)
signs a standard off, and never their own.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import User
from academy.extensions import utcnow
from academy.workplaces.models import Person, Workplace
from training.catalogue import standards
from training.models import (
    CareCertificateInduction, CareCertificateStandardProgress, CertificateVersion, Qualification, QualificationType,
    StandardState,
)
from training.people import can_manage, can_see
from training.records import add_months

TARGET_WEEKS = 12
LAST_DAY_2015 = date(2025, 7, 31)
FIRST_DAY_2025 = date(2025, 3, 1)
L2_PROMPT_MONTHS = 6
WORKER_STATES = (StandardState.not_started, StandardState.in_progress, StandardState.completed)


def get_induction_or_404(session, induction_id: int, for_user: User) -> CareCertificateInduction:
    """A Care Certificate induction, if `for_user` may see its person's training (people.can_see)."""
    induction = session.get(CareCertificateInduction, induction_id)
    if induction is None or not can_see(session, for_user, induction.person):
        refuse(404, for_user, ("CareCertificateInduction", induction_id))
    return induction


def standard_names(induction: CareCertificateInduction) -> dict[int, str]:
    return standards(induction.version)


def _check_version_dates(version: CertificateVersion, day: date, what: str) -> None:
    if version == CertificateVersion.v2015 and day > LAST_DAY_2015:
        raise Invalid(f"The 2015 Care Certificate could only be {what} until 31 July 2025: use the 2025 version")
    if version == CertificateVersion.v2025 and day < FIRST_DAY_2025:
        raise Invalid(f"The 2025 Care Certificate could only be {what} from 1 March 2025: use the 2015 version")


def _new_induction(session, person: Person, version: CertificateVersion, started_on: date, by: User,
                   workplace: Workplace | None) -> CareCertificateInduction:
    if session.scalar(select(CareCertificateInduction.id).where(
            CareCertificateInduction.person_id == person.id, CareCertificateInduction.version == version)):
        raise Invalid(f"{person.full_name} already has a {version.value} Care Certificate induction")
    induction = CareCertificateInduction(
        person=person, version=version, started_on=started_on,
        target_on=started_on + timedelta(weeks=TARGET_WEEKS), workplace=workplace, started_by_id=by.id,
        standards=[CareCertificateStandardProgress(standard_number=n, state=StandardState.not_started)
                   for n in standards(version)])
    session.add(induction)
    return induction


def start_induction(session, person: Person, started_on: date | None, by: User,
                    workplace: Workplace | None = None, version: CertificateVersion = CertificateVersion.v2025,
                    today: date | None = None) -> CareCertificateInduction:
    """A manager of the worker's workplace (or HCPA) starts their Care Certificate induction."""
    today = today or date.today()
    if not can_manage(session, by, person):
        raise NotAllowed("Only a manager of this worker's workplace or HCPA can start their induction")
    if started_on is None:
        raise Invalid("Enter the date the induction started")
    if started_on > today:
        raise Invalid("The start date must be today or in the past")
    _check_version_dates(version, started_on, "started")
    induction = _new_induction(session, person, version, started_on, by, workplace)
    session.flush()
    return induction


def record_completed_certificate(session, person: Person, version: CertificateVersion, completed_on: date | None,
                                 by: User, today: date | None = None) -> CareCertificateInduction:
    """Record a Care Certificate completed before (e.g. with a previous employer), seen on its
    certificate: every standard signed off by the person recording it, on that date."""
    today = today or date.today()
    if not can_manage(session, by, person):
        raise NotAllowed("Only a manager of this worker's workplace or HCPA can record a completed Care Certificate")
    if completed_on is None:
        raise Invalid("Enter the date the Care Certificate was completed")
    if completed_on > today:
        raise Invalid("The completion date must be today or in the past")
    _check_version_dates(version, completed_on, "completed")
    induction = _new_induction(session, person, version, completed_on, by, None)
    induction.recorded_from_certificate = True
    now = utcnow()
    for progress in induction.standards:
        progress.state, progress.completed_on = StandardState.signed_off, completed_on
        progress.signed_off_by_id, progress.signed_off_at = by.id, now
    induction.completed_on = completed_on
    session.flush()
    return induction


def set_standard_state(session, induction: CareCertificateInduction, number: int, state: StandardState,
                       by: User, on: date | None = None) -> CareCertificateStandardProgress:
    """Move one standard to `state`. The worker records knowledge; an assessor signs off."""
    on = on or date.today()
    person = induction.person
    own = person.user_id == by.id
    assessor = can_manage(session, by, person) and not own
    if not own and not assessor:
        raise NotAllowed("You cannot change this induction")
    progress = next((p for p in induction.standards if p.standard_number == number), None)
    if progress is None:
        raise Invalid("Choose a standard of this Care Certificate")
    if induction.completed_on is not None and induction.recorded_from_certificate:
        raise Invalid("This Care Certificate was recorded as completed and cannot be changed")
    if state == StandardState.signed_off and not assessor:
        raise NotAllowed("Only an assessor (a manager of your workplace or HCPA) can sign off a standard")
    if progress.state == StandardState.signed_off and not assessor:
        raise NotAllowed("This standard has been signed off; ask your assessor to change it")
    if state != progress.state:
        _check_version_dates(induction.version, on, "worked on")
    progress.state = state
    progress.completed_on = on if state in (StandardState.completed, StandardState.signed_off) else None
    if state == StandardState.signed_off:
        progress.signed_off_by_id, progress.signed_off_at = by.id, utcnow()
    else:
        progress.signed_off_by_id, progress.signed_off_at = None, None
    _update_completion(induction, on)
    session.flush()
    return progress


def _update_completion(induction: CareCertificateInduction, on: date) -> None:
    """Completed on the day the last standard is signed off; undone if one is reopened."""
    all_signed = all(p.state == StandardState.signed_off for p in induction.standards)
    if all_signed and len(induction.standards) == len(standards(induction.version)):
        if induction.completed_on is None:
            induction.completed_on = max(on, induction.started_on)
    else:
        induction.completed_on = None


def is_overdue(induction: CareCertificateInduction, on: date | None = None) -> bool:
    """Not completed and past its 12-week target."""
    on = on or date.today()
    return induction.completed_on is None and on > induction.target_on


def completed_within_target(induction: CareCertificateInduction) -> bool:
    return induction.completed_on is not None and induction.completed_on <= induction.target_on


def counts(induction: CareCertificateInduction) -> dict[StandardState, int]:
    result = {state: 0 for state in StandardState}
    for progress in induction.standards:
        result[progress.state] += 1
    return result


def valid_certificate(inductions: list[CareCertificateInduction]) -> CareCertificateInduction | None:
    """The completed Care Certificate that counts (2015 completions stay valid), if any."""
    done = [i for i in inductions if i.completed_on is not None]
    return min(done, key=lambda i: i.completed_on) if done else None


def current_induction(inductions: list[CareCertificateInduction]) -> CareCertificateInduction | None:
    """The induction to show: the valid completed one, else the newest in progress."""
    done = valid_certificate(inductions)
    if done is not None:
        return done
    return max(inductions, key=lambda i: i.started_on) if inductions else None


def l2_certificate_prompt_due(start_in_post: date | None, qualifications: list[Qualification], on: date) -> bool:
    """Six months in post and no Level 2 Adult Social Care Certificate recorded: prompt for it."""
    if start_in_post is None or add_months(start_in_post, L2_PROMPT_MONTHS) > on:
        return False
    return not any(q.qualification_type == QualificationType.l2_adult_social_care_certificate
                   for q in qualifications)


def overdue_inductions(session, on: date) -> list[CareCertificateInduction]:
    return list(session.scalars(select(CareCertificateInduction).where(
        CareCertificateInduction.completed_on.is_(None), CareCertificateInduction.target_on < on)))
