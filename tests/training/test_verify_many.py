"""A manager verifies several of their staff's self-declared training records at once: checkboxes and
one button, each record audited, only their own staff's (never their own, never another workplace's)."""
from datetime import date, timedelta

from sqlalchemy import event

from academy.auth.models import AuditEvent
from academy.extensions import db
from tests import factories
from tests.helpers import has_error_summary, location_path, text
from training import records
from training.models import TrainingRecord


def _self_declared(who, name, days_ago=30):
    return factories.training_record(who.person, factories.course(name=name), completed=date.today() - timedelta(days=days_ago))


def test_a_manager_verifies_several_records_at_once_each_audited(client, team):
    fire = _self_declared(team.worker, "Fire safety")
    first_aid = _self_declared(team.worker, "First aid")
    robin = factories.care_worker(team.workplace, full_name="Robin Rota")
    dementia = _self_declared(robin, "Dementia awareness")
    left_alone = _self_declared(robin, "Food hygiene")
    client.sign_in(team.manager)
    assert "Verify training (4 waiting)" in text(client.get("/training/staff"))
    page = text(client.get("/training/staff/verify"))
    assert "Casey Carer: Fire safety, completed" in page and "Robin Rota: Food hygiene" in page
    response = client.submit("/training/staff/verify", {"records": [str(fire.id), str(first_aid.id), str(dementia.id)]})
    assert location_path(response) == "/training/staff/verify"
    assert "3 training records are verified." in text(client.get("/training/staff/verify"))
    db.session.expire_all()
    for record in (fire, first_aid, dementia):
        record = db.session.get(TrainingRecord, record.id)
        assert record.verified_by_id == team.manager.id and record.verified_at is not None
    assert not db.session.get(TrainingRecord, left_alone.id).verified
    audited = db.session.query(AuditEvent).filter_by(action="verified_training").all()
    assert sorted(int(e.target_id) for e in audited) == sorted([fire.id, first_aid.id, dementia.id])
    assert {e.subject_user_id for e in audited} == {team.worker.id, robin.id}
    page = text(client.get("/training/staff/verify"))
    assert "Fire safety" not in page and "Food hygiene" in page


def test_nothing_ticked_is_a_message(client, team):
    _self_declared(team.worker, "Fire safety")
    client.sign_in(team.manager)
    response = client.submit("/training/staff/verify", {})
    assert response.status_code == 422 and has_error_summary(response)
    assert "Select the training you have checked" in text(response)


def test_only_their_own_staff_and_never_their_own(client, team):
    other_home = factories.workplace(name="Gade House")
    stranger = factories.care_worker(other_home, full_name="Sam Elsewhere")
    theirs = _self_declared(stranger, "Fire safety")
    mine = factories.person(team.manager.full_name, user_account=team.manager)
    factories.employment(team.workplace, who=mine)
    own = factories.training_record(mine, factories.course(name="Leadership"))
    client.sign_in(team.manager)
    page = text(client.get("/training/staff/verify"))
    assert "Sam Elsewhere" not in page and "Leadership" not in page and "nothing-to-verify" in page
    response = client.submit("/training/staff/verify", {"records": [str(theirs.id), str(own.id)]})
    assert response.status_code == 422 and has_error_summary(response)
    assert "only your own staff&#39;s self-declared training" in text(response)
    db.session.expire_all()
    assert not db.session.get(TrainingRecord, theirs.id).verified and not db.session.get(TrainingRecord, own.id).verified
    # The domain function refuses them too, all or none.
    import pytest

    from academy.auth.access import NotAllowed

    mixed = [db.session.get(TrainingRecord, theirs.id), _self_declared(team.worker, "First aid")]
    with pytest.raises(NotAllowed):
        records.verify_records(db.session, mixed, team.manager)
    with pytest.raises(NotAllowed):
        records.verify_records(db.session, [db.session.get(TrainingRecord, own.id)], team.manager)
    db.session.rollback()
    assert db.session.query(TrainingRecord).filter(TrainingRecord.verified_at.is_not(None)).count() == 0


def test_a_care_worker_cannot_open_it(client, team):
    client.sign_in(team.worker)
    assert client.get("/training/staff/verify").status_code == 403


def test_the_page_takes_the_same_queries_for_2_and_20_records(client, team):
    client.sign_in(team.manager)

    def queries():
        seen = []

        def count(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/training/staff/verify").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    for n in range(2):
        _self_declared(factories.care_worker(team.workplace), f"Course {n}")
    queries()
    few = queries()
    for n in range(18):
        _self_declared(factories.care_worker(team.workplace), f"More {n}")
    assert queries() == few
