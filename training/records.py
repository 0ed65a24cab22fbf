"""Training records: adding (own, for staff, a whole session), verifying, expiry and state.

Expiry = completed date + the course's renewal months, clamped to the month's last day
(31 January + 1 month = 28 or 29 February). A record is valid up to the day before it
expires: on `expires_on` it is expired. "Expiring" = expires within the next 60 days.
"""
from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.extensions import utcnow
from academy.workplaces.models import Person
from training.catalogue import natural_key, new_course_code
from training.models import Course, CourseCategory, TrainingRecord, course_job_roles
from training.people import can_manage, can_see, current_employments, managed_person_ids

EXPIRING_WITHIN_DAYS = 60


class TrainingState(enum.Enum):
    current = "Current"
    expiring = "Expiring soon"
    expired = "Expired"
    missing = "Missing"

    @property
    def tag_class(self) -> str:
        return {"current": "govuk-tag--green", "expiring": "govuk-tag--yellow",
                "expired": "govuk-tag--red", "missing": "govuk-tag--grey"}[self.name]


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole months, clamped to the last day of the target month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_for(course: Course, completed_on: date) -> date | None:
    return add_months(completed_on, course.renewal_months) if course.renewal_months else None


def state_of(expires_on: date | None, on: date) -> TrainingState:
    """The state at date `on` of training that expires on `expires_on` (None = never)."""
    if expires_on is None:
        return TrainingState.current
    if on >= expires_on:
        return TrainingState.expired
    if (expires_on - on).days <= EXPIRING_WITHIN_DAYS:
        return TrainingState.expiring
    return TrainingState.current


def record_state(record: TrainingRecord | None, on: date) -> TrainingState:
    return TrainingState.missing if record is None else state_of(record.expires_on, on)


def _latest_key(record: TrainingRecord):
    # The record that counts for a course: the one valid longest (never-expiring beats any date).
    return (record.expires_on is None, record.expires_on or date.min, record.completed_on, record.id or 0)


# --- adding and verifying -------------------------------------------------------------------

OTHER_COURSE = -1  # the course list's "Other: not in the list" choice; the name is typed in


@dataclass
class RecordInput:
    course_id: int | None
    completed_on: date | None
    expires_on: date | None = None
    training_provider: str | None = None
    certificate_reference: str | None = None
    notes: str | None = None
    other_course: str | None = None  # the course's name when course_id is OTHER_COURSE


def invalid(message: str, field: str) -> Invalid:
    """An Invalid that names the form field it is about, so the page shows it there."""
    problem = Invalid(message)
    problem.field = field
    return problem


def other_course(session, name: str | None) -> Course:
    """The course for a name typed in as "other": the catalogue's course of that name (any case) when
    there is one, else a new specialist course not in use, which a training record adds to the session
    (so an admin sees it in the catalogue, can rename or merge it, and put it in use for everyone).
    A check only: nothing is added to the session here."""
    name = " ".join((name or "").split())
    if not name:
        raise invalid("Enter the name of the course", "other_course")
    if len(name) > 200:
        raise invalid("The name of the course must be 200 characters or fewer", "other_course")
    course = session.scalar(select(Course).where(func.lower(Course.name) == name.lower()))
    if course is not None and course.category == CourseCategory.qualification:
        raise invalid(f"{course.name} is a qualification: add it on your qualifications page", "other_course")
    if course is not None:
        return course
    return Course(code=new_course_code(session, name), name=name, category=CourseCategory.specialist,
                  renewal_months=None, is_active=False,
                  description="Typed in as an 'other' course with a training record: not in the catalogue yet.")


def check_record_input(session, values: RecordInput, today: date) -> tuple[Course, date | None]:
    """The course and the expiry date for `values`, or Invalid with a message for the page."""
    if values.course_id == OTHER_COURSE:
        course = other_course(session, values.other_course)
    else:
        course = session.get(Course, values.course_id) if values.course_id else None
        if course is None or not course.is_active or course.category == CourseCategory.qualification:
            raise invalid("Choose a course from the list", "course_id")
    if values.completed_on is None:
        raise invalid("Enter the date the training was completed", "completed_on")
    if values.completed_on > today:
        raise invalid("The date completed must be today or in the past", "completed_on")
    if values.completed_on < date(1980, 1, 1):
        raise invalid("The date completed must be after 1 January 1980", "completed_on")
    if values.expires_on is not None and values.expires_on < values.completed_on:
        raise invalid("The expiry date must be on or after the date completed", "expires_on")
    return course, values.expires_on or expiry_for(course, values.completed_on)


