"""Training pages through the test client: adding training (with certificates), verifying,
sessions, qualifications, inductions, the catalogue, and who may open what."""
from datetime import date, timedelta
from io import BytesIO

import pytest

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from tests import factories
from tests.helpers import has_error_summary, location_path, text
from tests.training.conftest import date_parts
from training.models import (
    CareCertificateInduction, Course, Qualification, QualificationStatus, StandardState, TrainingRecord,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _record_form(course, completed=None, **extra):
    data = {"course_id": str(course.id), "completed_on": date_parts(completed or date.today() - timedelta(days=10)),
            "expires_on": ["", "", ""]}
    data.update(extra)
    return data


def test_anonymous_landing_page(client):
    response = client.get("/training/")
    assert response.status_code == 200 and "Create an account" in text(response)


def test_worker_sees_own_passport_with_states(client, team):
    fire = factories.course(name="Fire safety", renewal_months=12, mandatory_for=["care_worker"])
    factories.course(name="First aid at work", renewal_months=36, mandatory_for=["care_worker"])
    factories.training_record(team.worker.person, fire, completed=date.today() - timedelta(days=340),
                              verified_by=team.manager)
    client.sign_in(team.worker)
    page = text(client.get("/training/"))
    assert "Training passport" in page and "Casey Carer" in page
    assert "Fire safety" in page and "Expiring soon" in page and "Verified" in page and "Morgan Manager" in page
    assert "First aid at work" in page and "Missing" in page


def test_worker_adds_training_with_a_certificate(client, team, app):
    fire = factories.course(name="Fire safety", renewal_months=12)
    client.sign_in(team.worker)
    completed = date(2026, 1, 31) if date.today() > date(2026, 1, 31) else date.today() - timedelta(days=1)
    response = client.submit("/training/records/new", _record_form(
        fire, completed, certificate=(BytesIO(PDF), "fire certificate.pdf"), certificate_reference="FS-1"))
    assert location_path(response) == "/training/"
    record = db.session.query(TrainingRecord).one()
    assert record.person_id == team.worker.person.id and not record.verified
    assert record.certificate_content_type == "application/pdf"
    assert record.certificate_file != "fire certificate.pdf" and record.certificate_filename == "fire_certificate.pdf"
    stored = app.config["STORAGE_DIR"] / "certificates" / record.certificate_file
    assert stored.read_bytes() == PDF
    download = client.get(f"/training/records/{record.id}/certificate")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert db.session.query(AuditEvent).filter_by(action="added_training").count() == 1


@pytest.mark.parametrize("upload, message", [
    ((BytesIO(b"MZ\x90\x00 not a pdf"), "certificate.pdf"), "must be a PDF"),    # named .pdf, is not one
    ((BytesIO(b"<html>hello</html>"), "certificate.png"), "must be a PDF"),
    ((BytesIO(b"PK\x03\x04 broken zip"), "certificate.docx"), "must be a PDF"),
    ((BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024)), "big.pdf"), "smaller than 5 MB"),
])
def test_wrong_or_oversized_certificate_is_refused(client, team, app, upload, message):
    fire = factories.course()
    folder = app.config["STORAGE_DIR"] / "certificates"
    files_before = set(folder.iterdir()) if folder.exists() else set()
    client.sign_in(team.worker)
    response = client.submit("/training/records/new", _record_form(fire, certificate=upload))
    assert response.status_code == 422 and message in text(response) and has_error_summary(response)
    assert db.session.query(TrainingRecord).count() == 0
    assert (set(folder.iterdir()) if folder.exists() else set()) == files_before


def test_image_certificate_accepted_by_content(client, team):
    client.sign_in(team.worker)
    response = client.submit("/training/records/new", _record_form(factories.course(),
                                                                   certificate=(BytesIO(PNG), "scan.jpeg")))
    assert response.status_code == 302
    assert db.session.query(TrainingRecord).one().certificate_content_type == "image/png"


