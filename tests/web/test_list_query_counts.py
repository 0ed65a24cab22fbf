"""Every list page of every role asks the database the same number of times for 10 rows as for
100 (no query per row shown): one parametrised test over LIST_PAGES.

A list page is one that shows rows of records (queues, staff lists, matrices, vacancies, referrals,
imports, the audit log, users, workplaces, the jobs board, awards, ...). Each entry names who
looks (a key of `World`), the URL (formatted with the world's ids) and a bulk helper that adds
rows `start .. start + count` for that page, named "Bulk NNN" where the page shows a name, so the
test can also check that the 100th row is on the page (PAGE_SIZE is raised to 100 for the test).
Adding a page is one line:

    ListPage("manager: duplicates", "manager", "/portal/{home}/duplicates", add_duplicates, "Bulk 099"),
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest

from academy.auth.models import AuditEvent, Invitation, Role, User
from academy.extensions import db, utcnow
from academy.workplaces.models import ContractType, Employment, Person, Provider, Vacancy, Workplace
from tests import factories
from tests.helpers import page_statements

FEW, MANY = 10, 100


@dataclass
class World:
    """Who looks at the pages, and the records the pages hang from."""

    users: dict[str, User | None]
    home: Workplace                       # the manager's workplace
    worker: Person                        # the care worker's person record, employed at home
    ids: dict[str, int] = field(default_factory=dict)

    def url(self, pattern: str) -> str:
        return pattern.format(home=self.home.id, worker=self.worker.id, **self.ids)


@dataclass(frozen=True)
class ListPage:
    name: str
    viewer: str                            # "anonymous", "applicant", "care_worker", "manager", "hcpa", "admin"
    url: str                               # formatted with World.url
    add: Callable[[World, int, int], None]  # add rows start .. start + count, one commit
    shows: str | None = None               # text of the last of the 100 rows, when the page names rows


def bulk_name(n: int) -> str:
    return f"Bulk {n:03d}"


# --- bulk helpers (one commit each; no password hashing) -------------------------------------------

def _users(role: Role, start: int, count: int, **fields) -> list[User]:
    made = [User(email=f"bulk-{role.value}-{n}@example.com", full_name=bulk_name(n), role=role,
                 password_hash="not-a-real-hash", email_confirmed_at=utcnow(), **fields)
            for n in range(start, start + count)]
    db.session.add_all(made)
    return made


def _workplaces(start: int, count: int) -> list[Workplace]:
    district, service = factories.district("Watford"), factories.service_type("homecare")
    made = [Workplace(name=f"{bulk_name(n)} Home", provider=Provider(name=f"Bulk Provider {n}"),
                      address_line_1=f"{n} High Street", town="Watford", postcode="WD17 1AA",
                      district=district, service_type=service) for n in range(start, start + count)]
    db.session.add_all(made)
    return made


def _staff(at: Workplace, start: int, count: int) -> list[Employment]:
    role = factories.job_role("care_worker")
    made = [Employment(person=Person(full_name=bulk_name(n)), workplace=at, job_role=role,
                       contract_type=ContractType.permanent, hours_per_week=Decimal("30"),
                       start_date=date.today() - timedelta(days=40 + n)) for n in range(start, start + count)]
    db.session.add_all(made)
    return made


def _applications(start: int, count: int, state=None) -> list:
    from recruitment.models import Application, State

    types = [factories.service_type("homecare"), factories.service_type("nursing_home")]
    district = factories.district("Watford")
    made = []
    for n, user in zip(range(start, start + count), _users(Role.applicant, start, count)):
        application = Application(user=user, state=state or State.submitted, full_name=user.full_name,
                                  district=district, submitted_at=utcnow() - timedelta(days=n % 30),
                                  phone="07700 900982", postcode="WD17 1AA", hours_per_week=30,
                                  available_days=True, available_weekends=True, driving_licence=True)
        application.service_types = types[: 1 + n % 2]
        made.append(application)
    db.session.add_all(made)
    return made


def _vacancies(world: World, start: int, count: int, at: Workplace | None = None) -> list[Vacancy]:
    role = factories.job_role("care_worker")
    places = [at] * count if at else _workplaces(start, count)
    made = [Vacancy(workplace=place, job_role=role, contract_type=ContractType.permanent, hours_per_week=Decimal("30"),
                    opened_on=date.today() - timedelta(days=n % 20), description=f"{bulk_name(n)} post")
            for n, place in zip(range(start, start + count), places)]
    db.session.add_all(made)
    return made


def add_applications(world, start, count):
    _applications(start, count)
    db.session.commit()


def add_ready_applications(world, start, count):
    """Applications ready to refer (values assessed, checks done), as matching ranks them."""
    from recruitment.models import State

    for application in _applications(start, count, State.ready_to_refer):
        db.session.flush()
        factories.values_assessment(application, by=world.users["hcpa"])
        factories.complete_checks(application)
    db.session.commit()


def add_open_vacancies(world, start, count):
    _vacancies(world, start, count)
    db.session.commit()


def add_home_vacancies(world, start, count):
    _vacancies(world, start, count, at=world.home)
    db.session.commit()


def _referrals(world, start, count, status, **fields):
    from recruitment.models import Referral, State

    vacancy = world.ids.get("home_vacancy_obj")
    if vacancy is None:
        vacancy = _vacancies(world, 0, 1, at=world.home)[0]
        world.ids["home_vacancy_obj"] = vacancy
    made = [Referral(application=application, vacancy=vacancy, referred_by_id=world.users["hcpa"].id,
                     status=status, **fields) for application in _applications(start, count, State.referred)]
    db.session.add_all(made)
    return made


def add_referrals(world, start, count):
    from recruitment.models import ReferralStatus

    _referrals(world, start, count, ReferralStatus.sent)
    db.session.commit()


def add_referrals_to_two_homes(world, start, count):
    """Referrals to the manager's home, the manager having a second workplace (one workplace redirects)."""
    if len(world.users["manager"].workplaces) == 1:
        world.users["manager"].workplaces.extend(_workplaces(1000, 1))
    add_referrals(world, start, count)


