"""The workplace file's VACANCIES reconcile the open vacancy posts; STARTERS, LEAVERS and VACANCIES
are kept as declared counts, dated the import day, never duplicated by a re-import."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from academy.ascwds.models import DeclaredCount
from academy.auth.models import Role
from academy.extensions import db, utcnow
from academy.workplaces.models import VACANCY_FROM_ASCWDS, ContractType, Vacancy, Workplace
from tests import factories
from tests.ascwds.conftest import edited, fixture_bytes, run, warnings
from tests.helpers import text


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


@pytest.fixture
def oak(hcpa):
    """Oak House imported: ALLJOBROLES 8;4 (care worker; registered manager), STARTERS 1;0,
    LEAVERS 0;0, VACANCIES 2;0."""
    run(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")), district_id=factories.district().id)
    return db.session.scalar(select(Workplace).where(Workplace.ascwds_local_id == "OAK1"))


def _update(hcpa, **cells):
    return run(hcpa, ("workplace.csv", edited("workplace.csv", {1: {"STATUS": "UPDATE", **cells}})))


def _open_posts(workplace, role_code="care_worker"):
    today = utcnow().date()
    return [v for v in db.session.scalars(select(Vacancy).where(Vacancy.workplace_id == workplace.id)
                                          .order_by(Vacancy.id)).all()
            if v.job_role.code == role_code and v.open_on(today)]


def _declared(workplace):
    return sorted((d.kind, d.ascwds_job_role, d.count, d.declared_on) for d in db.session.scalars(
        select(DeclaredCount).where(DeclaredCount.workplace_id == workplace.id)))


def test_a_new_workplace_gets_its_declared_vacancies_as_open_posts_marked_from_ascwds(oak):
    today = utcnow().date()
    posts = _open_posts(oak)
    assert [(v.posts, v.source, v.opened_on, v.contract_type) for v in posts] == [
        (2, VACANCY_FROM_ASCWDS, today, ContractType.permanent)]
    assert "ASC-WDS" in posts[0].description
    assert _open_posts(oak, "registered_manager") == []  # 0 declared, none opened
    assert _declared(oak) == [("leavers", "4", 0, today), ("leavers", "8", 0, today),
                              ("starters", "4", 0, today), ("starters", "8", 1, today),
                              ("vacancies", "4", 0, today), ("vacancies", "8", 2, today)]
    roles = {d.ascwds_job_role: d.job_role_id for d in db.session.scalars(select(DeclaredCount))}
    assert roles == {"8": factories.job_role("care_worker").id, "4": factories.job_role("registered_manager").id}


def test_re_importing_the_same_counts_changes_nothing(hcpa, oak):
    before_posts = [(v.id, v.posts, v.closed_on) for v in db.session.scalars(select(Vacancy))]
    before_declared = _declared(oak)
    _update(hcpa, ESTNAME="Oak House")
    _update(hcpa)
    assert [(v.id, v.posts, v.closed_on) for v in db.session.scalars(select(Vacancy))] == before_posts
    assert _declared(oak) == before_declared
    assert db.session.scalar(select(db.func.count()).select_from(DeclaredCount)) == 6


def test_more_vacancies_open_the_missing_posts(hcpa, oak):
    made_here = factories.vacancy(oak, opened=utcnow().date() - timedelta(days=40), posts=1)
    _open_posts(oak)[0].closed_on = utcnow().date()  # the import's 2 posts filled, say
    db.session.commit()
    _update(hcpa, VACANCIES="4;1")
    posts = _open_posts(oak)
    assert sum(v.posts for v in posts) == 4
    assert made_here in posts
    assert [(v.posts, v.source) for v in posts if v is not made_here] == [(3, VACANCY_FROM_ASCWDS)]
    assert [(v.posts, v.source) for v in _open_posts(oak, "registered_manager")] == [(1, VACANCY_FROM_ASCWDS)]


def test_fewer_vacancies_close_ascwds_posts_first_then_the_newest(hcpa, oak):
    today = utcnow().date()
    older = factories.vacancy(oak, opened=today - timedelta(days=90), posts=1)
    newer = factories.vacancy(oak, opened=today - timedelta(days=5), posts=3)
    assert sum(v.posts for v in _open_posts(oak)) == 6
    _update(hcpa, VACANCIES="2;0")  # 4 to close: the import's 2, then 2 of the newest 3
    posts = _open_posts(oak)
    assert sum(v.posts for v in posts) == 2
    assert {v.id for v in posts} == {older.id, newer.id}
    assert (newer.posts, newer.closed_on) == (1, None)
    closed = db.session.scalars(select(Vacancy).where(Vacancy.closed_on == today)).all()
    assert sorted(((v.posts, v.source, v.opened_on) for v in closed), key=lambda c: c[2]) == [
        (2, VACANCY_FROM_ASCWDS, newer.opened_on), (2, VACANCY_FROM_ASCWDS, today)]
    assert all("Closed on" in v.description and "ASC-WDS import" in v.description for v in closed)
    # The month before is unchanged: the newest vacancy's 3 posts were all open 4 days ago.
    assert sum(v.posts for v in db.session.scalars(select(Vacancy)) if v.open_on(today - timedelta(days=4))) == 4


def test_a_single_zero_closes_every_directly_employed_post_and_leaves_bank_posts(hcpa, oak):
    bank = factories.vacancy(oak, contract_type=ContractType.bank, posts=2)
    factories.vacancy(oak, role_code="registered_manager")
    _update(hcpa, VACANCIES="0")
    assert _open_posts(oak) == [bank]
    assert _open_posts(oak, "registered_manager") == []


def test_dont_know_keeps_the_posts_and_the_earlier_counts(hcpa, oak):
    before = _declared(oak)
    _update(hcpa, VACANCIES="999", STARTERS="999")
    assert sum(v.posts for v in _open_posts(oak)) == 2
    assert _declared(oak) == before


def test_a_later_import_replaces_the_counts_of_its_12_months(hcpa, oak):
    earlier = utcnow().date() - timedelta(days=20)
    for row in db.session.scalars(select(DeclaredCount)):
        row.declared_on = earlier  # the first import, 20 days ago
    factories.declared_count(oak, "leavers", 5, on=earlier - timedelta(days=400), ascwds_job_role="8")
    _update(hcpa, LEAVERS="3;1")
    today = utcnow().date()
    leavers = [d for d in _declared(oak) if d[0] == "leavers"]
    assert leavers == [("leavers", "4", 1, today), ("leavers", "8", 3, today),
                       ("leavers", "8", 5, earlier - timedelta(days=400))]  # a year earlier: kept


def test_counts_that_do_not_line_up_with_the_job_roles_are_a_warning_and_left_out(hcpa, oak):
    report = _update(hcpa, VACANCIES="5")
    assert any("VACANCIES: has 1 counts but ALLJOBROLES has 2 job roles" in w for w in warnings(report))
    assert sum(v.posts for v in _open_posts(oak)) == 2


def test_unchecked_rows_leave_an_existing_workplaces_posts_alone(hcpa, oak):
    run(hcpa, ("workplace.csv", edited("workplace.csv", {1: {"STATUS": "UNCHECKED", "VACANCIES": "0"}})))
    assert sum(v.posts for v in _open_posts(oak)) == 2


def test_the_manager_sees_which_posts_came_from_ascwds(client, oak):
    factories.vacancy(oak, posts=1)
    client.sign_in(factories.manager(workplaces=[oak]))
    page = text(client.get(f"/portal/{oak.id}/vacancies"))
    assert page.count("From an ASC-WDS import") == 1