@pytest.mark.parametrize("change, message", [
    ({"completed_on": date_parts(date.today() + timedelta(days=1))}, "today or in the past"),
    ({"expires_on": date_parts(date.today() - timedelta(days=400))}, "on or after the date completed"),
    ({"course_id": "99999"}, "Not a valid choice"),
    ({"course_id": "0"}, "Choose a course"),
    ({"completed_on": ["31", "2", "2025"]}, "Date completed must be a real date"),
    ({"completed_on": ["", "", ""]}, "Enter the date the training was completed"),
    ({"expires_on": ["", "3", "2030"]}, "Expiry date on the certificate must be a real date"),
])
def test_bad_training_input_is_422_and_saves_nothing(client, team, change, message):
    client.sign_in(team.worker)
    response = client.submit("/training/records/new", _record_form(factories.course(), **change))
    assert response.status_code == 422 and message in text(response)
    assert db.session.query(TrainingRecord).count() == 0


def test_worker_removes_own_unverified_training_only(client, team):
    mine = factories.training_record(team.worker.person)
    verified = factories.training_record(team.worker.person, verified_by=team.manager)
    client.sign_in(team.worker)
    client.submit(f"/training/records/{mine.id}/delete", form_page="/training/")
    client.submit(f"/training/records/{verified.id}/delete", form_page="/training/")
    assert [r.id for r in db.session.query(TrainingRecord)] == [verified.id]


def test_manager_verifies_staff_training(client, team):
    record = factories.training_record(team.worker.person)
    client.sign_in(team.manager)
    page = client.get(f"/training/people/{team.worker.person.id}")
    assert page.status_code == 200 and "Verify" in text(page)
    response = client.submit(f"/training/records/{record.id}/verify",
                             form_page=f"/training/people/{team.worker.person.id}")
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.verified_by_id == team.manager.id and record.verified_at is not None
    assert db.session.query(AuditEvent).filter_by(action="verified_training").count() == 1


def test_manager_adds_training_for_staff_verified(client, team):
    client.sign_in(team.manager)
    url = f"/training/people/{team.worker.person.id}/records/new"
    response = client.submit(url, _record_form(factories.course()))
    assert response.status_code == 302
    assert db.session.query(TrainingRecord).one().verified_by_id == team.manager.id


def test_manager_records_a_session_for_several_staff(client, team):
    others = [factories.employment(team.workplace).person for _ in range(3)]
    outsider = factories.employment(factories.workplace()).person
    fire = factories.course(name="Fire safety")
    client.sign_in(team.manager)
    page = text(client.get("/training/sessions/new"))
    assert "Casey Carer" in page and outsider.full_name not in page
    chosen = [str(team.worker.person.id), str(others[0].id), str(others[1].id)]
    response = client.submit("/training/sessions/new", {"course_id": str(fire.id),
                                                        "completed_on": date_parts(date.today()),
                                                        "attendees": chosen})
    assert location_path(response) == "/training/staff"
    assert db.session.query(TrainingRecord).count() == 3
    # Someone else's staff cannot be slipped in.
    response = client.submit("/training/sessions/new", {"course_id": str(fire.id),
                                                        "completed_on": date_parts(date.today()),
                                                        "attendees": [str(outsider.id)]})
    assert response.status_code == 422
    assert db.session.query(TrainingRecord).count() == 3


def test_staff_page_lists_only_own_staff_with_fixed_queries(client, team):
    from sqlalchemy import event

    fire = factories.course(mandatory_for=["care_worker"])
    outsider = factories.employment(factories.workplace()).person
    client.sign_in(team.manager)

    def count_queries():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            page = client.get("/training/staff")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return page, len(statements)

    for _ in range(3):
        factories.training_record(factories.employment(team.workplace).person, fire)
    page, few = count_queries()
    for _ in range(20):
        person = factories.employment(factories.workplace(), role_code="senior_care_worker").person
        factories.employment(team.workplace, who=person)
        factories.training_record(person, fire)
        factories.induction(person)
    page, many = count_queries()
    assert page.status_code == 200 and "Casey Carer" in text(page) and outsider.full_name not in text(page)
    assert many <= few + 2, (few, many)