def add_interviews(world, start, count):
    from recruitment.models import ReferralStatus

    _referrals(world, start, count, ReferralStatus.interview_arranged, interview_at=utcnow() + timedelta(days=2))
    db.session.commit()


def add_follow_ups(world, start, count):
    """Placed workers with a check-in due (a referral, an employment and a placement each)."""
    from recruitment.models import FollowUp, FollowUpPoint, Placement, ReferralStatus

    referrals = _referrals(world, start, count, ReferralStatus.placed)
    staff = _staff(world.home, start, count)
    for referral, job in zip(referrals, staff):
        placement = Placement(application=referral.application, referral=referral, employment=job,
                              start_date=job.start_date, placed_by_id=world.users["hcpa"].id)
        db.session.add(FollowUp(placement=placement, point=FollowUpPoint.week_1, due_on=date.today() - timedelta(days=1)))
    db.session.commit()


def add_staff(world, start, count):
    _staff(world.home, start, count)
    db.session.commit()


def add_staff_with_training(world, start, count):
    """Staff at home, each with a training record (half unverified) and a Care Certificate induction."""
    from training.models import (
        CareCertificateInduction, CareCertificateStandardProgress, CertificateVersion, StandardState, TrainingRecord,
    )

    course = world.ids.get("course_obj") or factories.course(name="Bulk Moving and Handling", mandatory_for=["care_worker"])
    world.ids["course_obj"] = course
    for n, job in zip(range(start, start + count), _staff(world.home, start, count)):
        db.session.add(TrainingRecord(person=job.person, course=course, completed_on=date.today() - timedelta(days=n),
                                      expires_on=date.today() + timedelta(days=365 - n)))
        if n % 2 == 0:
            started = date.today() - timedelta(days=20)
            db.session.add(CareCertificateInduction(
                person=job.person, version=CertificateVersion.v2025, started_on=started,
                target_on=started + timedelta(weeks=12),
                standards=[CareCertificateStandardProgress(standard_number=k, state=StandardState.not_started)
                           for k in range(1, 17)]))
    db.session.commit()


