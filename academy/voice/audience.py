"""Who a poll is for. A member is a care worker (CPA member) with an active account, their Person
and a job in post today at an active workplace; a poll reaches members by district, service type
and job role (of that job) and career tier (their current tier award), all optional.

A member in post at more than one workplace answers once, for the newest of their jobs that the
poll reaches; that job's district, service type and workplace are the group kept with the answers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from academy.auth.models import Role, User
from academy.tiers.models import TierAward
from academy.voice.models import Poll
from academy.workplaces.models import Employment, Person, Workplace


@dataclass(slots=True)
class Member:
    """A member through one of their jobs in post: the coarse group an answer is kept with."""

    user_id: int
    email: str
    full_name: str
    workplace_id: int
    district_id: int
    service_type_id: int
    job_role_id: int
    tier: int | None


def id_list(value: str | None) -> list[int]:
    return [int(part) for part in (value or "").split(";") if part.strip().isdigit()]


def joined(ids) -> str | None:
    ids = sorted({int(i) for i in ids})
    return ";".join(str(i) for i in ids) or None


def _jobs_statement(on: date, poll: Poll | None = None):
    """Members' jobs in post on `on` (a row per job), only those the poll reaches when given: the
    poll's lists as SQL conditions, as `reaches` checks them (a member's tier is their highest award
    not lapsed on `on`; with a tier list, a member without one is not reached)."""
    statement = (
        select(User.id, User.email, User.full_name, Employment.workplace_id, Workplace.district_id,
               Workplace.service_type_id, Employment.job_role_id, Person.id)
        .join(Person, Person.user_id == User.id)
        .join(Employment, Employment.person_id == Person.id)
        .join(Workplace, Workplace.id == Employment.workplace_id)
        .where(User.role == Role.care_worker, User.is_active_account.is_(True), Workplace.is_active.is_(True),
               Employment.start_date <= on, or_(Employment.leaving_date.is_(None), Employment.leaving_date > on)))
    if poll is None:
        return statement
    for wanted, column in ((id_list(poll.district_ids), Workplace.district_id),
                           (id_list(poll.service_type_ids), Workplace.service_type_id),
                           (id_list(poll.job_role_ids), Employment.job_role_id)):
        if wanted:
            statement = statement.where(column.in_(wanted))
    if id_list(poll.tiers):
        tiers = _current_tiers_statement(on).subquery()
        statement = (statement.join(tiers, tiers.c.person_id == Person.id)
                     .where(tiers.c.tier.in_(id_list(poll.tiers))))
    return statement


def _jobs(session, on: date, user_id: int | None = None, poll: Poll | None = None) -> list[Member]:
    statement = _jobs_statement(on, poll).order_by(User.id, Employment.start_date.desc(), Employment.id.desc())
    if user_id is not None:
        statement = statement.where(User.id == user_id)
    rows = session.execute(statement).all()
    tiers = _current_tiers(session, on, {row[7] for row in rows}) if rows else {}
    return [Member(row[0], row[1], row[2], row[3], row[4], row[5], row[6], tiers.get(row[7])) for row in rows]


def _current_tiers_statement(on: date):
    """(person_id, tier): each person's highest tier award not lapsed on `on`."""
    return (select(TierAward.person_id, func.max(TierAward.tier_number).label("tier"))
            .where(TierAward.awarded_on <= on, or_(TierAward.lapsed_on.is_(None), TierAward.lapsed_on > on))
            .group_by(TierAward.person_id))


def _current_tiers(session, on: date, person_ids: set[int]) -> dict[int, int]:
    statement = _current_tiers_statement(on)
    if len(person_ids) < 500:
        statement = statement.where(TierAward.person_id.in_(person_ids))
    return dict(session.execute(statement).all())


def reaches(poll: Poll, member: Member) -> bool:
    """Whether the poll's audience takes in this member through this job."""
    for wanted, value in ((id_list(poll.district_ids), member.district_id),
                          (id_list(poll.service_type_ids), member.service_type_id),
                          (id_list(poll.job_role_ids), member.job_role_id),
                          (id_list(poll.tiers), member.tier)):
        if wanted and value not in wanted:
            return False
    return True


def audience(session, poll: Poll, on: date | None = None) -> list[Member]:
    """Every member the poll reaches, once each (through their newest job it reaches). The database
    picks the jobs the poll reaches (`_jobs_statement`, which `audience_count` counts); `reaches`
    is the same rule in Python, kept as a check."""
    on = on or date.today()
    chosen: dict[int, Member] = {}
    for member in _jobs(session, on, poll=poll):
        if member.user_id not in chosen and reaches(poll, member):
            chosen[member.user_id] = member
    return list(chosen.values())


def audience_count(session, poll: Poll, on: date | None = None) -> int:
    """How many members the poll reaches (`len(audience(...))`), counted by the database in one
    query: the members with at least one job in `audience`'s query."""
    statement = _jobs_statement(on or date.today(), poll)
    return session.scalar(statement.with_only_columns(func.count(User.id.distinct())))


def member_jobs(session, user: User, on: date | None = None) -> list[Member]:
    """The user's jobs in post as a member (newest first); none for anyone but a care worker."""
    return _jobs(session, on or date.today(), user.id) if user.role == Role.care_worker else []


def as_member(session, poll: Poll, user: User, on: date | None = None) -> Member | None:
    """The user as a member the poll reaches (their newest job it reaches), or None."""
    if user.role != Role.care_worker:
        return None
    return next((m for m in _jobs(session, on or date.today(), user.id) if reaches(poll, m)), None)


def reaches_workplace(poll: Poll, workplace: Workplace) -> bool:
    """A poll is aimed at a workplace when its district and service type lists take the workplace in
    (its job role and tier lists pick people there, not workplaces)."""
    districts, types = id_list(poll.district_ids), id_list(poll.service_type_ids)
    return (not districts or workplace.district_id in districts) and (not types or workplace.service_type_id in types)
