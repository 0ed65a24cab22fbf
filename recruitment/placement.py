"""Placement: the offer is accepted and a start date set. The applicant joins the workforce spine
(a Person with an Employment at the vacancy's workplace), their account becomes a care worker's,
and the vacancy loses a post."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from academy.auth.access import Invalid
from academy.auth.models import Role, User
from academy.workplaces.models import Employment, Person
from recruitment.models import Placement, Referral, ReferralStatus, State
from recruitment.notify import tell_applicant
from recruitment.pipeline import flush_or_conflict, move
from recruitment.screening import require_staff

EARLIEST_START_DAYS = 365
LATEST_START_DAYS = 365


def place(session, referral: Referral, by: User, start_date: date, hours_per_week: int | None = None,
          fill_post: bool = True, today: date | None = None) -> Placement:
    """Record the placement: staff record, care-worker account, vacancy filled, applicant emailed."""
    require_staff(by)
    today = today or date.today()
    application = referral.application
    if referral.status != ReferralStatus.offered or application.state != State.offered:
        raise Invalid("Only an applicant with a job offer can be placed")
    if not today - timedelta(days=EARLIEST_START_DAYS) <= start_date <= today + timedelta(days=LATEST_START_DAYS):
        raise Invalid("The start date must be within a year of today")
    vacancy = referral.vacancy
    if start_date < vacancy.opened_on:
        raise Invalid("The start date cannot be before the vacancy opened")
    user = application.user
    person = user.person
    if person is None:
        person = Person(full_name=application.full_name or user.full_name, email=user.email, user=user)
        session.add(person)
    hours = hours_per_week or vacancy.hours_per_week or application.hours_per_week
    employment = Employment(person=person, workplace=vacancy.workplace, job_role=vacancy.job_role,
                            contract_type=vacancy.contract_type, start_date=start_date,
                            hours_per_week=Decimal(hours) if hours is not None else None)
    session.add(employment)
    placement = Placement(application=application, referral=referral, employment=employment,
                          start_date=start_date, placed_by_id=by.id)
    session.add(placement)
    referral.status = ReferralStatus.placed
    user.role = Role.care_worker
    if fill_post:
        fill_one_post(vacancy, start_date)
    move(session, application, State.placed, by, f"Starts at {vacancy.workplace.name} on {start_date:%-d %B %Y}",
         tell=False)
    tell_applicant(application, State.placed)
    flush_or_conflict(session)
    return placement


def fill_one_post(vacancy, on: date) -> None:
    """One post fewer; the vacancy closes when its last post is filled."""
    if vacancy.posts > 1:
        vacancy.posts -= 1
    else:
        vacancy.closed_on = max(on, vacancy.opened_on)
