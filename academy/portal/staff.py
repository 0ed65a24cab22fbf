"""Staff in post at a workplace: the list, starters, leavers, job-role changes and the RM flag.

Plain functions taking `session` first; they raise Invalid / NotAllowed with messages for the page.
Only a registered manager of the workplace changes its staff records (HCPA reads them in the portal).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from academy.auth.access import Invalid, refuse
from academy.auth.models import User
from academy.portal import employer_links
from academy.portal.access import get_portal_workplace_or_404, require_manager
from academy.portal.forms import REASON_LABELS
from academy.portal.models import RoleChange
from academy.workplaces.models import ContractType, Employment, JobRole, Person, Workplace
from training import induction as inductions
from training.models import CareCertificateInduction

FUTURE_LIMIT_DAYS = 183  # a start, leaving date or role change at most six months ahead
EARLIEST_START = date(1960, 1, 1)


def _future_limit(today: date) -> date:
    return today + timedelta(days=FUTURE_LIMIT_DAYS)


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def job_roles(session) -> list[JobRole]:
    return list(session.scalars(select(JobRole).order_by(JobRole.name)))


def _job_role(session, job_role_id) -> JobRole:
    role = session.get(JobRole, job_role_id) if isinstance(job_role_id, int) else None
    if role is None:
        raise Invalid("Select a job role from the list")
    return role


# -- the list ----------------------------------------------------------------------------------

def staff_query(workplace: Workplace, today: date | None = None, leavers: bool = False):
    """Employments in post at the workplace today, plus those who start later (leavers=False);
    or those who left in the last 12 months (leavers=True). Ordered by name."""
    today = today or date.today()
    statement = (select(Employment).join(Employment.person).options(joinedload(Employment.person))
                 .where(Employment.workplace_id == workplace.id))
    if leavers:
        statement = statement.where(Employment.leaving_date.is_not(None), Employment.leaving_date <= today,
                                    Employment.leaving_date > today - timedelta(days=365))
    else:
        statement = statement.where(or_(Employment.leaving_date.is_(None), Employment.leaving_date > today))
    return statement.order_by(func.lower(Person.full_name), Employment.id)


@dataclass
class StaffRow:
    employment: Employment
    induction: str
    induction_overdue: bool
    tier: str | None


def induction_state(items: list[CareCertificateInduction], today: date) -> tuple[str, bool]:
    current = inductions.current_induction(items)
    if current is None:
        return "Not started", False
    if current.completed_on is not None:
        return f"Completed {_long(current.completed_on)}", False
    signed = sum(1 for p in current.standards if p.state.name == "signed_off")
    overdue = inductions.is_overdue(current, today)
    return f"{signed} of {len(current.standards)} standards signed off" + (" (overdue)" if overdue else ""), overdue


def tiers_available() -> bool:
    try:
        from academy.tiers.evaluator import tiers_for  # noqa: F401
    except ImportError:
        return False
    return True


def staff_rows(session, employments: list[Employment], today: date | None = None) -> list[StaffRow]:
    """The page's rows with induction state and tier, in a fixed number of queries."""
    today = today or date.today()
    people = {e.person_id: e.person for e in employments}
    by_person: dict[int, list[CareCertificateInduction]] = {pid: [] for pid in people}
    if people:
        for item in session.scalars(select(CareCertificateInduction)
                                    .where(CareCertificateInduction.person_id.in_(list(people)))
                                    .options(selectinload(CareCertificateInduction.standards))):
            by_person[item.person_id].append(item)
    tiers = _tiers(session, list(people.values()), today)
    rows = []
    for employment in employments:
        text, overdue = induction_state(by_person.get(employment.person_id, []), today)
        rows.append(StaffRow(employment, text, overdue, tiers.get(employment.person_id)))
    return rows


def _tiers(session, people: list[Person], today: date) -> dict[int, str]:
    if not people or not tiers_available():
        return {}
    from academy.tiers.evaluator import tiers_for

    result = {}
    for person_id, evaluation in tiers_for(session, people, today).items():
        tier = evaluation.awarded_tier
        if tier is None:
            result[person_id] = "None yet"
        else:
            name = evaluation.tier_names.get(tier) if getattr(evaluation, "tier_names", None) else None
            result[person_id] = f"Tier {tier}" + (f": {name}" if name else "")
    return result


def get_employment_or_404(session, employment_id: int, for_user: User, *, workplace_id: int,
                          write: bool | None = None) -> Employment:
    """The employment at workplace `workplace_id`, which `for_user` must be able to open in the
    portal (get_portal_workplace_or_404, with `write`); another workplace's is a 404."""
    workplace = get_portal_workplace_or_404(session, workplace_id, for_user, write=write)
    employment = session.get(Employment, employment_id)
    if employment is None or employment.workplace_id != workplace.id:
        refuse(404, for_user, ("Employment", employment_id))
    return employment


# -- changes -----------------------------------------------------------------------------------

def already_on_staff(session, workplace: Workplace, email: str, start_date: date) -> bool:
    """Does one of this workplace's own staff records (in post on or after `start_date`) have this
    email address? Only the workplace's own records are looked at, never anyone else's."""
    email = email.strip().lower()
    return session.scalar(
        select(Employment.id).join(Employment.person).outerjoin(Person.user)
        .where(Employment.workplace_id == workplace.id,
               or_(Employment.leaving_date.is_(None), Employment.leaving_date >= start_date),
               or_(func.lower(Person.email) == email, func.lower(User.email) == email)).limit(1)) is not None


