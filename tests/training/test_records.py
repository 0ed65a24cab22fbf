"""Adding, verifying and bulk-recording training: who may, and bad input refused."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Person
from tests import factories
from training.catalogue import seed_courses
from training.models import Course, CourseCategory, TrainingRecord
from training.records import (
    RecordInput, TrainingState, add_record, add_session, training_overview, verify_record,
)

TODAY = date(2026, 6, 15)


@pytest.fixture
def setting(ctx):
    workplace = factories.workplace()
    worker = factories.care_worker(workplace)
    manager = factories.manager([workplace])
    fire = factories.course(name="Fire safety", renewal_months=12, mandatory_for=["care_worker"])
    return workplace, worker, manager, fire


def test_worker_adds_own_training_self_declared(setting):
    _, worker, _, fire = setting
    record = add_record(db.session, worker.person, RecordInput(fire.id, date(2026, 1, 31)), worker, TODAY)
    assert record.expires_on == date(2027, 1, 31)
    assert not record.verified


def test_manager_adds_for_staff_verified_by_them(setting):
    _, worker, manager, fire = setting
    record = add_record(db.session, worker.person, RecordInput(fire.id, date(2026, 1, 31)), manager, TODAY)
    assert record.verified and record.verified_by_id == manager.id


def test_certificate_expiry_overrides_the_renewal_rule(setting):
    _, worker, _, fire = setting
    record = add_record(db.session, worker.person, RecordInput(fire.id, date(2026, 1, 31), date(2026, 9, 1)),
                        worker, TODAY)
    assert record.expires_on == date(2026, 9, 1)


@pytest.mark.parametrize("values, message", [
    (lambda fire: RecordInput(fire.id, TODAY + timedelta(days=1)), "today or in the past"),
    (lambda fire: RecordInput(fire.id, date(2026, 1, 31), date(2026, 1, 30)), "on or after the date completed"),
    (lambda fire: RecordInput(999999, date(2026, 1, 31)), "Choose a course"),
    (lambda fire: RecordInput(None, date(2026, 1, 31)), "Choose a course"),
    (lambda fire: RecordInput(fire.id, None), "Enter the date"),
])
def test_bad_input_is_refused_and_nothing_saved(setting, values, message):
    _, worker, _, fire = setting
    with pytest.raises(Invalid, match=message):
        add_record(db.session, worker.person, values(fire), worker, TODAY)
    db.session.rollback()
    assert db.session.query(TrainingRecord).count() == 0


def test_qualification_is_not_a_training_course(setting):
    _, worker, _, _ = setting
    diploma = factories.course(category=CourseCategory.qualification, renewal_months=None)
    with pytest.raises(Invalid, match="Choose a course"):
        add_record(db.session, worker.person, RecordInput(diploma.id, date(2026, 1, 1)), worker, TODAY)


def test_strangers_cannot_add_or_verify(setting):
    _, worker, _, fire = setting
    other_manager = factories.manager([factories.workplace()])
    other_worker = factories.care_worker(factories.workplace())
    with pytest.raises(NotAllowed):
        add_record(db.session, worker.person, RecordInput(fire.id, date(2026, 1, 1)), other_manager, TODAY)
    with pytest.raises(NotAllowed):
        add_record(db.session, worker.person, RecordInput(fire.id, date(2026, 1, 1)), other_worker, TODAY)
    record = factories.training_record(worker.person, fire)
    for who in (other_manager, other_worker, worker):
        with pytest.raises(NotAllowed):
            verify_record(db.session, record, who)


def test_manager_and_hcpa_verify_with_who_and_when(setting):
    _, worker, manager, fire = setting
    record = factories.training_record(worker.person, fire)
    verify_record(db.session, record, manager)
    assert record.verified_by_id == manager.id and record.verified_at is not None
    other = factories.training_record(worker.person, fire)
    hcpa = factories.user(Role.hcpa_staff)
    verify_record(db.session, other, hcpa)
    assert other.verified_by_id == hcpa.id


def test_former_manager_can_no_longer_verify(setting):
    workplace, worker, manager, fire = setting
    worker.person.employments[0].leaving_date = date.today() - timedelta(days=1)
    db.session.commit()
    record = factories.training_record(worker.person, fire)
    with pytest.raises(NotAllowed):
        verify_record(db.session, record, manager)


def test_bulk_session_records_everyone_verified(setting):
    workplace, worker, manager, fire = setting
    others = [factories.employment(workplace).person for _ in range(3)]
    added = add_session(db.session, fire.id, date(2026, 6, 1), [worker.person, *others], manager, TODAY)
    assert len(added) == 4 and all(r.verified_by_id == manager.id for r in added)


def test_bulk_session_refuses_someone_else_s_staff(setting):
    _, worker, manager, fire = setting
    stranger = factories.employment(factories.workplace()).person
    with pytest.raises(NotAllowed):
        add_session(db.session, fire.id, date(2026, 6, 1), [worker.person, stranger], manager, TODAY)
    assert db.session.query(TrainingRecord).count() == 0


def test_overview_uses_a_fixed_number_of_queries(setting):
    from sqlalchemy import event

    workplace, _, manager, fire = setting
    people = [factories.employment(workplace).person for _ in range(5)]
    for person in people:
        factories.training_record(person, fire, completed=date(2025, 1, 1))
    def fresh(group):
        db.session.expire_all()
        return list(db.session.scalars(select(Person).where(Person.id.in_([p.id for p in group]))))

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        group = fresh(people)
        statements.clear()
        overview = training_overview(db.session, group, TODAY)
        small = len(statements)
        more = [factories.employment(workplace).person for _ in range(20)]
        for person in more:
            factories.training_record(person, fire, completed=date(2025, 1, 1))
        group = fresh(people + more)
        statements.clear()
        overview = training_overview(db.session, group, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) <= small
    assert all(lines[0].state == TrainingState.expired for lines in overview.values())


def test_catalogue_seed_is_idempotent_and_mandatory_roles_are_data(ctx):
    added = seed_courses(db.session)
    assert added >= 40
    assert seed_courses(db.session) == 0
    courses = {c.code: c for c in db.session.query(Course)}
    assert courses["moving_handling"].renewal_months == 12
    assert courses["safeguarding_adults"].renewal_months == 36
    assert courses["food_hygiene"].renewal_months == 36
    assert "care_worker" in {r.code for r in courses["moving_handling"].mandatory_for}
    assert "ancillary" not in {r.code for r in courses["moving_handling"].mandatory_for}
    assert len([c for c in courses.values() if c.care_certificate_standard]) == 16
    assert courses["diploma_l2_adult_care"].qualification_level == 2
