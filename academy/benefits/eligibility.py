"""Who a benefit is for. A member is eligible for a benefit on a day when the benefit is live that
day and every rule HCPA set holds:

- minimum tier: the member holds (awarded, not lapsed) that career tier or a higher one;
- job roles: one of the member's current jobs is in one of the listed roles (no roles = any role,
  and then a member between jobs is eligible too);
- employed by a member provider: one of their current jobs is at a workplace that is an HCPA
  member. With job roles as well, the same job must meet both.

`MemberFacts` is what the rules read; `facts_for` loads it in two queries, so a page of benefits
costs the same whatever the catalogue's size.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from academy.benefits.models import Benefit
from academy.tiers.models import TierAward
from academy.workplaces.models import Employment, Person, Workplace
from training.people import current_employment_clause


@dataclass(slots=True)
class Job:
    """One job the member holds today: its role and whether its workplace is an HCPA member."""

    job_role_id: int
    member_provider: bool


@dataclass
class MemberFacts:
    tier: int | None = None
    jobs: list[Job] = field(default_factory=list)


def _job_fits(benefit: Benefit, job: Job, role_ids: set[int]) -> bool:
    return (not role_ids or job.job_role_id in role_ids) and (not benefit.member_provider_only or job.member_provider)


def is_eligible(benefit: Benefit, facts: MemberFacts, on: date) -> bool:
    """Does a member with these facts get `benefit` on `on`?"""
    if not benefit.live_on(on):
        return False
    if benefit.min_tier and (facts.tier or 0) < benefit.min_tier:
        return False
    role_ids = {role.id for role in benefit.job_roles}
    if not role_ids and not benefit.member_provider_only:
        return True
    return any(_job_fits(benefit, job, role_ids) for job in facts.jobs)


def who_for(benefit: Benefit) -> str:
    """The eligibility rules in words, for HCPA's catalogue and the member's detail page."""
    parts = [f"tier {benefit.min_tier} or above" if benefit.min_tier else "every tier"]
    if benefit.job_roles:
        parts.append("in these roles: " + ", ".join(role.name for role in benefit.job_roles))
    else:
        parts.append("any job role")
    if benefit.member_provider_only:
        parts.append("employed by an HCPA member provider")
    return "CPA members: " + "; ".join(parts)


def facts_for(session, person: Person, on: date) -> MemberFacts:
    """The member's tier held on `on` and their jobs that day (two queries)."""
    awards = session.scalars(select(TierAward).where(TierAward.person_id == person.id))
    held = [award.tier_number for award in awards if award.current_on(on)]
    jobs = [Job(role_id, bool(member)) for role_id, member in session.execute(
        select(Employment.job_role_id, Workplace.hcpa_member).join(Workplace, Workplace.id == Employment.workplace_id)
        .where(Employment.person_id == person.id, Employment.start_date <= on, current_employment_clause(on)))]
    return MemberFacts(max(held) if held else None, jobs)
