"""STAN+ training needs, built without a request: each kind of gap, its due-by date at the
boundaries, the plan's grouping and order, each worker's list, the export table and query count."""
from datetime import date, timedelta

import pytest

from academy.extensions import db
from academy.portal.needs import DEFAULT_WINDOW_DAYS, TIER_WINDOW_DAYS, export_table, training_needs
from academy.tiers.rules import seed_tiers
from tests import factories
from tests.portal.test_matrix import add_staff, count_queries
from training.models import StandardState

ON = date(2026, 6, 15)


@pytest.fixture
def home(ctx):
    workplace = factories.workplace(name="Verulam House")
    courses = {
        "fire": factories.course(name="Fire safety", renewal_months=12, mandatory_for=["care_worker"]),
        "moving": factories.course(name="Moving and handling", renewal_months=12, mandatory_for=["care_worker"]),
        "safeguarding": factories.course(name="Safeguarding adults", renewal_months=36, mandatory_for=["care_worker"]),
    }
    return workplace, courses


def _worker(workplace, name, role="care_worker", start=ON - timedelta(days=400)):
    person = factories.person(name)
    factories.employment(workplace, who=person, role_code=role, start=start)
    return person


def _complete_certificate(person):
    induction = factories.induction(person, started=ON - timedelta(days=300))
    for progress in induction.standards:
        progress.state = StandardState.signed_off
    induction.completed_on = ON - timedelta(days=250)
    db.session.commit()
    return induction


def _need(plan, title):
    return next(n for n in plan.needs if n.title == title)


def _titles(plan):
    return [n.title for n in plan.needs]


def test_mandatory_course_gaps_and_their_due_dates(home):
    workplace, c = home
    ann = _worker(workplace, "Ann Able")
    _complete_certificate(ann)
    factories.training_record(ann, of=c["fire"], completed=ON - timedelta(days=300), expires_on=ON + timedelta(days=60))
    factories.training_record(ann, of=c["moving"], completed=ON - timedelta(days=366), expires_on=ON - timedelta(days=1))
    factories.training_record(ann, of=c["safeguarding"], completed=ON - timedelta(days=30),
                              expires_on=ON + timedelta(days=61))
    bob = _worker(workplace, "Bob Baker")
    _complete_certificate(bob)
    for course in c.values():
        factories.training_record(bob, of=course, completed=ON - timedelta(days=10))
    plan = training_needs(db.session, workplace, ON, include_tiers=False)
    assert _titles(plan) == ["Moving and handling", "Fire safety"]  # expired yesterday first; 61 days out is fine
    moving = _need(plan, "Moving and handling")
    assert [(e.person.id, e.reason, e.due_on) for e in moving.entries] == [(ann.id, "Expired 14 Jun 2026",
                                                                             ON - timedelta(days=1))]
    assert plan.overdue(moving.entries[0])
    fire = _need(plan, "Fire safety")
    assert fire.entries[0].due_on == ON + timedelta(days=60) and fire.entries[0].reason == "Expires 14 Aug 2026"
    assert not plan.overdue(fire.entries[0]) and fire.kind_label == "Mandatory training"
    assert plan.people_with_needs == 1 and plan.staff_count == 2


def test_missing_training_is_due_within_the_default_window_and_grouped_by_course(home):
    workplace, c = home
    people = [_worker(workplace, name) for name in ("Cara Cole", "Ann Able")]
    for person in people:
        _complete_certificate(person)
        factories.training_record(person, of=c["fire"], completed=ON - timedelta(days=10))
        factories.training_record(person, of=c["moving"], completed=ON - timedelta(days=10))
    plan = training_needs(db.session, workplace, ON, include_tiers=False)
    assert _titles(plan) == ["Safeguarding adults"]
    need = plan.needs[0]
    assert [e.person.full_name for e in need.entries] == ["Ann Able", "Cara Cole"]
    assert {e.reason for e in need.entries} == {"Never done"}
    assert need.due_on == ON + timedelta(days=DEFAULT_WINDOW_DAYS)


