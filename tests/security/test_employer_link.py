"""Issue 13, point 1: a manager cannot claim another workplace's care worker by typing their email.

The starter form always makes the workplace's own record; the passport owner is asked and only
their consent (or HCPA staff acting for them, audited) links the passport. Until then the new
employer gets a 404 on everything of the worker's, and the form reads the same whether or not the
email has an account.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.portal import employer_links
from academy.portal.models import EmployerLinkRequest, LinkState
from academy.workplaces.models import Employment, Person
from tests import factories
from tests.helpers import Client, links_in, location_path, path_of, text
from training.models import CareCertificateInduction, Qualification, StandardState, TrainingRecord

WORKER_NAME = "Samira Okafor"
WORKER_EMAIL = "samira@example.com"


@pytest.fixture
def scene(app, ctx):
    """Workplace A employs a care worker with a full passport; B and C are other workplaces."""
    from training import evidence

    homes = {key: factories.workplace(name=name) for key, name in
             (("a", "Aldenham House"), ("b", "Bushey Lodge"), ("c", "Colney Court"))}
    managers = {key: factories.manager(workplaces=[home]) for key, home in homes.items()}
    worker = factories.care_worker(at=homes["a"], email=WORKER_EMAIL, full_name=WORKER_NAME)
    person = worker.person
    courses = [factories.course(), factories.course()]
    record = factories.training_record(person, of=courses[0], verified_by=managers["a"])
    record.certificate_file = evidence.store_certificate(b"%PDF-1.4 certificate", "pdf")
    record.certificate_filename, record.certificate_content_type = "certificate.pdf", "application/pdf"
    unverified = factories.training_record(person, of=courses[1])
    qualification = factories.qualification(person, status="in_progress", achieved=None)
    induction = factories.induction(person)
    factories.tiers()
    db.session.commit()
    return {"homes": homes, "managers": managers, "worker": worker, "person_id": person.id,
            "record": record.id, "unverified": unverified.id, "qualification": qualification.id,
            "induction": induction.id, "hcpa": factories.user(Role.hcpa_staff)}


def _client(app, user) -> Client:
    client = Client(app)
    client.sign_in(user)
    return client


def _starter(**fields) -> dict:
    start = date.today() - timedelta(days=2)
    values = {"full_name": "Sam Smith", "email": WORKER_EMAIL, "job_role_id": str(factories.job_role().id),
              "contract_type": "permanent", "hours_per_week": "30",
              "start_date": [str(start.day), str(start.month), str(start.year)]}
    values.update(fields)
    return values


def _pages(scene) -> list[str]:
    person = scene["person_id"]
    return [f"/training/people/{person}", f"/training/people/{person}/induction",
            f"/training/records/{scene['record']}/certificate",
            f"/training/qualifications/{scene['qualification']}/edit",
            f"/tiers/people/{person}", f"/training/people/{person}/records/new",
            f"/training/people/{person}/qualifications/new"]


def _refused_posts(client, scene) -> list[tuple[str, dict]]:
    b = scene["homes"]["b"].id
    return [(f"/training/records/{scene['unverified']}/verify", {}),
            (f"/training/qualifications/{scene['qualification']}/verify", {}),
            (f"/training/inductions/{scene['induction']}/standards/1", {"state": "signed_off"}),
            (f"/portal/{b}/inductions/{scene['induction']}/sign-off", {"standards": ["1", "2"]}),
            (f"/tiers/people/{scene['person_id']}/endorse", {}),
            (f"/training/people/{scene['person_id']}/induction/completed", {})]


def _nothing_verified_or_signed_off(scene) -> None:
    db.session.expire_all()
    assert db.session.get(TrainingRecord, scene["unverified"]).verified_at is None
    assert db.session.get(Qualification, scene["qualification"]).verified_at is None
    induction = db.session.get(CareCertificateInduction, scene["induction"])
    assert all(p.state == StandardState.not_started for p in induction.standards)


def _request(scene) -> EmployerLinkRequest:
    db.session.expire_all()
    return db.session.scalars(sa.select(EmployerLinkRequest)).one()


def test_the_issue_sequence_manager_b_types_a_workers_email_and_gets_404_everywhere(app, scene):
    b = scene["homes"]["b"]
    client = _client(app, scene["managers"]["b"])
    only_email = client.submit(f"/portal/{b.id}/staff/new", _starter(full_name=""))
    assert only_email.status_code == 422 and "Enter their full name" in text(only_email)
    assert WORKER_NAME not in text(only_email)
    recorded = client.submit(f"/portal/{b.id}/staff/new", _starter())
    assert location_path(recorded) == f"/portal/{b.id}/staff"

    for url in _pages(scene):
        assert client.get(url).status_code == 404, url
    token = client.csrf_token("/account")
    for url, data in _refused_posts(client, scene):
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    _nothing_verified_or_signed_off(scene)
    listing = text(client.get(f"/portal/{b.id}/staff"))
    assert "Sam Smith" in listing and WORKER_NAME not in listing
    worker_person = db.session.get(Person, scene["person_id"])
    assert [e.workplace_id for e in worker_person.employments] == [scene["homes"]["a"].id]
    assert worker_person.full_name == WORKER_NAME
    asked = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "asked_to_link_passport")).one()
    assert (asked.actor_id, asked.subject_user_id) == (scene["managers"]["b"].id, scene["worker"].id)


def _main(response) -> str:
    """The page's main content with ids, tokens and nonces evened out."""
    body = text(response)
    body = body[body.index("<main"):body.index("</main>")]
    body = re.sub(r'name="csrf_token" value="[^"]+"', "", body)
    return re.sub(r"\d+", "N", body)


