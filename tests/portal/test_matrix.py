"""The training matrix, built without a request: who is in it, each cell's state at the boundaries,
the Care Certificate column, filters, the export table and a fixed number of queries."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from academy.extensions import db
from academy.portal.matrix import build_matrix, export_table, staff_in_post
from academy.workplaces.models import ContractType, Employment, Person
from tests import factories
from training.models import StandardState, TrainingRecord
from training.records import TrainingState

ON = date(2026, 6, 15)


@pytest.fixture
def home(ctx):
    workplace = factories.workplace(name="Verulam House")
    courses = {
        "fire": factories.course(name="Fire safety", renewal_months=12, mandatory_for=["care_worker"]),
        "moving": factories.course(name="Moving and handling", renewal_months=12, mandatory_for=["care_worker"]),
        "safeguarding": factories.course(name="Safeguarding adults", renewal_months=36,
                                         mandatory_for=["care_worker", "registered_manager"]),
        "mca": factories.course(name="Mental Capacity Act", renewal_months=None, mandatory_for=["care_worker"]),
        "lead": factories.course(name="Leadership", renewal_months=None, mandatory_for=["registered_manager"]),
    }
    return workplace, courses


def _worker(workplace, name, role="care_worker", start=ON - timedelta(days=400), leaving=None):
    person = factories.person(name)
    factories.employment(workplace, who=person, role_code=role, start=start, leaving=leaving)
    return person


def _row(matrix, person):
    return next(row for row in matrix.rows if row.person.id == person.id)


def _cell(matrix, person, course):
    index = [c.id for c in matrix.courses].index(course.id)
    return _row(matrix, person).cells[index]


def test_only_staff_in_post_on_the_date_are_in_the_matrix(home):
    workplace, _ = home
    ann = _worker(workplace, "Ann Able")
    _worker(workplace, "Lee Leaver", leaving=ON)  # left on the day: not in post
    _worker(workplace, "Stan Starter", start=ON + timedelta(days=1))  # starts tomorrow
    starting_today = _worker(workplace, "Tara Today", start=ON)
    _worker(factories.workplace(name="Elsewhere"), "Olly Other")
    names = [m.person.full_name for m in staff_in_post(db.session, workplace, ON)]
    assert names == ["Ann Able", "Tara Today"]
    assert {r.person.id for r in build_matrix(db.session, workplace, ON).rows} == {ann.id, starting_today.id}


def test_cell_states_at_the_boundaries(home):
    workplace, c = home
    ann = _worker(workplace, "Ann Able")
    factories.training_record(ann, of=c["fire"], completed=ON - timedelta(days=300), expires_on=ON + timedelta(days=60))
    factories.training_record(ann, of=c["moving"], completed=ON - timedelta(days=300), expires_on=ON - timedelta(days=1))
    factories.training_record(ann, of=c["safeguarding"], completed=ON - timedelta(days=300),
                              expires_on=ON + timedelta(days=61))
    matrix = build_matrix(db.session, workplace, ON)
    fire = _cell(matrix, ann, c["fire"])
    assert fire.state == TrainingState.expiring and fire.day == ON + timedelta(days=60)  # exactly 60 days out
    assert fire.date_label == "Expires 14 Aug 2026"
    moving = _cell(matrix, ann, c["moving"])
    assert moving.state == TrainingState.expired and moving.date_label == "Expired 14 Jun 2026"  # yesterday
    assert _cell(matrix, ann, c["safeguarding"]).state == TrainingState.current  # 61 days out
    mca = _cell(matrix, ann, c["mca"])
    assert mca.state == TrainingState.missing and mca.day is None and mca.text == "Missing"


def test_expiring_today_is_expired_and_never_expiring_shows_completion(home):
    workplace, c = home
    ann = _worker(workplace, "Ann Able")
    factories.training_record(ann, of=c["fire"], completed=ON - timedelta(days=365), expires_on=ON)
    factories.training_record(ann, of=c["mca"], completed=date(2024, 2, 3))
    matrix = build_matrix(db.session, workplace, ON)
    assert _cell(matrix, ann, c["fire"]).state == TrainingState.expired
    mca = _cell(matrix, ann, c["mca"])
    assert mca.state == TrainingState.current and mca.day == date(2024, 2, 3)
    assert mca.date_label == "Completed 3 Feb 2024, does not expire"


def test_the_latest_record_counts_and_other_roles_courses_are_not_required(home):
    workplace, c = home
    ann = _worker(workplace, "Ann Able")
    rm = _worker(workplace, "Rita Manager", role="registered_manager")
    factories.training_record(ann, of=c["fire"], completed=ON - timedelta(days=500), expires_on=ON - timedelta(days=135))
    factories.training_record(ann, of=c["fire"], completed=ON - timedelta(days=10))
    matrix = build_matrix(db.session, workplace, ON)
    assert [course.name for course in matrix.courses] == [
        "Fire safety", "Leadership", "Mental Capacity Act", "Moving and handling", "Safeguarding adults"]
    assert _cell(matrix, ann, c["fire"]).state == TrainingState.current
    assert _cell(matrix, ann, c["lead"]).state is None and _cell(matrix, ann, c["lead"]).text == "Not required"
    assert _cell(matrix, rm, c["fire"]).state is None
    assert _cell(matrix, rm, c["lead"]).state == TrainingState.missing


def test_filters_by_role_and_by_state(home):
    workplace, c = home
    ann = _worker(workplace, "Ann Able")
    bob = _worker(workplace, "Bob Baker")
    rm = _worker(workplace, "Rita Manager", role="registered_manager")
    for course in (c["fire"], c["moving"], c["safeguarding"], c["mca"]):
        factories.training_record(ann, of=course, completed=ON - timedelta(days=10))
    factories.training_record(bob, of=c["fire"], completed=ON - timedelta(days=400), expires_on=ON - timedelta(days=5))
    by_role = build_matrix(db.session, workplace, ON, role_id=factories.job_role("registered_manager").id)
    assert [r.person.id for r in by_role.rows] == [rm.id]
    assert [course.name for course in by_role.courses] == ["Leadership", "Safeguarding adults"]
    assert [r.person.id for r in build_matrix(db.session, workplace, ON, state=TrainingState.expired).rows] == [bob.id]
    missing = build_matrix(db.session, workplace, ON, state=TrainingState.missing)
    assert [r.person.id for r in missing.rows] == [bob.id, rm.id]
    assert missing.staff_count == 3 and missing.counts[TrainingState.expired] == 1
    assert [r.name for r in missing.roles] == ["Care worker", "Registered manager"]


def test_care_certificate_column(home):
    workplace, _ = home
    ann = _worker(workplace, "Ann Able", start=ON - timedelta(days=20))
    bob = _worker(workplace, "Bob Baker")
    rm = _worker(workplace, "Rita Manager", role="registered_manager")
    manager = factories.manager([workplace])
    induction = factories.induction(ann, started=ON - timedelta(days=14), by=manager)
    for progress in induction.standards[:5]:
        progress.state = StandardState.signed_off
    late = factories.induction(rm, started=ON - timedelta(weeks=13), by=manager)
    db.session.commit()
    matrix = build_matrix(db.session, workplace, ON)
    care = _row(matrix, ann).care_certificate
    assert (care.text, care.signed_off, care.total) == ("In progress", 5, 16)
    assert care.detail == "5 of 16 signed off, target 24 Aug 2026"
    assert _row(matrix, bob).care_certificate.text == "Not started"  # care role, nothing recorded
    assert _row(matrix, rm).care_certificate.text == "Overdue" and late.target_on < ON


def test_export_table_has_state_and_date_for_each_course(home):
    workplace, c = home
    ann = _worker(workplace, "=Ann Able")
    factories.training_record(ann, of=c["fire"], completed=ON - timedelta(days=300), expires_on=ON + timedelta(days=30))
    header, rows = export_table(build_matrix(db.session, workplace, ON, role_id=factories.job_role("care_worker").id))
    assert header[:5] == ["Name", "Job role", "Start date", "Fire safety", "Fire safety: date"]
    assert header[-2:] == ["Care Certificate", "Care Certificate standards signed off"]
    assert rows[0][:5] == ["=Ann Able", "Care worker", ON - timedelta(days=400), "Expiring soon", ON + timedelta(days=30)]
    assert rows[0][5:7] == ["Missing", None]


# --- a fixed number of queries ---------------------------------------------------------------

def add_staff(workplace, people: int, courses: int, start: int = 0) -> None:
    """`people` care workers, each with a record of every one of `courses` mandatory courses (bulk)."""
    made = [factories.course(name=f"Bulk course {start}-{n:02d}", mandatory_for=["care_worker"])
            for n in range(courses)]
    role = factories.job_role("care_worker")
    for n in range(people):
        person = Person(full_name=f"Bulk Worker {start + n:03d}")
        db.session.add(Employment(person=person, workplace=workplace, job_role=role, start_date=ON - timedelta(days=90),
                                  contract_type=ContractType.permanent))
        for i, course in enumerate(made):
            completed = ON - timedelta(days=(n * 7 + i * 11) % 400)
            db.session.add(TrainingRecord(person=person, course=course, completed_on=completed,
                                          expires_on=completed + timedelta(days=365)))
    db.session.commit()


def count_queries(build) -> int:
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        build()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_building_the_matrix_takes_the_same_queries_for_5x3_and_300x25(ctx):
    workplace = factories.workplace(name="Growing")
    add_staff(workplace, 5, 3)
    db.session.expire_all()
    few = count_queries(lambda: build_matrix(db.session, workplace, ON))
    add_staff(workplace, 295, 22, start=5)  # 300 staff; 3 + 22 = 25 mandatory courses for care workers
    db.session.expire_all()
    built = {}
    many = count_queries(lambda: built.setdefault("matrix", build_matrix(db.session, workplace, ON)))
    assert len(built["matrix"].rows) == 300 and len(built["matrix"].courses) == 25
    assert few == many, (few, many)
    assert many <= 8
