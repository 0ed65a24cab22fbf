"""The portal's Inductions page: who is inducting, overdue first, and signing off standards from
there (training.induction's rules, audit-logged), with bad input refused and nothing saved."""
from datetime import date, timedelta

import pytest

from academy.auth.models import AuditEvent
from academy.extensions import db
from tests import factories
from tests.helpers import Client, has_error_summary, location_path, text
from training.models import StandardState

TODAY = date.today()


@pytest.fixture
def home(app, ctx):
    workplace = factories.workplace(name="Verulam House")
    manager = factories.manager([workplace], full_name="Morgan Manager")
    client = Client(app)
    client.sign_in(manager)
    return workplace, manager, client


def _inductee(workplace, name, started_days_ago, start_in_post_days_ago=None):
    account = factories.care_worker(workplace, full_name=name,
                                    start=TODAY - timedelta(days=start_in_post_days_ago or started_days_ago))
    return account, factories.induction(account.person, started=TODAY - timedelta(days=started_days_ago))


def _url(workplace, induction=None) -> str:
    base = f"/portal/{workplace.id}/inductions"
    return f"{base}/{induction.id}/sign-off" if induction else base


def test_inducting_staff_overdue_first_with_days_to_target(home):
    workplace, _, client = home
    _, recent = _inductee(workplace, "Ria Recent", 10)
    _, late = _inductee(workplace, "Lou Late", 90)  # target was 6 days ago
    for progress in late.standards[:4]:
        progress.state = StandardState.signed_off
    db.session.commit()
    done_account, done = _inductee(workplace, "Dot Done", 200)
    done.completed_on = TODAY - timedelta(days=150)
    db.session.commit()
    factories.care_worker(workplace, full_name="Nat Notstarted")
    factories.employment(workplace, who=factories.person("Ada Admin"), role_code="administrative")
    body = text(client.get(_url(workplace)))
    assert body.index("Lou Late") < body.index("Ria Recent")
    assert "Inducting (2)" in body and "Dot Done" not in body
    assert "Overdue</strong> 6 days" in body and ">74<" in body  # 84 - 10 days
    assert "4 of 16" in body and "0 of 16" in body
    assert "Care Certificate not started (1)" in body and "Nat Notstarted" in body and "Ada Admin" not in body
    assert db.session.query(AuditEvent).filter_by(action="viewed_inductions").count() == 1


def test_a_manager_signs_off_standards_from_the_page(home):
    workplace, manager, client = home
    worker, induction = _inductee(workplace, "Ria Recent", 10)
    response = client.submit(_url(workplace, induction), {f"induction-{induction.id}-standards": ["1", "3"]},
                             form_page=_url(workplace))
    assert response.status_code == 302 and location_path(response) == _url(workplace)
    page = text(client.get(_url(workplace)))
    assert "Ria Recent: standards 1, 3 signed off." in page and "2 of 16" in page
    db.session.expire_all()
    signed = {p.standard_number: p for p in induction.standards if p.state == StandardState.signed_off}
    assert set(signed) == {1, 3} and signed[1].signed_off_by_id == manager.id
    events = db.session.query(AuditEvent).filter_by(action="changed_care_certificate_standard").all()
    assert sorted(e.detail for e in events) == ["standard=1 state=signed_off", "standard=3 state=signed_off"]
    assert all(e.subject_user_id == worker.id for e in events)


def test_signing_off_the_last_standards_completes_the_care_certificate(home):
    workplace, _, client = home
    _, induction = _inductee(workplace, "Ria Recent", 10)
    every = [str(n) for n in range(1, 17)]
    response = client.submit(_url(workplace, induction), {f"induction-{induction.id}-standards": every},
                             form_page=_url(workplace), follow_redirects=True)
    body = text(response)
    assert "The Care Certificate is complete" in body and "Nobody in post is inducting" in body
    db.session.expire_all()
    assert induction.completed_on == TODAY
    matrix = text(client.get(f"/portal/{workplace.id}/matrix"))
    assert "Completed</strong>" in matrix


@pytest.mark.parametrize("data, message", [
    ({}, "Select at least one standard to sign off"),
    ({"standards": ["17"]}, "Choose standards from the list"),
    ({"standards": ["x"]}, "Choose standards from the list"),
    ({"standards": ["2", "99"]}, "Choose standards from the list"),
])
def test_bad_sign_off_input_is_refused_and_nothing_saved(home, data, message):
    workplace, _, client = home
    _, induction = _inductee(workplace, "Ria Recent", 10)
    payload = {f"induction-{induction.id}-{k}": v for k, v in data.items()}
    response = client.submit(_url(workplace, induction), payload, form_page=_url(workplace))
    assert response.status_code == 422 and has_error_summary(response)
    assert message in text(response)
    db.session.expire_all()
    assert all(p.state == StandardState.not_started for p in induction.standards)


def test_an_already_signed_off_standard_is_not_offered_again(home):
    workplace, _, client = home
    _, induction = _inductee(workplace, "Ria Recent", 10)
    induction.standards[0].state = StandardState.signed_off
    db.session.commit()
    response = client.submit(_url(workplace, induction), {f"induction-{induction.id}-standards": ["1"]},
                             form_page=_url(workplace))
    assert response.status_code == 422 and "a standard already signed off cannot be chosen" in text(response)


def test_a_manager_cannot_sign_off_their_own_induction(home):
    workplace, manager, client = home
    own = factories.person(manager.full_name, user_account=manager)
    factories.employment(workplace, who=own, role_code="care_worker", start=TODAY - timedelta(days=5))
    induction = factories.induction(own, started=TODAY - timedelta(days=5))
    response = client.submit(_url(workplace, induction), {f"induction-{induction.id}-standards": ["2"]},
                             form_page=_url(workplace))
    assert response.status_code == 422 and "Only an assessor" in text(response)
    db.session.expire_all()
    assert induction.standards[1].state == StandardState.not_started


def test_the_sign_off_needs_a_csrf_token(home):
    workplace, _, client = home
    _, induction = _inductee(workplace, "Ria Recent", 10)
    response = client.post(_url(workplace, induction), {f"induction-{induction.id}-standards": ["1"]})
    assert response.status_code == 400
    db.session.expire_all()
    assert induction.standards[0].state == StandardState.not_started


def test_the_page_uses_the_same_queries_for_3_and_30_inductees(home):
    from tests.portal.test_matrix import count_queries

    workplace, _, client = home
    for n in range(3):
        _inductee(workplace, f"Early {n}", 10 + n)
    few = count_queries(lambda: client.get(_url(workplace)))
    for n in range(27):
        _, induction = _inductee(workplace, f"Later {n:02d}", 5 + n)
        induction.standards[n % 16].state = StandardState.signed_off
        db.session.commit()
    pages = []
    many = count_queries(lambda: pages.append(client.get(_url(workplace))))
    assert "Inducting (30)" in text(pages[0])
    assert few == many, (few, many)
