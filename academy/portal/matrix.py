"""The training matrix of one workplace: staff in post x the mandatory courses of their roles, each
cell current / expiring / expired / missing with its date, plus the Care Certificate.

The states come from training.records (state_of, course_lines) and training.induction; nothing
here re-decides them. Built with a fixed number of queries whatever the number of staff or courses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, lazyload

from academy.auth.access import refuse
from academy.portal.access import get_portal_workplace_or_404
from academy.workplaces.models import Employment, JobRole, Person, Workplace
from training import induction as inductions
from training.catalogue import course_order
from training.models import CareCertificateInduction, Course, StandardState
from training.people import current_employment_clause
from training.records import RecordFacts, TrainingState, course_lines, mandatory_course_ids, record_facts_by_person

STATE_ORDER = (TrainingState.expired, TrainingState.missing, TrainingState.expiring, TrainingState.current)


@dataclass
class Cell:
    """One course for one person: its state (None = not mandatory for their role) and the record."""

    state: TrainingState | None
    record: RecordFacts | None = None

    @property
    def day(self) -> date | None:
        """The date to show: the expiry, or the completion when it never expires."""
        if self.record is None:
            return None
        return self.record.expires_on or self.record.completed_on

    @property
    def date_label(self) -> str:
        if self.record is None:
            return ""
        if self.record.expires_on is None:
            return f"Completed {self.record.completed_on:%-d %b %Y}, does not expire"
        verb = "Expired" if self.state == TrainingState.expired else "Expires"
        return f"{verb} {self.record.expires_on:%-d %b %Y}"

    @property
    def text(self) -> str:
        return "Not required" if self.state is None else self.state.value


@dataclass
class CareCertificateCell:
    """The Care Certificate for one person: needed (care-providing role) and how far they are."""

    needed: bool
    induction: CareCertificateInduction | None
    on: date

    @property
    def signed_off(self) -> int:
        return inductions.counts(self.induction)[StandardState.signed_off] if self.induction else 0

    @property
    def total(self) -> int:
        return len(self.induction.standards) if self.induction else 0

    @property
    def overdue(self) -> bool:
        return self.induction is not None and inductions.is_overdue(self.induction, self.on)

    @property
    def text(self) -> str:
        if self.induction is not None and self.induction.completed_on:
            return "Completed"
        if self.induction is not None:
            return "Overdue" if self.overdue else "In progress"
        return "Not started" if self.needed else "Not required"

    @property
    def detail(self) -> str:
        if self.induction is None:
            return ""
        if self.induction.completed_on:
            return f"{self.induction.completed_on:%-d %b %Y}"
        return f"{self.signed_off} of {self.total} signed off, target {self.induction.target_on:%-d %b %Y}"

    @property
    def tag_class(self) -> str:
        return {"Completed": "govuk-tag--green", "In progress": "govuk-tag--yellow", "Overdue": "govuk-tag--red",
                "Not started": "govuk-tag--red"}.get(self.text, "govuk-tag--grey")


@dataclass
class MatrixRow:
    person: Person
    roles: list[JobRole]
    start_date: date
    cells: list[Cell]
    care_certificate: CareCertificateCell

    @property
    def role_names(self) -> str:
        return ", ".join(role.name for role in self.roles)

    def has_state(self, state: TrainingState) -> bool:
        return any(cell.state == state for cell in self.cells)


@dataclass
class Matrix:
    workplace: Workplace
    on: date
    courses: list[Course]
    rows: list[MatrixRow]
    roles: list[JobRole]
    staff_count: int
    counts: dict[TrainingState, int] = field(default_factory=dict)


@dataclass
class StaffMember:
    """Someone in post at a workplace on a date, with their roles there."""

    person: Person
    roles: list[JobRole]
    start_date: date


def staff_in_post(session, workplace: Workplace, on: date) -> list[StaffMember]:
    """Everyone in post at `workplace` on `on` (started by then, not left), by name; one query."""
    rows = session.scalars(
        select(Employment).join(Employment.person).options(contains_eager(Employment.person))
        .where(Employment.workplace_id == workplace.id, Employment.start_date <= on, current_employment_clause(on))
        .order_by(Person.full_name, Person.id, Employment.start_date))
    staff: dict[int, StaffMember] = {}
    for employment in rows:
        member = staff.setdefault(employment.person_id,
                                  StaffMember(employment.person, [], employment.start_date))
        if employment.job_role not in member.roles:
            member.roles.append(employment.job_role)
        member.start_date = min(member.start_date, employment.start_date)
    return list(staff.values())


def induction_lists(session, person_ids, *, standards: bool = True) -> dict[int, list[CareCertificateInduction]]:
    """Every Care Certificate induction of many people: person id -> inductions (only those with
    one), in one query, and one more for their standards unless `standards` is False (the standards
    are then read only if asked for, one query per induction: for pages that show no progress)."""
    found: dict[int, list[CareCertificateInduction]] = {}
    if not person_ids:
        return found
    statement = select(CareCertificateInduction).where(CareCertificateInduction.person_id.in_(list(person_ids)))
    if not standards:
        statement = statement.options(lazyload(CareCertificateInduction.standards))
    for item in session.scalars(statement):
        found.setdefault(item.person_id, []).append(item)
    return found


def inductions_by_person(session, person_ids) -> dict[int, CareCertificateInduction | None]:
    """The Care Certificate induction that counts for each person (training.induction's rule)."""
    return current_inductions(induction_lists(session, person_ids))


def current_inductions(found: dict[int, list[CareCertificateInduction]]) -> dict[int, CareCertificateInduction | None]:
    """Of each person's inductions (`induction_lists`), the one that counts."""
    return {pid: inductions.current_induction(items) for pid, items in found.items()}


def mandatory_records(session, person_ids, courses: dict[int, Course]) -> dict[int, list[RecordFacts]]:
    """Many people's records of the given courses, in one query: person id -> records."""
    return record_facts_by_person(session, person_ids, courses)


@dataclass
class StaffTraining:
    """What the matrix and the training-needs plan both read: staff, their mandatory lines, inductions."""

    staff: list[StaffMember]
    mandatory: dict[int, set[int]]
    courses: dict[int, Course]
    lines: dict[int, dict[int, object]]
    inductions: dict[int, CareCertificateInduction | None]
    records: dict[int, list[RecordFacts]] | None = None  # every course's records, with for_counts
    induction_lists: dict[int, list[CareCertificateInduction]] = field(default_factory=dict)  # all of them


def staff_training(session, workplace: Workplace, on: date, *, for_counts: bool = False) -> StaffTraining:
    """Staff in post and their mandatory course lines and inductions, in a fixed number of queries.
    `for_counts`, for the manager's summary, which counts and shows no induction's progress: the
    staff's records of every course are read, not only the mandatory ones, and kept in `records`
    (the tier standings judge from the same read, as they do from `induction_lists`), and the
    inductions' standards are not read."""
    staff = staff_in_post(session, workplace, on)
    ids = [m.person.id for m in staff]
    by_role = mandatory_course_ids(session, {r.id for m in staff for r in m.roles})
    mandatory = {m.person.id: set().union(*(by_role.get(r.id, set()) for r in m.roles)) for m in staff}
    needed = set().union(*mandatory.values()) if mandatory else set()
    courses = {c.id: c for c in session.scalars(select(Course).where(Course.id.in_(needed)))} if needed else {}
    every = record_facts_by_person(session, ids) if for_counts else None
    records = mandatory_records(session, ids, courses) if every is None else \
        {pid: [r for r in found if r.course_id in courses] for pid, found in every.items()}
    lines = {}
    for member in staff:
        pid = member.person.id
        lines[pid] = {line.course.id: line for line in course_lines(records.get(pid, []), mandatory[pid], courses, on)
                      if line.mandatory}
    found = induction_lists(session, ids, standards=not for_counts)
    return StaffTraining(staff, mandatory, courses, lines, current_inductions(found), every, found)


def build_matrix(session, workplace: Workplace, on: date, role_id: int | None = None,
                 state: TrainingState | None = None) -> Matrix:
    """The matrix on `on`, optionally only staff in one job role and/or with a cell in one state."""
    data = staff_training(session, workplace, on)
    roles = sorted({r.id: r for m in data.staff for r in m.roles}.values(), key=lambda r: r.name)
    chosen = [m for m in data.staff if role_id is None or any(r.id == role_id for r in m.roles)]
    column_ids = set().union(*(data.mandatory[m.person.id] for m in chosen)) if chosen else set()
    courses = sorted((data.courses[i] for i in column_ids), key=course_order)
    rows = []
    counts = {s: 0 for s in TrainingState}
    for member in chosen:
        pid = member.person.id
        cells = []
        for course in courses:
            line = data.lines[pid].get(course.id)
            cells.append(Cell(line.state, line.record) if line is not None else Cell(None))
        care = CareCertificateCell(any(r.care_providing for r in member.roles), data.inductions.get(pid), on)
        row = MatrixRow(member.person, member.roles, member.start_date, cells, care)
        if state is None or row.has_state(state):
            rows.append(row)
            for cell in cells:
                if cell.state is not None:
                    counts[cell.state] += 1
    return Matrix(workplace, on, courses, rows, roles, len(data.staff), counts)


def export_table(matrix: Matrix) -> tuple[list[str], list[list]]:
    """The matrix as a header and rows: per course its state and its date (expiry or completion)."""
    header = ["Name", "Job role", "Start date"]
    for course in matrix.courses:
        header += [course.name, f"{course.name}: date"]
    header += ["Care Certificate", "Care Certificate standards signed off"]
    rows = []
    for row in matrix.rows:
        values = [row.person.full_name, row.role_names, row.start_date]
        for cell in row.cells:
            values += [cell.text, cell.day]
        care = row.care_certificate
        values += [care.text, f"{care.signed_off} of {care.total}" if care.induction else None]
        rows.append(values)
    return header, rows


# --- inductions: who is inducting, how far, how long to the 12-week target --------------------

@dataclass
class InductionRow:
    member: StaffMember
    care_certificate: CareCertificateCell

    @property
    def induction(self) -> CareCertificateInduction | None:
        return self.care_certificate.induction

    @property
    def days_to_target(self) -> int | None:
        return (self.induction.target_on - self.care_certificate.on).days if self.induction else None


def induction_board(session, workplace: Workplace, on: date) -> tuple[list[InductionRow], list[InductionRow]]:
    """(inducting, not started): staff in post with a Care Certificate under way, overdue first then
    nearest target; and care-providing staff with none. A fixed number of queries."""
    staff = staff_in_post(session, workplace, on)
    found = inductions_by_person(session, [m.person.id for m in staff])
    inducting, not_started = [], []
    for member in staff:
        cell = CareCertificateCell(any(r.care_providing for r in member.roles), found.get(member.person.id), on)
        if cell.induction is not None and cell.induction.completed_on is None:
            inducting.append(InductionRow(member, cell))
        elif cell.induction is None and cell.needed:
            not_started.append(InductionRow(member, cell))
    inducting.sort(key=lambda row: (row.days_to_target, row.member.person.full_name))
    return inducting, not_started


def get_induction_or_404(session, induction_id: int, for_user, *, workplace_id: int, on: date,
                         write: bool | None = None) -> CareCertificateInduction:
    """The induction of someone in post at workplace `workplace_id` on `on`, which `for_user` must be
    able to open in the portal (get_portal_workplace_or_404, with `write`); any other is a 404."""
    workplace = get_portal_workplace_or_404(session, workplace_id, for_user, write=write)
    induction = session.get(CareCertificateInduction, induction_id)
    in_post = induction is not None and session.scalar(select(Employment.id).where(
        Employment.person_id == induction.person_id, Employment.workplace_id == workplace.id,
        Employment.start_date <= on, current_employment_clause(on)).limit(1)) is not None
    if not in_post:
        refuse(404, for_user, ("CareCertificateInduction", induction_id))
    return induction
