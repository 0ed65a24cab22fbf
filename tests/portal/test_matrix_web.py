"""Portal training pages over HTTP: scope (two managers, two workplaces, every page, download and
the sign-off POST), the matrix page and its downloads, and a fixed number of queries at 300 x 25."""
import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from tests import factories
from tests.helpers import Client, location_path, text
from tests.portal.test_matrix import add_staff, count_queries

TODAY = date.today()
PAGES = ["/portal/{w}/matrix", "/portal/{w}/matrix.csv", "/portal/{w}/matrix.xlsx", "/portal/{w}/inductions",
         "/portal/{w}/training-needs", "/portal/{w}/training-needs.csv", "/portal/{w}/training-needs.xlsx",
         "/portal/{w}/matrix?role=1&state=missing"]


@pytest.fixture
def two_homes(ctx):
    homes = {}
    for key, name in (("a", "Verulam House"), ("b", "Bluebell Lodge")):
        workplace = factories.workplace(name=name)
        worker = factories.care_worker(workplace, full_name=f"Worker at {name}", start=TODAY - timedelta(days=30))
        induction = factories.induction(worker.person, started=TODAY - timedelta(days=20))
        homes[key] = {"workplace": workplace, "worker": worker, "induction": induction,
                      "manager": factories.manager([workplace], full_name=f"Manager of {name}")}
    factories.course(name="Fire safety", mandatory_for=["care_worker"])
    return homes


def _client(app, user=None) -> Client:
    client = Client(app)
    if user is not None:
        client.sign_in(user)
    return client


def _sign_off_url(workplace, induction) -> str:
    return f"/portal/{workplace.id}/inductions/{induction.id}/sign-off"


def test_each_manager_sees_only_their_own_workplace(app, two_homes):
    a, b = two_homes["a"], two_homes["b"]
    for own, other in ((a, b), (b, a)):
        client = _client(app, own["manager"])
        for page in PAGES:
            assert client.get(page.format(w=own["workplace"].id)).status_code == 200, page
            assert client.get(page.format(w=other["workplace"].id)).status_code == 404, page
            assert client.get(page.format(w=999999)).status_code == 404, page
        form_page = f"/portal/{own['workplace'].id}/inductions"
        data = {f"induction-{other['induction'].id}-standards": "1"}
        # The other workplace's induction: 404 under the other's URL and under their own workplace's URL.
        assert client.submit(_sign_off_url(other["workplace"], other["induction"]), data,
                             form_page=form_page).status_code == 404
        assert client.submit(_sign_off_url(own["workplace"], other["induction"]), data,
                             form_page=form_page).status_code == 404
    db.session.expire_all()
    assert all(p.signed_off_at is None for home in (a, b) for p in home["induction"].standards)


@pytest.mark.parametrize("role", [Role.applicant, Role.care_worker])
def test_applicants_and_care_workers_are_refused(app, two_homes, role):
    a = two_homes["a"]
    user = a["worker"] if role == Role.care_worker else factories.user(role)
    client = _client(app, user)
    for page in PAGES:
        assert client.get(page.format(w=a["workplace"].id)).status_code == 403, page
    response = client.submit(_sign_off_url(a["workplace"], a["induction"]),
                             {f"induction-{a['induction'].id}-standards": "1"}, form_page="/account")
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(app, two_homes):
    a = two_homes["a"]
    client = _client(app)
    for page in PAGES:
        response = client.get(page.format(w=a["workplace"].id))
        assert response.status_code == 302 and location_path(response) == "/sign-in", page
    assert client.post(_sign_off_url(a["workplace"], a["induction"])).status_code in (302, 400)


def test_hcpa_reads_any_workplace_but_cannot_sign_off(app, two_homes):
    a = two_homes["a"]
    client = _client(app, factories.user(Role.hcpa_staff))
    for page in PAGES:
        assert client.get(page.format(w=a["workplace"].id)).status_code == 200, page
    assert "Sign off selected standards" not in text(client.get(f"/portal/{a['workplace'].id}/inductions"))
    response = client.submit(_sign_off_url(a["workplace"], a["induction"]),
                             {f"induction-{a['induction'].id}-standards": "1"}, form_page="/account")
    assert response.status_code == 403


