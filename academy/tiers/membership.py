"""CPA membership: a stable member number for each care worker and the professional profile
(name, tier, years in care, specialisms) they may choose to make visible to employers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from academy.auth.access import refuse
from academy.auth.models import Role, User
from academy.tiers.evaluator import HELD_STATES, evaluate, passports_for
from academy.tiers.models import CpaMembership
from academy.workplaces.models import Person
from training.models import CourseCategory, QualificationStatus

PROFILE_VIEWERS = (Role.manager, Role.hcpa_staff, Role.admin)


def member_number_for(person: Person) -> str:
    """CPA-000123: from the person's id, so it never changes and no two people share one."""
    return f"CPA-{person.id:06d}"


def membership_for(session, person: Person) -> CpaMembership:
    """The person's membership, created (hidden profile) the first time it is needed."""
    membership = session.scalar(select(CpaMembership).where(CpaMembership.person_id == person.id))
    if membership is None:
        membership = CpaMembership(person=person, member_number=member_number_for(person), profile_visible=False)
        session.add(membership)
        session.flush()
    return membership


def set_visibility(session, person: Person, visible: bool, by: User) -> CpaMembership:
    """Only the worker chooses whether employers can see their profile."""
    from academy.auth.access import NotAllowed

    if person.user_id != by.id:
        raise NotAllowed("Only the worker can change who sees their profile")
    membership = membership_for(session, person)
    membership.profile_visible = bool(visible)
    session.flush()
    return membership


@dataclass
class Profile:
    membership: CpaMembership
    full_name: str
    tier: int | None
    tier_name: str
    years_in_care: int | None
    in_care_since: date | None
    specialisms: list[str] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)


def profile(session, person: Person, on: date | None = None) -> Profile:
    on = on or date.today()
    membership = membership_for(session, person)
    evaluation = evaluate(session, person, on)
    passport = passports_for(session, [person], on)[person.id]
    start = passport.first_care_start
    years = None
    if start is not None:
        years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
    specialisms = sorted({line.course.name for line in passport.lines
                          if line.course.category == CourseCategory.specialist and line.state in HELD_STATES})
    qualifications = sorted(q.title for q in passport.qualifications if q.status == QualificationStatus.achieved)
    return Profile(membership, person.full_name, evaluation.awarded_tier, evaluation.name_of(evaluation.awarded_tier),
                   years, start, specialisms, qualifications)


def find_visible(session, member_number: str) -> CpaMembership | None:
    """The membership with this number if its profile is visible to employers (else None)."""
    number = (member_number or "").strip().upper()
    if number.isdigit():
        number = f"CPA-{int(number):06d}"
    membership = session.scalar(select(CpaMembership).where(CpaMembership.member_number == number))
    return membership if membership is not None and membership.profile_visible else None


def get_visible_profile_or_404(session, member_number: str, for_user: User) -> CpaMembership:
    """A profile the worker has made visible, for managers and HCPA; hidden or unknown is 404."""
    membership = find_visible(session, member_number)
    if membership is None or for_user.role not in PROFILE_VIEWERS:
        refuse(404, for_user)
    return membership
