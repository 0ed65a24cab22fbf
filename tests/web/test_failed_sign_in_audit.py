"""A failed sign-in's audit row names the account tried; an unknown address is not stored."""
from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from tests import factories


def _failures():
    return db.session.query(AuditEvent).filter_by(action="sign_in_failed").all()


def test_a_wrong_password_is_audited_against_the_account_tried(client):
    victim = factories.user(Role.hcpa_staff, email="victim@example.com")
    response = client.submit("/sign-in", {"email": "  Victim@Example.com ", "password": "not-the-password"})
    assert response.status_code == 422
    [event] = _failures()
    assert event.subject_user_id == victim.id and (event.target_type, event.target_id) == ("User", str(victim.id))
    assert event.actor_id is None


def test_the_admin_sees_failed_attempts_in_the_account_s_trail(client):
    victim = factories.user(Role.hcpa_staff)
    client.submit("/sign-in", {"email": victim.email, "password": "not-the-password"})
    client.sign_in(factories.user(Role.admin))
    page = client.get(f"/admin/audit?subject={victim.id}&action=sign_in_failed").get_data(as_text=True)
    assert '<td class="govuk-table__cell">sign in failed</td>' in page


def test_an_unknown_address_is_recorded_without_the_address(client):
    factories.user(email="someone@example.com")
    client.submit("/sign-in", {"email": "nobody-here@example.com", "password": "not-the-password"})
    [event] = _failures()
    assert event.subject_user_id is None and event.target_id is None and event.detail == "unknown account"
    assert "nobody-here" not in repr([getattr(event, c.key) for c in AuditEvent.__table__.columns])