def test_qualification_with_nmc_registration(client, team):
    client.sign_in(team.worker)
    response = client.submit("/training/qualifications/new", {
        "qualification_type": "nmc_registration", "status": "achieved",
        "achieved_on": date_parts(date(2020, 5, 1)), "started_on": ["", "", ""],
        "registration_number": "12a3456e", "renewal_due_on": date_parts(date(2027, 5, 1))})
    assert response.status_code == 302, text(response)
    q = db.session.query(Qualification).one()
    assert q.registration_number == "12A3456E" and q.level == 6 and not q.verified


@pytest.mark.parametrize("data, message", [
    ({"qualification_type": "diploma_l3_adult_care", "status": "achieved"}, "Enter the date the qualification"),
    ({"qualification_type": "diploma_l3_adult_care", "status": "enrolled",
      "achieved_on": date_parts(date(2024, 1, 1))}, "Leave the date achieved empty"),
    ({"qualification_type": "nmc_registration", "status": "achieved", "achieved_on": date_parts(date(2020, 1, 1)),
      "registration_number": "nope", "renewal_due_on": date_parts(date(2027, 1, 1))}, "NMC PIN"),
    ({"qualification_type": "other", "status": "in_progress"}, "Enter the name"),
])
def test_bad_qualification_input(client, team, data, message):
    client.sign_in(team.worker)
    response = client.submit("/training/qualifications/new", data)
    assert response.status_code == 422 and message in text(response)
    assert db.session.query(Qualification).count() == 0


def test_worker_marks_qualification_achieved(client, team):
    q = factories.qualification(team.worker.person, "diploma_l2_adult_care", status="in_progress")
    client.sign_in(team.worker)
    response = client.submit(f"/training/qualifications/{q.id}/edit", {
        "qualification_type": "diploma_l2_adult_care", "status": "achieved",
        "achieved_on": date_parts(date.today())})
    assert response.status_code == 302
    db.session.refresh(q)
    assert q.status == QualificationStatus.achieved and q.achieved_on == date.today()


def test_induction_started_and_signed_off_through_the_pages(client, team, new_client):
    person = team.worker.person
    client.sign_in(team.manager)
    url = f"/training/people/{person.id}/induction"
    client.submit(f"/training/people/{person.id}/induction/start",
                  {"started_on": date_parts(date.today() - timedelta(days=7))}, form_page=url)
    induction = db.session.query(CareCertificateInduction).one()
    assert len(induction.standards) == 16
    worker_client = new_client(team.worker)
    worker_client.submit(f"/training/inductions/{induction.id}/standards/3", {"state": "completed"},
                         form_page=url)
    refused = worker_client.submit(f"/training/inductions/{induction.id}/standards/3", {"state": "signed_off"},
                                   form_page=url, follow_redirects=True)
    assert "Only an assessor" in text(refused)
    for n in range(1, 17):
        client.submit(f"/training/inductions/{induction.id}/standards/{n}", {"state": "signed_off"}, form_page=url)
    db.session.expire_all()
    induction = db.session.query(CareCertificateInduction).one()
    assert induction.completed_on == date.today()
    assert all(p.state == StandardState.signed_off for p in induction.standards)
    assert "Completed on" in text(worker_client.get(url))


def test_completed_2015_certificate_recorded_by_manager(client, team):
    person = team.worker.person
    client.sign_in(team.manager)
    url = f"/training/people/{person.id}/induction"
    client.submit(f"/training/people/{person.id}/induction/completed",
                  {"version": "v2015", "completed_on": date_parts(date(2024, 11, 2))}, form_page=url)
    assert db.session.query(CareCertificateInduction).one().completed_on == date(2024, 11, 2)
    page = text(client.get(url))
    assert "Completed on 2 November 2024" in page and "Equality and diversity" in page


