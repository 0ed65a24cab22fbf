"""The applicant's journey through the web: question pages, saving as they go, errors, CV upload,
check your answers, sending, their own page, contact details and withdrawing."""
import io
import zipfile

import pytest

from academy.auth.models import Role
from academy.extensions import db
from recruitment.models import Application, State
from tests import factories
from tests.helpers import has_error_summary, location_path, text


def step_data(service_type_id: int) -> dict[str, dict]:
    return {
        "name": {"full_name": "Ama Mensah"},
        "phone": {"phone": "07700 900982"},
        "postcode": {"postcode": "al1 3je"},
        "district": None,  # filled in from the postcode; confirmed as it is
        "right-to-work": {"right_to_work": "settled"},
        "driving": {"driving_licence": "yes", "has_car": "no"},
        "availability": {"shifts": ["days", "weekends"], "hours_per_week": "30"},
        "service-types": {"service_type_ids": [str(service_type_id)]},
        "experience": {"experience": "under_one_year", "experience_details": "Cared for my grandmother"},
        "qualifications": {"qualifications": ""},
        "languages": {"languages": "English, Twi"},
        "heard-about": {"heard_about": "recruitment_fair", "heard_about_other": ""},
        **{f"values-{v}": {"answer": f"When my neighbour fell I stayed with her ({v})."}
           for v in ("care", "compassion", "competence", "communication", "courage", "commitment")},
        "cv": {},
    }


@pytest.fixture
def applicant(client):
    user = factories.user(Role.applicant, full_name="Ama Mensah")
    client.sign_in(user)
    return user


def answer_everything(client, skip=()):
    """Go through the question pages as a browser would, following each redirect."""
    data = step_data(factories.service_type("homecare").id)
    url = location_path(client.get("/recruitment/apply"))
    while url.startswith("/recruitment/apply/") and not url.endswith("check-your-answers"):
        slug = url.rsplit("/", 1)[1]
        if slug in skip:
            break
        page = client.get(url)
        assert page.status_code == 200, slug
        if slug == "district":
            assert 'value="{}" checked'.format(factories.district("St Albans").id) in text(page)
            values = {"district_id": str(factories.district("St Albans").id)}
        else:
            values = data[slug]
        response = client.submit(url, values)
        assert response.status_code == 302, (slug, text(response)[:3000])
        url = location_path(response)
    return url


def test_start_now_leads_to_sign_up_then_the_questions(client):
    home = text(client.get("/"))
    assert 'href="/recruitment/"' in home
    start = client.get("/recruitment/")
    assert "Create an account" in text(start) and "/sign-up?purpose=applicant" in text(start)
    assert location_path(client.get("/recruitment/apply")) == "/sign-in"


def test_an_applicant_answers_every_question_and_sends_it(client, applicant, outbox):
    assert answer_everything(client) == "/recruitment/apply/check-your-answers"
    page = client.get("/recruitment/apply/check-your-answers")
    body = text(page)
    for answer in ("Ama Mensah", "AL1 3JE", "St Albans", "Yes, I have settled or pre-settled status",
                   "Days, Weekends", "Homecare (domiciliary)", "Cared for my grandmother", "English, Twi",
                   "When my neighbour fell", "Not uploaded"):
        assert answer in body, answer
    assert "/recruitment/apply/phone?change=1" in body
    response = client.submit("/recruitment/apply/check-your-answers", {})
    assert location_path(response) == "/recruitment/apply/sent"
    application = db.session.scalar(db.select(Application).filter_by(user_id=applicant.id))
    assert application.state == State.submitted and application.history[-1].by_id == applicant.id
    assert outbox[-1]["To"] == applicant.email and outbox[-1]["Subject"] == "We have received your application"
    own_page = text(client.get("/recruitment/"))
    assert "We have received your application" in own_page and "Withdraw your application" in own_page
    assert location_path(client.get("/recruitment/apply/name")) == "/recruitment/"


def test_answers_are_saved_so_the_applicant_can_come_back(client, applicant):
    answer_everything(client, skip=("languages",))
    client.sign_out()
    client.sign_in(applicant)
    assert "Continue your application" in text(client.get("/recruitment/"))
    assert location_path(client.get("/recruitment/apply")) == "/recruitment/apply/languages"
    assert 'value="07700 900982"' in text(client.get("/recruitment/apply/phone"))