def add_own_training(world, start, count):
    """Training records on the care worker's own passport, each of its own course."""
    from training.models import Course, CourseCategory, TrainingRecord

    for n in range(start, start + count):
        course = Course(code=f"bulk_{n}", name=bulk_name(n), category=CourseCategory.statutory_mandatory,
                        renewal_months=12)
        db.session.add(TrainingRecord(person=world.worker, course=course, completed_on=date.today() - timedelta(days=n),
                                      expires_on=date.today() + timedelta(days=300)))
    db.session.commit()


def add_notes_and_moves(world, start, count):
    """Notes and moves on one application, each by a different officer (its history and notes)."""
    from recruitment.models import Note, State, StateChange

    officers = _users(Role.hcpa_staff, start, count, totp_secret=factories.TOTP_SECRET)
    db.session.flush()
    for n, officer in zip(range(start, start + count), officers):
        db.session.add(Note(application_id=world.ids["application"], author_id=officer.id, text=f"Called, {bulk_name(n)}."))
        db.session.add(StateChange(application_id=world.ids["application"], from_state=State.screening,
                                   to_state=State.screening, by_id=officer.id, reason=f"Moved by {bulk_name(n)}"))
    db.session.commit()


def add_courses(world, start, count):
    from training.models import Course, CourseCategory

    db.session.add_all(Course(code=f"bulk_{n}", name=bulk_name(n), category=CourseCategory.statutory_mandatory,
                              renewal_months=12, mandatory_for=[factories.job_role("care_worker")])
                       for n in range(start, start + count))
    db.session.commit()


def add_managed_workplaces(world, start, count):
    world.users["manager"].workplaces.extend(_workplaces(start, count))
    db.session.commit()


def add_workplaces(world, start, count):
    _workplaces(start, count)
    db.session.commit()


def add_users(world, start, count):
    _users(Role.care_worker, start, count)
    db.session.commit()


def add_invitations(world, start, count):
    from academy.auth.tokens import new_one_time_token

    db.session.add_all(Invitation(email=f"bulk-invited{n}@example.com", full_name=bulk_name(n), role=Role.manager,
                                  workplace_id=world.home.id, token_hash=new_one_time_token()[1],
                                  invited_by_id=world.users["admin"].id, expires_at=utcnow() + timedelta(days=7))
                       for n in range(start, start + count))
    db.session.commit()


def add_audit_events(world, start, count):
    people = _users(Role.applicant, start, count)
    db.session.flush()
    db.session.add_all(AuditEvent(actor_id=world.users["hcpa"].id, action="viewed_application",
                                  target_type="Application", target_id=str(n), subject_user_id=person.id)
                       for n, person in zip(range(start, start + count), people))
    db.session.commit()


def add_refusals(world, start, count):
    """Accounts refused (403s), each a different one: the refusals page lists them by account."""
    people = _users(Role.applicant, start, count)
    db.session.flush()
    db.session.add_all(AuditEvent(actor_id=person.id, action="refused_access", target_type="Application", target_id="1",
                                  detail="403 GET recruitment.queue")
                       for person in people)
    db.session.commit()


def add_link_requests(world, start, count):
    from academy.portal.models import EmployerLinkRequest, LinkState

    workers = _users(Role.care_worker, start, count)
    db.session.add_all(EmployerLinkRequest(employment=job, user=worker, state=LinkState.pending)
                       for job, worker in zip(_staff(world.home, start, count), workers))
    db.session.commit()


