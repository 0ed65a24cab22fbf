"""Refused requests (403s, and the 404s of ownership checks) are counted in the security log with
the account, and admins see the accounts refused most, a burst flagged, linked to their trail."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from academy.auth import refusals
from academy.auth.access import refuse
from academy.auth.models import AuditEvent, Role
from academy.extensions import db, utcnow
from tests import factories
from tests.helpers import text


def _refusals(actor=None):
    statement = sa.select(AuditEvent).where(AuditEvent.action == "refused_access").order_by(AuditEvent.id)
    if actor is not None:
        statement = statement.where(AuditEvent.actor_id == actor.id)
    db.session.expire_all()
    return list(db.session.scalars(statement))


@pytest.fixture
def two_homes(ctx):
    """Workplace A with a care worker (a training record with a certificate), and B's manager."""
    from training import evidence

    a, b = factories.workplace(name="Home A"), factories.workplace(name="Home B")
    worker = factories.care_worker(a)
    record = factories.training_record(worker.person)
    record.certificate_file = evidence.store_certificate(b"%PDF-1.4 certificate", "pdf")
    record.certificate_content_type = "application/pdf"
    db.session.commit()
    return {"a": a, "b": b, "worker": worker, "record": record, "manager_b": factories.manager(workplaces=[b])}


def test_a_page_the_role_may_not_open_is_recorded(client):
    worker = factories.user(Role.care_worker)
    client.sign_in(worker)
    assert client.get("/admin/users").status_code == 403
    [event] = _refusals(worker)
    assert event.detail == "403 GET admin.users" and event.target_type is None and event.ip_address
    assert event.occurred_at > utcnow() - timedelta(minutes=1)


@pytest.mark.parametrize("path, endpoint, target", [
    ("/training/people/{person}", "training.person", "Person"),
    ("/training/records/{record}/certificate", "training.certificate", "TrainingRecord"),
    ("/workplaces/{a}", "workplaces.show", "Workplace"),
    ("/portal/{a}/staff", "portal.staff_list", "Workplace"),
    ("/tiers/people/{person}", "tiers.person", "Person"),
])
def test_an_ownership_404_is_recorded_with_the_record_asked_for(client, two_homes, path, endpoint, target):
    ids = {"person": two_homes["worker"].person.id, "record": two_homes["record"].id, "a": two_homes["a"].id}
    manager_b = two_homes["manager_b"]
    client.sign_in(manager_b)
    assert client.get(path.format(**ids)).status_code == 404
    [event] = _refusals(manager_b)
    assert event.detail == f"404 GET {endpoint}" and event.target_type == target
    asked_for = {"Person": ids["person"], "TrainingRecord": ids["record"], "Workplace": ids["a"]}[target]
    assert event.target_id == str(asked_for)


@pytest.mark.parametrize("path, endpoint, target", [
    ("/outcomes/?scope=workplace-{a}", "outcomes.index", None),
    ("/ascwds/providers/{provider}/export.zip", "ascwds.export_provider", "Provider"),
    ("/ascwds/workplaces/{a}/export.zip", "ascwds.export_workplace", "Workplace"),
])
def test_scoped_outcomes_and_exports_of_another_workplace_are_recorded(client, two_homes, path, endpoint, target):
    manager_b = two_homes["manager_b"]
    client.sign_in(manager_b)
    assert client.get(path.format(a=two_homes["a"].id, provider=two_homes["a"].provider_id)).status_code == 404
    [event] = _refusals(manager_b)
    assert event.detail == f"404 GET {endpoint}" and event.target_type == target


def test_a_refused_verify_post_is_recorded(client, two_homes):
    manager_b = two_homes["manager_b"]
    client.sign_in(manager_b)
    token = client.csrf_token("/account")
    response = client.post(f"/training/records/{two_homes['record'].id}/verify", data={"csrf_token": token})
    assert response.status_code == 404
    assert [e.detail for e in _refusals(manager_b)] == ["404 POST training.verify_record"]


def test_a_record_loaded_through_its_own_loader_is_recorded_by_its_kind(client, two_homes):
    """Qualifications and inductions were loaded inline in the views (an unknown id uncounted,
    someone else's counted as their Person); their loaders count both as the record asked for."""
    person = two_homes["worker"].person
    qualification, induction = factories.qualification(person), factories.induction(person)
    manager_b = two_homes["manager_b"]
    client.sign_in(manager_b)
    token = client.csrf_token("/account")
    assert client.get(f"/training/qualifications/{qualification.id}/edit").status_code == 404
    assert client.get("/training/qualifications/999999/edit").status_code == 404
    assert client.post(f"/training/inductions/{induction.id}/standards/1",
                       data={"csrf_token": token, "state": "in_progress"}).status_code == 404
    assert [(e.detail, e.target_type, e.target_id) for e in _refusals(manager_b)] == [
        ("404 GET training.edit_qualification", "Qualification", str(qualification.id)),
        ("404 GET training.edit_qualification", "Qualification", "999999"),
        ("404 POST training.set_standard", "CareCertificateInduction", str(induction.id)),
    ]


