"""The Level 2 Adult Social Care Certificate prompt at six months in post, as the worker and their
manager see it on the passport pages: not before six months, not for roles that give no care,
and gone once the certificate is recorded."""
from datetime import date, timedelta

from academy.extensions import db
from tests import factories
from tests.helpers import Client, text
from tests.training.conftest import date_parts
from training.models import Qualification, QualificationType
from training.records import add_months

PROMPT = "Six months in post: time to take the Level 2 Adult Social Care Certificate."


def _worker(start, role_code="care_worker"):
    workplace = factories.workplace(name="Verulam House")
    worker = factories.care_worker(workplace, role_code=role_code, start=start, full_name="Casey Carer")
    return worker, factories.manager([workplace])


def test_no_prompt_before_six_months_in_post(client):
    worker, _ = _worker(add_months(date.today(), -6) + timedelta(days=1))
    client.sign_in(worker)
    assert PROMPT not in text(client.get("/training/"))


def test_prompt_at_six_months_for_worker_and_manager_until_the_certificate_is_recorded(app, client):
    worker, manager = _worker(add_months(date.today(), -6))
    client.sign_in(worker)
    assert PROMPT in text(client.get("/training/"))
    as_manager = Client(app)
    as_manager.sign_in(manager)
    assert PROMPT in text(as_manager.get(f"/training/people/{worker.person.id}"))

    response = client.submit("/training/qualifications/new", {
        "qualification_type": "l2_adult_social_care_certificate", "status": "enrolled",
        "started_on": date_parts(date.today()), "achieved_on": ["", "", ""]})
    assert response.status_code == 302, text(response)[:2000]
    recorded = db.session.query(Qualification).one()
    assert recorded.qualification_type == QualificationType.l2_adult_social_care_certificate
    assert PROMPT not in text(client.get("/training/"))
    assert PROMPT not in text(as_manager.get(f"/training/people/{worker.person.id}"))


def test_no_prompt_for_a_role_that_gives_no_care(client):
    worker, _ = _worker(date.today() - timedelta(days=400), role_code="ancillary")
    client.sign_in(worker)
    assert PROMPT not in text(client.get("/training/"))
