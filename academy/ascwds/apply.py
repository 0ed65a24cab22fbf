"""A validated Plan into the database, in one transaction: all of it or none of it.

Workplaces are few and go through the ORM; staff and training go in bulk (one INSERT ... RETURNING
per batch for people and employments, COPY on PostgreSQL for training records, executemany
elsewhere), so 50,000 staff and 500,000 training rows apply in seconds, not minutes."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import insert, select, text, update

from academy.ascwds import workplace_counts
from academy.ascwds.plan import Plan, StaffChange
from academy.ascwds.records import apply_records
from academy.ascwds.validate_training import NEW_COURSE_PREFIX
from academy.auth.access import Invalid
from academy.extensions import utcnow
from academy.workplaces.models import ContractType, Employment, Person, Provider, Workplace
from training.models import Course, CourseCategory, TrainingRecord

CHUNK = 5000
TRAINING_COLUMNS = ("person_id", "course_id", "completed_on", "expires_on", "training_provider", "notes",
                    "added_by_id", "created_at", "updated_at", "title", "ascwds_accredited", "ascwds_who_delivered",
                    "ascwds_how_delivered", "ascwds_validity", "expiry_worked_out")


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def apply_plan(session, plan: Plan, user, progress: Callable[[int, str], None] | None = None) -> dict[str, int]:
    """Write the plan in the caller's transaction (its owner commits, or rolls back on a failure, so
    nothing changes). Raises Invalid, before writing anything, if the plan's report has errors or a
    provider must be chosen."""
    if not plan.report.ok:
        raise Invalid(f"The files have {plan.report.error_count} errors; correct them and upload the files again")
    if plan.report.provider_needed:
        raise Invalid("Choose the provider of the new workplaces without a CQC provider number: "
                      + ", ".join(plan.report.provider_needed))
    progress = progress or (lambda percent, message: None)
    now = utcnow()
    local_ids = _workplaces(session, plan)
    workplace_counts.apply_counts(session, plan, local_ids, now.date())
    progress(10, "Workplaces saved")
    new_people = [c.key for c in plan.staff if c.action == "create" and c.person_id is None]
    people = _staff(session, plan, local_ids, now)
    _records(session, plan, user, people, local_ids, {people[key] for key in new_people})
    progress(40, "Staff saved")
    _training(session, plan, user, people, now, progress)
    progress(100, "Import applied")
    return plan.report.totals


def _workplaces(session, plan: Plan) -> dict[str, int]:
    """Create, update, close and link workplaces; returns LOCALESTID -> workplace id for new ones.
    A new workplace's provider is the one with its PROVNUM (CQC provider ID), added if the service
    has none (named after the workplace, or the provider of that name if there is one); without a
    PROVNUM, the provider validation settled (providers.py): never a provider of its own."""
    creates = [c for c in plan.workplaces if c.action == "create"]
    new: dict[str, Workplace] = {}
    if creates:
        providers = list(session.scalars(select(Provider)))
        by_id = {p.id: p for p in providers}
        by_number = {p.cqc_provider_id: p for p in providers if p.cqc_provider_id}
        by_name = {p.name: p for p in providers}
        for change in creates:
            fields, number = change.fields, change.provnum
            if number:
                provider = by_number.get(number) or by_name.get(fields["name"])
                if provider is None:
                    provider = Provider(name=fields["name"], cqc_provider_id=number)
                    by_name[provider.name] = provider
                by_number.setdefault(number, provider)
            else:
                provider = by_id.get(change.provider_id)
                if provider is None:
                    raise Invalid(f"Choose the provider of {fields['name']}: it has no CQC provider number")
            new[fields["ascwds_local_id"]] = Workplace(**fields, district_id=plan.district_id, provider=provider)
        session.add_all(new.values())
        session.flush()
    for change in plan.workplaces:
        action = change.action
        if action == "update":
            session.execute(update(Workplace).where(Workplace.id == change.id).values(**change.fields))
        elif action == "delete":
            session.execute(update(Workplace).where(Workplace.id == change.id).values(is_active=False))
        elif action == "link":
            session.execute(update(Workplace).where(Workplace.id == change.id)
                            .values(ascwds_local_id=change.local_id))
    return {local_id: workplace.id for local_id, workplace in new.items()}


def _employment_values(fields: dict) -> dict:
    values = {k: v for k, v in fields.items() if k != "full_name"}
    values["contract_type"] = ContractType[values["contract_type"]]
    return values


def _staff(session, plan: Plan, new_workplaces: dict[str, int], now) -> dict[tuple, int]:
    """Insert, update and mark as left; returns (LOCALESTID, UNIQUEWORKERID) -> person id."""
    people: dict[tuple, int] = {}
    creates = [c for c in plan.staff if c.action == "create"]
    needing: list[StaffChange] = [c for c in creates if c.person_id is None]
    person_table, employment_table = Person.__table__, Employment.__table__
    postgres = session.connection().dialect.name == "postgresql"
    if postgres and needing:
        ids = session.execute(text("SELECT nextval(pg_get_serial_sequence('people', 'id')) "
                                   "FROM generate_series(1, :n)"), {"n": len(needing)}).scalars().all()
        for change, person_id in zip(needing, ids):
            change.person_id = person_id
        _copy(session, "people", ("id", "full_name", "created_at", "updated_at"),
              [(c.person_id, c.fields["full_name"], now, now) for c in needing])
    else:
        for chunk in _chunks(needing):
            ids = session.execute(
                insert(person_table).returning(person_table.c.id, sort_by_parameter_order=True),
                [{"full_name": c.fields["full_name"], "created_at": now, "updated_at": now} for c in chunk]).scalars()
            for change, person_id in zip(chunk, ids):
                change.person_id = person_id
    rows = []
    for change in creates:
        workplace_id = change.workplace_id or new_workplaces[change.key[0]]
        people[change.key] = change.person_id
        rows.append({**_employment_values(change.fields), "person_id": change.person_id,
                     "workplace_id": workplace_id, "created_at": now, "updated_at": now})
    if postgres and rows:
        columns = tuple(rows[0])
        _copy(session, "employments", columns,
              [tuple(r[c].name if c == "contract_type" else r[c] for c in columns) for r in rows])
    else:
        for chunk in _chunks(rows):
            session.execute(insert(employment_table), chunk)
    updates = [c for c in plan.staff if c.action == "update"]
    if updates:
        renamed = [{"id": c.person_id, "full_name": c.fields["full_name"], "updated_at": now}
                   for c in updates if not c.keep_name]
        if renamed:
            session.execute(update(Person), renamed)
        session.execute(update(Employment), [{"id": c.id, **_employment_values(c.fields), "updated_at": now}
                                             for c in updates])
        for change in updates:
            people[change.key] = change.person_id
            if change.fields["ascwds_worker_id"] != change.key[1]:
                people[(change.key[0], change.fields["ascwds_worker_id"])] = change.person_id
    deletes = [c for c in plan.staff if c.action == "delete"]
    if deletes:
        session.execute(update(Employment), [{"id": c.id, "leaving_date": plan.leaving_date,
                                              "leaving_reason": "Marked DELETE in an ASC-WDS import",
                                              "updated_at": now} for c in deletes])
    return people


def _records(session, plan: Plan, user, people: dict[tuple, int], new_workplaces: dict[str, int],
             new_people: set[int]) -> None:
    """Qualifications and Care Certificates the staff rows declare (academy/ascwds/records.py)."""
    for worker in plan.records:
        if worker.workplace_id is None:
            worker.workplace_id = new_workplaces.get(worker.key[0])
    postgres = session.connection().dialect.name == "postgresql"
    apply_records(session, plan.records, people, user, plan.batch_id, plan.today or date.today(),
                  copy=_copy if postgres else None, new_people=new_people)


def _copy(session, table: str, columns: tuple[str, ...], rows: list[tuple], progress=None, start=0, span=0) -> None:
    """COPY rows into a table on the session's own connection (so inside its transaction)."""
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for n, row in enumerate(rows, 1):
            copy.write_row(row)
            if progress is not None and n % 50000 == 0:
                progress(start + int(span * n / len(rows)), f"{n:,} of {len(rows):,} {table.replace('_', ' ')} saved")