def add_starter(session, workplace: Workplace, by: User, *, job_role_id, contract_type: str, start_date: date,
                full_name: str | None = None, email: str | None = None, hours_per_week: Decimal | None = None,
                is_registered_manager: bool = False, today: date | None = None) -> Employment:
    """A new Employment at the workplace, always on a new Person of the workplace's own.

    Someone else's record is never attached here: when an email is given, the passport owner with
    that address (if any) is asked to link their passport (academy/portal/employer_links.py), and
    the page says the same whether or not there is one."""
    require_manager(by, workplace)
    today = today or date.today()
    role = _job_role(session, job_role_id)
    if contract_type not in ContractType.__members__:
        raise Invalid("Select the contract type")
    if start_date > _future_limit(today):
        raise Invalid(f"The start date must be no later than {_long(_future_limit(today))} (six months from today)")
    if start_date < EARLIEST_START:
        raise Invalid("Enter a start date after 1960")
    if not (full_name or "").strip():
        raise Invalid("Enter their full name")
    email = (email or "").strip().lower() or None
    if email and already_on_staff(session, workplace, email, start_date):
        raise Invalid("Someone on your staff list already has that email address: "
                      "change their job role instead")
    person = Person(full_name=full_name.strip(), email=email)
    session.add(person)
    employment = Employment(person=person, workplace=workplace, job_role=role,
                            contract_type=ContractType[contract_type], hours_per_week=hours_per_week,
                            start_date=start_date, is_registered_manager=bool(is_registered_manager))
    session.add(employment)
    if email:
        request = employer_links.ask_to_link(session, employment, by, email)
        session.flush()  # the request's id, for the link in the email
        employer_links.tell_worker(request)  # queued when the owner commits
    session.flush()
    return employment


def record_leaver(session, employment: Employment, by: User, leaving_date: date, reason: str,
                  detail: str | None = None, today: date | None = None) -> None:
    """The leaving date and reason (these feed turnover and, for an RM, RM turnover)."""
    require_manager(by, employment.workplace)
    today = today or date.today()
    if employment.leaving_date is not None:
        raise Invalid(f"{employment.person.full_name} has already left (on {_long(employment.leaving_date)})")
    if reason not in REASON_LABELS:
        raise Invalid("Select why they left")
    if leaving_date < employment.start_date:
        raise Invalid(f"The leaving date cannot be before their start date ({_long(employment.start_date)})")
    if leaving_date > _future_limit(today):
        raise Invalid(f"The leaving date must be no later than {_long(_future_limit(today))} (six months from today)")
    text = REASON_LABELS[reason] + (f": {detail.strip()}" if detail and detail.strip() else "")
    employment.leaving_date, employment.leaving_reason = leaving_date, text[:200]
    session.flush()


def change_role(session, employment: Employment, by: User, job_role_id, changed_on: date,
                today: date | None = None) -> RoleChange:
    """Change the job role in post; the change is kept (from, to, date, by). Not a leaver and a starter."""
    require_manager(by, employment.workplace)
    today = today or date.today()
    role = _job_role(session, job_role_id)
    if employment.leaving_date is not None:
        raise Invalid(f"{employment.person.full_name} has left: record them as a starter again instead")
    if role.id == employment.job_role_id:
        raise Invalid(f"{employment.person.full_name} is already a {employment.job_role.name.lower()}")
    _check_change_date(employment, changed_on, today)
    flag = employment.is_registered_manager
    change = RoleChange(employment=employment, from_job_role_id=employment.job_role_id, to_job_role_id=role.id,
                        from_registered_manager=flag, to_registered_manager=flag,
                        changed_on=changed_on, changed_by_id=by.id)
    session.add(change)
    employment.job_role = role
    session.flush()
    return change


def _check_change_date(employment: Employment, changed_on: date, today: date) -> None:
    """A dated change (job role, registered-manager flag) falls within the employment, after the last one."""
    if changed_on < employment.start_date:
        raise Invalid(f"The date of the change cannot be before their start date ({_long(employment.start_date)})")
    last = max((c.changed_on for c in employment.role_changes), default=None)
    if last is not None and changed_on < last:
        raise Invalid(f"The date of the change cannot be before their last change ({_long(last)})")
    if changed_on > _future_limit(today):
        raise Invalid(f"The date of the change must be no later than {_long(_future_limit(today))}")


def set_registered_manager(session, employment: Employment, by: User, flag: bool, changed_on: date,
                           today: date | None = None) -> RoleChange:
    """Mark or unmark the registered manager from `changed_on`; kept as a dated change (the job role
    stays), so the outcomes of earlier dates keep the flag they had."""
    require_manager(by, employment.workplace)
    if employment.leaving_date is not None:
        raise Invalid(f"{employment.person.full_name} has left")
    if bool(flag) == employment.is_registered_manager:
        raise Invalid(f"{employment.person.full_name} is {'already' if flag else 'not'} marked as a registered manager")
    _check_change_date(employment, changed_on, today or date.today())
    change = RoleChange(employment=employment, from_job_role_id=employment.job_role_id,
                        to_job_role_id=employment.job_role_id, from_registered_manager=employment.is_registered_manager,
                        to_registered_manager=bool(flag), changed_on=changed_on, changed_by_id=by.id)
    session.add(change)
    employment.is_registered_manager = bool(flag)
    session.flush()
    return change
