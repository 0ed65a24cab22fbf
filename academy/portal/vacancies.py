"""A workplace's vacancies: open, edit and close (closing records closed_on, which feeds the
vacancy rate). Open vacancies are what GCR matches candidates against (recruitment/matching.py)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select

from academy.auth.access import Invalid, refuse
from academy.auth.models import User
from academy.portal.access import get_portal_workplace_or_404, require_manager
from academy.portal.staff import FUTURE_LIMIT_DAYS, _job_role, _long
from academy.workplaces.models import ContractType, Vacancy, Workplace
from recruitment.models import Referral

FIELDS = ("posts", "hours_per_week", "days", "nights", "weekends", "hourly_pay", "driving_needed", "description")


def vacancies_query(workplace: Workplace, closed: bool, today: date | None = None):
    today = today or date.today()
    statement = select(Vacancy).where(Vacancy.workplace_id == workplace.id)
    if closed:
        return statement.where(Vacancy.closed_on.is_not(None), Vacancy.closed_on <= today) \
            .order_by(Vacancy.closed_on.desc(), Vacancy.id.desc())
    return statement.where(or_(Vacancy.closed_on.is_(None), Vacancy.closed_on > today)) \
        .order_by(Vacancy.opened_on.desc(), Vacancy.id.desc())


def get_vacancy_or_404(session, vacancy_id: int, for_user: User, *, workplace_id: int,
                       write: bool | None = None) -> Vacancy:
    """The vacancy at workplace `workplace_id`, which `for_user` must be able to open in the portal
    (get_portal_workplace_or_404, with `write`); another workplace's vacancy is a 404."""
    workplace = get_portal_workplace_or_404(session, workplace_id, for_user, write=write)
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None or vacancy.workplace_id != workplace.id:
        refuse(404, for_user, ("Vacancy", vacancy_id))
    return vacancy


def get_referral_or_404(session, referral_id: int, for_user: User, *, workplace_id: int,
                        write: bool | None = None) -> Referral:
    """A referral to one of workplace `workplace_id`'s vacancies, which `for_user` must be able to
    open in the portal (get_portal_workplace_or_404, with `write`); any other is a 404."""
    workplace = get_portal_workplace_or_404(session, workplace_id, for_user, write=write)
    referral = session.get(Referral, referral_id)
    if referral is None or referral.vacancy.workplace_id != workplace.id:
        refuse(404, for_user, ("Referral", referral_id))
    return referral


def save_vacancy(session, workplace: Workplace, by: User, values: dict, vacancy: Vacancy | None = None,
                 today: date | None = None) -> Vacancy:
    """Open a vacancy (vacancy=None) or edit an open one from form values."""
    require_manager(by, workplace)
    today = today or date.today()
    role = _job_role(session, values.get("job_role_id"))
    if values.get("contract_type") not in ContractType.__members__:
        raise Invalid("Select the contract type")
    if vacancy is not None and vacancy.closed_on is not None and vacancy.closed_on <= today:
        raise Invalid("This vacancy is closed: open a new one instead")
    opened_on = values["opened_on"]
    if opened_on > today + timedelta(days=FUTURE_LIMIT_DAYS):
        raise Invalid("The opening date must be within six months from today")
    if opened_on < today - timedelta(days=5 * 365):
        raise Invalid("The opening date must be in the last five years")
    if not (values.get("days") or values.get("nights") or values.get("weekends")):
        raise Invalid("Select at least one of days, nights or weekends")
    if int(values.get("posts") or 0) < 1:
        raise Invalid("Number of posts must be between 1 and 200")
    if vacancy is None:
        vacancy = Vacancy(workplace=workplace)
        session.add(vacancy)
    with session.no_autoflush:
        for field in FIELDS:
            setattr(vacancy, field, values.get(field) if values.get(field) != "" else None)
        vacancy.days, vacancy.nights, vacancy.weekends, vacancy.driving_needed = (
            bool(values.get("days")), bool(values.get("nights")), bool(values.get("weekends")),
            bool(values.get("driving_needed")))
        vacancy.job_role, vacancy.contract_type, vacancy.opened_on = role, ContractType[values["contract_type"]], opened_on
    session.flush()
    return vacancy


def close_vacancy(session, vacancy: Vacancy, by: User, closed_on: date, today: date | None = None) -> None:
    require_manager(by, vacancy.workplace)
    today = today or date.today()
    if vacancy.closed_on is not None:
        raise Invalid(f"This vacancy closed on {_long(vacancy.closed_on)}")
    if closed_on < vacancy.opened_on:
        raise Invalid(f"The closing date cannot be before the vacancy opened ({_long(vacancy.opened_on)})")
    if closed_on > today:
        raise Invalid("The closing date cannot be in the future")
    vacancy.closed_on = closed_on
    session.flush()
