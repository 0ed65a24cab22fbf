"""Audit: views of DBS, health and right-to-work details, exports and passport shares are logged;
admins filter the log by person and by actor, page by page, in a fixed number of queries."""
import pytest
from sqlalchemy import select

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from recruitment.models import State
from tests import factories
from tests.helpers import statements_for, text


def actions(**where) -> list[str]:
    statement = select(AuditEvent.action).order_by(AuditEvent.id)
    for name, value in where.items():
        statement = statement.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(statement))


def test_viewing_an_application_with_its_right_to_work_answer_is_audited(client):
    application = factories.application_at(State.ready_to_refer)
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    assert client.get(f"/recruitment/applications/{application.id}").status_code == 200
    assert "viewed_application" in actions(subject_user_id=application.user_id, actor_id=officer.id)
    assert client.get(f"/recruitment/applications/{application.id}/checks").status_code == 200
    assert "viewed_dbs_and_health" in actions(subject_user_id=application.user_id, actor_id=officer.id)


def test_the_checks_page_shown_again_with_errors_is_audited_too(client):
    application = factories.application_at(State.checks)
    client.sign_in(factories.user(Role.hcpa_staff))
    url = f"/recruitment/applications/{application.id}/checks"
    response = client.submit(url, {"version": "1", "identity_right_to_work": "not-a-choice"})
    assert response.status_code == 422
    assert actions(action="viewed_dbs_and_health") == ["viewed_dbs_and_health"] * 2  # shown, then shown again


def test_passport_shares_downloads_and_exports_are_audited(client):
    worker = factories.care_worker(factories.workplace())
    client.sign_in(worker)
    response = client.submit("/training/passport/share", {"shared_with": "Next employer", "days": "7"})
    assert response.status_code == 200 and "Your passport link is ready" in text(response)
    assert client.get("/training/passport.pdf").status_code == 200
    client.get("/privacy/your-data/data.json")
    client.get("/privacy/your-data/summary")
    assert actions(subject_user_id=worker.id, actor_id=worker.id)[-4:] == [
        "shared_passport", "downloaded_passport_pdf", "exported_own_data", "exported_own_data"]


def add_events(count: int, actor, subject) -> None:
    for n in range(count):
        db.session.add(AuditEvent(actor_id=actor.id, subject_user_id=subject.id, action="viewed_dbs_and_health",
                                  target_type="Application", target_id=str(n)))
    db.session.commit()




@pytest.fixture
def people(ctx):
    return {"admin": factories.user(Role.admin), "officer": factories.user(Role.hcpa_staff, full_name="Olu Officer"),
            "other_officer": factories.user(Role.hcpa_staff, full_name="Pat Officer"),
            "jo": factories.user(Role.applicant, full_name="Jo Applicant"),
            "sam": factories.user(Role.applicant, full_name="Sam Applicant")}


def test_admins_filter_the_log_by_person_and_by_actor(client, people):
    add_events(3, people["officer"], people["jo"])
    add_events(2, people["other_officer"], people["sam"])
    add_events(1, people["other_officer"], people["jo"])
    client.sign_in(people["admin"])

    by_person = text(client.get(f"/admin/audit?person={people['jo'].email}"))
    assert "Showing 1 to 4 of 4 events" in by_person and "Sam Applicant" not in by_person
    by_actor = text(client.get(f"/admin/audit?by={people['other_officer'].email.upper()}"))
    assert "Showing 1 to 3 of 3 events" in by_actor and "Olu Officer" not in by_actor
    both = text(client.get(f"/admin/audit?person={people['jo'].email}&by={people['other_officer'].email}"))
    assert "Showing 1 to 1 of 1 events" in both
    by_id = text(client.get(f"/admin/audit?subject={people['sam'].id}"))
    assert "Showing 1 to 2 of 2 events" in by_id and "Records about <strong>Sam Applicant</strong>" in by_id
    nobody = text(client.get("/admin/audit?person=nobody@example.com"))
    assert "No events found" in nobody and "No account has the email address" in nobody
    assert client.get("/admin/audit?action=" + "x" * 200).status_code == 422


def test_only_admins_open_the_audit_log(app, people):
    from tests.helpers import Client

    for who in ("officer", "jo"):
        visitor = Client(app)
        visitor.sign_in(people[who])
        assert visitor.get(f"/admin/audit?person={people['jo'].email}").status_code == 403


def test_the_audit_log_uses_the_same_number_of_queries_for_10_and_120_events(client, people):
    client.sign_in(people["admin"])
    add_events(10, people["officer"], people["jo"])
    urls = ["/admin/audit", f"/admin/audit?person={people['jo'].email}&by={people['officer'].email}",
            f"/admin/audit?actor={people['officer'].id}&page=2"]
    few = [statements_for(client, url) for url in urls]
    add_events(110, people["officer"], people["jo"])
    client.sign_out()  # a new session: its first view of each is recorded again, as in the first round
    client.sign_in(people["admin"])
    many = [statements_for(client, url) for url in urls]
    assert few == many, (few, many)
    assert max(many) <= 12
    page_two = text(client.get(f"/admin/audit?person={people['jo'].email}&page=2"))
    assert "Showing 51 to 100 of 120 events" in page_two
    assert f"/admin/audit?person={people['jo'].email}&amp;page=3" in page_two  # the filter stays on each link
