"""The workplace file's STARTERS, LEAVERS and VACANCIES: counts per job role, aligned with ALLJOBROLES.

- VACANCIES (open today) reconcile the workplace's open vacancy posts of each listed role: posts are
  opened or closed on the import day so the count open that day matches. Opened posts are marked
  `source = "ascwds"`; closing takes ASC-WDS-made posts first, then the newest, and notes on each
  closed post that the import closed it. Only directly employed (permanent, temporary) posts are
  counted or touched, as in the outcomes; bank and agency posts are left alone.
- STARTERS and LEAVERS (the last 12 months) and VACANCIES are kept as DeclaredCount rows dated
  the import day; an import replaces the counts of the same kind declared in its 12 months, so a
  re-import never duplicates them. The outcomes use them for months the service's own records do
  not cover (academy/outcomes/declared.py).

A single `0` means none for every role; `999` (don't know), for the whole column or one role,
declares nothing. validate.py calls `collect` for each workplace row it will create or change;
apply.py calls `apply_counts` after the workplaces are saved.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import delete, or_, select

from academy.ascwds import codes
from academy.ascwds.cells import DONT_KNOW, format_date
from academy.ascwds.models import DeclaredCount
from academy.workplaces.models import VACANCY_FROM_ASCWDS, ContractType, JobRole, Vacancy

KINDS = ("starters", "leavers", "vacancies")
COLUMNS = {"starters": "STARTERS", "leavers": "LEAVERS", "vacancies": "VACANCIES"}
DIRECTLY_EMPLOYED = (ContractType.permanent, ContractType.temporary)


@dataclass(slots=True)
class WorkplaceCounts:
    """One workplace row's declared counts: kind -> {ASC-WDS job role code: count} (roles whose count
    is 999 left out); a kind the row does not declare is absent."""
    line: int
    local_id: str
    workplace_id: int | None  # None when this import adds the workplace
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    none_at_all: set[str] = field(default_factory=set)  # kinds given as a single 0: none for any role


def collect(plan, line: int, local_id: str, workplace_id: int | None, values: dict) -> None:
    """Read a workplace row's counts into the plan; a count list that does not line up with
    ALLJOBROLES is a warning and is left out (as ASC-WDS drops a field with a warning)."""
    roles = [r for r in values.get("ALLJOBROLES") or [] if r != "0"]
    found = WorkplaceCounts(line, local_id, workplace_id)
    for kind, column in COLUMNS.items():
        counts = values.get(column)
        if counts is None:
            continue
        if len(counts) == 1 and counts[0] == 0:
            found.counts[kind] = {}
            found.none_at_all.add(kind)
        elif len(counts) == 1 and counts[0] == int(DONT_KNOW) and len(roles) != 1:
            continue
        elif len(counts) != len(roles):
            plan.report.warning("workplace", line, column, f"has {len(counts)} counts but ALLJOBROLES has "
                                                           f"{len(roles)} job roles; it will be left out")
        elif known := {role: count for role, count in zip(roles, counts) if count != int(DONT_KNOW)}:
            found.counts[kind] = known
    if found.counts:
        plan.workplace_counts.append(found)


def apply_counts(session, plan, new_workplaces: dict[str, int], today: date) -> None:
    """Store the declared counts and reconcile the open vacancy posts, in the caller's transaction."""
    if not plan.workplace_counts:
        return
    role_ids = _role_ids(session)
    for found in plan.workplace_counts:
        if found.workplace_id is None:
            found.workplace_id = new_workplaces[found.local_id]
    _declare(session, plan.workplace_counts, role_ids, today)
    _reconcile(session, [f for f in plan.workplace_counts if "vacancies" in f.counts], role_ids, today)


def _role_ids(session) -> dict[str, int]:
    """ASC-WDS job role code -> this service's job role id."""
    ids = dict(session.execute(select(JobRole.code, JobRole.id)).all())
    return {code: ids[role] for code, role in codes.job_role_for_code().items() if role in ids}


def twelve_months_before(day: date) -> date:
    return (pd.Timestamp(day) - pd.DateOffset(months=12)).date()


