"""Issue 4's "done when": the demo care worker's passport has verified training, a completed Care
Certificate and a qualification in progress, and they can share it and revoke the link, all
through the pages."""
import re

from academy.demo import seed_demo_data
from academy.extensions import db
from academy.auth.models import User
from tests.helpers import Client, text
from training.models import PassportShare, Qualification, QualificationStatus

CARE_WORKER = "careworker@demo.goodcare.example"


def test_demo_care_worker_has_a_full_passport_and_shares_and_revokes_it(app, client):
    result = seed_demo_data(db.session)
    worker = db.session.query(User).filter_by(email=CARE_WORKER).one()
    client.sign_in(worker, result.passwords[CARE_WORKER])

    page = text(client.get("/training/"))
    assert "Casey Carer" in page
    assert page.count("Verified</strong> by Morgan Manager") >= 5  # verified training lines
    assert "Self-declared" in page  # and some not verified yet
    assert re.search(r"Completed</strong> on \d+ \w+ \d{4} \(2025 standards\)", page)
    in_progress = db.session.query(Qualification).filter_by(person_id=worker.person.id,
                                                            status=QualificationStatus.in_progress).all()
    assert in_progress and "Level 2 Diploma in Care (Adult Care)" in page and "In progress" in page

    shared = client.submit("/training/passport/share", {"shared_with": "Gade House manager", "days": "7"})
    link = re.search(r'id="share-link">([^<]+)<', text(shared)).group(1).replace("http://localhost", "")
    stranger = Client(app)
    opened = stranger.get(link)
    assert opened.status_code == 200 and "Casey Carer" in text(opened) and "Morgan Manager" in text(opened)

    share = db.session.query(PassportShare).one()
    client.submit(f"/training/passport/shares/{share.id}/revoke", form_page="/training/passport/share")
    refused = stranger.get(link)
    assert refused.status_code == 410 and "Casey Carer" not in text(refused)
    assert "Revoked" in text(client.get("/training/passport/share"))