def test_the_starter_pages_read_the_same_whether_or_not_the_email_has_an_account(app, scene, outbox):
    answers = []
    for email in (WORKER_EMAIL, "nobody-here@example.com"):
        home = factories.workplace(name="Verulam House")
        client = _client(app, factories.manager(workplaces=[home], full_name="Morgan Manager"))
        response = client.submit(f"/portal/{home.id}/staff/new", _starter(email=email))
        listing = client.get(location_path(response))
        employment = db.session.scalars(sa.select(Employment).where(Employment.workplace_id == home.id)).one()
        member = client.get(f"/portal/{home.id}/staff/{employment.id}")
        answers.append((response.status_code, path_of(response.headers["Location"]).replace(str(home.id), "N"),
                        listing.status_code, _main(listing), member.status_code, _main(member)))
        for page in (listing, member):
            assert WORKER_NAME not in text(page) and WORKER_EMAIL not in text(page)
    assert answers[0] == answers[1]
    assert "we have asked them to link it to Verulam House" in answers[0][3]
    assert [m["To"] for m in outbox] == [WORKER_EMAIL]  # only the passport owner is asked


def _ask(app, scene) -> tuple[Client, EmployerLinkRequest]:
    client = _client(app, scene["managers"]["b"])
    client.submit(f"/portal/{scene['homes']['b'].id}/staff/new", _starter())
    return client, _request(scene)


def test_the_worker_accepts_and_b_then_sees_the_passport_with_its_own_records_merged(app, scene, outbox):
    b = scene["homes"]["b"]
    manager, request = _ask(app, scene)
    placeholder = request.employment.person
    placeholder_id, employment_id = placeholder.id, request.employment_id
    own_record = factories.training_record(placeholder, verified_by=scene["managers"]["b"])
    factories.qualification(placeholder, kind="diploma_l3_adult_care")
    factories.induction(placeholder)  # clashes with the worker's own 2025 induction: theirs stays

    link = links_in(outbox[-1])[0]
    worker = _client(app, scene["worker"])
    start = text(worker.get("/training/"))
    assert "Bushey Lodge has asked to link your training passport" in start
    assert path_of(link) in start
    page = worker.get(path_of(link))
    assert page.status_code == 200 and "Bushey Lodge" in text(page) and "Sam Smith" not in text(page)
    answered = worker.submit(f"{path_of(link)}/accept", form_page=path_of(link))
    assert location_path(answered) == "/training/"

    request = _request(scene)
    assert request.state == LinkState.accepted and request.decided_by_id == scene["worker"].id
    employment = db.session.get(Employment, employment_id)
    assert employment.person_id == scene["person_id"] and employment.workplace_id == b.id
    assert db.session.get(Person, placeholder_id) is None
    assert db.session.get(TrainingRecord, own_record.id).person_id == scene["person_id"]
    assert db.session.scalar(sa.select(sa.func.count(Qualification.id))
                             .where(Qualification.person_id == scene["person_id"])) == 2
    assert db.session.scalar(sa.select(sa.func.count(CareCertificateInduction.id))) == 1
    assert db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "accepted_passport_link_request")).one().subject_user_id == scene["worker"].id

    for url in _pages(scene):
        assert manager.get(url).status_code == 200, url
    manager.submit(f"/training/records/{scene['unverified']}/verify",
                   form_page=f"/training/people/{scene['person_id']}")
    assert db.session.get(TrainingRecord, scene["unverified"]).verified_at is not None
    member = text(manager.get(f"/portal/{b.id}/staff/{employment_id}"))
    assert "Linked to their training passport" in member and WORKER_NAME in member


def test_the_worker_declines_and_b_keeps_only_its_own_record(app, scene):
    b = scene["homes"]["b"]
    manager, request = _ask(app, scene)
    worker = _client(app, scene["worker"])
    url = f"/training/employer-requests/{request.id}"
    assert location_path(worker.submit(f"{url}/decline", form_page=url)) == "/training/"
    request = _request(scene)
    assert request.state == LinkState.declined and request.employment.person.user_id is None
    for page in _pages(scene):
        assert manager.get(page).status_code == 404, page
    member = text(manager.get(f"/portal/{b.id}/staff/{request.employment_id}"))
    assert "They declined to link their training passport" in member and WORKER_EMAIL not in member
    assert db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.actor_id == scene["worker"].id, AuditEvent.action == "declined_passport_link_request")).one()
    # A decided request cannot be accepted afterwards.
    worker.submit(f"{url}/accept", form_page=url)
    assert _request(scene).state == LinkState.declined
    assert manager.get(f"/training/people/{scene['person_id']}").status_code == 404


