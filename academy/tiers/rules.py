"""Tier rules as data: seeding the five tiers from data/tiers.csv, and admins adding, changing and
removing a tier's criteria (checked here, so a bad rule never reaches the evaluator)."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from academy.auth.access import Invalid
from academy.tiers.models import CriterionKind, Tier, TierCriterion
from academy.workplaces.models import JobRole
from training.models import Course, QualificationType

TIERS_FILE = Path(__file__).with_name("data") / "tiers.csv"
TIER_DESCRIPTIONS = {
    1: "New to care: your Care Certificate induction is in progress.",
    2: "Care Certificate signed off and all mandatory training current.",
    3: "A relevant Level 2 or higher qualification, at least 12 months in care and a specialist area.",
    4: "A Level 3 Diploma and leading others or a practice area.",
    5: "A Level 4 or 5 qualification in leadership and management, working as a deputy or registered manager.",
}


def _invalid(message: str, field_name: str) -> Invalid:
    problem = Invalid(message)
    problem.field = field_name
    return problem


def seed_tiers(session) -> int:
    """Add the tiers of the data file that are missing (with their criteria). Tiers already there
    keep the admins' edits. Returns how many tiers were added."""
    with TIERS_FILE.open(newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    existing = set(session.scalars(select(Tier.number)))
    added: dict[int, Tier] = {}
    for row in rows:
        number = int(row["tier"])
        if number in existing:
            continue
        tier = added.get(number)
        if tier is None:
            tier = Tier(number=number, name=row["name"], cwp_category=row["cwp_category"],
                        description=TIER_DESCRIPTIONS.get(number))
            session.add(tier)
            added[number] = tier
        tier.criteria.append(TierCriterion(kind=CriterionKind[row["kind"]],
                                           number=int(row["number"]) if row["number"] else None,
                                           codes=row["codes"] or None))
    session.flush()
    return len(added)


def get_tier(session, number: int) -> Tier | None:
    return session.scalar(select(Tier).where(Tier.number == number))


@dataclass
class CriterionInput:
    kind: str | None
    number: int | None = None
    courses: list[str] = field(default_factory=list)
    job_roles: list[str] = field(default_factory=list)
    qualification_types: list[str] = field(default_factory=list)


def _codes(session, kind: CriterionKind, values: CriterionInput) -> str | None:
    if kind.needs_courses:
        chosen, known = values.courses, set(session.scalars(select(Course.code).where(Course.code.in_(values.courses))))
        field_name, what = "courses", "course"
    elif kind.needs_job_roles:
        chosen = values.job_roles
        known = set(session.scalars(select(JobRole.code).where(JobRole.code.in_(values.job_roles))))
        field_name, what = "job_roles", "job role"
    elif kind.needs_qualification_types:
        chosen, known = values.qualification_types, {t.name for t in QualificationType}
        field_name, what = "qualification_types", "qualification"
    else:
        return None
    if not chosen:
        raise _invalid(f"Select at least one {what}", field_name)
    if not set(chosen) <= known:
        raise _invalid(f"Select {what}s from the list", field_name)
    return ";".join(dict.fromkeys(chosen))


def _number(kind: CriterionKind, value: int | None) -> int | None:
    if not kind.needs_number:
        return None
    if kind == CriterionKind.qualification_level_at_least:
        if value is None or not 1 <= value <= 8:
            raise _invalid("Enter a qualification level from 1 to 8", "number")
    elif value is None or not 1 <= value <= 600:
        raise _invalid("Enter a number of months from 1 to 600", "number")
    return value


def save_criterion(session, tier: Tier, values: CriterionInput,
                   criterion: TierCriterion | None = None) -> TierCriterion:
    """Add a criterion to `tier` (criterion=None) or change one. Raises Invalid naming the field."""
    try:
        kind = CriterionKind[values.kind or ""]
    except KeyError:
        raise _invalid("Select what the criterion checks", "kind") from None
    number = _number(kind, values.number)
    codes = _codes(session, kind, values)
    if criterion is None:
        criterion = TierCriterion(tier=tier)
        session.add(criterion)
    criterion.kind, criterion.number, criterion.codes = kind, number, codes
    session.flush()
    return criterion


def remove_criterion(session, criterion: TierCriterion) -> None:
    """Remove a criterion. A tier keeps at least one, so it can never be had for nothing."""
    if len(criterion.tier.criteria) <= 1:
        raise Invalid(f"Tier {criterion.tier.number} must keep at least one criterion: add another first")
    criterion.tier.criteria.remove(criterion)
    session.flush()
