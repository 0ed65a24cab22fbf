"""HCPA officers and managers through the web: screening, assessment, checks, matching, referral,
the manager's decisions, placement and follow-up; bad input; two officers at once."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Employment
from recruitment.models import VALUES, Application, FollowUp, ReferralStatus, State
from recruitment.pipeline import CONFLICT_MESSAGE, Conflict, move
from tests import factories
from tests.helpers import has_error_summary, location_path, text


def assessment_form(score="3"):
    data = {}
    for value in VALUES:
        data[f"{value}_score"] = score
        data[f"{value}_justification"] = f"Specific example of {value}"
    return data


def checks_form(**changes):
    data = dict(version="0", identity_right_to_work="done", right_to_work_evidence="British passport",
                dbs_status="clear", dbs_barred_list_checked="y", dbs_certificate_number="001234567890",
                dbs_issued_on=["3", "2", "2026"], reference_1_name="Ann", reference_1_kind="recent_employer",
                reference_1_status="satisfactory", reference_2_name="Bo", reference_2_kind="character",
                reference_2_status="satisfactory", employment_history="complete_no_gaps", health_status="fit")
    data.update(changes)
    return data


def test_the_whole_journey_through_the_staff_and_manager_pages(client, outbox):
    home = factories.workplace(name="Verulam House")
    vacancy = factories.vacancy(home, hours_per_week=30, weekends=True)
    manager = factories.manager(workplaces=[home])
    officer = factories.user(Role.hcpa_staff)
    application = factories.application_at(State.submitted, full_name="Ama Mensah")
    app_url = f"/recruitment/applications/{application.id}"
    client.sign_in(officer)
    assert "Ama Mensah" in text(client.get("/recruitment/screening"))

    client.submit(f"{app_url}/move", {"to_state": "screening", "version": "1"}, form_page=app_url)
    response = client.submit(f"{app_url}/assessment", assessment_form())
    assert location_path(response) == app_url
    db.session.refresh(application)
    assert application.state == State.values_assessed

    version = str(application.version)
    client.submit(f"{app_url}/move", {"to_state": "checks", "version": version}, form_page=app_url)
    response = client.submit(f"{app_url}/checks", checks_form())
    assert location_path(response) == app_url, text(response)[:3000]
    db.session.refresh(application)
    client.submit(f"{app_url}/move", {"to_state": "ready_to_refer", "version": str(application.version)},
                  form_page=app_url)
    db.session.refresh(application)
    assert application.state == State.ready_to_refer

    matches = text(client.get(f"{app_url}/matches"))
    assert "Verulam House" in matches and "In St Albans, where they want to work" in matches
    assert "Refer to Verulam House, care worker" in matches  # the button names the vacancy
    confirm = f"{app_url}/refer/{vacancy.id}"
    assert f'href="{confirm}"' in client.get(f"{app_url}/matches").get_data(as_text=True)
    assert "A note to the manager (optional)" in text(client.get(confirm))
    db.session.refresh(application)
    assert application.state == State.ready_to_refer  # looking at the confirmation refers nobody
    client.submit(confirm, {"version": str(application.version), "note": "Ama can start in two weeks."})
    db.session.refresh(application)
    assert application.state == State.referred
    referral = application.open_referral
    assert referral.note_to_manager == "Ama can start in two weeks."
    to_manager = next(m for m in outbox if m["To"] == manager.email)
    assert "Ama can start in two weeks." in to_manager.get_content()
    client.sign_out()

    client.sign_in(manager)
    page_url = f"/portal/{home.id}/referrals/{referral.id}"  # managers handle referrals in their portal
    assert "Ama Mensah" in text(client.get("/recruitment/referrals", follow_redirects=True))
    client.submit(page_url, {"step": "decision", "decision": "accept", "version": "1"})
    client.submit(page_url, {"step": "interview", "version": "2", "interview_date": ["2", "3", "2027"],
                             "interview_time": "14:30", "interview_format": "video",
                             "interview_place": "https://meet.example/verulam"})
    assert referral.interview_place == "https://meet.example/verulam"
    response = client.submit(page_url, {"step": "outcome", "version": "3", "outcome": "offer",
                                        "offer_details": "30 hours a week at £13.50"})
    assert location_path(response) == page_url
    db.session.refresh(application)
    assert application.state == State.offered
    client.sign_out()

    client.sign_in(officer)
    start = date.today() - timedelta(days=8)
    response = client.submit(f"/recruitment/referrals/{referral.id}/place",
                             {"version": str(application.version), "start_date": [str(start.day), str(start.month),
                                                                                  str(start.year)],
                              "hours_per_week": "30", "fill_post": "y"})
    assert location_path(response) == app_url, text(response)[:3000]
    db.session.refresh(application)
    assert application.state == State.placed and application.user.role == Role.care_worker
    assert db.session.scalar(sa.select(Employment).where(Employment.workplace_id == home.id)).start_date == start
    client.submit("/recruitment/follow-ups/run", {}, form_page="/recruitment/follow-ups")
    check_in = db.session.scalars(sa.select(FollowUp)).one()
    assert "Ama Mensah" in text(client.get("/recruitment/follow-ups"))
    client.sign_out()

    client.sign_in(application.user)
    response = client.submit(f"/recruitment/check-ins/{check_in.id}",
                             {"settled_rating": "2", "comments": "Long shifts", "support_wanted": "A mentor"})
    assert location_path(response) == "/recruitment/check-ins"
    db.session.refresh(check_in)
    assert check_in.flagged and check_in.settled_rating == 2
    history = [(c.from_state, c.to_state) for c in application.history]
    assert history[-1] == (State.offered, State.placed) and len(history) == 8


def test_an_incomplete_assessment_is_refused_with_errors(client):
    application = factories.application_at(State.screening)
    client.sign_in(factories.user(Role.hcpa_staff))
    data = assessment_form() | {"courage_justification": "", "care_score": ""}
    response = client.submit(f"/recruitment/applications/{application.id}/assessment", data)
    assert response.status_code == 422 and has_error_summary(response)
    assert "Select a score for care" in text(response) and "Give a reason for the courage score" in text(response)
    assert application.assessments == []


@pytest.mark.parametrize("change,message", [
    ({"dbs_certificate_number": "12"}, "Enter the 12-digit DBS certificate number"),
    ({"dbs_issued_on": ["31", "2", "2026"]}, "The DBS certificate issue date must be a real date"),
    ({"dbs_issued_on": ["", "2", "2026"]}, "The DBS certificate issue date must be a real date"),  # not ignored
    ({"reference_2_name": ""}, "Enter who reference 2 is from"),
])
def test_bad_checks_are_refused_with_field_errors_and_nothing_saved(client, change, message):
    application = factories.application_at(State.checks)
    client.sign_in(factories.user(Role.hcpa_staff))
    response = client.submit(f"/recruitment/applications/{application.id}/checks", checks_form(**change))
    assert response.status_code == 422 and has_error_summary(response) and message in text(response)
    db.session.refresh(application)
    assert application.checks is None


def test_ready_to_refer_is_refused_on_the_page_while_checks_are_missing(client):
    application = factories.application_at(State.checks)
    client.sign_in(factories.user(Role.hcpa_staff))
    url = f"/recruitment/applications/{application.id}"
    response = client.submit(f"{url}/move", {"to_state": "ready_to_refer", "version": str(application.version)},
                             form_page=url, follow_redirects=True)
    assert "These checks are not complete yet: Identity and right to work" in text(response)
    db.session.refresh(application)
    assert application.state == State.checks


def test_two_officers_at_once_cannot_overwrite_each_other(client):
    application = factories.application_at(State.submitted)
    url = f"/recruitment/applications/{application.id}"
    seen_version = str(application.version)
    client.sign_in(factories.user(Role.hcpa_staff))
    move(db.session, application, State.screening, factories.user(Role.hcpa_staff))  # the other officer
    response = client.submit(f"{url}/move", {"to_state": "not_progressed", "reason": "No reply", "version": seen_version},
                             form_page=url, follow_redirects=True)
    assert response.status_code == 200 and CONFLICT_MESSAGE in text(response)
    db.session.refresh(application)
    assert application.state == State.screening and len(application.history) == 1


def test_checks_saved_by_another_officer_are_not_overwritten(client):
    application = factories.application_at(State.checks)
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    url = f"/recruitment/applications/{application.id}/checks"
    client.submit(url, checks_form(reference_2_status="requested"))
    db.session.refresh(application)
    assert application.checks.version == 1
    response = client.submit(url, checks_form(version="0", health_notes="Stale edit"), follow_redirects=True)
    assert CONFLICT_MESSAGE in text(response)
    db.session.refresh(application.checks)
    assert application.checks.health_notes is None and application.checks.version == 1


def test_a_concurrent_update_between_read_and_write_is_a_conflict_not_a_500(ctx):
    application = factories.application_at(State.submitted)
    officer = factories.user(Role.hcpa_staff)
    with db.engine.begin() as other:  # another request commits first
        other.execute(sa.update(Application).where(Application.id == application.id)
                      .values(version=Application.version + 1, phone="01632 960001"))
    with pytest.raises(Conflict):
        move(db.session, application, State.screening, officer)
    db.session.refresh(application)
    assert application.state == State.submitted and application.phone == "01632 960001"


def test_a_manager_must_give_a_reason_to_decline(client):
    home = factories.workplace()
    application = factories.application_at(State.referred, at_vacancy=factories.vacancy(home))
    client.sign_in(factories.manager(workplaces=[home]))
    url = f"/portal/{home.id}/referrals/{application.referrals[-1].id}"
    response = client.submit(url, {"step": "decision", "decision": "decline", "reason": "", "version": "1"})
    assert response.status_code == 422 and "Tell us why you are declining" in text(response)
    db.session.refresh(application)
    assert application.referrals[-1].status == ReferralStatus.sent
