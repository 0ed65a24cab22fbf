"""HCPA's workplace directory: list, filter, search, add, edit, deactivate; and its query count."""
import re

import pytest
from sqlalchemy import event

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.workplaces.models import Workplace
from tests import factories
from tests.helpers import has_error_summary, location_path, text


@pytest.fixture
def hcpa_client(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    return client


def _valid_form(**overrides):
    data = {"name": "Meadow View", "provider_name": "Meadow Care Ltd", "cqc_location_id": "1-2345678901",
            "address_line_1": "1 Meadow Lane", "town": "Hitchin", "postcode": "sg5 1aa",
            "district_id": factories.district("North Hertfordshire").id,
            "service_type_id": factories.service_type("nursing_home").id, "cqc_rating": "good",
            "care_standard_signed": "y", "beds": "40"}
    data.update(overrides)
    return data


def test_add_a_workplace(hcpa_client):
    response = hcpa_client.submit("/workplaces/new", _valid_form())
    workplace = db.session.query(Workplace).filter_by(name="Meadow View").one()
    assert location_path(response) == f"/workplaces/{workplace.id}"
    assert workplace.postcode == "SG5 1AA" and workplace.provider.name == "Meadow Care Ltd"
    assert workplace.care_standard_signed and workplace.beds == 40
    assert db.session.query(AuditEvent).filter_by(action="created_workplace").count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Enter the workplace name"),
    ("name", "   ", "Enter the workplace name"),
    ("town", "  ", "Enter the town or city"),
    ("postcode", "NOT A POSTCODE", "Enter a real postcode"),
    ("cqc_location_id", "12345", "CQC location ID in the correct format"),
    ("district_id", "0", "Select the district"),
    ("district_id", "99999", "Not a valid choice"),
    ("service_type_id", "", "Select the service type"),
    ("beds", "-3", "between 0 and 2000"),
    ("beds", "lots", "Not a valid integer value"),
    ("cqc_rating", "brilliant", "Not a valid choice"),
])
def test_bad_workplace_input_is_refused_and_nothing_saved(hcpa_client, field, value, message):
    response = hcpa_client.submit("/workplaces/new", _valid_form(**{field: value}))
    assert response.status_code == 422 and has_error_summary(response) and message in text(response)
    assert db.session.query(Workplace).count() == 0


def test_duplicate_cqc_location_id_is_refused(hcpa_client):
    factories.workplace(name="First", cqc_location_id="1-2345678901")
    response = hcpa_client.submit("/workplaces/new", _valid_form())
    assert response.status_code == 422 and "already has CQC location ID" in text(response)
    assert db.session.query(Workplace).count() == 1


def test_manager_edits_their_own_workplace(client):
    workplace = factories.workplace(name="Old Name")
    client.sign_in(factories.manager(workplaces=[workplace]))
    data = _valid_form(name="New Name", cqc_location_id="")
    response = client.submit(f"/workplaces/{workplace.id}/edit", data)
    assert location_path(response) == f"/workplaces/{workplace.id}"
    db.session.refresh(workplace)
    assert workplace.name == "New Name" and workplace.cqc_location_id is None


def test_deactivate_and_reactivate(hcpa_client):
    workplace = factories.workplace(name="Closing Home")
    hcpa_client.submit(f"/workplaces/{workplace.id}/active", {"active": "0"}, form_page=f"/workplaces/{workplace.id}",
                       follow_redirects=True)
    assert not workplace.is_active
    assert "Closing Home" not in text(hcpa_client.get("/workplaces/"))
    assert "Closing Home" in text(hcpa_client.get("/workplaces/?inactive=1"))
    hcpa_client.submit(f"/workplaces/{workplace.id}/active", {"active": "1"}, form_page=f"/workplaces/{workplace.id}")
    assert workplace.is_active


def test_filter_by_district_and_service_type_and_search(hcpa_client):
    factories.workplace(name="Watford Nursing", district_name="Watford", service_code="nursing_home")
    factories.workplace(name="Watford Homecare", district_name="Watford", service_code="homecare")
    factories.workplace(name="Dacorum Nursing", district_name="Dacorum", service_code="nursing_home")
    watford, nursing = factories.district("Watford").id, factories.service_type("nursing_home").id
    body = text(hcpa_client.get(f"/workplaces/?district={watford}&service_type={nursing}"))
    assert "Watford Nursing" in body and "Watford Homecare" not in body and "Dacorum Nursing" not in body
    body = text(hcpa_client.get("/workplaces/?q=homecare"))
    assert "Watford Homecare" in body and "Watford Nursing" not in body
    assert "No workplaces found" in text(hcpa_client.get("/workplaces/?q=zzzz"))


def test_pagination_keeps_filters(hcpa_client):
    for n in range(30):
        factories.workplace(name=f"Home {n:02d}", district_name="Watford")
    district = factories.district("Watford").id
    body = text(hcpa_client.get(f"/workplaces/?district={district}&page=2"))
    assert "Showing 26 to 30 of 30 workplaces" in body and "Home 29" in body and "Home 00" not in body
    previous_link = re.search(r'href="([^"]+)" rel="prev"', body).group(1)
    assert f"district={district}" in previous_link and "page=1" in previous_link


def _count_queries(client, path) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_workplace_list_uses_a_fixed_number_of_queries(app, hcpa_client):
    factories.workplace()
    small = _count_queries(hcpa_client, "/workplaces/")
    for n in range(40):
        factories.workplace(name=f"Extra {n}", provider=None)
    app.config["PAGE_SIZE"], saved = 40, app.config["PAGE_SIZE"]
    try:
        large = _count_queries(hcpa_client, "/workplaces/")
    finally:
        app.config["PAGE_SIZE"] = saved
    assert large == small


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Enter the workplace name"),
    ("postcode", "NOT A POSTCODE", "Enter a real postcode"),
    ("beds", "-3", "between 0 and 2000"),
    ("district_id", "99999", "Not a valid choice"),
])
def test_bad_input_on_the_edit_page_is_refused_and_nothing_changes(client, field, value, message):
    workplace = factories.workplace(name="Keep Me", cqc_location_id="1-1111111111")
    client.sign_in(factories.manager(workplaces=[workplace]))
    response = client.submit(f"/workplaces/{workplace.id}/edit", _valid_form(cqc_location_id="", **{field: value}))
    body = text(response)
    assert response.status_code == 422 and has_error_summary(response) and message in body
    assert "govuk-error-message" in body and body.count(message) >= 2  # summary and the field itself
    db.session.expire_all()
    workplace = db.session.get(Workplace, workplace.id)
    assert workplace.name == "Keep Me" and workplace.cqc_location_id == "1-1111111111"


def test_a_clashing_cqc_id_on_the_edit_page_changes_nothing(hcpa_client):
    factories.workplace(name="First", cqc_location_id="1-2345678901")
    second = factories.workplace(name="Second", cqc_location_id="1-9999999999")
    response = hcpa_client.submit(f"/workplaces/{second.id}/edit", _valid_form(name="Renamed"))
    assert response.status_code == 422 and "already has CQC location ID" in text(response)
    db.session.expire_all()
    assert db.session.get(Workplace, second.id).name == "Second"
