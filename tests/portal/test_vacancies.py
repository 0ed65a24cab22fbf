"""Vacancies in the portal: open, edit, close (closed_on recorded, out of GCR matching); bad input 422."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.extensions import db
from academy.workplaces.models import ContractType, Vacancy
from recruitment import matching
from tests import factories
from tests.helpers import has_error_summary, location_path, text


def _d(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def home(ctx):
    return factories.workplace(name="Verulam House")


@pytest.fixture
def manager(client, home):
    user = factories.manager(workplaces=[home])
    client.sign_in(user)
    return user


def _values(**fields):
    values = {"job_role_id": str(factories.job_role("senior_care_worker").id), "posts": "2", "hours_per_week": "37.5",
              "nights": "y", "weekends": "y", "contract_type": "temporary", "hourly_pay": "13.75",
              "driving_needed": "y", "description": "Night senior", "opened_on": _d(date.today() - timedelta(days=1))}
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def _open_ids() -> set[int]:
    return {v.id for v in db.session.scalars(matching.open_vacancies_query()).unique()}


def test_open_edit_and_close_a_vacancy(client, home, manager):
    response = client.submit(f"/portal/{home.id}/vacancies/new", _values())
    assert location_path(response) == f"/portal/{home.id}/vacancies"
    vacancy = db.session.scalars(sa.select(Vacancy)).one()
    assert (vacancy.posts, float(vacancy.hours_per_week), vacancy.days, vacancy.nights, vacancy.weekends) == \
        (2, 37.5, False, True, True)
    assert vacancy.contract_type == ContractType.temporary and float(vacancy.hourly_pay) == 13.75
    assert vacancy.driving_needed and vacancy.closed_on is None
    assert vacancy.id in _open_ids()  # GCR matches against it
    listing = text(client.get(f"/portal/{home.id}/vacancies"))
    assert "Nights, weekends" in listing and "£13.75" in listing

    url = f"/portal/{home.id}/vacancies/{vacancy.id}"
    response = client.submit(url, _values(posts="3", nights=None, days="y", driving_needed=None))
    assert location_path(response) == f"/portal/{home.id}/vacancies"
    db.session.refresh(vacancy)
    assert vacancy.posts == 3 and vacancy.days and not vacancy.nights and not vacancy.driving_needed

    response = client.submit(f"{url}/close", {"closed_on": _d(date.today())})
    assert location_path(response) == f"/portal/{home.id}/vacancies"
    db.session.refresh(vacancy)
    assert vacancy.closed_on == date.today() and vacancy.id not in _open_ids()
    assert "Senior" in text(client.get(f"/portal/{home.id}/vacancies?show=closed"))
    again = client.submit(f"{url}/close", {"closed_on": _d(date.today())})
    assert again.status_code == 422 and "This vacancy closed on" in text(again)
    edit_closed = client.submit(url, _values())
    assert edit_closed.status_code == 422 and "This vacancy is closed" in text(edit_closed)


@pytest.mark.parametrize("fields,message", [
    ({"job_role_id": "424242"}, "Select a job role from the list"),
    ({"posts": "0"}, "Number of posts must be between 1 and 200"),
    ({"posts": ""}, "Enter the number of posts"),
    ({"nights": None, "weekends": None}, "Select at least one of days, nights or weekends"),
    ({"contract_type": ""}, "Select the contract type"),
    ({"hourly_pay": "0.10"}, "Hourly pay must be between"),
    ({"opened_on": _d(date.today() + timedelta(days=400))}, "within six months"),
    ({"opened_on": ["30", "2", "2026"]}, "The opening date must be a real date"),
])
def test_bad_vacancies_are_refused_and_nothing_is_saved(client, home, manager, fields, message):
    response = client.submit(f"/portal/{home.id}/vacancies/new", _values(**fields))
    assert response.status_code == 422 and has_error_summary(response) and message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Vacancy.id))) == 0


@pytest.mark.parametrize("closed_on,message", [
    (date(2020, 1, 1), "cannot be before the vacancy opened"),
    (date.today() + timedelta(days=3), "cannot be in the future"),
])
def test_a_bad_closing_date_is_refused(client, home, manager, closed_on, message):
    vacancy = factories.vacancy(home, opened=date.today() - timedelta(days=20))
    response = client.submit(f"/portal/{home.id}/vacancies/{vacancy.id}/close", {"closed_on": _d(closed_on)})
    assert response.status_code == 422 and message in text(response)
    db.session.refresh(vacancy)
    assert vacancy.closed_on is None
