"""The jobs board: open vacancies (made in the manager portal or imported from ASC-WDS) listed for
everyone, without the employer's name or address until a referral; an applicant's interest in one,
which matching then ranks first for the officer (recruitment/matching.py).

Pages get `Listing`s, never `Vacancy`s, so no template can show what a listing does not hold: the
workplace's name, address, postcode and the vacancy's free-text description (which may name it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from academy.auth.access import Invalid, refuse
from academy.auth.models import Role, User
from academy.workplaces.models import District, ServiceType, Vacancy, Workplace
from recruitment import journey, matching
from recruitment.models import Application, State

HOURS = {
    "under-16": ("Up to 16 hours a week", None, Decimal(16)),
    "16-29": ("16 to 29 hours a week", Decimal(16), Decimal(30)),
    "30-plus": ("30 hours a week or more", Decimal(30), None),
}
"""The hours filter: key -> (label, at least, under)."""
MATCHES_SHOWN = 5


@dataclass(frozen=True)
class Listing:
    """What the public may see of a vacancy."""
    id: int
    job_role: str
    district: str
    service_type: str
    hours_per_week: Decimal | None
    hourly_pay: Decimal | None
    contract: str
    shifts: str
    posts: int
    opened_on: date


@dataclass(frozen=True)
class Filters:
    district_id: int | None = None
    service_type_id: int | None = None
    hours: str | None = None


def listing_from(vacancy: Vacancy) -> Listing:
    workplace = vacancy.workplace
    return Listing(id=vacancy.id, job_role=vacancy.job_role.name, district=workplace.district.name,
                   service_type=workplace.service_type.name, hours_per_week=vacancy.hours_per_week,
                   hourly_pay=vacancy.hourly_pay, contract=vacancy.contract_type.value,
                   shifts=vacancy.shift_pattern, posts=vacancy.posts, opened_on=vacancy.opened_on)


def filters_from(args) -> Filters:
    """The board's filters from a query string; a value that is not one of the choices is ignored."""
    def whole(name: str) -> int | None:
        value = (args.get(name) or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    hours = args.get("hours")
    return Filters(whole("district"), whole("service_type"), hours if hours in HOURS else None)


def board_query(filters: Filters, today: date | None = None):
    """Open vacancies at active workplaces, newest first, filtered."""
    statement = matching.open_vacancies_query(today).order_by(Vacancy.opened_on.desc(), Vacancy.id.desc())
    if filters.district_id:
        statement = statement.where(Workplace.district_id == filters.district_id)
    if filters.service_type_id:
        statement = statement.where(Workplace.service_type_id == filters.service_type_id)
    if filters.hours:
        _, at_least, under = HOURS[filters.hours]
        if at_least is not None:
            statement = statement.where(Vacancy.hours_per_week >= at_least)
        if under is not None:
            statement = statement.where(Vacancy.hours_per_week < under)
    return statement


def filter_choices(session) -> tuple[list[District], list[ServiceType]]:
    return (list(session.scalars(select(District).order_by(District.name))),
            list(session.scalars(select(ServiceType).order_by(ServiceType.name))))


def get_open_vacancy_or_404(session, vacancy_id: int, for_user: User | None, *,
                            today: date | None = None) -> Vacancy:
    """An open vacancy at an active workplace (everyone may see each one); a closed or unknown one is a
    404, counted in the security log for a signed-in user as any guessed id is."""
    vacancy = session.scalar(matching.open_vacancies_query(today).where(Vacancy.id == vacancy_id))
    if vacancy is None:
        refuse(404, for_user, ("Vacancy", vacancy_id))
    return vacancy


def record_interest(session, user: User, vacancy: Vacancy, today: date | None = None) -> Application:
    """The applicant asks about `vacancy`: their application (started now if they have none) records it,
    replacing any earlier choice, while it is a draft. A sent application is not changed."""
    if user.role != Role.applicant:
        raise Invalid("Only applicants can apply for a job")
    if not vacancy.open_on(today or date.today()) or not vacancy.workplace.is_active:
        raise Invalid("This job is no longer open")
    application = journey.application_for(session, user, create=True)
    if application.state != State.draft:
        raise Invalid("You have already sent your application. Your HCPA officer will suggest jobs that "
                      "suit you; you can tell them about this one.")
    application.interested_vacancy = vacancy
    session.flush()
    return application


def matches_for(session, user: User, today: date | None = None) -> list[Listing]:
    """The open vacancies that suit a signed-in applicant best (the officer's matching score), once their
    application says where they want to work; empty otherwise."""
    if user.role != Role.applicant:
        return []
    application = journey.application_for(session, user)
    if application is None or application.district_id is None:
        return []
    vacancies = {v.id: v for v in session.scalars(matching.open_vacancies_query(today)).unique()}
    ranked = matching.rank_posts(matching.candidate_from(application),
                                 [matching.post_from(v) for v in vacancies.values()])
    return [listing_from(vacancies[m.post.id]) for m in ranked if m.suitable and m.score > 0][:MATCHES_SHOWN]


def interested_listing(application: Application | None) -> Listing | None:
    """The job an applicant asked about, for their own pages."""
    if application is None or application.interested_vacancy is None:
        return None
    return listing_from(application.interested_vacancy)