def test_care_certificate_needs_for_care_roles_only(home):
    workplace, c = home
    new = _worker(workplace, "Nia New", start=ON - timedelta(days=20))
    inducting = _worker(workplace, "Ivy Inducting", start=ON - timedelta(days=30))
    induction = factories.induction(inducting, started=ON - timedelta(days=28))
    for progress in induction.standards[:3]:
        progress.state = StandardState.signed_off
    db.session.commit()
    _worker(workplace, "Ada Admin", role="administrative")
    plan = training_needs(db.session, workplace, ON, include_tiers=False)
    need = _need(plan, "Care Certificate induction")
    assert need.kind_label == "Induction"
    assert [(e.person.id, e.reason, e.due_on) for e in need.entries] == [
        (inducting.id, "3 of 16 standards signed off", induction.target_on),
        (new.id, "Not started", ON - timedelta(days=20) + timedelta(weeks=12)),
    ]


def test_next_tier_needs_come_from_the_tier_evaluator(home):
    workplace, c = home
    seed_tiers(db.session)
    db.session.commit()
    ann = _worker(workplace, "Ann Able")
    _complete_certificate(ann)
    for course in c.values():
        factories.training_record(ann, of=course, completed=ON - timedelta(days=10))
    plan = training_needs(db.session, workplace, ON)
    tier_needs = [n for n in plan.needs if n.kind == "tier"]
    titles = [n.title for n in tier_needs]
    assert "A relevant social care qualification at Level 2 or above, achieved" in titles
    assert any(t.startswith("Current training in") for t in titles)
    assert not any("months" in t for t in titles)  # time in care is not a training need
    for need in tier_needs:
        assert need.entries[0].reason.startswith("For Tier 3 (Enhanced care worker)")
        assert need.due_on == ON + timedelta(days=TIER_WINDOW_DAYS) and need.how_to
    # Ann's own list holds the same needs.
    (member, items), = [(m, items) for m, items in plan.by_person if m.person.id == ann.id]
    assert [need.title for need, _ in items] == sorted(titles)


def test_plan_is_sorted_by_due_date_and_each_worker_has_their_list(home):
    workplace, c = home
    ann = _worker(workplace, "Ann Able")
    _complete_certificate(ann)
    factories.training_record(ann, of=c["fire"], completed=ON - timedelta(days=300), expires_on=ON + timedelta(days=5))
    factories.training_record(ann, of=c["moving"], completed=ON - timedelta(days=300), expires_on=ON + timedelta(days=50))
    new = _worker(workplace, "Nia New", start=ON - timedelta(days=100))  # Care Certificate due 16 days ago
    plan = training_needs(db.session, workplace, ON, include_tiers=False)
    dues = [n.due_on for n in plan.needs]
    assert dues == sorted(dues)
    assert plan.needs[0].title == "Care Certificate induction"
    by_person = {m.person.id: items for m, items in plan.by_person}
    # Fire safety expires in 5 days, Safeguarding (never done) is due in 30, Moving and handling in 50.
    assert [need.title for need, _ in by_person[ann.id]] == ["Fire safety", "Safeguarding adults",
                                                             "Moving and handling"]
    assert [need.title for need, _ in by_person[new.id]][0] == "Care Certificate induction"
    header, rows = export_table(plan)
    assert header == ["Need", "Kind", "Name", "Job role", "Why", "Due by", "Overdue"]
    assert rows[0] == ["Care Certificate induction", "Induction", "Nia New", "Care worker", "Not started",
                       ON - timedelta(days=100) + timedelta(weeks=12), "Yes"]
    assert len(rows) == sum(len(n.entries) for n in plan.needs)


def test_an_empty_workplace_has_an_empty_plan(home):
    workplace, _ = home
    plan = training_needs(db.session, workplace, ON)
    assert plan.needs == [] and plan.by_person == [] and plan.staff_count == 0


def test_the_plan_takes_the_same_queries_for_5_and_300_staff(ctx):
    seed_tiers(db.session)
    db.session.commit()
    workplace = factories.workplace(name="Growing")
    add_staff(workplace, 5, 3)
    db.session.expire_all()
    few = count_queries(lambda: training_needs(db.session, workplace, ON))
    add_staff(workplace, 295, 22, start=5)
    db.session.expire_all()
    many = count_queries(lambda: training_needs(db.session, workplace, ON))
    assert few == many, (few, many)
