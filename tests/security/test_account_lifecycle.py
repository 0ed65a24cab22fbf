"""Accounts have a lifecycle (issue 13, point 4): admins deactivate and reactivate accounts,
change roles, resend and cancel invitations; HCPA staff and admins remove a manager from a
workplace. Each change to a person ends their sessions and is audited."""
from __future__ import annotations

from datetime import timedelta

import pytest

from academy.auth.models import AuditEvent, Invitation, Role
from academy.extensions import db, utcnow
from tests import factories
from tests.helpers import Client, links_in, location_path, path_of, text


@pytest.fixture
def other_client(app, ctx):
    """A second browser: the person whose account the admin changes."""
    return Client(app)


def _audited(action: str) -> list[AuditEvent]:
    return db.session.query(AuditEvent).filter_by(action=action).all()


def _refused_sign_in(client, user) -> bool:
    response = client.submit("/sign-in", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    return response.status_code == 422 and "Enter a correct email address and password" in text(response)


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in_until_reactivated(client, other_client):
    admin, worker = factories.user(Role.admin), factories.user(Role.care_worker)
    other_client.sign_in(worker)
    assert other_client.get("/account").status_code == 200
    client.sign_in(admin)
    assert "Deactivate" in text(client.get(f"/admin/users/{worker.id}/deactivate"))
    done = client.submit(f"/admin/users/{worker.id}/deactivate", {})
    assert location_path(done) == f"/admin/users/{worker.id}"
    assert location_path(other_client.get("/account")) == "/sign-in"  # their session has ended
    assert _refused_sign_in(other_client, worker)
    db.session.refresh(worker)
    assert not worker.is_active_account and worker.deactivated_at is not None
    assert [e.subject_user_id for e in _audited("deactivated_user")] == [worker.id]

    client.submit(f"/admin/users/{worker.id}/reactivate", {}, form_page=f"/admin/users/{worker.id}")
    db.session.refresh(worker)
    assert worker.is_active_account and worker.deactivated_at is None
    other_client.sign_in(worker)
    assert other_client.get("/account").status_code == 200
    assert len(_audited("reactivated_user")) == 1


def test_nobody_deactivates_or_changes_their_own_account(client):
    admin = factories.user(Role.admin)
    client.sign_in(admin)
    assert client.get(f"/admin/users/{admin.id}/deactivate").status_code == 403
    assert client.submit(f"/admin/users/{admin.id}/deactivate", {},
                         form_page=f"/admin/users/{admin.id}").status_code == 403
    assert client.submit(f"/admin/users/{admin.id}/role", {"role": "care_worker"},
                         form_page=f"/admin/users/{admin.id}").status_code == 403
    db.session.refresh(admin)
    assert admin.is_active_account and admin.role == Role.admin


@pytest.mark.parametrize("role", [Role.manager, Role.hcpa_staff, Role.care_worker])
def test_only_admins_deactivate_or_change_roles(client, role):
    actor, target = factories.user(role), factories.user(Role.applicant)
    client.sign_in(actor)
    token_page = "/account"
    for url, data in ((f"/admin/users/{target.id}/deactivate", {}), (f"/admin/users/{target.id}/role", {"role": "admin"}),
                      (f"/admin/users/{target.id}/reactivate", {})):
        assert client.submit(url, data, form_page=token_page).status_code == 403, url
    db.session.refresh(target)
    assert target.is_active_account and target.role == Role.applicant


def test_a_role_change_ends_sessions_and_a_former_manager_manages_nothing(client, other_client):
    admin, workplace = factories.user(Role.admin), factories.workplace()
    manager = factories.manager(workplaces=[workplace])
    other_client.sign_in(manager)
    assert other_client.get(f"/workplaces/{workplace.id}").status_code == 200
    client.sign_in(admin)
    done = client.submit(f"/admin/users/{manager.id}/role", {"role": "care_worker"})
    assert location_path(done) == f"/admin/users/{manager.id}"
    assert location_path(other_client.get(f"/workplaces/{workplace.id}")) == "/sign-in"
    db.session.refresh(manager)
    assert manager.role == Role.care_worker and manager.workplaces == []
    assert [e.detail for e in _audited("changed_role")] == ["from=manager to=care_worker"]
    same = client.submit(f"/admin/users/{manager.id}/role", {"role": "care_worker"})
    assert same.status_code == 422  # not offered: it is their role now


def test_someone_made_hcpa_staff_sets_up_two_step_at_their_next_sign_in(client, other_client):
    admin, worker = factories.user(Role.admin), factories.user(Role.care_worker)
    client.sign_in(admin)
    client.submit(f"/admin/users/{worker.id}/role", {"role": "hcpa_staff"})
    response = other_client.submit("/sign-in", {"email": worker.email, "password": factories.DEFAULT_PASSWORD})
    assert location_path(response) == "/account/two-step/set-up"
    assert location_path(other_client.get("/workplaces/")) == "/sign-in"


def test_resending_an_invitation_makes_a_new_link_and_the_old_one_stops_working(client, outbox):
    admin = factories.user(Role.admin)
    invitation, old_token = factories.invitation(by=admin, days=1)
    old_expiry = invitation.expires_at
    client.sign_in(admin)
    assert invitation.email in text(client.get("/admin/invitations"))
    done = client.submit(f"/admin/invitations/{invitation.id}/resend", {}, form_page="/admin/invitations")
    assert location_path(done) == "/admin/invitations"
    client.sign_out()
    assert client.get(f"/invitation/{old_token}").status_code == 400
    link = links_in(outbox[-1])[0]
    assert link.startswith("http://localhost/invitation/")  # PUBLIC_BASE_URL, not the request's host
    assert location_path(client.get(path_of(link))) == "/invitation"  # the token moves to the session
    assert client.get("/invitation").status_code == 200
    db.session.refresh(invitation)
    assert invitation.expires_at > old_expiry + timedelta(days=5)
    assert len(_audited("resent_invitation")) == 1


def test_a_cancelled_invitation_link_stops_working(client, outbox):
    admin = factories.user(Role.admin)
    invitation, token = factories.invitation(by=admin)
    client.sign_in(admin)
    assert "Cancel the invitation" in text(client.get(f"/admin/invitations/{invitation.id}/cancel"))
    client.submit(f"/admin/invitations/{invitation.id}/cancel", {})
    assert "There are no invitations waiting to be used" in text(client.get("/admin/invitations"))
    assert client.submit(f"/admin/invitations/{invitation.id}/resend", {},
                         form_page="/admin/invitations").status_code == 404  # nothing to resend
    client.sign_out()
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 400 and "cancelled" in text(response)
    assert client.submit("/invitation", {"full_name": "X", "password": "kettle-orchard-lantern"},
                         form_page="/sign-in").status_code == 400
    assert db.session.query(Invitation).filter(Invitation.accepted_at.isnot(None)).count() == 0
    assert len(_audited("cancelled_invitation")) == 1 and outbox == []


@pytest.mark.parametrize("remover_role", [Role.hcpa_staff, Role.admin])
def test_staff_remove_a_manager_who_then_cannot_see_the_workplace(client, other_client, remover_role):
    workplace = factories.workplace()
    manager = factories.manager(workplaces=[workplace])
    other_client.sign_in(manager)
    assert other_client.get(f"/portal/{workplace.id}/staff").status_code == 200
    client.sign_in(factories.user(remover_role))
    url = f"/admin/workplaces/{workplace.id}/managers/{manager.id}/remove"
    assert "Remove" in text(client.get(url))
    assert location_path(client.submit(url, {})) == f"/workplaces/{workplace.id}"
    assert location_path(other_client.get(f"/portal/{workplace.id}/staff")) == "/sign-in"  # sessions ended
    other_client.sign_in(manager)
    assert other_client.get(f"/workplaces/{workplace.id}").status_code == 404
    assert other_client.get(f"/portal/{workplace.id}/staff").status_code == 404
    event, = _audited("removed_manager")
    assert event.subject_user_id == manager.id and event.target_id == str(workplace.id)
    assert client.get(url).status_code == 404  # no longer their manager


def test_a_manager_cannot_remove_another_manager(client):
    workplace = factories.workplace()
    one, other = factories.manager(workplaces=[workplace]), factories.manager(workplaces=[workplace])
    client.sign_in(one)
    url = f"/admin/workplaces/{workplace.id}/managers/{other.id}/remove"
    assert client.get(url).status_code == 403
    assert client.submit(url, {}, form_page="/account").status_code == 403
    db.session.refresh(workplace)
    assert other in workplace.managers


def test_an_admin_resets_two_step_for_someone_who_lost_their_phone_and_codes(client, other_client):
    admin, officer = factories.user(Role.admin), factories.user(Role.hcpa_staff)
    factories.recovery_codes(officer)
    other_client.sign_in(officer)
    client.sign_in(admin)
    assert "Reset" in text(client.get(f"/admin/users/{officer.id}/two-step/reset"))
    done = client.submit(f"/admin/users/{officer.id}/two-step/reset", {})
    assert location_path(done) == f"/admin/users/{officer.id}"
    assert location_path(other_client.get("/workplaces/")) == "/sign-in"  # signed out
    db.session.refresh(officer)
    assert not officer.two_step_enabled and officer.totp_secret is None
    response = other_client.submit("/sign-in", {"email": officer.email, "password": factories.DEFAULT_PASSWORD})
    assert location_path(response) == "/account/two-step/set-up"  # required again for their role
    assert [e.subject_user_id for e in _audited("two_step_reset")] == [officer.id]
    assert client.get(f"/admin/users/{admin.id}/two-step/reset").status_code == 403  # not their own
