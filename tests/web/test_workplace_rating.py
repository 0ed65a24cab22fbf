"""Only HCPA staff and admins set a workplace's CQC rating and provider; its manager cannot."""
import pytest

from academy.auth.access import NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces import directory
from academy.workplaces.models import CqcRating, Provider, Workplace
from tests import factories
from tests.helpers import location_path, text
from tests.web.test_workplaces import _valid_form


@pytest.fixture
def home(ctx):
    return factories.workplace(name="Verulam House", cqc_rating=CqcRating.requires_improvement,
                               provider=Provider(name="Verulam Care Ltd"))


def _reload(workplace) -> Workplace:
    db.session.expire_all()
    return db.session.get(Workplace, workplace.id)


def test_a_manager_posting_a_better_rating_and_another_provider_changes_neither(client, home):
    client.sign_in(factories.manager(workplaces=[home]))
    response = client.submit(f"/workplaces/{home.id}/edit",
                             _valid_form(name="Verulam House (renamed)", cqc_location_id="",
                                         cqc_rating="outstanding", provider_name="Someone Else Ltd"))
    assert location_path(response) == f"/workplaces/{home.id}"
    saved = _reload(home)
    assert saved.name == "Verulam House (renamed)"  # what a manager may change, changed
    assert saved.cqc_rating == CqcRating.requires_improvement and saved.provider.name == "Verulam Care Ltd"
    assert db.session.query(Provider).filter_by(name="Someone Else Ltd").count() == 0


def test_the_manager_s_edit_page_shows_rating_and_provider_but_no_fields_for_them(client, home):
    client.sign_in(factories.manager(workplaces=[home]))
    page = text(client.get(f"/workplaces/{home.id}/edit"))
    assert 'name="cqc_rating"' not in page and 'name="provider_name"' not in page
    assert "Verulam Care Ltd" in page and "Requires improvement" in page and 'name="name"' in page


@pytest.mark.parametrize("role", [Role.hcpa_staff, Role.admin])
def test_hcpa_staff_and_admins_change_rating_and_provider(client, home, role):
    client.sign_in(factories.user(role))
    page = text(client.get(f"/workplaces/{home.id}/edit"))
    assert 'name="cqc_rating"' in page and 'name="provider_name"' in page
    response = client.submit(f"/workplaces/{home.id}/edit",
                             _valid_form(cqc_location_id="", cqc_rating="good", provider_name="New Owner Ltd"))
    assert location_path(response) == f"/workplaces/{home.id}"
    saved = _reload(home)
    assert saved.cqc_rating == CqcRating.good and saved.provider.name == "New Owner Ltd"


def test_the_domain_function_ignores_rating_and_provider_from_a_manager(ctx, home):
    manager = factories.manager(workplaces=[home])
    values = {**_valid_form(cqc_location_id="", cqc_rating="outstanding", provider_name="Other Ltd")}
    values.update(district_id=home.district_id, service_type_id=home.service_type_id, care_standard_signed=True,
                  beds=40)
    directory.save_workplace(db.session, values, home, by=manager)
    saved = _reload(home)
    assert saved.cqc_rating == CqcRating.requires_improvement and saved.provider.name == "Verulam Care Ltd"
    with pytest.raises(NotAllowed):
        directory.save_workplace(db.session, values, None, by=manager)