def add_imports(world, start, count):
    import json
    import secrets

    from academy.ascwds.models import ImportBatch, ImportState

    db.session.add_all(ImportBatch(created_by_id=world.users["hcpa"].id, token=secrets.token_hex(16),
                                   file_names=json.dumps([f"{bulk_name(n)}.csv"]), state=ImportState.validated)
                       for n in range(start, start + count))
    db.session.commit()


def add_baselines(world, start, count):
    from academy.outcomes.models import Baseline, GoodDirection

    db.session.add_all(Baseline(outcome="vacancy_rate", geography=f"{bulk_name(n)} area", year=2000 + n % 25,
                                value=Decimal("6.10"), good_direction=GoodDirection.down, source="Skills for Care")
                       for n in range(start, start + count))
    db.session.commit()


def add_erasure_requests(world, start, count):
    from academy.privacy.models import ErasureRequest, ErasureStatus

    db.session.add_all(ErasureRequest(user=user, status=ErasureStatus.pending, requested_at=utcnow())
                       for user in _users(Role.applicant, start, count))
    db.session.commit()


def add_award_rounds(world, start, count):
    from academy.recognition.models import AwardCategory, AwardRound

    db.session.add_all(AwardRound(name=f"{bulk_name(n)} round", closes_on=date.today() + timedelta(days=n))
                       for n in range(start, start + count))
    db.session.add_all(AwardCategory(name=f"{bulk_name(n)} category") for n in range(start, start + count))
    db.session.commit()


def add_nominations(world, start, count):
    from academy.recognition.models import AwardCategory, AwardRound, Nomination, NominationStatus

    if "round" not in world.ids:
        award_round = AwardRound(name="Bulk awards", closes_on=date.today() + timedelta(days=30))
        db.session.add(award_round)
        db.session.flush()
        world.ids["round"] = award_round.id
    categories = [AwardCategory(name=f"{bulk_name(n)} category") for n in range(start, start + count)]
    db.session.add_all(Nomination(round_id=world.ids["round"], category=category, person=job.person,
                                  nominated_by_id=world.users["manager"].id, reason="Always there for residents.",
                                  status=NominationStatus.nominated)
                       for category, job in zip(categories, _staff(world.home, start, count)))
    db.session.commit()


def add_thanks_and_awards(world, start, count):
    from academy.recognition.models import AwardCategory, AwardRound, Nomination, NominationStatus, Thanks

    award_round = AwardRound(name=f"Bulk round {start}", closes_on=date.today() - timedelta(days=1))
    for n in range(start, start + count):
        db.session.add(Thanks(person=world.worker, from_user_id=world.users["manager"].id, from_name=bulk_name(n),
                              workplace_id=world.home.id, message=f"Thank you, from {bulk_name(n)}."))
        db.session.add(Nomination(round=award_round, category=AwardCategory(name=f"{bulk_name(n)} category"),
                                  person=world.worker, nominated_by_id=world.users["manager"].id,
                                  reason="Kind to everyone.", status=NominationStatus.winner))
    db.session.commit()


def add_tier_ready_staff(world, start, count):
    """Staff meeting a tier they do not hold: the Care Certificate signed off, mandatory training current."""
    from tests.tiers.conftest import CARE_WORKER_MANDATORY, signed_off_certificate
    from training.models import TrainingRecord

    if "courses" not in world.ids:
        factories.tiers()
        world.ids["courses"] = factories.catalogue()
    courses = world.ids["courses"]
    for job in _staff(world.home, start, count):
        job.start_date = date.today() - timedelta(days=200)
        signed_off_certificate(job.person, date.today() - timedelta(days=20))
        db.session.add_all(TrainingRecord(person=job.person, course=courses[code], completed_on=date.today() - timedelta(days=30),
                                          expires_on=date.today() + timedelta(days=300))
                           for code in CARE_WORKER_MANDATORY)
    db.session.commit()


