"""Subject access: a person downloads everything about them (JSON and a page), only their own;
HCPA staff produce it for someone who asks by email; every export is audited."""
import json

import pytest
from sqlalchemy import select

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.privacy import subject_access
from recruitment.models import Note, State, StateChange
from tests import factories
from tests.helpers import Client, text


@pytest.fixture
def applicant(ctx):
    app_ = factories.application_at(State.ready_to_refer, full_name="Jo Applicant")
    db.session.add(Note(application_id=app_.id, author_id=factories.user(Role.hcpa_staff).id,
                        text="Phoned Jo about references"))
    db.session.add(StateChange(application_id=app_.id, from_state=State.draft, to_state=State.submitted,
                               by_id=app_.user_id, occurred_at=app_.submitted_at))
    db.session.commit()
    return app_.user


@pytest.fixture
def worker(ctx):
    workplace = factories.workplace(name="Verulam House")
    account = factories.care_worker(workplace, full_name="Casey Carer")
    factories.training_record(account.person, factories.course(name="Fire safety"))
    factories.qualification(account.person)
    factories.induction(account.person)
    from training.passport import create_share

    create_share(db.session, account.person, "Gade House manager", 7, account)
    db.session.commit()
    return account


def sections(export) -> dict:
    return {s["key"]: s["records"] for s in export["sections"]}


def test_the_export_covers_every_feature_and_leaves_out_secrets(ctx, applicant, worker):
    export = subject_access.build_export(db.session, subject_access.subject_for_user(db.session, applicant))
    parts = sections(export)
    assert parts["account"][0]["email"] == applicant.email
    assert parts["applications"][0]["full_name"] == "Jo Applicant"
    assert [(h["from"], h["to"], h["by"]) for h in parts["application_history"]] == [
        ("Not sent yet", "Submitted", "you")]
    assert parts["application_notes"][0]["text"] == "Phoned Jo about references"
    assert parts["values_assessments"][0]["total"] == 18
    assert parts["checks"][0]["dbs_certificate_number"] == "001234567890"
    assert parts["employments"] == [] and parts["training_records"] == []
    dumped = json.dumps(export)
    assert "password_hash" not in dumped and "session_token" not in dumped
    assert applicant.password_hash not in dumped

    theirs = sections(subject_access.build_export(db.session, subject_access.subject_for_user(db.session, worker)))
    assert theirs["employments"][0]["workplace"] == "Verulam House"
    assert theirs["training_records"][0]["course"] == "Fire safety"
    assert theirs["qualifications"][0]["status"] == "Achieved"
    assert len(theirs["induction"][0]["standards"]) == 16
    assert theirs["passport_shares"][0]["shared_with"] == "Gade House manager"
    assert "code_hash" not in theirs["passport_shares"][0]
    assert theirs["applications"] == []


def test_a_feature_plugs_in_with_one_collector(ctx, applicant):
    @subject_access.collector("test_extra", "Extra things")
    def extra(session, subject):
        return [{"about": subject.name}]

    try:
        export = subject_access.build_export(db.session, subject_access.subject_for_user(db.session, applicant))
        assert sections(export)["test_extra"] == [{"about": applicant.full_name}]
        assert export["sections"][-1]["title"] == "Extra things"
    finally:
        del subject_access.COLLECTORS["test_extra"]


def test_a_person_downloads_their_own_data_in_one_click(client, applicant):
    other = factories.application_at(State.checks, full_name="Someone Else").user
    client.sign_in(applicant)
    page = client.get("/privacy/your-data")
    assert page.status_code == 200 and "/privacy/your-data/data.json" in text(page)

    response = client.get("/privacy/your-data/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    export = response.get_json()
    assert sections(export)["account"][0]["email"] == applicant.email
    assert other.email not in text(response) and "Someone Else" not in text(response)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exported_own_data"))
    assert event.subject_user_id == applicant.id and event.actor_id == applicant.id and event.detail == "json"

    summary = client.get("/privacy/your-data/summary")
    assert summary.status_code == 200
    body = text(summary)
    assert "Everything we hold about you" in body and "001234567890" in body and "Phoned Jo about references" in body
    assert "Someone Else" not in body


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in ("/privacy/your-data", "/privacy/your-data/data.json", "/privacy/your-data/summary"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_nobody_but_hcpa_staff_can_open_another_persons_data(client, applicant, app):
    other = factories.application_at(State.checks).user
    for role in (Role.applicant, Role.care_worker, Role.manager):
        visitor = Client(app)
        visitor.sign_in(factories.user(role) if role != Role.applicant else applicant)
        for url in (f"/privacy/subject-access/user/{other.id}/data.json",
                    f"/privacy/subject-access/user/{other.id}/summary", "/privacy/subject-access"):
            assert visitor.get(url).status_code == 403, (role, url)
        searched = visitor.post("/privacy/subject-access", data={"email": other.email})
        assert searched.status_code in (400, 403) and other.email not in text(searched)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "produced_subject_access")) is None


