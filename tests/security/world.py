"""One small, complete world for walking every route with every role.

Two workplaces, A and B, each with a manager, a vacancy, a placed care worker (training records,
a qualification, a Care Certificate induction, a passport share, a follow-up check-in, a tier
and a CPA membership) and an open referral; HCPA staff and an admin; the applicant who walks the
site (a submitted application with a CV) and other applicants (two of them a possible duplicate); outcome figures, an invitation,
a job, erasure requests and ASC-WDS import batches (one a manager's, one HCPA's); each workplace
has asked the other's worker to link their passport (a waiting request on a starter record of its own);
a benefit for every CPA member (used by A's worker) and one for tier 5 only.

The walking users are `users[role]`; everything "A" belongs to them, everything "B" to someone
else, so a route with an id is tried with both (`@key` in the route table names `ids[key]`).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from academy.auth.models import Role, User
from academy.extensions import db, utcnow
from recruitment.models import State
from tests import factories

ROLES = ("anonymous", "applicant", "care_worker", "manager", "hcpa_staff", "admin")


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)  # the user each role walks as
    ids: dict[str, object] = field(default_factory=dict)          # values the route table substitutes


def _store_cv(application) -> None:
    from recruitment import cv

    stored = "0123456789abcdef0123456789abcdef.pdf"
    (cv.cv_folder() / stored).write_bytes(b"%PDF-1.4 a short CV")
    application.cv_stored_name, application.cv_kind, application.cv_size = stored, "pdf", 19
    application.cv_original_name, application.cv_uploaded_at, application.cv_answered = "cv.pdf", utcnow(), True


def _placed_worker(workplace, vacancy, courses, hcpa):
    """A care worker placed at `workplace` through GCR, with a training history and a passport share."""
    from training import evidence, passport
    from training.credentials.published import set_token

    app_ = factories.application_at(State.offered, at_vacancy=vacancy)
    _store_cv(app_)  # its referral is the walk's referral_a / referral_b: the portal's CV download
    placed = factories.placement(app_, start=date.today() - timedelta(days=10))
    worker = app_.user
    who = placed.employment.person
    record = factories.training_record(who, of=courses[0], verified_by=hcpa)
    record.certificate_file = evidence.store_certificate(b"%PDF-1.4 certificate", "pdf")
    record.certificate_filename, record.certificate_content_type = "certificate.pdf", "application/pdf"
    unverified = factories.training_record(who, of=courses[1])
    qualification = factories.qualification(who, status="in_progress", achieved=None)
    induction = factories.induction(who)
    share, code = passport.create_share(db.session, who, "A new employer", 7, worker)
    db.session.commit()
    credential = factories.issued_credential(who, source_id=record.id)
    return {"user": worker, "person": who, "employment": placed.employment, "placement": placed,
            "credential": credential.row.public_id, "credential_set": set_token([credential.row]),
            "record": record, "unverified_record": unverified, "qualification": qualification,
            "induction": induction, "share": share, "share_token": passport.share_token(share),
            "share_code": code, "referral": placed.referral, "application": app_}


@contextmanager
def _one_password_hash():
    """Hash each password once for the whole world (argon2id takes ~0.1s a hash here)."""
    original = User.set_password
    cache: dict[str, str] = {}

    def set_password(user, password):
        if password not in cache:
            original(user, password)
            cache[password] = user.password_hash
        user.password_hash = cache[password]

    User.set_password = set_password
    try:
        yield
    finally:
        User.set_password = original


def build_world() -> World:
    with _one_password_hash():
        return _build_world()


def _build_world() -> World:
    from academy.auth.tokens import make_confirmation_token, make_reset_token
    from recruitment import followup, journey

    world = World()
    ids = world.ids
    hcpa, admin = factories.user(Role.hcpa_staff), factories.user(Role.admin)
    a = factories.workplace(name="Aldenham House")
    b = factories.workplace(name="Bushey Lodge", district_name="Watford")
    manager_a = factories.manager(workplaces=[a])
    manager_b = factories.manager(workplaces=[b])  # B's own manager
    vacancy_a, vacancy_b = factories.vacancy(a), factories.vacancy(b)
    placing_a, placing_b = factories.vacancy(a), factories.vacancy(b)
    catalogue = factories.catalogue()
    courses = [c for c in catalogue.values() if c.mandatory_for][:2] or [factories.course(), factories.course()]

    applicant_app = factories.application(state=State.submitted)
    _store_cv(applicant_app)
    other_applicant_app = factories.application_at(State.values_assessed)
    referred_a = factories.application_at(State.referred, at_vacancy=vacancy_a)
    referred_b = factories.application_at(State.referred, at_vacancy=vacancy_b)
    duplicate_pair = factories.possible_duplicate(
        factories.application_at(State.screening, full_name="Dee Double", postcode="SG1 1AA"),
        factories.application(full_name="Dee Double", postcode="SG1 1AA"), same_mobile=True, same_name_postcode=True)
    db.session.commit()

    worker_a = _placed_worker(a, placing_a, courses, hcpa)
    worker_b = _placed_worker(b, placing_b, courses, hcpa)
    follow_ups = {f.placement_id: f for f in followup.create_due_follow_ups(db.session, notify=False)}
    # Each workplace asked the other's worker to link their passport (its own starter record, waiting).
    to_worker_a = factories.employer_link_request(worker_a["user"], b, by=manager_b, full_name="Starter at B")
    to_worker_b = factories.employer_link_request(worker_b["user"], a, by=manager_a, full_name="Starter at A")

    tiers = factories.tiers()
    factories.tier_award(worker_a["person"], tier_number=min(tiers), by=manager_a)
    member_a = factories.cpa_membership(worker_a["person"], visible=True)
    member_b = factories.cpa_membership(worker_b["person"], visible=False)  # hidden from employers
    criterion = next(c for t in tiers.values() for c in t.criteria)
    award_round = factories.award_round()
    nomination = factories.nomination(worker_a["person"], award_round, by=manager_b)
    factories.thanks(worker_a["person"], by=manager_a)
    benefit = factories.benefit("Walk discount")
    benefit_not_for_a = factories.benefit("Leaders' retreat", min_tier=5)  # worker A holds tier 1
    factories.benefit_use(benefit, worker_a["person"])
    voice = _staff_voice(a, b, worker_a["user"])

    baseline = factories.baseline()
    factories.outcome_snapshot(scope_type="workplace", scope_id=a.id)
    factories.outcome_snapshot()

    invitation, token = factories.invitation(by=admin)
    erasure = factories.erasure_request(other_applicant_app.user)
    own_erasure = factories.erasure_request(applicant_app.user)
    batch, manager_batch = factories.ascwds_import(by=hcpa).id, factories.ascwds_import(by=manager_a).id
    db.session.commit()
    job = _job(hcpa)

    world.users = {"anonymous": None, "applicant": applicant_app.user, "care_worker": worker_a["user"],
                   "manager": manager_a, "hcpa_staff": hcpa, "admin": admin}
    ids.update(
        workplace_a=a.id, workplace_b=b.id, district_a=a.district_id, district_b=b.district_id,
        vacancy_a=vacancy_a.id, vacancy_b=vacancy_b.id,
        application=applicant_app.id, other_application=other_applicant_app.id,
        assessment=other_applicant_app.assessments[-1].id,
        referral_a=referred_a.referrals[-1].id, referral_b=referred_b.referrals[-1].id,
        application_referred_a=referred_a.id,
        invitation_token=token, confirm_token=make_confirmation_token(applicant_app.user),
        reset_token=make_reset_token(applicant_app.user), job=job, baseline=baseline.id,
        tier_number=min(tiers), criterion=criterion.id, erasure_request=erasure.id,
        own_erasure_request=own_erasure.id, first_step=journey.STEPS[0].slug,
        member_a=member_a.member_number, member_b=member_b.member_number,
        award_round=award_round.id, nomination=nomination.id, duplicate_pair=duplicate_pair.id,
        benefit=benefit.id, benefit_not_for_a=benefit_not_for_a.id, **voice,
        applicant_user=applicant_app.user.id, import_batch=batch, manager_import_batch=manager_batch,
        provider_a=a.provider_id, provider_b=b.provider_id,
        course=courses[0].id, invitation=invitation.id, manager_user_a=manager_a.id, hcpa_user=hcpa.id,
        request_to_worker_a=to_worker_a.id, request_to_worker_b=to_worker_b.id,
        asking_employment_a=to_worker_b.employment_id, asking_employment_b=to_worker_a.employment_id,
    )
    for suffix, worker in (("a", worker_a), ("b", worker_b)):
        ids.update({f"{key}_{suffix}": value.id if hasattr(value, "id") else value
                    for key, value in worker.items()})
        ids[f"follow_up_{suffix}"] = follow_ups[worker["placement"].id].id
        ids[f"worker_user_{suffix}"] = worker["user"].id
    return world


def _staff_voice(a, b, worker_a: User) -> dict:
    """Polls: one open to everyone, one for B's district only, a draft, and a closed one with five
    answers from A (results shown) and a free-text answer waiting to be read; A's worker's link."""
    from academy.voice.answering import answer_link

    poll_open = factories.poll(title="Breaks at work")
    poll_for_b = factories.poll(title="Watford only", district_ids=str(b.district_id))
    poll_draft = factories.poll(title="Draft poll", status="draft", questions=("single_choice", "scale"))
    poll_closed = factories.poll(title="Rotas", status="closed", questions=("scale", "single_choice", "free_text"))
    for choice in (1, 4, 4, 5, 5):
        factories.poll_answer(poll_closed, choice=choice, at=a)
        factories.poll_answer(poll_closed, question=poll_closed.questions[1], choice=choice % 3, at=a)
    factories.poll_answer(poll_closed, question=poll_closed.questions[2], text="Kind colleagues", at=a,
                          moderation="approved")
    waiting = factories.poll_answer(poll_closed, question=poll_closed.questions[2], text="Nights are hard", at=a,
                                    moderation="waiting")
    return {"poll_open": poll_open.id, "poll_for_b": poll_for_b.id, "poll_draft": poll_draft.id,
            "poll_draft_question": poll_draft.questions[0].id, "poll_closed": poll_closed.id,
            "poll_closed_question": poll_closed.questions[0].id, "poll_waiting_answer": waiting.id,
            "poll_link_a": answer_link(db.session, poll_open, worker_a.id).rsplit("/", 1)[1]}


def _job(owner: User, job_id: str | None = None) -> str:
    from academy.jobs import enqueue
    from tests.jobs_for_tests import record_steps

    return enqueue(record_steps, 1, "walk_job", owner_id=owner.id, description="A job for the walk",
                   job_id=job_id).id


def ensure_job(world: World) -> None:
    """Put the world's job back if it has gone: on the PostgreSQL + Redis pass, test runs on this
    machine share one Redis server and a database number picked from the process id, so another
    run's clean-up (FLUSHDB) can remove it in the middle of the walk."""
    from academy.jobs import job_status

    if job_status(world.ids["job"]) is None:
        _job(world.users["hcpa_staff"], job_id=world.ids["job"])


@pytest.fixture
def world(ctx) -> World:
    return build_world()
