"""Erasure: a person asks (with a confirmation step), HCPA staff confirm, the account is gone,
what must be kept is kept, and the person is told what and why on the page and by email."""
from sqlalchemy import func, select

from academy.auth.models import AuditEvent, Role, User
from academy.extensions import db
from academy.privacy.models import ErasureRequest, ErasureStatus
from academy.workplaces.models import Employment, Person
from recruitment.models import Application, SaferRecruitmentCheck, State
from tests import factories
from tests.helpers import Client, has_error_summary, location_path, text
from training.models import PassportShare, TrainingRecord


def test_asking_needs_the_confirmation_and_records_one_request(client, outbox):
    applicant = factories.application_at(State.screening).user
    client.sign_in(applicant)
    page = client.get("/privacy/delete-account")
    assert page.status_code == 200 and "What we keep, and why" in text(page)

    refused = client.submit("/privacy/delete-account", {})
    assert refused.status_code == 422 and has_error_summary(refused)
    assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0

    made = client.submit("/privacy/delete-account", {"understood": "y"})
    assert made.status_code == 302 and location_path(made) == "/privacy/delete-account/requested"
    request = db.session.scalar(select(ErasureRequest))
    assert request.user_id == applicant.id and request.status == ErasureStatus.pending
    assert outbox[-1]["To"] == applicant.email and "request to delete your account" in outbox[-1]["Subject"]
    assert "What we keep and why" in text(client.get("/privacy/delete-account/requested"))
    again = client.get("/privacy/delete-account")
    assert again.status_code == 302 and location_path(again) == "/privacy/delete-account/requested"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_user_id == applicant.id,
                                                             AuditEvent.action == "requested_erasure"))


def test_a_person_can_cancel_their_request(client):
    applicant = factories.user(Role.applicant)
    factories.erasure_request(applicant)
    client.sign_in(applicant)
    response = client.submit("/privacy/delete-account/cancel", form_page="/privacy/delete-account/requested")
    assert response.status_code == 302
    assert db.session.scalar(select(ErasureRequest.status)) == ErasureStatus.cancelled
    assert client.get("/privacy/delete-account/requested").status_code == 404


def test_only_hcpa_staff_see_and_confirm_requests(app, client):
    request = factories.erasure_request()
    for role in (Role.applicant, Role.care_worker, Role.manager):
        visitor = Client(app)
        visitor.sign_in(factories.user(role))
        assert visitor.get("/privacy/requests").status_code == 403
        assert visitor.get(f"/privacy/requests/{request.id}").status_code == 403
        assert visitor.post(f"/privacy/requests/{request.id}").status_code in (400, 403)
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.pending
    client.sign_in(factories.user(Role.hcpa_staff))
    assert client.get("/privacy/requests/9999").status_code == 404


def test_hcpa_confirms_and_the_account_is_gone_but_the_records_a_provider_needs_stay(app, client, outbox):
    from recruitment.cv import cv_folder

    application = factories.application_at(State.checks, full_name="Jo Applicant")
    (cv_folder() / "jo-cv.pdf").write_bytes(b"%PDF-1.4 Jo")
    application.cv_stored_name, application.cv_kind = "jo-cv.pdf", "pdf"
    db.session.commit()
    applicant = application.user
    email = applicant.email
    person_client = Client(app)
    person_client.sign_in(applicant)
    person_client.submit("/privacy/delete-account", {"understood": "y"})
    request = db.session.scalar(select(ErasureRequest))

    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    listing = client.get("/privacy/requests")
    assert listing.status_code == 200 and email in text(listing)
    response = client.submit(f"/privacy/requests/{request.id}", {})
    assert response.status_code == 302

    db.session.expire_all()
    assert db.session.scalar(select(User).where(func.lower(User.email) == email)) is None
    tombstone = db.session.get(User, applicant.id)
    assert tombstone.full_name == "Erased account" and not tombstone.is_active_account
    kept = db.session.get(Application, application.id)
    assert kept.state == State.withdrawn and kept.full_name is None and kept.phone is None
    assert not (cv_folder() / "jo-cv.pdf").exists()
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.completed
    # The person is signed out and cannot sign in again.
    assert person_client.get("/privacy/your-data").status_code == 302
    sign_in = Client(app).submit("/sign-in", {"email": email, "password": factories.DEFAULT_PASSWORD})
    assert sign_in.status_code != 302
    # They are told what was kept and why, by email and on a page anyone can open.
    mail = outbox[-1]
    assert mail["To"] == email and mail["Subject"] == "Your account has been deleted"
    assert "What we keep, and why" in mail.get_content() and "/privacy/what-we-keep" in mail.get_content()
    page = Client(app).get("/privacy/what-we-keep")
    assert page.status_code == 200 and "Employment records" in text(page)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "confirmed_erasure")).actor_id == officer.id


