"""Names typed into the service (sign-up, invitation, accepting one, a new starter, an application)
refuse control characters and web addresses, and accept real names from any script."""
from datetime import date, timedelta

import pytest

from academy.auth.models import Invitation, Role, User
from academy.extensions import db
from academy.forms import name_problem
from academy.workplaces.models import Person
from recruitment.models import Application
from tests import factories
from tests.helpers import has_error_summary, location_path, text

REAL = ["O'Brien", "Zoë Núñez-Smith", "Zoe\u0308 Nu\u0301n\u0303ez-Smith", "李小龍", "Anne-Marie St. John",
        "J.R.R. Tolkien", "Mary O\u2019Neil", "Nguyễn Văn An", "محمد علي", "Siobhán Ní Bhriain", "Ana"]
HOSTILE = ["Eve\nBcc: victim@example.com", "Eve\r\nSubject: hi", "Eve\tSmith", "Eve\x00Smith",
           "Eve \u202egnp.exe", "Eve\u200bSmith", "Eve\u2028Smith", "Eve\u2029Smith", "Eve\u2066Smith\u2069",
           "Eve\x7fSmith", "http://evil.example", "https://evil.example/reset", "Visit www.evil",
           "Claim at evil.com", "Grace EXAMPLE.CO.UK", "Eve <b>Smith</b>", "Eve 2024", "'-."]


@pytest.mark.parametrize("name", REAL)
def test_real_names_are_names(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", HOSTILE)
def test_control_characters_and_web_addresses_are_not_names(name):
    assert name_problem(name) in ("Full name must only include letters, spaces, hyphens, apostrophes and full stops",
                                  "Full name must not include a web address")


def _sign_up(client, name):
    return client.submit("/sign-up", {"purpose": "applicant", "full_name": name, "email": "new@example.com",
                                      "password": "kettle-orchard-lantern"})


@pytest.mark.parametrize("name", ["Zoë Núñez-Smith", "李小龍", "Anne-Marie St. John", "Seán O'Brien"])
def test_sign_up_accepts_real_names(client, outbox, name):
    assert location_path(_sign_up(client, name)) == "/sign-up/check-your-email"
    assert db.session.query(User).filter_by(email="new@example.com").one().full_name == name


@pytest.mark.parametrize("name", HOSTILE)
def test_sign_up_refuses_hostile_names(client, outbox, name):
    response = _sign_up(client, name)
    if "\x00" in name:  # refused before any form sees it (academy/__init__.py input guards)
        assert response.status_code == 400
    else:
        assert response.status_code == 422 and has_error_summary(response) and "Full name must" in text(response)
    assert db.session.query(User).count() == 0 and not outbox


@pytest.mark.parametrize("name", ["Eve\nSmith", "See www.evil.example", "Eve\u202eSmith"])
def test_inviting_someone_refuses_hostile_names(client, outbox, name):
    client.sign_in(factories.user(Role.admin))
    response = client.submit("/admin/invite", {"full_name": name, "email": "rita@example.com", "role": "hcpa_staff"})
    assert response.status_code == 422 and "Full name must" in text(response)
    assert db.session.query(Invitation).count() == 0 and not outbox


@pytest.mark.parametrize("name", ["Rita\tManager", "rita.example.com"])
def test_accepting_an_invitation_refuses_hostile_names(client, name):
    _, token = factories.invitation(full_name="Rita Manager")
    assert client.get(f"/invitation/{token}").headers["Location"] == "/invitation"  # the token moves to the session
    response = client.submit("/invitation", {"full_name": name, "password": "kettle-orchard-lantern"})
    assert response.status_code == 422 and "Full name must" in text(response)
    assert db.session.query(User).filter_by(full_name=name).count() == 0
    accepted = client.submit("/invitation",
                             {"full_name": "Rita O'Manager", "password": "kettle-orchard-lantern"})
    assert accepted.status_code == 302


@pytest.mark.parametrize("name", ["Bea\nStarter", "bea.starter.example"])
def test_a_new_starter_with_a_hostile_name_is_refused(client, name):
    home = factories.workplace()
    client.sign_in(factories.manager(workplaces=[home]))
    start = date.today() - timedelta(days=3)
    response = client.submit(f"/portal/{home.id}/staff/new", {
        "full_name": name, "email": "", "job_role_id": str(factories.job_role("care_worker").id),
        "contract_type": "permanent", "hours_per_week": "30", "start_date": [start.day, start.month, start.year]})
    assert response.status_code == 422 and "Full name must" in text(response)
    assert db.session.query(Person).filter(Person.full_name.contains("tarter")).count() == 0


def test_the_application_name_step_refuses_a_web_address(client):
    client.sign_in(factories.user(Role.applicant))
    response = client.submit("/recruitment/apply/name", {"full_name": "Ama https://evil.example"})
    assert response.status_code == 422 and "Full name must not include a web address" in text(response)
    application = db.session.query(Application).one_or_none()
    assert application is None or application.full_name is None
    assert client.submit("/recruitment/apply/name", {"full_name": "Ama Mensah-O'Neil"}).status_code == 302