def add_record(session, person: Person, values: RecordInput, by: User, today: date | None = None,
               certificate=None) -> TrainingRecord:
    """Record that `person` completed a course. A care worker's own record is self-declared;
    one added by a manager of their workplace or HCPA is verified by them at once."""
    today = today or date.today()
    own = person.user_id == by.id
    if not own and not can_manage(session, by, person):
        raise NotAllowed("You can only add training for yourself or your own staff")
    course, expires_on = check_record_input(session, values, today)
    record = TrainingRecord(
        person=person, course=course, completed_on=values.completed_on, expires_on=expires_on,
        training_provider=values.training_provider or None,
        certificate_reference=values.certificate_reference or None, notes=values.notes or None,
        added_by_id=by.id)
    if not own:
        record.verified_by_id, record.verified_at = by.id, utcnow()
    if certificate is not None:
        record.certificate_file, record.certificate_filename, record.certificate_content_type = certificate
    session.add(record)
    session.flush()
    return record


def verify_record(session, record: TrainingRecord, by: User) -> TrainingRecord:
    """A manager of the worker's workplace, or HCPA, confirms the record (who and when)."""
    if by.role not in (Role.manager, Role.hcpa_staff, Role.admin) or not can_manage(session, by, record.person):
        raise NotAllowed("Only a manager of this worker's workplace or HCPA can verify their training")
    if record.person.user_id == by.id:
        raise NotAllowed("You cannot verify your own training")
    if record.verified_at is None:
        record.verified_by_id, record.verified_at = by.id, utcnow()
        session.flush()
    return record


def to_verify(session, manager: User, today: date | None = None) -> list[TrainingRecord]:
    """Self-declared training of the manager's staff in post (never their own), by person then
    newest first, with each record's person and course: one query."""
    ids = managed_person_ids(session, manager, today or date.today())
    return list(session.scalars(
        select(TrainingRecord).join(TrainingRecord.person)
        .options(joinedload(TrainingRecord.person), joinedload(TrainingRecord.course))
        .where(TrainingRecord.person_id.in_(ids), TrainingRecord.verified_at.is_(None),
               or_(Person.user_id.is_(None), Person.user_id != manager.id))
        .order_by(Person.full_name, Person.id, TrainingRecord.completed_on.desc(), TrainingRecord.id.desc())))


def verify_records(session, chosen: list[TrainingRecord], by: User, today: date | None = None) -> list[TrainingRecord]:
    """Verify several records at once, all or none: a manager only their own staff's (one query for
    who they are), never their own. Returns those newly verified (one already verified is left as it was)."""
    if by.role not in (Role.manager, Role.hcpa_staff, Role.admin):
        raise NotAllowed("Only a manager of this worker's workplace or HCPA can verify their training")
    if by.role == Role.manager:
        staff = set(session.scalars(managed_person_ids(session, by, today or date.today())))
        if any(record.person_id not in staff for record in chosen):
            raise NotAllowed("You can only verify the training of your own staff")
    if any(record.person.user_id == by.id for record in chosen):
        raise NotAllowed("You cannot verify your own training")
    now = utcnow()
    done = [record for record in chosen if record.verified_at is None]
    for record in done:
        record.verified_by_id, record.verified_at = by.id, now
    session.flush()
    return done


def withdraw_verification(session, record: TrainingRecord, by: User) -> TrainingRecord:
    """A manager of the worker's workplace, or HCPA, takes a verification back (it was given in
    error, or the certificate turned out not to be genuine): the line is self-declared again, and
    any credential issued for it is revoked in the published status list."""
    if by.role not in (Role.manager, Role.hcpa_staff, Role.admin) or not can_manage(session, by, record.person):
        raise NotAllowed("Only a manager of this worker's workplace or HCPA can withdraw a verification")
    if record.verified_at is not None:
        record.verified_by_id, record.verified_at = None, None
        session.flush()
    return record


