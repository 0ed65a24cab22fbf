"""Who may open what: staff-only pages, managers' own referrals, workers' own check-ins, and the
audit of sensitive views (DBS and health details, CV downloads)."""
import io
from datetime import date, timedelta

import pytest

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from recruitment import followup
from recruitment.models import State
from tests import factories
from tests.helpers import location_path, text

STAFF_ONLY = ["/recruitment/screening", "/recruitment/applications/{app}", "/recruitment/applications/{app}/checks",
              "/recruitment/applications/{app}/assessment", "/recruitment/applications/{app}/matches",
              "/recruitment/assessments/{assessment}", "/recruitment/vacancies",
              "/recruitment/vacancies/{vacancy}/candidates", "/recruitment/follow-ups",
              "/recruitment/referrals/{referral}/place"]


@pytest.fixture
def world(ctx):
    home = factories.workplace(name="Verulam House")
    vacancy = factories.vacancy(home)
    application = factories.application_at(State.offered, at_vacancy=vacancy)
    return {"app": application.id, "assessment": application.assessments[-1].id, "vacancy": vacancy.id,
            "referral": application.referrals[-1].id, "home": home, "application": application}


@pytest.mark.parametrize("path", STAFF_ONLY)
@pytest.mark.parametrize("role", [Role.applicant, Role.care_worker, Role.manager])
def test_staff_pages_are_forbidden_to_other_roles(client, world, path, role):
    user = factories.user(role, workplaces=[world["home"]] if role == Role.manager else ())
    client.sign_in(user)
    assert client.get(path.format(**world)).status_code == 403


@pytest.mark.parametrize("path", STAFF_ONLY)
@pytest.mark.parametrize("role", [Role.hcpa_staff, Role.admin])
def test_staff_pages_open_for_hcpa_and_admins(client, world, path, role):
    client.sign_in(factories.user(role))
    assert client.get(path.format(**world)).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for path in STAFF_ONLY + ["/recruitment/referrals", "/recruitment/check-ins", "/recruitment/apply"]:
        assert location_path(client.get(path.format(**world))) == "/sign-in"


def test_an_applicant_only_ever_sees_their_own_application(client, world):
    other = world["application"]
    me = factories.application_at(State.screening)
    client.sign_in(me.user)
    own = text(client.get("/recruitment/"))
    assert me.user.email in own and other.user.email not in own
    assert client.get(f"/recruitment/applications/{other.id}").status_code == 403
    assert client.get(f"/recruitment/referrals/{world['referral']}").status_code == 403


def test_a_manager_sees_only_referrals_to_their_own_workplaces(client, world):
    mine = factories.manager(workplaces=[world["home"]])
    elsewhere = factories.workplace(name="Gade House")
    other = factories.application_at(State.referred, at_vacancy=factories.vacancy(elsewhere))
    client.sign_in(mine)
    # The referrals pages moved to the manager portal: the old addresses send the manager there.
    moved = client.get("/recruitment/referrals")
    assert location_path(moved) == f"/portal/{world['home'].id}/referrals"
    listing = text(client.get("/recruitment/referrals", follow_redirects=True))
    assert world["application"].full_name in listing and other.full_name not in listing
    own = client.get(f"/recruitment/referrals/{world['referral']}")
    assert location_path(own) == f"/portal/{world['home'].id}/referrals/{world['referral']}"
    assert client.get(f"/recruitment/referrals/{world['referral']}", follow_redirects=True).status_code == 200
    assert client.get(f"/recruitment/referrals/{other.referrals[-1].id}").status_code == 404
    assert client.get("/recruitment/referrals/99999").status_code == 404