def _new_courses(session, plan: Plan) -> dict[str, int]:
    ids = {}
    for category, name in plan.new_courses.items():
        course = Course(code=f"{NEW_COURSE_PREFIX}{category}", name=f"ASC-WDS: {name}",
                        category=CourseCategory.specialist, asc_wds_category=int(category),
                        description="Added by an ASC-WDS import: a training category with no course of its own here.")
        session.add(course)
        session.flush()
        ids[f"new:{category}"] = course.id
    return ids


def _kept_details(change) -> tuple:
    """The training columns kept as the file gives them, in TRAINING_COLUMNS order (from "title")."""
    return (change.title, change.accredited, change.who_delivered, change.how_delivered, change.validity,
            change.expiry_worked_out)


def _training(session, plan: Plan, user, people: dict[tuple, int], now, progress) -> None:
    courses = _new_courses(session, plan)
    rows, updates = [], []
    for change in plan.training:
        if change.action == "create":
            person_id = change.person_id or people[change.key]
            course_id = courses.get(change.course_ref, change.course_ref)
            rows.append((person_id, course_id, change.completed, change.expires, change.provider, change.notes,
                         user and user.id, now, now, *_kept_details(change)))
        else:
            updates.append({"id": change.record_id, "expires_on": change.expires, "notes": change.notes,
                            "training_provider": change.provider, "updated_at": now,
                            **dict(zip(TRAINING_COLUMNS[9:], _kept_details(change)))})
    if updates:
        session.execute(update(TrainingRecord), updates)
    if not rows:
        return
    if session.connection().dialect.name == "postgresql":
        _copy(session, "training_records", TRAINING_COLUMNS, rows, progress, 40, 55)
        return
    table = TrainingRecord.__table__
    for n, chunk in enumerate(_chunks(rows), 1):
        session.execute(insert(table), [dict(zip(TRAINING_COLUMNS, row)) for row in chunk])
        progress(40 + int(55 * min(1, n * CHUNK / len(rows))), "Training records saved")