def add_tier_criteria(world, start, count):
    from academy.tiers.models import CriterionKind, Tier, TierCriterion

    tier = db.session.scalar(db.select(Tier).where(Tier.number == 1)) or Tier(number=1, name="Tier 1",
                                                                            cwp_category="Care worker")
    kind = list(CriterionKind)[0]
    tier.criteria.extend(TierCriterion(kind=kind, number=1, codes=f"bulk_{n}") for n in range(start, start + count))
    db.session.add(tier)
    db.session.commit()


def add_duplicate_pairs(world, start, count):
    """Possible duplicates: pairs of sent applications with the same mobile number."""
    from recruitment.models import DuplicateStatus, PossibleDuplicate

    firsts, seconds = _applications(start, count), _applications(start + 1000, count)
    db.session.flush()
    db.session.add_all(PossibleDuplicate(application_id=a.id, other_application_id=b.id, same_mobile=True,
                                         status=DuplicateStatus.open, found_at=utcnow())
                       for a, b in zip(firsts, seconds))
    db.session.commit()


def add_applications_in_pairs(world, start, count):
    """Sent applications in open possible-duplicate pairs (each even row with the next; every tenth
    row in a second pair too), so the screening queue shows its "Possible duplicate" tags."""
    from recruitment.models import DuplicateStatus, PossibleDuplicate

    made = _applications(start, count)
    db.session.flush()
    pairs = [(made[i], made[i + 1]) for i in range(0, len(made) - 1, 2)]
    pairs += [(made[i], made[i + 2]) for i in range(0, len(made) - 2, 10)]
    db.session.add_all(PossibleDuplicate(application_id=a.id, other_application_id=b.id, same_mobile=True,
                                         status=DuplicateStatus.open, found_at=utcnow()) for a, b in pairs)
    db.session.commit()


def _benefits(start, count):
    from academy.benefits.models import Benefit, BenefitKind

    made = [Benefit(title=f"{bulk_name(n)} offer", kind=BenefitKind.discount, description="Money off.",
                    how_to_claim="Show your member number.") for n in range(start, start + count)]
    db.session.add_all(made)
    return made


def add_benefits(world, start, count):
    _benefits(start, count)
    db.session.commit()


def add_members_using_benefits(world, start, count):
    """Staff at home who are CPA members, each using a benefit of their own."""
    from academy.benefits.models import BenefitUse
    from academy.tiers.models import CpaMembership

    jobs, offers = _staff(world.home, start, count), _benefits(start, count)
    db.session.add_all(CpaMembership(person=job.person, member_number=f"BULK{n:05d}")
                       for n, job in zip(range(start, start + count), jobs))
    db.session.add_all(BenefitUse(benefit=offer, person=job.person, workplace_id=world.home.id,
                                  first_used_on=date.today(), used_on=date.today())
                       for offer, job in zip(offers, jobs))
    db.session.commit()


def _polls(start, count, **fields):
    from academy.voice.models import Poll, PollQuestion, PollStatus, QuestionKind

    made = []
    for n in range(start, start + count):
        poll = Poll(title=f"{bulk_name(n)} poll", status=fields.get("status", PollStatus.open),
                    opens_on=date.today() - timedelta(days=7), closes_on=date.today() + timedelta(days=21))
        poll.questions.append(PollQuestion(position=1, kind=fields.get("kind", QuestionKind.scale),
                                           text=f"{bulk_name(n)} question"))
        made.append(poll)
    db.session.add_all(made)
    return made


def add_polls(world, start, count):
    _polls(start, count)
    db.session.commit()


def add_free_text_to_read(world, start, count):
    """Free-text answers waiting for HCPA to read, one poll each."""
    from academy.voice.models import Moderation, PollAnswer, QuestionKind

    polls = _polls(start, count, kind=QuestionKind.free_text)
    db.session.flush()
    db.session.add_all(PollAnswer(poll_id=poll.id, question_id=poll.questions[0].id, text="Rota changes at short notice",
                                  moderation=Moderation.waiting) for poll in polls)
    db.session.commit()