def test_managers_see_the_assessment_summary_and_cv_but_never_checks_health_or_the_assessors_notes(
        app, client, world):
    # Issue 15 point 4: the manager's referral view gives the CV (a download, audited, only for a
    # referral to their workplace) and the values-assessment summary (total and per value); never the
    # assessor's reasons, the DBS number or health notes. (This test used to assert managers saw no
    # scores and no CV at all, which the issue says is wrong.)
    application = world["application"]
    application.checks.health_notes = "Asthma: inhaler at work"
    folder = app.config["STORAGE_DIR"] / "cvs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fedcba9876543210.pdf").write_bytes(b"%PDF-1.4 cv")
    application.cv_stored_name, application.cv_kind = "fedcba9876543210.pdf", "pdf"
    db.session.commit()
    manager = factories.manager(workplaces=[world["home"]])
    client.sign_in(manager)
    page = text(client.get(f"/recruitment/referrals/{world['referral']}", follow_redirects=True))
    assert "About the candidate" in page
    assert "18 out of 24" in page and "Compassion" in page and "3 out of 4" in page
    for secret in ("001234567890", "Asthma", "Evidence for care", "AL1 3JE"):
        assert secret not in page
    cv_url = f"/portal/{world['home'].id}/referrals/{world['referral']}/cv"
    assert cv_url in page
    download = client.get(cv_url)
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="downloaded_cv")).one()
    assert (event.actor_id, event.subject_user_id) == (manager.id, application.user_id)
    assert client.get(f"/recruitment/applications/{application.id}/cv").status_code == 403
    # Another workplace's manager: the referral and its CV do not exist for them.
    client.sign_out()
    client.sign_in(factories.manager(workplaces=[factories.workplace()]))
    assert client.get(cv_url).status_code == 404


def test_viewing_checks_is_audited_without_the_sensitive_values(client, world):
    application = world["application"]
    application.checks.health_notes = "Asthma"
    db.session.commit()
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    page = text(client.get(f"/recruitment/applications/{application.id}/checks"))
    assert "001234567890" in page and "Asthma" in page
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="viewed_dbs_and_health")).one()
    assert (event.actor_id, event.subject_user_id) == (officer.id, application.user_id)
    assert not event.detail or ("001234567890" not in event.detail and "Asthma" not in event.detail)


def test_cv_download_is_an_audited_attachment_for_staff_only(app, client, world):
    application = world["application"]
    folder = app.config["STORAGE_DIR"] / "cvs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "0123456789abcdef.pdf").write_bytes(b"%PDF-1.4 test")
    application.cv_stored_name, application.cv_kind, application.cv_original_name = "0123456789abcdef.pdf", "pdf", "x.pdf"
    db.session.commit()
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    response = client.get(f"/recruitment/applications/{application.id}/cv")
    assert response.status_code == 200 and response.data == b"%PDF-1.4 test"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "application/pdf"
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="downloaded_cv")).one()
    assert event.subject_user_id == application.user_id


def test_a_worker_sees_only_their_own_check_ins(client, ctx):
    placed = factories.placement(start=date.today() - timedelta(days=10))
    check_in = followup.create_due_follow_ups(db.session)[0]
    other_worker = factories.user(Role.care_worker)
    client.sign_in(other_worker)
    assert client.get(f"/recruitment/check-ins/{check_in.id}").status_code == 404
    assert "tell us how it is going" not in text(client.get("/recruitment/check-ins"))
    client.sign_out()
    client.sign_in(placed.application.user)
    assert client.get(f"/recruitment/check-ins/{check_in.id}").status_code == 200
    assert "tell us how it is going" in text(client.get("/recruitment/check-ins"))
    client.sign_out()
    client.sign_in(factories.manager())
    assert client.get(f"/recruitment/check-ins/{check_in.id}").status_code == 403


def test_posts_without_a_csrf_token_are_refused(client, world):
    client.sign_in(factories.user(Role.hcpa_staff))
    response = client.post(f"/recruitment/applications/{world['app']}/move", {"to_state": "on_hold", "version": "1"})
    assert response.status_code == 400
    db.session.refresh(world["application"])
    assert world["application"].state == State.offered


def test_a_cv_cannot_be_uploaded_by_someone_else(client, ctx):
    staff = factories.user(Role.hcpa_staff)
    client.sign_in(staff)
    response = client.get("/recruitment/apply/cv")
    assert response.status_code == 403
    assert client.post("/recruitment/apply/cv", {"cv": (io.BytesIO(b"%PDF-"), "a.pdf")}).status_code in (400, 403)