def test_hcpa_staff_find_a_person_by_email_and_produce_their_data(client, applicant, worker):
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    found = client.submit("/privacy/subject-access", {"email": applicant.email.upper()})
    assert found.status_code == 200
    assert f"/privacy/subject-access/user/{applicant.id}/data.json" in text(found)

    response = client.get(f"/privacy/subject-access/user/{applicant.id}/data.json")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    assert sections(response.get_json())["applications"][0]["full_name"] == "Jo Applicant"
    page = client.get(f"/privacy/subject-access/user/{worker.id}/summary")
    assert page.status_code == 200 and "Fire safety" in text(page)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "produced_subject_access")
                                .order_by(AuditEvent.id)).all()
    assert [(e.subject_user_id, e.actor_id, e.detail) for e in events] == [
        (applicant.id, officer.id, "json"), (worker.id, officer.id, "summary")]


def test_staff_can_produce_data_for_a_workforce_record_without_an_account(client):
    person = factories.person("Imported Isla")
    person.email = "isla@example.com"
    factories.employment(factories.workplace(name="Gade House"), who=person)
    db.session.commit()
    client.sign_in(factories.user(Role.hcpa_staff))
    found = client.submit("/privacy/subject-access", {"email": "isla@example.com"})
    assert f"/privacy/subject-access/person/{person.id}/data.json" in text(found)
    export = client.get(f"/privacy/subject-access/person/{person.id}/data.json").get_json()
    assert sections(export)["employments"][0]["workplace"] == "Gade House"
    assert sections(export)["account"] == []
    assert client.get("/privacy/subject-access/person/99999/data.json").status_code == 404
    assert client.get("/privacy/subject-access/team/1/data.json").status_code == 404


def test_a_bad_email_search_says_what_is_wrong(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    response = client.submit("/privacy/subject-access", {"email": "not-an-email"})
    assert response.status_code == 422 and "There is a problem" in text(response)
    nobody = client.submit("/privacy/subject-access", {"email": "nobody@example.com"})
    assert nobody.status_code == 200 and "No account or workforce record has that email address" in text(nobody)


def test_the_email_searched_for_is_never_in_a_url(client, applicant):
    client.sign_in(factories.user(Role.hcpa_staff))
    page = client.get("/privacy/subject-access")
    assert 'method="post"' in text(page) and 'method="get"' not in text(page)
    ignored = client.get("/privacy/subject-access?email=" + applicant.email)  # an old bookmark finds nothing
    assert ignored.status_code == 200 and f"/subject-access/user/{applicant.id}/" not in text(ignored)


def test_the_export_downloads_as_a_pdf_too(client, applicant):
    client.sign_in(applicant)
    response = client.get("/privacy/your-data/data.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "exported_own_data")) == "pdf"
    assert client.get("/privacy/your-data/data.pdf").status_code == 200


def test_tables_without_a_collector_are_still_exported(ctx, worker):
    """A table with a person_id no collector claims (here the career tiers') is in "other records"
    unless a collector has been registered for it."""
    award = factories.tier_award(worker.person, tier_number=2, lapse_reason=None)
    export = subject_access.build_export(db.session, subject_access.subject_for_user(db.session, worker))
    if "tier_awards" in subject_access.COVERED_TABLES:
        assert str(award.awarded_on) in json.dumps(export)
    else:
        others = [r for r in sections(export)["other_records"] if r["record"] == "tier awards"]
        assert [(r["id"], r["tier_number"], r["awarded_on"]) for r in others] == [
            (award.id, 2, award.awarded_on.isoformat())]
    # Covered tables are not repeated in the fallback.
    assert not [r for r in sections(export)["other_records"] if r["record"] in ("training records", "employments")]


def test_a_placed_workers_export_has_the_placement_and_check_ins(client):
    from datetime import date, timedelta

    from recruitment.models import FollowUp, FollowUpPoint

    placement = factories.placement()
    db.session.add(FollowUp(placement_id=placement.id, point=FollowUpPoint.week_1,
                            due_on=date.today() - timedelta(days=3), settled_rating=4, comments="Settling in well"))
    db.session.commit()
    worker = placement.application.user
    client.sign_in(worker)
    response = client.get("/privacy/your-data/data.json")
    assert response.status_code == 200
    follow_ups = sections(response.get_json())["follow_ups"]
    assert [r["record"] for r in follow_ups] == ["placement", "check-in"]
    assert follow_ups[1]["comments"] == "Settling in well" and follow_ups[0]["start_date"]
    assert sections(response.get_json())["employments"][0]["workplace"] == placement.employment.workplace.name
    assert client.get("/privacy/your-data/summary").status_code == 200
    assert client.get("/privacy/your-data/data.pdf").status_code == 200
