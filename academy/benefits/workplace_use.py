"""The manager portal's view of benefits: which of the workplace's staff are CPA members (their
names: they are the manager's own staff), and how many of its staff said they used each benefit,
as counts only, a count below `SMALLEST_COUNT_SHOWN` shown as "fewer than 5", never who.

A count must not let a manager work out who used a benefit by watching it change, so it is of the
people who said they used it WHILE WORKING AT THIS WORKPLACE (the workplace is recorded on the use
when it is declared), leavers included: a leaver or a starter changes nothing. It counts only
declarations made up to the end of last month (`counted_to`), so pressing "I've used this" today
shows nowhere until the month turns. Rows are the benefits live today, never a row because of a use.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from academy.benefits.models import Benefit, BenefitUse
from academy.tiers.models import CpaMembership
from academy.workplaces.models import Employment, Person, Workplace
from training.people import current_employment_clause

SMALLEST_COUNT_SHOWN = 5


def count_text(count: int) -> str:
    """A count a manager may see: the number from 5 up, "fewer than 5" below (0 included), so no
    small group can be told apart."""
    return str(count) if count >= SMALLEST_COUNT_SHOWN else f"fewer than {SMALLEST_COUNT_SHOWN}"


def _in_post(workplace: Workplace, on: date):
    return (Employment.workplace_id == workplace.id, Employment.start_date <= on, current_employment_clause(on))


def members_query(workplace: Workplace, on: date | None = None):
    """Staff in post at the workplace who are CPA members (hold a member number), by name."""
    on = on or date.today()
    return (select(Employment).join(Employment.person).join(CpaMembership, CpaMembership.person_id == Person.id)
            .options(joinedload(Employment.person).joinedload(Person.cpa_membership))
            .where(*_in_post(workplace, on)).order_by(func.lower(Person.full_name), Employment.id))


def staff_count(session, workplace: Workplace, on: date | None = None) -> int:
    """People in post at the workplace today (members or not)."""
    on = on or date.today()
    return session.scalar(select(func.count(func.distinct(Employment.person_id))).where(*_in_post(workplace, on)))


@dataclass
class UseLine:
    benefit: Benefit
    count: int

    @property
    def shown(self) -> str:
        return count_text(self.count)


def counted_to(on: date) -> date:
    """The last day whose declarations a manager's counts include on `on`: the end of last month."""
    return on.replace(day=1) - timedelta(days=1)


def use_counts(session, workplace: Workplace, on: date | None = None) -> list[UseLine]:
    """Every benefit live on `on`, with how many people said they used it while working at the
    workplace, up to the end of last month (two queries)."""
    on = on or date.today()
    counts = dict(session.execute(
        select(BenefitUse.benefit_id, func.count(func.distinct(BenefitUse.person_id)))
        .where(BenefitUse.workplace_id == workplace.id, BenefitUse.first_used_on <= counted_to(on))
        .group_by(BenefitUse.benefit_id)).all())
    benefits = session.scalars(select(Benefit).where(Benefit.withdrawn_at.is_(None))
                               .order_by(Benefit.kind, Benefit.title, Benefit.id))
    return [UseLine(benefit, counts.get(benefit.id, 0)) for benefit in benefits if benefit.live_on(on)]