def _declare(session, found_counts: list[WorkplaceCounts], role_ids: dict[str, int], today: date) -> None:
    since = twelve_months_before(today)
    rows = []
    for found in found_counts:
        for kind, by_role in found.counts.items():
            session.execute(delete(DeclaredCount).where(
                DeclaredCount.workplace_id == found.workplace_id, DeclaredCount.kind == kind,
                DeclaredCount.declared_on > since, DeclaredCount.declared_on <= today))
            if kind in found.none_at_all:
                by_role = {"0": 0}  # "none": kept, so the months it covers are known to have had none
            rows += [DeclaredCount(workplace_id=found.workplace_id, declared_on=today, kind=kind,
                                   ascwds_job_role=role, job_role_id=role_ids.get(role), count=count)
                     for role, count in by_role.items()]
    session.add_all(rows)
    session.flush()


def _reconcile(session, found_counts: list[WorkplaceCounts], role_ids: dict[str, int], today: date) -> None:
    """Open or close posts so each listed role's posts open today equal the declared count."""
    if not found_counts:
        return
    workplace_ids = [f.workplace_id for f in found_counts]
    open_posts: dict[tuple[int, int], list[Vacancy]] = defaultdict(list)
    for vacancy in session.scalars(select(Vacancy).where(
            Vacancy.workplace_id.in_(workplace_ids), Vacancy.contract_type.in_(DIRECTLY_EMPLOYED),
            Vacancy.opened_on <= today, or_(Vacancy.closed_on.is_(None), Vacancy.closed_on > today))):
        open_posts[(vacancy.workplace_id, vacancy.job_role_id)].append(vacancy)
    names = dict(session.execute(select(JobRole.id, JobRole.name)).all())
    for found in found_counts:
        wanted: dict[int, int] = defaultdict(int)
        for role, count in found.counts["vacancies"].items():
            if role in role_ids:
                wanted[role_ids[role]] += count
        if "vacancies" in found.none_at_all:
            wanted = {role_id: 0 for (workplace_id, role_id) in open_posts if workplace_id == found.workplace_id}
        for role_id, count in wanted.items():
            posts = open_posts.get((found.workplace_id, role_id), [])
            now_open = sum(v.posts for v in posts)
            note = (f"the ASC-WDS workplace file declared {count} vacancies for {names.get(role_id, 'this role')} "
                    f"on {format_date(today)}")
            if count > now_open:
                session.add(Vacancy(workplace_id=found.workplace_id, job_role_id=role_id, posts=count - now_open,
                                    contract_type=ContractType.permanent, opened_on=today, source=VACANCY_FROM_ASCWDS,
                                    description=f"Opened by an ASC-WDS import: {note}."))
            elif count < now_open:
                _close(session, posts, now_open - count, today, note)
    session.flush()


def _close(session, posts: list[Vacancy], to_close: int, today: date, note: str) -> None:
    """Close `to_close` posts: ASC-WDS-made vacancies first, then the newest. A vacancy with more
    posts than still to close keeps the rest open, and a closed copy records the posts it had until
    today (so the months before stay as they were)."""
    order = sorted(posts, key=lambda v: (v.source == VACANCY_FROM_ASCWDS, v.opened_on, v.id), reverse=True)
    closed_note = f"Closed on {format_date(today)} by an ASC-WDS import: {note}."
    for vacancy in order:
        if to_close <= 0:
            break
        if vacancy.posts <= to_close:
            to_close -= vacancy.posts
            vacancy.closed_on = today
            vacancy.description = _with_note(vacancy.description, closed_note)
            continue
        vacancy.posts -= to_close
        session.add(Vacancy(workplace_id=vacancy.workplace_id, job_role_id=vacancy.job_role_id, posts=to_close,
                            hours_per_week=vacancy.hours_per_week, days=vacancy.days, nights=vacancy.nights,
                            weekends=vacancy.weekends, contract_type=vacancy.contract_type,
                            hourly_pay=vacancy.hourly_pay, driving_needed=vacancy.driving_needed,
                            opened_on=vacancy.opened_on, closed_on=today, source=VACANCY_FROM_ASCWDS,
                            description=_with_note(vacancy.description, f"{to_close} of these posts: {closed_note}")))
        to_close = 0


def _with_note(description: str | None, note: str) -> str:
    return f"{description}\n\n{note}" if description else note