def test_a_placed_workers_employment_training_and_checks_are_kept(client):
    placement = factories.placement()
    worker = placement.application.user
    person = worker.person
    factories.training_record(person, factories.course(name="Moving and handling"))
    from training.passport import create_share

    share, _ = create_share(db.session, person, "Next employer", 7, worker)
    db.session.commit()
    request = factories.erasure_request(worker)
    client.sign_in(factories.user(Role.hcpa_staff))
    assert client.submit(f"/privacy/requests/{request.id}", {}).status_code == 302

    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.user_id is None and person.email is None and person.full_name != "Erased person"
    assert db.session.scalar(select(func.count()).select_from(Employment).where(Employment.person_id == person.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(TrainingRecord)
                             .where(TrainingRecord.person_id == person.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(SaferRecruitmentCheck)
                             .where(SaferRecruitmentCheck.application_id == placement.application_id)) == 1
    revoked = db.session.get(PassportShare, share.id)
    assert revoked.revoked_at is not None and revoked.shared_with == "(removed)"
    assert db.session.get(Application, placement.application_id).state == State.placed


def test_staff_cannot_confirm_their_own_request_or_one_already_done(app, client):
    officer = factories.user(Role.hcpa_staff)
    own = factories.erasure_request(officer)
    client.sign_in(officer)
    refused = client.submit(f"/privacy/requests/{own.id}", {})
    assert refused.status_code == 422 and "Another member of HCPA staff" in text(refused)
    assert db.session.get(ErasureRequest, own.id).status == ErasureStatus.pending

    done = factories.erasure_request(status=ErasureStatus.completed)
    page = client.get(f"/privacy/requests/{done.id}")
    assert "Confirm and delete the account" not in text(page)
    again = client.submit(f"/privacy/requests/{done.id}", {}, form_page=f"/privacy/requests/{own.id}")
    assert again.status_code == 422 and "already been dealt with" in text(again)


def test_the_requests_list_uses_the_same_number_of_queries_for_3_and_40_requests(client):
    from academy.auth.models import User as Account
    from tests.privacy.test_audit import statements_for

    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            who = Account(email=f"asker{n}@example.com", full_name=f"Asker {n:02d}", role=Role.applicant,
                          password_hash="not-a-real-hash")
            db.session.add(ErasureRequest(user=who, status=ErasureStatus.pending if n % 2 else ErasureStatus.completed,
                                          decided_by_id=None if n % 2 else officer.id))
        db.session.commit()

    add(3, 0)
    few = statements_for(client, "/privacy/requests")
    add(37, 3)
    many = statements_for(client, "/privacy/requests")
    assert few == many and many <= 10, (few, many)
    page = text(client.get("/privacy/requests"))
    assert "Showing 1 to 25 of 40 requests" in page
    assert page.index("Waiting for HCPA") < page.index("Completed")  # waiting ones first


def test_if_the_mail_queue_is_down_the_erasure_still_happens_and_staff_are_told(client, monkeypatch):
    from academy import jobs

    request = factories.erasure_request()
    client.sign_in(factories.user(Role.hcpa_staff))
    form_page = f"/privacy/requests/{request.id}"
    token_page = client.get(form_page)
    assert token_page.status_code == 200

    def down(*args, **kwargs):
        raise jobs.JobsUnavailable("down")

    monkeypatch.setattr(jobs, "enqueue", down)
    response = client.submit(form_page, {}, follow_redirects=True)
    assert response.status_code == 200 and "the email could not be sent" in text(response)
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.completed


def test_hcpa_can_decline_a_request_with_a_reason_and_nothing_is_removed(app, client, outbox):
    applicant = factories.application_at(State.screening).user
    request = factories.erasure_request(applicant)
    officer = factories.user(Role.hcpa_staff)
    client.sign_in(officer)
    form_page = f"/privacy/requests/{request.id}"
    assert "Decline the request" in text(client.get(form_page))

    for blank in ("", "   \r\n "):
        refused = client.submit(f"{form_page}/decline", {"decline-reason": blank}, form_page=form_page)
        assert refused.status_code == 422 and "Enter why the request is declined" in text(refused)
    too_long = client.submit(f"{form_page}/decline", {"decline-reason": "x" * 2001}, form_page=form_page)
    assert too_long.status_code == 422 and "2000 characters or fewer" in text(too_long)
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.pending

    reason = "We could not confirm the request came from you: the phone number did not match."
    done = client.submit(f"{form_page}/decline", {"decline-reason": reason}, form_page=form_page)
    assert done.status_code == 302 and location_path(done) == "/privacy/requests"
    db.session.expire_all()
    declined = db.session.get(ErasureRequest, request.id)
    assert declined.status == ErasureStatus.declined and declined.decision_reason == reason
    assert declined.decided_by_id == officer.id and declined.decided_at is not None
    account = db.session.get(User, applicant.id)
    assert account.is_active_account and account.email == applicant.email
    assert db.session.scalar(select(Application.full_name).where(Application.user_id == applicant.id))
    mail = outbox[-1]
    assert mail["To"] == applicant.email and mail["Subject"] == "We have not deleted your account"
    assert reason in mail.get_content() and "Information Commissioner" in mail.get_content()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "declined_erasure"))
    assert event.actor_id == officer.id and event.subject_user_id == applicant.id
    page = text(client.get(form_page))
    assert "Declined by HCPA" in page and reason in page and "Decline the request" not in page
    assert "Declined by HCPA" in text(client.get("/privacy/requests"))

    # The person sees why on their data page, and may ask again.
    person = Client(app)
    person.sign_in(applicant)
    own = text(person.get("/privacy/your-data"))
    assert reason in own and "Ask us to delete your account" in own
    assert person.submit("/privacy/delete-account", {"understood": "y"}).status_code == 302


