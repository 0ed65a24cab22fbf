"""STAN+ (Skills, Training and Needs) for one workplace: the gaps between what each worker's role
needs and what their passport shows, grouped into a plan of needs (course or need, people, due by).

Gaps counted, each with its due-by date:
- a mandatory course of their role expired (due: its expiry date, already past) or expiring within
  60 days (due: its expiry date), or missing (due: DEFAULT_WINDOW_DAYS from the plan's date);
- the Care Certificate, for care-providing roles without a completed one: in progress (due: its
  12-week target) or not started (due: 12 weeks after they started in post);
- what the next career tier needs (academy.tiers.evaluator): a qualification or a specialist course
  (due: TIER_WINDOW_DAYS from the plan's date). Tier criteria that the gaps above already cover
  (induction, Care Certificate, mandatory training) and those no training meets (months in care,
  job role) are left out.
States come from training.records / training.induction and the tier evaluator; nothing is re-decided.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from academy.portal.matrix import CareCertificateCell, StaffMember, staff_training
from academy.tiers.evaluator import tiers_for
from academy.tiers.models import CriterionKind, TierCriterion
from academy.workplaces.models import Workplace
from training.induction import TARGET_WEEKS
from training.records import TrainingState

DEFAULT_WINDOW_DAYS = 30
TIER_WINDOW_DAYS = 180
TIER_KINDS = (CriterionKind.qualification_level_at_least, CriterionKind.qualification_type_in,
              CriterionKind.specialist_course_in)


@dataclass
class PlanEntry:
    """One worker in one need: why they are in it and by when it must be met."""

    member: StaffMember
    reason: str
    due_on: date

    @property
    def person(self):
        return self.member.person


@dataclass
class Need:
    """A course (or the Care Certificate, or a tier requirement) and the people who need it."""

    kind: str  # "course", "care_certificate" or "tier"
    key: str
    title: str
    how_to: str = ""
    entries: list[PlanEntry] = field(default_factory=list)

    @property
    def due_on(self) -> date:
        return min(e.due_on for e in self.entries)

    @property
    def kind_label(self) -> str:
        return {"course": "Mandatory training", "care_certificate": "Induction", "tier": "Next tier"}[self.kind]


@dataclass
class Plan:
    workplace: Workplace
    on: date
    needs: list[Need]
    by_person: list[tuple[StaffMember, list[tuple[Need, PlanEntry]]]]
    staff_count: int
    tiers_included: bool = True

    @property
    def people_with_needs(self) -> int:
        return sum(1 for _, items in self.by_person if items)

    def overdue(self, entry: PlanEntry) -> bool:
        return entry.due_on < self.on


def _course_reason(state: TrainingState, record) -> str:
    if state == TrainingState.missing:
        return "Never done"
    verb = "Expired" if state == TrainingState.expired else "Expires"
    return f"{verb} {record.expires_on:%-d %b %Y}"


def _add(needs: dict[str, Need], key: str, make, entry: PlanEntry) -> None:
    need = needs.get(key)
    if need is None:
        need = needs[key] = make()
    need.entries.append(entry)


def _course_needs(data, on: date, needs: dict[str, Need]) -> None:
    for member in data.staff:
        for course_id, line in data.lines[member.person.id].items():
            if line.state == TrainingState.current:
                continue
            if line.state == TrainingState.missing:
                due = on + timedelta(days=DEFAULT_WINDOW_DAYS)
            else:
                due = line.record.expires_on
            course = data.courses[course_id]
            _add(needs, f"course-{course_id}",
                 lambda course=course: Need("course", f"course-{course.id}", course.name,
                                            "Book the course and record it on each person's training"),
                 PlanEntry(member, _course_reason(line.state, line.record), due))


def _care_certificate_needs(data, on: date, needs: dict[str, Need]) -> None:
    for member in data.staff:
        cell = CareCertificateCell(any(r.care_providing for r in member.roles),
                                   data.inductions.get(member.person.id), on)
        if not cell.needed or (cell.induction is not None and cell.induction.completed_on):
            continue
        if cell.induction is None:
            entry = PlanEntry(member, "Not started", member.start_date + timedelta(weeks=TARGET_WEEKS))
        else:
            entry = PlanEntry(member, f"{cell.signed_off} of {cell.total} standards signed off",
                              cell.induction.target_on)
        _add(needs, "care-certificate",
             lambda: Need("care_certificate", "care-certificate", "Care Certificate induction",
                          "Assess and sign off each standard from the Inductions page"), entry)


def _tier_needs(session, data, on: date, needs: dict[str, Need]) -> None:
    evaluations = tiers_for(session, [m.person for m in data.staff], on)
    ids = {c.criterion_id for e in evaluations.values() for c in e.missing if c.criterion_id is not None}
    kinds = dict(session.execute(select(TierCriterion.id, TierCriterion.kind).where(TierCriterion.id.in_(ids))).all()) \
        if ids else {}
    due = on + timedelta(days=TIER_WINDOW_DAYS)
    for member in data.staff:
        evaluation = evaluations.get(member.person.id)
        if evaluation is None:
            continue
        for criterion in evaluation.missing:
            if kinds.get(criterion.criterion_id) not in TIER_KINDS:
                continue
            tier = f"Tier {criterion.tier} ({evaluation.name_of(criterion.tier)})"
            _add(needs, f"tier-{criterion.description}",
                 lambda c=criterion: Need("tier", f"tier-{c.criterion_id}", c.description, c.how_to),
                 PlanEntry(member, f"For {tier}" + (f": {criterion.detail}" if criterion.detail else ""), due))


def training_needs(session, workplace: Workplace, on: date, include_tiers: bool = True) -> Plan:
    """The workplace's STAN+ plan on `on`: needs sorted by when they fall due, and each worker's gaps."""
    data = staff_training(session, workplace, on)
    needs: dict[str, Need] = {}
    _course_needs(data, on, needs)
    _care_certificate_needs(data, on, needs)
    if include_tiers and data.staff:
        _tier_needs(session, data, on, needs)
    ordered = sorted(needs.values(), key=lambda n: (n.due_on, n.title))
    for need in ordered:
        need.entries.sort(key=lambda e: (e.due_on, e.person.full_name, e.person.id))
    by_person = {m.person.id: (m, []) for m in data.staff}
    for need in ordered:
        for entry in need.entries:
            by_person[entry.person.id][1].append((need, entry))
    for _, items in by_person.values():
        items.sort(key=lambda item: (item[1].due_on, item[0].title))
    return Plan(workplace, on, ordered, list(by_person.values()), len(data.staff), include_tiers)


EXPORT_HEADER = ["Need", "Kind", "Name", "Job role", "Why", "Due by", "Overdue"]


def export_table(plan: Plan) -> tuple[list[str], list[list]]:
    """The plan as rows: one line per need and person, in due-by order."""
    rows = [[need.title, need.kind_label, entry.person.full_name, ", ".join(r.name for r in entry.member.roles),
             entry.reason, entry.due_on, "Yes" if plan.overdue(entry) else "No"]
            for need in plan.needs for entry in need.entries]
    return EXPORT_HEADER, rows