def test_hcpa_staff_link_on_the_workers_behalf_audited_and_the_worker_is_told(app, scene, outbox):
    manager, request = _ask(app, scene)
    factories.employer_link_request(None, scene["homes"]["c"], full_name="Nobody Known")  # no account: not listed
    gone = factories.care_worker(full_name="Deactivated Worker", is_active_account=False)
    factories.employer_link_request(gone, scene["homes"]["c"])  # an account no longer active: not listed
    hcpa = _client(app, scene["hcpa"])
    listing = hcpa.get("/portal/link-requests")
    assert listing.status_code == 200 and WORKER_NAME in text(listing) and "Bushey Lodge" in text(listing)
    assert "Nobody Known" not in text(listing) and "Colney Court" not in text(listing)
    assert "Deactivated Worker" not in text(listing)
    response = hcpa.submit(f"/portal/link-requests/{request.id}/link", form_page="/portal/link-requests")
    assert location_path(response) == "/portal/link-requests"
    request = _request_by_id(request.id)
    assert request.state == LinkState.accepted and request.decided_by_id == scene["hcpa"].id and request.on_behalf
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "linked_passport_on_behalf")).one()
    assert (event.actor_id, event.subject_user_id) == (scene["hcpa"].id, scene["worker"].id)
    assert outbox[-1]["To"] == WORKER_EMAIL and "on your behalf" in outbox[-1].get_content()
    assert manager.get(f"/training/people/{scene['person_id']}").status_code == 200


def _request_by_id(request_id: int) -> EmployerLinkRequest:
    db.session.expire_all()
    return db.session.get(EmployerLinkRequest, request_id)


def test_nobody_else_can_answer_see_or_cancel_the_request(app, scene):
    b, c = scene["homes"]["b"], scene["homes"]["c"]
    manager_b, request = _ask(app, scene)
    url = f"/training/employer-requests/{request.id}"
    someone = _client(app, factories.care_worker(at=c))
    assert someone.get(url).status_code == 404
    token = someone.csrf_token("/account")
    for action in ("accept", "decline"):
        assert someone.post(f"{url}/{action}", data={"csrf_token": token}).status_code == 404
    manager_c = _client(app, scene["managers"]["c"])
    token = manager_c.csrf_token("/account")
    for cancel in (f"/portal/{b.id}/staff/{request.employment_id}/link-request/cancel",
                   f"/portal/{c.id}/staff/{request.employment_id}/link-request/cancel"):
        assert manager_c.post(cancel, data={"csrf_token": token}).status_code == 404
    assert manager_c.get(f"/portal/{b.id}/staff/{request.employment_id}").status_code == 404
    assert manager_c.get("/portal/link-requests").status_code == 403
    assert manager_b.get(url).status_code == 403
    assert _request(scene).state == LinkState.pending

    # B's own manager can cancel it; the worker can then no longer accept it.
    member = f"/portal/{b.id}/staff/{request.employment_id}"
    assert location_path(manager_b.submit(f"{member}/link-request/cancel", form_page=member)) == member
    assert _request(scene).state == LinkState.cancelled
    assert "was cancelled" in text(manager_b.get(member))
    worker = _client(app, scene["worker"])
    worker.submit(f"{url}/accept", form_page=url)
    assert _request(scene).state == LinkState.cancelled
    assert manager_b.get(f"/training/people/{scene['person_id']}").status_code == 404


def test_a_record_with_that_email_but_no_account_is_never_linked_or_revealed(app, scene, outbox):
    imported = factories.employment(scene["homes"]["a"], who=factories.person("Imogen Imported"))
    imported.person.email = "imogen@example.com"
    db.session.commit()
    manager = _client(app, scene["managers"]["b"])
    response = manager.submit(f"/portal/{scene['homes']['b'].id}/staff/new",
                              _starter(full_name="Imo", email="imogen@example.com"), follow_redirects=True)
    assert "Imogen Imported" not in text(response) and not outbox
    assert _request(scene).user_id is None
    assert manager.get(f"/training/people/{imported.person_id}").status_code == 404
    assert [e.workplace_id for e in db.session.get(Person, imported.person_id).employments] == [scene["homes"]["a"].id]


def test_an_unconfirmed_account_with_that_email_is_never_asked(app, scene, outbox):
    """Anyone can sign up with any address: an account nobody confirmed proves nothing about who
    holds it, so it gets no request, no email and no place on HCPA's list."""
    squatter = factories.user(Role.care_worker, email="sam.real@example.com", confirmed=False)
    manager = _client(app, scene["managers"]["b"])
    manager.submit(f"/portal/{scene['homes']['b'].id}/staff/new", _starter(full_name="Sam Real", email="sam.real@example.com"))
    assert _request(scene).user_id is None and not outbox
    assert squatter.id not in {r.user_id for r in db.session.scalars(employer_links.waiting_query())}
