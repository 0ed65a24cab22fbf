"""Staff in the portal: starters (always the workplace's own record; a passport owner is asked to
link theirs), leavers, role changes with history, the RM flag, GCR placements on the list; bad
input is a 422 that saves nothing."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.auth.models import AuditEvent
from academy.extensions import db
from academy.outcomes.metrics import month_end
from academy.portal import summary as summaries
from academy.portal.models import RoleChange
from academy.workplaces.models import Employment, Person
from recruitment.models import State
from tests import factories
from tests.helpers import has_error_summary, links_in, location_path, text


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


def _starter(home, **fields):
    values = {"full_name": "Bea Starter", "email": "", "job_role_id": str(factories.job_role("care_worker").id),
              "contract_type": "permanent", "hours_per_week": "30", "start_date": _d(date.today() - timedelta(days=3))}
    values.update(fields)
    return values


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count(model.id)).where(*where))


def test_a_manager_records_a_new_starter(client, home, manager):
    url = f"/portal/{home.id}/staff/new"
    response = client.submit(url, _starter(home, is_registered_manager="y"))
    assert location_path(response) == f"/portal/{home.id}/staff"
    employment = db.session.scalars(sa.select(Employment).where(Employment.workplace_id == home.id)).one()
    assert employment.person.full_name == "Bea Starter" and employment.is_registered_manager
    assert employment.start_date == date.today() - timedelta(days=3) and float(employment.hours_per_week) == 30
    listing = text(client.get(f"/portal/{home.id}/staff"))
    assert "Bea Starter" in listing and factories.job_role("care_worker").name in listing
    assert "Not started" in listing and "Registered manager" in listing


def test_a_starter_with_a_passport_gets_the_workplaces_own_record_and_a_request(client, home, manager, outbox):
    """Typing the email of someone already on the service never attaches their record: the
    workplace gets its own Person and the passport owner is asked (by email) to link theirs."""
    from academy.portal.models import EmployerLinkRequest, LinkState

    worker = factories.user(factories.Role.care_worker, email="kofi@example.com", full_name="Kofi Boateng")
    person = factories.person("Kofi Boateng", user_account=worker)
    response = client.submit(f"/portal/{home.id}/staff/new",
                             _starter(home, full_name="Kofi B", email="KOFI@example.com"), follow_redirects=True)
    assert "Kofi B is recorded as a starter. If Kofi B already has a training passport, we have asked " \
           "them to link it to Verulam House." in text(response)
    assert "Kofi Boateng" not in text(response)
    employment = db.session.scalars(sa.select(Employment).where(Employment.workplace_id == home.id)).one()
    assert employment.person_id != person.id and employment.person.full_name == "Kofi B"
    assert employment.person.user_id is None and _count(Person) == 2
    request = db.session.scalars(sa.select(EmployerLinkRequest)).one()
    assert request.user_id == worker.id and request.state == LinkState.pending and request.requested_by_id == manager.id
    assert [m["To"] for m in outbox] == ["kofi@example.com"]
    link = links_in(outbox[0])[0]
    assert link == f"http://localhost/training/employer-requests/{request.id}"  # PUBLIC_BASE_URL in tests
    assert "Kofi B" not in outbox[0].get_content()  # the name the manager typed is not echoed
    again = client.submit(f"/portal/{home.id}/staff/new", _starter(home, full_name="Kofi", email="kofi@example.com"))
    assert again.status_code == 422 and "Someone on your staff list already has that email address" in text(again)
    assert "Kofi Boateng" not in text(again)
    assert _count(Employment) == 1 and _count(EmployerLinkRequest) == 1


def test_an_email_on_someone_elses_record_only_is_not_already_working_here(client, home, manager, outbox):
    """'Already works here' is about this workplace's own records, never anyone else's."""
    elsewhere = factories.workplace(name="Gade House")
    factories.employment(elsewhere, who=factories.care_worker(email="ama@example.com").person)
    response = client.submit(f"/portal/{home.id}/staff/new", _starter(home, full_name="Ama", email="ama@example.com"))
    assert location_path(response) == f"/portal/{home.id}/staff"
    assert _count(Employment, Employment.workplace_id == home.id) == 1


@pytest.mark.parametrize("fields,message", [
    ({"job_role_id": "99999"}, "Select a job role from the list"),
    ({"job_role_id": ""}, "Select a job role from the list"),
    ({"start_date": _d(date.today() + timedelta(days=400))}, "six months from today"),
    ({"start_date": ["31", "2", "2026"]}, "The start date must be a real date"),
    ({"start_date": ["", "", ""]}, "Enter the start date"),
    ({"start_date": ["", "3", "2026"]}, "The start date must be a real date"),  # not "missing"
    ({"full_name": "", "email": ""}, "Enter their full name"),
    # The name is always needed now, even for the email of someone already on the service.
    ({"full_name": "", "email": "kofi@example.com"}, "Enter their full name"),
    ({"contract_type": "zero_hours"}, "Not a valid choice"),
    ({"hours_per_week": "90"}, "Hours a week must be between 0.5 and 60"),
])
def test_bad_starters_are_refused_and_nothing_is_saved(client, home, manager, fields, message):
    response = client.submit(f"/portal/{home.id}/staff/new", _starter(home, **fields))
    assert response.status_code == 422 and has_error_summary(response)
    assert message in text(response)
    assert _count(Employment) == 0 and _count(Person) == 0


def test_recording_a_leaver_feeds_turnover_and_moves_them_to_leavers(client, home, manager):
    employment = factories.employment(home, who=factories.person("Lee Leaver"), start=date(2024, 5, 1))
    url = f"/portal/{home.id}/staff/{employment.id}"
    left = date.today() - timedelta(days=1)
    response = client.submit(url, {"step": "leaver", "leaving_date": _d(left), "reason": "nhs", "detail": "Ward work"})
    assert location_path(response) == url
    db.session.refresh(employment)
    assert employment.leaving_date == left and employment.leaving_reason == "Moved to the NHS: Ward work"
    assert "is recorded as leaving" in text(client.get(url))  # the confirmation
    assert "Lee Leaver" not in text(client.get(f"/portal/{home.id}/staff"))
    assert "Lee Leaver" in text(client.get(f"/portal/{home.id}/staff?show=leavers"))
    # The month-end figures count the leaver from the first month end on or after the leaving date...
    figures = summaries.workplace_summary(db.session, home, today=month_end(left)).figures
    assert figures["turnover_rate"].numerator == 1 and figures["filled_posts"].numerator == 0
    # ...and today's count on the summary drops at once, as the staff list does.
    assert 'id="live-staff">0<' in text(client.get(f"/portal/{home.id}/"))


@pytest.mark.parametrize("fields,message", [
    ({"leaving_date": _d(date(2024, 4, 30))}, "cannot be before their start date (1 May 2024)"),
    ({"leaving_date": _d(date.today() + timedelta(days=300))}, "six months from today"),
    ({"reason": ""}, "Select why they left"),
    ({"reason": "bored"}, "Not a valid choice"),
    ({"leaving_date": ["", "", ""]}, "Enter the leaving date"),
])
def test_a_bad_leaver_is_refused_and_nothing_is_saved(client, home, manager, fields, message):
    employment = factories.employment(home, start=date(2024, 5, 1))
    url = f"/portal/{home.id}/staff/{employment.id}"
    response = client.submit(url, {"step": "leaver", "leaving_date": _d(date.today()), "reason": "retired", **fields})
    assert response.status_code == 422 and has_error_summary(response) and message in text(response)
    db.session.refresh(employment)
    assert employment.leaving_date is None and employment.leaving_reason is None


def test_a_role_change_keeps_the_history_and_is_not_a_leaver(client, home, manager):
    employment = factories.employment(home, start=date(2024, 5, 1))
    senior = factories.job_role("senior_care_worker")
    url = f"/portal/{home.id}/staff/{employment.id}"
    response = client.submit(url, {"step": "role", "job_role_id": str(senior.id), "changed_on": _d(date(2025, 6, 1))})
    assert location_path(response) == url
    db.session.refresh(employment)
    assert employment.job_role_id == senior.id and employment.leaving_date is None
    change = db.session.scalars(sa.select(RoleChange)).one()
    assert (change.from_job_role.code, change.to_job_role.code, change.changed_on, change.changed_by_id) == \
        ("care_worker", "senior_care_worker", date(2025, 6, 1), manager.id)
    assert _count(Employment) == 1
    page = text(client.get(url))
    assert "Job role history" in page and "1 June 2025" in page


@pytest.mark.parametrize("fields,message", [
    ({"job_role_id": "99999"}, "Select a job role from the list"),
    ({"changed_on": _d(date(2024, 1, 1))}, "cannot be before their start date"),
    ({"job_role_id": "same"}, "is already a"),
])
def test_a_bad_role_change_is_refused(client, home, manager, fields, message):
    employment = factories.employment(home, start=date(2024, 5, 1))
    if fields.get("job_role_id") == "same":
        fields = {"job_role_id": str(employment.job_role_id)}
    url = f"/portal/{home.id}/staff/{employment.id}"
    senior = factories.job_role("senior_care_worker")
    response = client.submit(url, {"step": "role", "job_role_id": str(senior.id), "changed_on": _d(date(2025, 6, 1)),
                                   **fields})
    assert response.status_code == 422 and message in text(response)
    db.session.refresh(employment)
    assert employment.job_role.code == "care_worker" and _count(RoleChange) == 0


def test_mark_and_unmark_registered_manager_from_a_date(client, home, manager):
    employment = factories.employment(home, start=date(2025, 1, 6))
    url = f"/portal/{home.id}/staff/{employment.id}"
    missing = client.submit(url, {"step": "rm"})
    assert missing.status_code == 422 and "Enter the date the change takes effect" in text(missing)
    response = client.submit(url, {"step": "rm", "changed_on": _d(date(2025, 6, 1))}, follow_redirects=True)
    assert "is marked as a registered manager from 1 June 2025" in text(response)
    db.session.refresh(employment)
    assert employment.is_registered_manager
    client.submit(url, {"step": "rm", "changed_on": _d(date(2025, 9, 1))})
    db.session.refresh(employment)
    assert not employment.is_registered_manager
    flags = [(c.changed_on, c.from_registered_manager, c.to_registered_manager)
             for c in db.session.scalars(sa.select(RoleChange).order_by(RoleChange.changed_on))]
    assert flags == [(date(2025, 6, 1), False, True), (date(2025, 9, 1), True, False)]


def test_a_gcr_placement_shows_on_the_staff_list(client, home, manager):
    from recruitment import placement

    application = factories.application_at(State.offered, at_vacancy=factories.vacancy(home), full_name="Ama Mensah")
    placement.place(db.session, application.referrals[-1], factories.user(factories.Role.hcpa_staff),
                    date.today() - timedelta(days=2), 30)
    listing = text(client.get(f"/portal/{home.id}/staff"))
    assert "Ama Mensah" in listing and "Not started" in listing


def test_viewing_staff_is_audited(client, home, manager):
    employment = factories.employment(home)
    client.get(f"/portal/{home.id}/staff")
    client.get(f"/portal/{home.id}/staff/{employment.id}")
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.actor_id == manager.id)))
    assert {"viewed_portal_staff", "viewed_portal_staff_member"} <= actions


def test_the_role_change_factory_keeps_history(ctx, home):
    employment = factories.employment(home)
    change = factories.role_change(employment, on=date(2025, 1, 6))
    assert employment.job_role.code == "senior_care_worker" and employment.role_changes == [change]
    assert change.from_job_role.code == "care_worker"


def test_every_question_on_the_starter_form_has_its_legend(client, home, manager):
    """A template that only styles a legend must not lose its text: radios and date boxes are asked
    by their fieldset's legend (WCAG 1.3.1, 3.3.2)."""
    import re

    page = text(client.get(f"/portal/{home.id}/staff/new"))
    legends = [re.sub(r"\s+", " ", legend).strip()
               for legend in re.findall(r'<legend class="govuk-fieldset__legend[^"]*">(.*?)</legend>', page, re.S)]
    assert legends and all(legends), legends
    assert any(legend.startswith("Contract") for legend in legends) and any("start" in legend.lower() for legend in legends)