def test_a_portal_write_by_hcpa_staff_is_a_recorded_403(client, two_homes):
    hcpa = factories.user(Role.hcpa_staff)
    client.sign_in(hcpa)
    assert client.get(f"/portal/{two_homes['a'].id}/staff/new").status_code == 403
    assert [e.detail for e in _refusals(hcpa)] == ["403 GET portal.new_starter"]


def test_what_is_not_a_refusal_is_not_recorded(client, two_homes):
    assert client.get("/no/such/page").status_code == 404  # anonymous, unknown address: noise
    assert client.get(f"/training/people/{two_homes['worker'].person.id}").status_code == 302  # sign in first
    worker = two_homes["worker"]
    client.sign_in(worker)
    assert client.get("/still/no/such/page").status_code == 404  # not an ownership check
    assert client.get("/training/").status_code == 200  # their own passport
    assert _refusals() == []


def test_recording_never_turns_the_refusal_into_a_500(client, two_homes, monkeypatch):
    def broken(*_args, **_kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database away"))

    client.sign_in(two_homes["manager_b"])
    monkeypatch.setattr(type(db.engine), "begin", broken)
    assert client.get(f"/training/people/{two_homes['worker'].person.id}").status_code == 404
    assert client.get("/admin/users").status_code == 403
    monkeypatch.undo()
    assert _refusals() == []


def test_recording_does_not_depend_on_the_request_s_session(app, ctx):
    """The session may be mid-way or failed (on PostgreSQL a failed statement aborts its transaction):
    the row is written on a connection of its own, and the request's own work is not committed."""
    user = factories.user(Role.manager)
    with app.test_request_context("/training/people/1"):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.text("SELECT no_such_column FROM no_such_table"))
        db.session.expire(user, ["email"])
        user.full_name = "Not saved by the refusal"  # the request's unfinished work
        with pytest.raises(NotFound):
            refuse(404, user, ("Person", 1))
        db.session.rollback()
    [event] = _refusals(user)
    assert (event.detail, event.target_type, event.target_id) == ("404 GET training.person", "Person", "1")
    assert db.session.get(type(user), user.id).full_name != "Not saved by the refusal"


def _refused(user, minutes_ago: float, count: int = 1):
    for _ in range(count):
        db.session.add(AuditEvent(actor_id=user.id, action="refused_access", detail="404 GET training.person",
                                  occurred_at=utcnow() - timedelta(minutes=minutes_ago)))
    db.session.commit()


def test_admins_see_the_accounts_refused_most_with_a_burst_flagged(client):
    prober = factories.user(Role.manager, full_name="Probing Manager")
    lost = factories.user(Role.care_worker, full_name="Lost Worker")
    old = factories.user(Role.applicant, full_name="Long Ago")
    _refused(prober, 2, count=refusals.BURST_COUNT)
    _refused(prober, 45, count=3)
    _refused(lost, 120, count=2)
    _refused(old, 60 * 25)
    counts = refusals.busiest_accounts(db.session)
    assert [(c.user.full_name, c.in_window, c.in_hour, c.in_day, c.is_burst) for c in counts] == [
        ("Probing Manager", 20, 23, 23, True), ("Lost Worker", 0, 0, 2, False)]

    client.sign_in(factories.user(Role.admin))
    page = text(client.get("/admin/refusals"))
    assert "1 account was refused 20 times or more in the last 10 minutes" in page
    assert "Probing Manager" in page and "Burst" in page and "Lost Worker" in page and "Long Ago" not in page
    assert f"/admin/audit?actor={prober.id}&amp;action=refused_access" in page
    trail = text(client.get(f"/admin/audit?actor={prober.id}&action=refused_access"))
    assert trail.count("refused access (404 GET training.person)") == 23


def test_the_refusals_page_is_for_admins_only_and_says_when_there_are_none(client):
    hcpa = factories.user(Role.hcpa_staff)
    client.sign_in(hcpa)
    assert client.get("/admin/refusals").status_code == 403
    client.sign_out()
    client.sign_in(factories.user(Role.admin))
    page = text(client.get("/admin/refusals"))
    assert "Refused requests" in page
    assert "Hcpa" not in page and ("No account has been refused" in page or hcpa.full_name in page)


def test_a_request_that_already_wrote_is_still_refused_promptly(app, ctx):
    """On SQLite a second connection would wait for the request's write lock: the refusal is then
    only logged; on PostgreSQL it is counted. Either way the answer is the 404, at once."""
    import time

    user = factories.user(Role.manager)
    with app.test_request_context("/training/people/1"):
        user.full_name = "Written, not committed"
        db.session.flush()
        started = time.monotonic()
        with pytest.raises(NotFound):
            refuse(404, user, ("Person", 1))
        assert time.monotonic() - started < 2
        db.session.rollback()
    assert len(_refusals(user)) == (0 if db.engine.dialect.name == "sqlite" else 1)
    assert db.session.get(type(user), user.id).full_name != "Written, not committed"