# --- access -----------------------------------------------------------------------------------

def test_worker_sees_only_their_own(client, team):
    other = factories.care_worker(factories.workplace())
    record = factories.training_record(other.person, certificate_file="abc.pdf", certificate_filename="x.pdf")
    q = factories.qualification(other.person)
    client.sign_in(team.worker)
    assert client.get(f"/training/people/{other.person.id}").status_code == 403
    assert client.get(f"/training/people/{other.person.id}/induction").status_code == 404
    assert client.get(f"/training/records/{record.id}/certificate").status_code == 404
    assert client.get(f"/training/qualifications/{q.id}/edit").status_code == 404
    assert client.submit(f"/training/records/{record.id}/delete", form_page="/training/").status_code == 404
    for path in ("/training/staff", "/training/people", "/training/courses", "/training/sessions/new"):
        assert client.get(path).status_code == 403, path
    assert db.session.get(TrainingRecord, record.id) is not None


def test_manager_sees_only_their_staff(client, team):
    other_worker = factories.care_worker(factories.workplace())
    record = factories.training_record(other_worker.person)
    client.sign_in(team.manager)
    assert client.get(f"/training/people/{team.worker.person.id}").status_code == 200
    assert client.get(f"/training/people/{other_worker.person.id}").status_code == 404
    assert client.get(f"/training/people/{other_worker.person.id}/induction").status_code == 404
    assert client.get(f"/training/people/{other_worker.person.id}/records/new").status_code == 404
    response = client.submit(f"/training/records/{record.id}/verify",
                             form_page=f"/training/people/{team.worker.person.id}")
    assert response.status_code == 404
    db.session.refresh(record)
    assert record.verified_at is None
    for path in ("/training/people", "/training/courses", "/training/passport/share", "/training/passport.pdf"):
        assert client.get(path).status_code == 403, path


def test_manager_loses_sight_when_worker_leaves_and_new_manager_gains_it(client, team, new_client):
    person = team.worker.person
    factories.training_record(person, verified_by=team.manager)
    person.employments[0].leaving_date = date.today() - timedelta(days=1)
    new_home = factories.workplace(name="Gade House")
    new_manager = factories.manager([new_home])
    db.session.commit()
    client.sign_in(team.manager)
    assert client.get(f"/training/people/{person.id}").status_code == 404
    other = new_client(new_manager)
    assert other.get(f"/training/people/{person.id}").status_code == 404
    factories.employment(new_home, who=person, start=date.today())
    page = other.get(f"/training/people/{person.id}")
    assert page.status_code == 200 and "Morgan Manager" in text(page)  # history moved with the worker


def test_hcpa_sees_and_verifies_anyone(client, team):
    record = factories.training_record(team.worker.person)
    hcpa = factories.user(Role.hcpa_staff)
    client.sign_in(hcpa)
    assert "Casey Carer" in text(client.get("/training/people?q=casey"))
    assert client.get(f"/training/people/{team.worker.person.id}").status_code == 200
    client.submit(f"/training/records/{record.id}/verify", form_page=f"/training/people/{team.worker.person.id}")
    db.session.refresh(record)
    assert record.verified_by_id == hcpa.id


def test_anonymous_is_sent_to_sign_in(client, team):
    record = factories.training_record(team.worker.person)
    for path in (f"/training/people/{team.worker.person.id}", f"/training/records/{record.id}/certificate",
                 "/training/passport.pdf", "/training/passport/share", "/training/courses"):
        assert location_path(client.get(path)) == "/sign-in", path


# --- the catalogue ----------------------------------------------------------------------------

