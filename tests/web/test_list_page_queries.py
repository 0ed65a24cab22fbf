"""List pages added for account security ask the database a fixed number of times, whatever the rows
(no query per row): the admins' invitations and HCPA's passport link requests."""
from __future__ import annotations

from academy.auth.models import Role
from academy.extensions import db
from tests import factories
from tests.helpers import page_statements, text




def test_the_invitations_page_takes_the_same_queries_for_2_and_12_invitations(client):
    admin = factories.user(Role.admin)
    for _ in range(2):
        factories.invitation(by=admin, role=Role.manager, workplace=factories.workplace())
    client.sign_in(admin)
    few, _ = page_statements(client, "/admin/invitations")
    for _ in range(10):
        factories.invitation(by=admin, role=Role.manager, workplace=factories.workplace())
    many, page = page_statements(client, "/admin/invitations")
    assert page.count("Cancel") >= 12 and many == few


def test_the_link_requests_page_takes_the_same_queries_for_2_and_12_requests(client):
    hcpa = factories.user(Role.hcpa_staff)
    for _ in range(2):
        factories.employer_link_request(factories.user(Role.care_worker), factories.workplace())
    client.sign_in(hcpa)
    few, _ = page_statements(client, "/portal/link-requests")
    for _ in range(10):
        factories.employer_link_request(factories.user(Role.care_worker), factories.workplace())
    many, _ = page_statements(client, "/portal/link-requests")
    assert many == few