def test_declining_follows_the_same_rules_as_confirming(app, client):
    officer = factories.user(Role.hcpa_staff)
    own = factories.erasure_request(officer)
    client.sign_in(officer)
    refused = client.submit(f"/privacy/requests/{own.id}/decline", {"decline-reason": "No"},
                            form_page=f"/privacy/requests/{own.id}")
    assert refused.status_code == 422 and "Another member of HCPA staff must decline" in text(refused)
    assert 'href="#decline-reason"' in text(refused)  # the summary points at the form that was sent
    assert db.session.get(ErasureRequest, own.id).status == ErasureStatus.pending

    done = factories.erasure_request(status=ErasureStatus.completed)
    again = client.submit(f"/privacy/requests/{done.id}/decline", {"decline-reason": "No"},
                          form_page=f"/privacy/requests/{own.id}")
    assert again.status_code == 422 and "already been dealt with" in text(again)
    assert db.session.get(ErasureRequest, done.id).decision_reason is None
    assert 'href="#' not in text(again).split("govuk-error-summary__list")[1].split("</ul>")[0]  # no form to point at
    assert client.submit("/privacy/requests/9999/decline", {"decline-reason": "No"},
                         form_page=f"/privacy/requests/{own.id}").status_code == 404

    pending = factories.erasure_request()
    for role in (Role.applicant, Role.care_worker, Role.manager):
        visitor = Client(app)
        visitor.sign_in(factories.user(role))
        answer = visitor.submit(f"/privacy/requests/{pending.id}/decline", {"decline-reason": "No"},
                                form_page="/account")
        assert answer.status_code == 403
    assert db.session.get(ErasureRequest, pending.id).status == ErasureStatus.pending


def test_decline_erasure_unit_rules(ctx, outbox):
    from academy.auth.access import Invalid, NotAllowed
    from academy.privacy.erasure import decline_erasure

    request = factories.erasure_request()
    for who, reason, problem in ((factories.user(Role.manager), "No", NotAllowed),
                                 (request.user, "No", NotAllowed),
                                 (factories.user(Role.admin), "  ", Invalid),
                                 (factories.user(Role.admin), "x" * 2001, Invalid)):
        try:
            decline_erasure(db.session, request, who, reason)
        except problem:
            db.session.rollback()
        else:
            raise AssertionError(f"{who.role} declined with {reason[:5]!r}")
    assert db.session.get(ErasureRequest, request.id).status == ErasureStatus.pending
    decline_erasure(db.session, request, factories.user(Role.admin), "  Not from the account holder ")
    db.session.commit()
    assert db.session.get(ErasureRequest, request.id).decision_reason == "Not from the account holder"
    assert outbox[-1]["To"] == request.user.email and "Not from the account holder" in outbox[-1].get_content()