def test_admin_adds_and_changes_a_course(client):
    admin = factories.user(Role.admin)
    client.sign_in(admin)
    care_worker = factories.job_role("care_worker")
    response = client.submit("/training/courses/new", {
        "name": "Catheter care", "category": "specialist", "renewal_months": "24",
        "care_certificate_standard": "0", "mandatory_for": [str(care_worker.id)], "is_active": "y"})
    assert location_path(response) == "/training/courses"
    course = db.session.query(Course).filter_by(name="Catheter care").one()
    assert course.renewal_months == 24 and [r.code for r in course.mandatory_for] == ["care_worker"]
    response = client.submit(f"/training/courses/{course.id}/edit", {
        "name": "Catheter care", "category": "specialist", "renewal_months": "500",
        "care_certificate_standard": "0"})
    assert response.status_code == 422 and "between 1 and 120" in text(response)
    assert "Catheter care" in text(client.get("/training/courses"))


def test_hcpa_sees_the_seeded_catalogue(client):
    factories.catalogue()
    client.sign_in(factories.user(Role.hcpa_staff))
    page = text(client.get("/training/courses"))
    assert "Oliver McGowan" in page and "Care Certificate standard 16" in page and "12 months" in page


@pytest.mark.parametrize("role, link", [(Role.manager, "Staff training"), (Role.hcpa_staff, "Course catalogue"),
                                        (Role.admin, "Training records"), (Role.applicant, "verify code")])
def test_training_start_page_for_other_roles_links_to_their_pages(client, role, link):
    client.sign_in(factories.user(role, workplaces=[factories.workplace()] if role == Role.manager else ()))
    response = client.get("/training/")
    assert response.status_code == 200 and link in text(response)


def test_the_course_list_sorts_naturally(client, team):
    factories.catalogue()
    client.sign_in(team.worker)
    page = text(client.get("/training/records/new"))
    positions = [page.index(f">Care Certificate standard {n}:") for n in (1, 2, 9, 10, 16)]
    assert positions == sorted(positions)  # 1, 2, 9, 10, 16: not 1, 10, 16, 2, 9
    assert page.index(">Other: not in the list<") > positions[-1]  # "Other" comes last
    client.sign_out()
    client.sign_in(factories.user(Role.hcpa_staff))
    catalogue_page = text(client.get("/training/courses"))
    positions = [catalogue_page.index(f"Care Certificate standard {n}:") for n in (1, 2, 9, 10, 16)]
    assert positions == sorted(positions)


def test_a_course_not_in_the_list_can_be_typed_in(client, team):
    client.sign_in(team.worker)
    data = _record_form(factories.course(name="Fire safety"), other_course="  Makaton   level 1 ")
    data["course_id"] = "-1"
    response = client.submit("/training/records/new", data)
    assert location_path(response) == "/training/"
    record = db.session.query(TrainingRecord).one()
    assert record.course.name == "Makaton level 1" and not record.course.is_active  # not offered to others yet
    assert record.expires_on is None and not record.verified
    assert "Makaton level 1" in text(client.get("/training/"))
    # Typed again (any case), the same course is used, not a second one.
    data["other_course"] = "makaton LEVEL 1"
    client.submit("/training/records/new", data)
    assert db.session.query(Course).filter(Course.name.ilike("makaton%")).count() == 1
    assert db.session.query(TrainingRecord).count() == 2
    # A name typed for a course in the list uses that course.
    data["other_course"] = "fire safety"
    client.submit("/training/records/new", data)
    assert db.session.query(TrainingRecord).order_by(TrainingRecord.id.desc()).first().course.name == "Fire safety"


@pytest.mark.parametrize("other, message", [
    ("", "Enter the name of the course"),
    ("x" * 201, "200 characters or fewer"),
])
def test_other_course_needs_a_name(client, team, other, message):
    client.sign_in(team.worker)
    data = _record_form(factories.course(name="Fire safety"), other_course=other)
    data["course_id"] = "-1"
    response = client.submit("/training/records/new", data)
    assert response.status_code == 422 and has_error_summary(response) and message in text(response)
    assert db.session.query(TrainingRecord).count() == 0 and db.session.query(Course).count() == 1