def delete_own_record(session, record: TrainingRecord, by: User) -> None:
    """A worker may remove a self-declared line of their own that nobody has verified yet."""
    if record.person.user_id != by.id:
        raise NotAllowed("You can only remove your own training")
    if record.verified_at is not None:
        raise Invalid("This training has been verified, so it stays on your record")
    session.delete(record)
    session.flush()


def add_session(session, course_id: int | None, completed_on: date | None, attendees: list[Person],
                by: User, today: date | None = None, training_provider: str | None = None) -> list[TrainingRecord]:
    """Bulk entry: everyone who attended one training session, verified by the manager."""
    today = today or date.today()
    if not attendees:
        raise invalid("Select at least one person who attended", "attendees")
    for person in attendees:
        if not can_manage(session, by, person):
            raise NotAllowed("You can only record training for your own staff")
    values = RecordInput(course_id=course_id, completed_on=completed_on, training_provider=training_provider)
    check_record_input(session, values, today)
    return [add_record(session, person, values, by, today) for person in attendees]


# --- what a person holds and lacks -----------------------------------------------------------

@dataclass
class CourseLine:
    """One course on someone's record: the record that counts (if any) and its state."""

    course: Course
    record: TrainingRecord | None
    state: TrainingState
    mandatory: bool
    history: list[TrainingRecord]


def mandatory_course_ids(session, job_role_ids) -> dict[int, set[int]]:
    """job role id -> ids of the courses mandatory for it (one query)."""
    result: dict[int, set[int]] = {}
    if not job_role_ids:
        return result
    rows = session.execute(select(course_job_roles.c.job_role_id, course_job_roles.c.course_id)
                           .join(Course, Course.id == course_job_roles.c.course_id)
                           .where(course_job_roles.c.job_role_id.in_(list(job_role_ids)), Course.is_active))
    for role_id, course_id in rows:
        result.setdefault(role_id, set()).add(course_id)
    return result


def records_by_person(session, person_ids) -> dict[int, list[TrainingRecord]]:
    """All training records of many people in one query: person id -> records, newest first."""
    result: dict[int, list[TrainingRecord]] = {pid: [] for pid in person_ids}
    if not person_ids:
        return result
    rows = session.scalars(select(TrainingRecord).options(joinedload(TrainingRecord.verified_by))
                           .where(TrainingRecord.person_id.in_(list(person_ids)))
                           .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc()))
    for record in rows:
        result.setdefault(record.person_id, []).append(record)
    return result


def course_lines(records: list[TrainingRecord], mandatory: set[int], courses: dict[int, Course],
                 on: date) -> list[CourseLine]:
    """Per course: the record that counts and its state; mandatory courses never done are missing."""
    by_course: dict[int, list[TrainingRecord]] = {}
    for record in records:
        by_course.setdefault(record.course_id, []).append(record)
    lines = []
    for course_id, history in by_course.items():
        best = history[0] if len(history) == 1 else max(history, key=_latest_key)
        lines.append(CourseLine(best.course, best, record_state(best, on), course_id in mandatory, history))
    for course_id in mandatory - by_course.keys():
        if course_id in courses:
            lines.append(CourseLine(courses[course_id], None, TrainingState.missing, True, []))
    return sorted(lines, key=_line_order)


_STATE_ORDER = {TrainingState.expired: 0, TrainingState.missing: 1, TrainingState.expiring: 2, TrainingState.current: 3}


def _line_order(line: CourseLine) -> tuple:
    # Mandatory first, the most urgent state first, then the course name in natural order.
    return not line.mandatory, _STATE_ORDER[line.state], natural_key(line.course.name)


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """The columns of a TrainingRecord that its state and the record that counts need, with its
    course (what `course_lines` reads), loaded without building full ORM objects: several times
    quicker for a workplace's staff (the manager's summary, tier evaluations, the matrix)."""

    id: int
    person_id: int
    course_id: int
    completed_on: date
    expires_on: date | None
    course: Course