LIST_PAGES = [
    # Good Care Recruitment
    ListPage("hcpa: screening queue", "hcpa", "/recruitment/screening", add_applications, "Bulk 099"),
    ListPage("hcpa: screening queue, possible duplicates tagged", "hcpa", "/recruitment/screening",
             add_applications_in_pairs, "Bulk 099’s application"),
    ListPage("hcpa: open vacancies", "hcpa", "/recruitment/vacancies", add_open_vacancies, "Bulk 099 Home"),
    ListPage("hcpa: vacancies matching an application", "hcpa", "/recruitment/applications/{application}/matches",
             add_open_vacancies),
    ListPage("hcpa: candidates for a vacancy", "hcpa", "/recruitment/vacancies/{vacancy}/candidates",
             add_ready_applications),
    ListPage("hcpa: an application (history, notes)", "hcpa", "/recruitment/applications/{application}",
             add_notes_and_moves, "Called, Bulk 099."),
    ListPage("hcpa: interviews", "hcpa", "/recruitment/interviews", add_interviews, "Bulk 099"),
    ListPage("hcpa: follow-ups due", "hcpa", "/recruitment/follow-ups", add_follow_ups, "Bulk 099"),
    ListPage("anyone: jobs board", "anonymous", "/recruitment/jobs", add_open_vacancies),
    ListPage("manager: referrals (all workplaces)", "manager", "/recruitment/referrals", add_referrals_to_two_homes,
             "Bulk 099"),
    # Manager portal
    ListPage("manager: workplaces", "manager", "/portal/", add_managed_workplaces, "Bulk 099 Home"),
    ListPage("manager: summary", "manager", "/portal/{home}/", add_staff_with_training),
    ListPage("manager: staff", "manager", "/portal/{home}/staff", add_staff, "Bulk 099"),
    ListPage("manager: training matrix", "manager", "/portal/{home}/matrix", add_staff_with_training, "Bulk 099"),
    ListPage("manager: inductions", "manager", "/portal/{home}/inductions", add_staff_with_training, "Bulk 098"),
    ListPage("manager: training needs", "manager", "/portal/{home}/training-needs", add_staff_with_training,
             "Bulk 099"),
    ListPage("manager: vacancies", "manager", "/portal/{home}/vacancies", add_home_vacancies),
    ListPage("manager: referrals", "manager", "/portal/{home}/referrals", add_referrals, "Bulk 099"),
    ListPage("hcpa: passport link requests", "hcpa", "/portal/link-requests", add_link_requests, "Bulk 099"),
    # Training passport
    ListPage("care worker: passport", "care_worker", "/training/", add_own_training, "Bulk 099"),
    ListPage("manager: a worker's passport", "manager", "/training/people/{worker}", add_own_training, "Bulk 099"),
    ListPage("hcpa: courses", "hcpa", "/training/courses", add_courses, "Bulk 099"),
    ListPage("hcpa: find people", "hcpa", "/training/people?q=Bulk", add_staff, "Bulk 099"),
    ListPage("manager: staff training", "manager", "/training/staff", add_staff_with_training, "Bulk 099"),
    ListPage("manager: verify many", "manager", "/training/staff/verify", add_staff_with_training, "Bulk 099"),
    # Workplaces, ASC-WDS, outcomes
    ListPage("hcpa: workplaces", "hcpa", "/workplaces/", add_workplaces, "Bulk 099 Home"),
    ListPage("hcpa: ASC-WDS imports", "hcpa", "/ascwds/", add_imports, "Bulk 099.csv"),
    ListPage("admin: outcome baselines", "admin", "/outcomes/baselines", add_baselines, "Bulk 099 area"),
    # Admin, privacy
    ListPage("admin: users (50 a page)", "admin", "/admin/users", add_users, "Bulk 049"),
    ListPage("admin: invitations", "admin", "/admin/invitations", add_invitations, "Bulk 099"),
    ListPage("admin: audit log", "admin", "/admin/audit", add_audit_events, "Bulk 099"),
    ListPage("admin: refused requests", "admin", "/admin/refusals", add_refusals),
    ListPage("hcpa: privacy requests", "hcpa", "/privacy/requests", add_erasure_requests, "Bulk 099"),
    # Recognition, tiers
    ListPage("hcpa: award rounds and categories", "hcpa", "/recognition/awards", add_award_rounds, "Bulk 099 round"),
    ListPage("hcpa: a round's nominations", "hcpa", "/recognition/awards/rounds/{round}", add_nominations, "Bulk 099"),
    ListPage("care worker: awards and thanks", "care_worker", "/recognition/mine", add_thanks_and_awards, "Bulk 099"),
    ListPage("manager: staff to thank", "manager", "/recognition/thanks", add_staff, "Bulk 099"),
    ListPage("manager: tier endorsements", "manager", "/tiers/endorsements", add_tier_ready_staff, "Bulk 099"),
    ListPage("admin: tier rules", "admin", "/tiers/rules", add_tier_criteria),
    # duplicates, benefits, staff voice
    ListPage("hcpa: possible duplicates", "hcpa", "/recruitment/duplicates", add_duplicate_pairs, "Bulk 099"),
    ListPage("hcpa: benefits catalogue", "hcpa", "/benefits/catalogue", add_benefits, "Bulk 099 offer"),
    ListPage("care worker: your benefits", "care_worker", "/benefits/", add_benefits, "Bulk 099 offer"),
    ListPage("manager: CPA members and benefits", "manager", "/benefits/workplaces/{home}", add_members_using_benefits,
             "Bulk 099"),
    ListPage("hcpa: polls and surveys", "hcpa", "/voice/polls", add_polls, "Bulk 099 poll"),
    ListPage("hcpa: free text to read", "hcpa", "/voice/moderation", add_free_text_to_read),
    ListPage("care worker: have your say", "care_worker", "/voice/", add_polls, "Bulk 099 poll"),
]