@pytest.mark.parametrize("slug,data,message", [
    ("name", {"full_name": "  "}, "Enter your full name"),
    ("phone", {"phone": "call me"}, "Enter a phone number"),
    ("postcode", {"postcode": "nowhere"}, "Enter a real postcode"),
    ("availability", {"hours_per_week": "0"}, "Select when you can work"),
    ("availability", {"shifts": ["days"], "hours_per_week": "80"}, "Hours a week must be between 1 and 60"),
    ("driving", {"driving_licence": "yes"}, "Select yes if you have a car"),
    ("heard-about", {"heard_about": "other"}, "Tell us where you heard about us"),
    ("values-care", {"answer": "word " * 251}, "Your answer must be 250 words or fewer"),
    ("values-courage", {"answer": ""}, "Enter your answer"),
])
def test_bad_answers_are_shown_the_gov_uk_way_and_not_saved(client, applicant, slug, data, message):
    response = client.submit(f"/recruitment/apply/{slug}", data)
    assert response.status_code == 422 and has_error_summary(response)
    assert message in text(response) and "govuk-error-message" in text(response)
    application = db.session.scalar(db.select(Application).filter_by(user_id=applicant.id))
    assert application is None or (application.full_name, application.phone, application.hours_per_week) == (
        None, None, None)


def test_sending_with_questions_unanswered_is_refused(client, applicant):
    client.submit("/recruitment/apply/name", {"full_name": "Ama Mensah"})
    page = client.get("/recruitment/apply/check-your-answers")
    assert "You still need to answer" in text(page)
    response = client.submit("/recruitment/apply/check-your-answers", {})
    assert response.status_code == 422 and "Answer every question" in text(response)


def minimal_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def minimal_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_pdf_or_word_cv_is_stored_outside_the_web_root_with_a_random_name(app, client, applicant):
    answer_everything(client, skip=("cv",))
    response = client.submit("/recruitment/apply/cv", {"cv": (io.BytesIO(minimal_pdf()), "My CV.pdf")},
                             content_type="multipart/form-data")
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application).filter_by(user_id=applicant.id))
    stored = app.config["STORAGE_DIR"] / "cvs" / application.cv_stored_name
    assert stored.read_bytes() == minimal_pdf() and "My" not in application.cv_stored_name
    assert application.cv_kind == "pdf" and application.cv_original_name == "My_CV.pdf"
    client.submit("/recruitment/apply/cv", {"cv": (io.BytesIO(minimal_docx()), "cv.docx")},
                  content_type="multipart/form-data")
    db.session.refresh(application)
    assert application.cv_kind == "docx" and not stored.exists()  # the old file is removed


@pytest.mark.parametrize("content,name,message", [
    (b"MZ\x90\x00 this is a program", "cv.pdf", "must be a PDF or Word document"),
    (b"PK\x03\x04not really a zip", "cv.docx", "must be a PDF or Word document"),
    (b"", "cv.pdf", "is empty"),
])
def test_a_cv_is_checked_by_its_content_not_its_name(client, applicant, content, name, message):
    response = client.submit("/recruitment/apply/cv", {"cv": (io.BytesIO(content), name)},
                             content_type="multipart/form-data")
    assert response.status_code == 422 and message in text(response)
    application = db.session.scalar(db.select(Application).filter_by(user_id=applicant.id))
    assert application is None or application.cv_stored_name is None


def test_a_cv_over_the_size_limit_is_refused(app, client, applicant):
    app.config["CV_MAX_BYTES"] = 1024
    try:
        response = client.submit("/recruitment/apply/cv", {"cv": (io.BytesIO(minimal_pdf() + b"0" * 2000), "cv.pdf")},
                                 content_type="multipart/form-data")
    finally:
        app.config["CV_MAX_BYTES"] = 5 * 1024 * 1024
    assert response.status_code == 422 and "smaller than" in text(response)


def test_contact_details_can_be_updated_after_sending_and_withdrawal_works(client, outbox):
    application = factories.application_at(State.screening)
    client.sign_in(application.user)
    response = client.submit("/recruitment/your-application/contact", {"phone": "01632 960001", "postcode": "SG1 1AA"})
    assert location_path(response) == "/recruitment/"
    db.session.refresh(application)
    assert (application.phone, application.postcode) == ("01632 960001", "SG1 1AA")
    bad = client.submit("/recruitment/your-application/contact", {"phone": "", "postcode": "SG1 1AA"})
    assert bad.status_code == 422 and has_error_summary(bad)
    response = client.submit("/recruitment/your-application/withdraw", {"reason": "Found work nearer home"})
    assert location_path(response) == "/recruitment/"
    db.session.refresh(application)
    assert application.state == State.withdrawn
    assert "You withdrew your application" in text(client.get("/recruitment/"))