def record_facts_by_person(session, person_ids, courses: dict[int, Course] | None = None) -> dict[int, list[RecordFacts]]:
    """Many people's records, as RecordFacts, in one query (two when `courses` is not given: the
    courses of the records found are loaded after): person id -> records. With `courses`, only
    records of those courses."""
    result: dict[int, list[RecordFacts]] = {pid: [] for pid in person_ids}
    if not person_ids or courses == {}:
        return result
    statement = select(TrainingRecord.id, TrainingRecord.person_id, TrainingRecord.course_id,
                       TrainingRecord.completed_on, TrainingRecord.expires_on).where(
        TrainingRecord.person_id.in_(list(person_ids)))
    if courses is not None:
        statement = statement.where(TrainingRecord.course_id.in_(list(courses)))
    rows = session.execute(statement).all()
    if courses is None:
        seen = {row[2] for row in rows}
        courses = {c.id: c for c in session.scalars(select(Course).where(Course.id.in_(seen)))} if seen else {}
    for record_id, person_id, course_id, completed_on, expires_on in rows:
        result[person_id].append(RecordFacts(record_id, person_id, course_id, completed_on, expires_on,
                                             courses[course_id]))
    return result


def training_overview(session, people: list[Person], on: date | None = None, *, facts_only: bool = False,
                      employments: dict | None = None, records: dict | None = None) -> dict[int, list[CourseLine]]:
    """Course lines for many people with a fixed number of queries (no query per person).
    `facts_only`: the lines' records are RecordFacts (dates and course, no verifier or certificate),
    enough to judge states (tier evaluations); `employments`: the people's current employments
    when the caller has them already (`training.people.current_employments`, or `current_jobs`: only
    their job_role_id is read); `records`: every record of theirs when the caller has read them
    already (`record_facts_by_person` without `courses`)."""
    on = on or date.today()
    ids = [p.id for p in people]
    if employments is None:
        employments = current_employments(session, ids, on)
    role_ids = {e.job_role_id for jobs in employments.values() for e in jobs}
    mandatory_by_role = mandatory_course_ids(session, role_ids)
    needed = set().union(*mandatory_by_role.values()) if mandatory_by_role else set()
    courses = {c.id: c for c in session.scalars(select(Course).where(Course.id.in_(needed)))} if needed else {}
    if records is None:
        records = record_facts_by_person(session, ids) if facts_only else records_by_person(session, ids)
    overview = {}
    for person in people:
        mandatory = set()
        for employment in employments.get(person.id, []):
            mandatory |= mandatory_by_role.get(employment.job_role_id, set())
        overview[person.id] = course_lines(records.get(person.id, []), mandatory, courses, on)
    return overview


def count_states(lines: list[CourseLine]) -> dict[TrainingState, int]:
    counts = {state: 0 for state in TrainingState}
    for line in lines:
        if line.mandatory or line.state != TrainingState.missing:
            counts[line.state] += 1
    return counts


def get_record_or_404(session, record_id: int, for_user: User) -> TrainingRecord:
    """A training record, if `for_user` may see its person's training (training.people.can_see)."""
    record = session.get(TrainingRecord, record_id)
    if record is None or not can_see(session, for_user, record.person):
        refuse(404, for_user, ("TrainingRecord", record_id))
    return record


def expiring_between(session, start: date, end: date):
    """Records expiring in [start, end] that are each person's latest for that course."""
    candidates = list(session.scalars(
        select(TrainingRecord).where(TrainingRecord.expires_on >= start, TrainingRecord.expires_on <= end)))
    if not candidates:
        return []
    pairs = {(r.person_id, r.course_id) for r in candidates}
    later = session.execute(
        select(TrainingRecord.person_id, TrainingRecord.course_id, TrainingRecord.expires_on)
        .where(TrainingRecord.person_id.in_(sorted({p for p, _ in pairs})),
               TrainingRecord.course_id.in_(sorted({c for _, c in pairs}))))
    best: dict[tuple[int, int], date | None] = {}
    for person_id, course_id, expires_on in later:
        key = (person_id, course_id)
        current = best.get(key, date.min)
        if current is None:
            continue
        best[key] = None if expires_on is None else max(current, expires_on)
    chosen: dict[tuple[int, int], TrainingRecord] = {}
    for record in candidates:
        key = (record.person_id, record.course_id)
        if best.get(key) == record.expires_on and key not in chosen:
            chosen[key] = record
    return list(chosen.values())