def test_a_leaver_is_out_of_scope_for_the_sign_off(app, two_homes):
    a = two_homes["a"]
    employment = a["worker"].person.employments[0]
    employment.leaving_date = TODAY
    db.session.commit()
    client = _client(app, a["manager"])
    response = client.submit(_sign_off_url(a["workplace"], a["induction"]),
                             {f"induction-{a['induction'].id}-standards": "1"}, form_page="/account")
    assert response.status_code == 404


def test_the_matrix_page_is_a_table_with_headers_states_and_dates(app, two_homes):
    a = two_homes["a"]
    fire = factories.course(name="Moving and handling", mandatory_for=["care_worker"])
    factories.training_record(a["worker"].person, of=fire, completed=TODAY - timedelta(days=330))
    client = _client(app, a["manager"])
    body = text(client.get(f"/portal/{a['workplace'].id}/matrix"))
    assert "<caption" in body and "Mandatory training for 1 of 1 staff in post" in body
    assert '<th scope="col" class="govuk-table__header">Fire safety</th>' in body
    assert '<th scope="row"' in body and "Worker at Verulam House" in body
    assert "Expiring soon" in body and "Expires " in body and "Missing" in body
    assert "In progress" in body and "0 of 16 signed off" in body
    assert db.session.query(AuditEvent).filter_by(action="viewed_training_matrix", actor_id=a["manager"].id).count() == 1


def test_matrix_filters(app, two_homes):
    a = two_homes["a"]
    deputy = factories.person("Dee Deputy")
    factories.employment(a["workplace"], who=deputy, role_code="registered_manager")
    client = _client(app, a["manager"])
    url = f"/portal/{a['workplace'].id}/matrix"
    role = factories.job_role("registered_manager").id
    body = text(client.get(f"{url}?role={role}"))
    assert "Dee Deputy" in body and "Worker at Verulam House" not in body
    body = text(client.get(f"{url}?state=missing"))
    assert "Worker at Verulam House" in body and "Dee Deputy" not in body  # nothing mandatory for the RM
    body = text(client.get(f"{url}?state=expired"))
    assert "Nobody in post matches these filters" in body
    # Values not on the lists are ignored, never a 500.
    assert client.get(f"{url}?role=abc&state=nonsense").status_code == 200


def test_matrix_downloads_neutralise_formulas_and_are_audited(app, two_homes):
    a = two_homes["a"]
    factories.employment(a["workplace"], who=factories.person("=HYPERLINK(\"http://evil\")"))
    client = _client(app, a["manager"])
    response = client.get(f"/portal/{a['workplace'].id}/matrix.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0][:5] == ["Name", "Job role", "Start date", "Fire safety", "Fire safety: date"]
    assert rows[1][0] == "'=HYPERLINK(\"http://evil\")" and rows[1][3] == "Missing"
    sheet = load_workbook(io.BytesIO(client.get(f"/portal/{a['workplace'].id}/matrix.xlsx").data)).active
    assert sheet["A2"].value == "'=HYPERLINK(\"http://evil\")" and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "Worker at Verulam House"
    assert client.get(f"/portal/{a['workplace'].id}/matrix.pdf").status_code == 404
    assert db.session.query(AuditEvent).filter_by(action="downloaded_training_matrix").count() == 2


def test_the_matrix_page_uses_the_same_queries_for_5x3_and_300x25(app, ctx):
    workplace = factories.workplace(name="Growing")
    manager = factories.manager([workplace])
    client = _client(app, manager)
    add_staff(workplace, 5, 3)
    url = f"/portal/{workplace.id}/matrix"
    few = count_queries(lambda: client.get(url))
    add_staff(workplace, 295, 22, start=5)
    responses = []
    many = count_queries(lambda: responses.append(client.get(url)))
    assert responses[0].status_code == 200
    assert text(responses[0]).count('<th scope="row"') == 300
    assert text(responses[0]).count('<th scope="col"') == 25 + 2
    assert few == many, (few, many)