def build_world() -> World:
    home = factories.workplace(name="Verulam House")
    worker_account = factories.care_worker(at=home)
    users = {"anonymous": None, "applicant": factories.user(Role.applicant), "care_worker": worker_account,
             "manager": factories.manager(workplaces=[home]), "hcpa": factories.user(Role.hcpa_staff),
             "admin": factories.user(Role.admin)}
    world = World(users=users, home=home, worker=worker_account.person)
    from recruitment.models import State

    world.ids["application"] = factories.application(State.ready_to_refer).id
    world.ids["vacancy"] = factories.vacancy(home).id
    return world


@pytest.mark.parametrize("list_page", LIST_PAGES, ids=[page.name for page in LIST_PAGES])
def test_a_list_page_asks_the_same_number_of_queries_for_10_and_100_rows(app, client, list_page: ListPage):
    world = build_world()
    list_page.add(world, 0, FEW)  # rows first: some pages hang from one made by the first call
    url = world.url(list_page.url)
    viewer = world.users[list_page.viewer]
    if viewer is not None:
        client.sign_in(viewer)
    app.config["PAGE_SIZE"] = MANY  # every row on one page
    try:
        client.get(url)  # a first view may record itself once a session (the audit log's): count repeat views
        few, few_page = page_statements(client, url)
        list_page.add(world, FEW, MANY - FEW)
        many, many_page = page_statements(client, url)
    finally:
        app.config["PAGE_SIZE"] = 25
    assert few == many, f"{list_page.name}: {few} statements for {FEW} rows, {many} for {MANY}"
    if list_page.shows:
        assert list_page.shows in many_page, f"{list_page.name}: {list_page.shows!r} is not on {url}"
    else:  # the page grew with its rows
        assert len(many_page) > len(few_page), f"{list_page.name}: the page did not show the new rows"
