"""Whose training a user may see and change: their own (care worker), their staff's (manager of a
workplace where the person is currently employed), everyone's (HCPA staff and admins)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from academy.auth.access import refuse
from academy.auth.models import Role, User
from academy.extensions import add_unless_made
from academy.workplaces.models import Employment, JobRole, Person, Workplace, workplace_managers


def current_employment_clause(today: date):
    return or_(Employment.leaving_date.is_(None), Employment.leaving_date > today)


def managed_person_ids(session, manager: User, today: date | None = None):
    """A SELECT of the ids of people currently employed at one of the manager's workplaces."""
    today = today or date.today()
    return (select(Employment.person_id)
            .join(workplace_managers, workplace_managers.c.workplace_id == Employment.workplace_id)
            .where(workplace_managers.c.user_id == manager.id, Employment.start_date <= today,
                   current_employment_clause(today)))


def is_on_staff_of(session, manager: User, person: Person) -> bool:
    query = managed_person_ids(session, manager).where(Employment.person_id == person.id).limit(1)
    return session.scalar(query) is not None


def can_manage(session, user: User, person: Person) -> bool:
    """May `user` see and add to `person`'s training, verify it and sign off their induction?"""
    if user.role in (Role.hcpa_staff, Role.admin):
        return True
    if user.role == Role.manager:
        return is_on_staff_of(session, user, person)
    return False


def can_see(session, user: User, person: Person) -> bool:
    return person.user_id == user.id or can_manage(session, user, person)


def get_person_or_404(session, person_id: int, for_user: User) -> Person:
    """The person if this user may see their training; 404 otherwise (never reveal they exist)."""
    person = session.get(Person, person_id)
    if person is None or not can_see(session, for_user, person):
        refuse(404, for_user, ("Person", person_id))
    return person


def staff_people(session, manager: User, today: date | None = None) -> list[Person]:
    """Everyone currently on the staff of the manager's workplaces, by name."""
    ids = managed_person_ids(session, manager, today)
    return list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.full_name, Person.id)))


def current_employments(session, person_ids, today: date | None = None) -> dict[int, list[Employment]]:
    """Current employments of many people in one query: person id -> employments."""
    today = today or date.today()
    result: dict[int, list[Employment]] = {}
    if not person_ids:
        return result
    rows = session.scalars(select(Employment).join(Workplace).options(contains_eager(Employment.workplace))
                           .where(*_current_of(person_ids, today)).order_by(Employment.start_date, Employment.id))
    for employment in rows:
        result.setdefault(employment.person_id, []).append(employment)
    return result


def _current_of(person_ids, today: date) -> tuple:
    return Employment.person_id.in_(list(person_ids)), Employment.start_date <= today, current_employment_clause(today)


@dataclass(frozen=True, slots=True)
class CurrentJob:
    """The job role of a current employment, without the employment, workplace and job role objects
    (what tier criteria and mandatory course lines read)."""

    person_id: int
    job_role_id: int
    code: str
    name: str


def current_jobs(session, person_ids, today: date | None = None) -> dict[int, list[CurrentJob]]:
    """The job roles of the employments `current_employments` finds, in the same order, as plain
    values in one query: person id -> jobs. Several times quicker for a workplace's staff."""
    today = today or date.today()
    result: dict[int, list[CurrentJob]] = {}
    if not person_ids:
        return result
    rows = session.execute(select(Employment.person_id, Employment.job_role_id, JobRole.code, JobRole.name)
                           .join(Workplace, Workplace.id == Employment.workplace_id)
                           .join(JobRole, JobRole.id == Employment.job_role_id)
                           .where(*_current_of(person_ids, today)).order_by(Employment.start_date, Employment.id))
    for person_id, job_role_id, code, name in rows:
        result.setdefault(person_id, []).append(CurrentJob(person_id, job_role_id, code, name))
    return result


def managers_of(session, person: Person, today: date | None = None) -> list[User]:
    """The managers of every workplace where the person currently works."""
    today = today or date.today()
    return list(session.scalars(
        select(User).join(workplace_managers, workplace_managers.c.user_id == User.id)
        .join(Employment, Employment.workplace_id == workplace_managers.c.workplace_id)
        .where(Employment.person_id == person.id, Employment.start_date <= today,
               current_employment_clause(today), User.is_active_account)
        .distinct()))


def ensure_own_person(session, user: User) -> Person:
    """A care worker's own Person, created on first visit so their passport has an owner."""
    person = getattr(user, "person", None)
    if person is None:  # (by user_id: two first visits at once, add_unless_made; then the backref reloads)
        person = add_unless_made(session, Person(full_name=user.full_name, email=user.email, user_id=user.id),
                                 lambda: session.scalar(select(Person).where(Person.user_id == user.id)))
        session.expire(user, ["person"])
    return person


def search_people(full_name: str):
    """A SELECT of everyone in the workforce whose name contains `full_name` (HCPA's finder)."""
    statement = select(Person).order_by(Person.full_name, Person.id)
    if full_name:
        statement = statement.where(Person.full_name.ilike(f"%{full_name}%"))
    return statement
