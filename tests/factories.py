"""Factories: each builds a valid object with sensible defaults; pass what the test cares about."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from academy.auth.models import Role, User
from academy.auth.passwords import hash_password
from academy.extensions import db, utcnow
from academy.workplaces.models import (
    ContractType, District, Employment, JobRole, Person, Provider, ServiceType, Vacancy, Workplace,
)

DEFAULT_PASSWORD = "kettle-orchard-lantern-7"
_sequence = itertools.count(1)
_password_hashes: dict[str, str] = {}


def password_hash(password: str = DEFAULT_PASSWORD) -> str:
    """Each password hashed once a run (argon2id with the real parameters takes ~0.1 s a hash)."""
    if password not in _password_hashes:
        _password_hashes[password] = hash_password(password)
    return _password_hashes[password]


def _next() -> int:
    return next(_sequence)


def district(name: str = "St Albans") -> District:
    return db.session.scalar(select(District).where(District.name == name))


def service_type(code: str = "residential_older_people") -> ServiceType:
    return db.session.scalar(select(ServiceType).where(ServiceType.code == code))


def job_role(code: str = "care_worker") -> JobRole:
    return db.session.scalar(select(JobRole).where(JobRole.code == code))


# The authenticator secret every factory user with two-step sign-in shares (tests compute codes from it).
TOTP_SECRET = "JBSWY3DPEHPK3PXPGOODCARETESTKEY2"


def user(role: Role = Role.applicant, email: str | None = None, password: str = DEFAULT_PASSWORD,
         confirmed: bool = True, workplaces=(), two_step: bool | None = None, **fields) -> User:
    """A user; HCPA staff and admins have two-step sign-in on (their roles require it) unless
    two_step=False, others have it off unless two_step=True."""
    n = _next()
    if two_step is None:
        two_step = role in (Role.hcpa_staff, Role.admin)
    if two_step:
        fields.setdefault("totp_secret", TOTP_SECRET)
        fields.setdefault("two_step_enabled_at", utcnow())
    obj = User(email=email or f"{role.value}{n}@example.com", full_name=fields.pop("full_name", f"Person {n}"),
               role=role, email_confirmed_at=utcnow() if confirmed else None, **fields)
    obj.password_hash = password_hash(password)
    obj.workplaces.extend(workplaces)
    db.session.add(obj)
    db.session.commit()
    return obj


def workplace(name: str | None = None, district_name: str = "St Albans",
              service_code: str = "residential_older_people", **fields) -> Workplace:
    n = _next()
    provider = fields.pop("provider", None) or Provider(name=f"Provider {n}")
    obj = Workplace(name=name or f"Workplace {n}", provider=provider, address_line_1=f"{n} High Street",
                    town="St Albans", postcode="AL1 3JE", district=district(district_name),
                    service_type=service_type(service_code), **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def manager(workplaces=(), **fields) -> User:
    return user(Role.manager, workplaces=workplaces, **fields)


def person(full_name: str | None = None, user_account: User | None = None) -> Person:
    obj = Person(full_name=full_name or f"Worker {_next()}", user=user_account)
    db.session.add(obj)
    db.session.commit()
    return obj


def employment(at: Workplace, who: Person | None = None, role_code: str = "care_worker",
               start: date | None = None, leaving: date | None = None,
               contract: ContractType = ContractType.permanent, **fields) -> Employment:
    obj = Employment(person=who or person(), workplace=at, job_role=job_role(role_code),
                     contract_type=contract, hours_per_week=Decimal("37.5"),
                     start_date=start or date.today() - timedelta(days=365), leaving_date=leaving, **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def vacancy(at: Workplace, role_code: str = "care_worker", opened: date | None = None,
            contract_type: ContractType = ContractType.permanent, **fields) -> Vacancy:
    obj = Vacancy(workplace=at, job_role=job_role(role_code), contract_type=contract_type,
                  opened_on=opened or date.today() - timedelta(days=10), **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


# Good Care Recruitment ---------------------------------------------------------------------------

def application(state=None, owner: User | None = None, district_name: str = "St Albans",
                service_codes=("residential_older_people",), **fields):
    """A complete application (every question answered), in `state` (default submitted), set directly."""
    from recruitment.models import VALUES, Application, Experience, HeardAbout, RightToWork, State

    state = state or State.submitted
    if state == State.merged and "merged_into" not in fields and "merged_into_id" not in fields:
        fields["merged_into"] = application()  # merged points at the one kept (a CHECK constraint; duplicates.merge)
    owner = owner or user(Role.applicant)
    values = dict(
        full_name=owner.full_name, phone="07700 900982", postcode="AL1 3JE", district=district(district_name),
        right_to_work=RightToWork.british_or_irish, driving_licence=True, has_car=True, available_days=True,
        available_nights=False, available_weekends=True, hours_per_week=30, service_types_answered=True,
        experience=Experience.under_one_year, qualifications_answered=True, languages="English",
        heard_about=HeardAbout.social_media, cv_answered=True,
        **{f"answer_{v}": f"A real example about {v}." for v in VALUES},
    )
    values.update(fields)
    obj = Application(user=owner, state=state, **values)
    obj.service_types = [service_type(code) for code in service_codes]
    if state != State.draft:
        obj.submitted_at = obj.submitted_at or utcnow() - timedelta(days=3)
    db.session.add(obj)
    db.session.commit()
    return obj


def values_assessment(app_, by: User | None = None, score: int = 3, corrects=None, **scores):
    from recruitment.models import VALUES, ValuesAssessment

    by = by or user(Role.hcpa_staff)
    marks = {v: scores.get(v, score) for v in VALUES}
    total = sum(marks.values())
    obj = ValuesAssessment(application=app_, assessor_id=by.id, corrects=corrects, total=total,
                           passed=min(marks.values()) >= 2 and total >= 16, min_each=2, min_total=16,
                           **{f"{v}_score": s for v, s in marks.items()},
                           **{f"{v}_justification": f"Evidence for {v}" for v in VALUES})
    db.session.add(obj)
    db.session.commit()
    return obj


def complete_checks(app_, **fields):
    """A safer-recruitment checklist with everything referral needs done."""
    from recruitment.models import (
        CheckStatus, DbsStatus, HistoryStatus, ReferenceKind, ReferenceStatus, SaferRecruitmentCheck,
    )

    values = dict(
        identity_right_to_work=CheckStatus.done, right_to_work_evidence="British passport",
        dbs_status=DbsStatus.clear, dbs_barred_list_checked=True, dbs_certificate_number="001234567890",
        dbs_issued_on=date.today() - timedelta(days=20),
        reference_1_name="Ann Employer", reference_1_kind=ReferenceKind.recent_employer,
        reference_1_status=ReferenceStatus.satisfactory, reference_2_name="Bob Friend",
        reference_2_kind=ReferenceKind.character, reference_2_status=ReferenceStatus.satisfactory,
        employment_history=HistoryStatus.complete_no_gaps,
    )
    values.update(fields)
    obj = SaferRecruitmentCheck(application=app_, **values)
    db.session.add(obj)
    db.session.commit()
    return obj


def referral(app_, at_vacancy: Vacancy, status=None, **fields):
    from recruitment.models import Referral, ReferralStatus

    obj = Referral(application=app_, vacancy=at_vacancy, referred_by_id=fields.pop("by", None) or user(Role.hcpa_staff).id,
                   status=status or ReferralStatus.sent, **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def application_at(state, owner: User | None = None, at_vacancy: Vacancy | None = None, **fields):
    """An application in `state` with everything that state implies (assessment, checks, referral)."""
    from recruitment.models import ReferralStatus, State

    order = [State.submitted, State.screening, State.values_assessed, State.checks, State.ready_to_refer,
             State.referred, State.interviewing, State.offered]
    app_ = application(state=state, owner=owner, **fields)
    reached = order.index(state) if state in order else -1
    if reached >= order.index(State.values_assessed):
        values_assessment(app_)
    if reached >= order.index(State.ready_to_refer):
        complete_checks(app_)
    if reached >= order.index(State.referred):
        status = {State.referred: ReferralStatus.sent, State.interviewing: ReferralStatus.interview_arranged,
                  State.offered: ReferralStatus.offered}[state]
        extra = {}
        if status != ReferralStatus.sent:
            extra["interview_at"] = utcnow() + timedelta(days=2)
        if status == ReferralStatus.offered:
            extra.update(offered_at=utcnow(), offer_details="30 hours a week, £13 an hour")
        referral(app_, at_vacancy or vacancy(workplace()), status=status, **extra)
    db.session.refresh(app_)
    return app_


def placement(app_=None, start: date | None = None, **fields):
    """A placed applicant: Person + Employment at the vacancy's workplace, and the Placement."""
    from recruitment.models import Placement, ReferralStatus, State

    app_ = app_ or application_at(State.offered)
    ref = app_.open_referral or app_.referrals[-1]
    start = start or date.today() - timedelta(days=10)
    who = app_.user.person or person(app_.full_name, user_account=app_.user)
    job = employment(ref.vacancy.workplace, who=who, start=start, leaving=fields.pop("leaving", None))
    placed_by = fields.pop("by", None) or user(Role.hcpa_staff)
    obj = Placement(application=app_, referral=ref, employment=job, start_date=start,
                    placed_by_id=placed_by.id, **fields)
    db.session.add(obj)
    ref.status = ReferralStatus.placed
    app_.state = State.placed
    app_.user.role = Role.care_worker
    db.session.add(obj)
    db.session.commit()
    return obj


# --- training (training/models.py) ---------------------------------------------------------------

def course(code: str | None = None, renewal_months: int | None = 12, mandatory_for=(), **fields):
    """A course; `mandatory_for` is job role codes. Pass category=CourseCategory.x to change it."""
    from training.models import Course, CourseCategory

    n = _next()
    obj = Course(code=code or f"course_{n}", name=fields.pop("name", f"Course {n}"),
                 category=fields.pop("category", CourseCategory.statutory_mandatory),
                 renewal_months=renewal_months, mandatory_for=[job_role(c) for c in mandatory_for], **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def catalogue():
    """The real course catalogue from training/data/courses.csv; returns courses by code."""
    from training.catalogue import seed_courses
    from training.models import Course

    seed_courses(db.session)
    db.session.commit()
    return {c.code: c for c in db.session.scalars(select(Course))}


def training_record(who: Person, of=None, completed: date | None = None, verified_by: User | None = None,
                    **fields):
    from training.models import TrainingRecord
    from training.records import expiry_for

    of = of or course()
    completed = completed or date.today() - timedelta(days=30)
    obj = TrainingRecord(person=who, course=of, completed_on=completed,
                         expires_on=fields.pop("expires_on", expiry_for(of, completed)), **fields)
    db.session.add(obj)
    if verified_by is not None:
        obj.verified_by_id, obj.verified_at = verified_by.id, utcnow()
    db.session.commit()
    return obj


def qualification(who: Person, kind: str = "diploma_l2_adult_care", status: str = "achieved",
                  achieved: date | None = None, **fields):
    from training.catalogue import QUALIFICATION_FACTS
    from training.models import Qualification, QualificationStatus, QualificationType

    qtype = QualificationType[kind]
    level, social_care = QUALIFICATION_FACTS[qtype]
    qstatus = QualificationStatus[status]
    if qstatus == QualificationStatus.achieved and achieved is None:
        achieved = date.today() - timedelta(days=100)
    obj = Qualification(person=who, qualification_type=qtype, title=fields.pop("title", qtype.value),
                        level=fields.pop("level", level), social_care=social_care, status=qstatus,
                        achieved_on=achieved, **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def induction(who: Person, started: date | None = None, version: str = "v2025", by: User | None = None):
    """A Care Certificate induction with every standard not started."""
    from training.catalogue import standards
    from training.models import (
        CareCertificateInduction, CareCertificateStandardProgress, CertificateVersion, StandardState,
    )

    v = CertificateVersion[version]
    started = started or date.today() - timedelta(days=14)
    obj = CareCertificateInduction(
        person=who, version=v, started_on=started, target_on=started + timedelta(weeks=12),
        started_by_id=by.id if by else None,
        standards=[CareCertificateStandardProgress(standard_number=n, state=StandardState.not_started)
                   for n in standards(v)])
    db.session.add(obj)
    db.session.commit()
    return obj


def care_worker(at: Workplace | None = None, role_code: str = "care_worker", start: date | None = None,
                **fields) -> User:
    """A care worker account with its Person, employed at `at` (if given)."""
    account = user(Role.care_worker, **fields)
    who = person(account.full_name, user_account=account)
    if at is not None:
        employment(at, who=who, role_code=role_code, start=start)
    return account


# --- outcomes (academy/outcomes/models.py) ---------------------------------------------------------

def outcome_snapshot(scope_type: str = "county", scope_id: int = 0, day: date | None = None,
                     metric: str = "vacancy_rate", numerator: float | None = 1, denominator: float | None = 10):
    from academy.outcomes.models import OutcomeSnapshot

    day = day or date(2025, 1, 31)
    obj = db.session.get(OutcomeSnapshot, (scope_type, scope_id, day))
    if obj is None:
        obj = OutcomeSnapshot(scope_type=scope_type, scope_id=scope_id, date=day, figures={})
        db.session.add(obj)
    obj.figures = {**obj.figures, metric: [numerator, denominator, None]}  # one figure of the scope's row
    db.session.commit()
    return obj


def baseline(outcome: str = "vacancy_rate", geography: str = "Hertfordshire", year: int = 2024,
             value: Decimal = Decimal("6.10"), good: str = "down", source: str | None = "Skills for Care"):
    from academy.outcomes.models import Baseline, GoodDirection

    obj = Baseline(outcome=outcome, geography=geography, year=year, value=value,
                   good_direction=GoodDirection[good], source=source)
    db.session.add(obj)
    db.session.commit()
    return obj


# --- career tiers (academy/tiers/models.py) ---------------------------------------------------------

def tiers():
    """The five career tiers with their criteria from academy/tiers/data/tiers.csv; by number."""
    from academy.tiers.models import Tier
    from academy.tiers.rules import seed_tiers

    seed_tiers(db.session)
    db.session.commit()
    return {t.number: t for t in db.session.scalars(select(Tier))}


def tier(number: int = 1, name: str | None = None, criteria=(), **fields):
    """One tier; `criteria` is (kind name, number, codes) tuples."""
    from academy.tiers.models import CriterionKind, Tier, TierCriterion

    obj = Tier(number=number, name=name or f"Tier {number}", cwp_category=fields.pop("cwp_category", "Care worker"),
               criteria=[TierCriterion(kind=CriterionKind[kind], number=n, codes=codes) for kind, n, codes in criteria],
               **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def tier_award(who: Person, tier_number: int = 2, awarded: date | None = None, by: User | None = None, **fields):
    from academy.tiers.models import TierAward

    obj = TierAward(person=who, tier_number=tier_number, awarded_on=awarded or date.today() - timedelta(days=30),
                    endorsed_by_id=by.id if by else None, **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def cpa_membership(who: Person, visible: bool = False):
    from academy.tiers.membership import membership_for

    obj = membership_for(db.session, who)
    obj.profile_visible = visible
    db.session.commit()
    return obj


# --- privacy (academy/privacy/models.py) -----------------------------------------------------------

def erasure_request(who: User | None = None, **fields):
    """A pending request to delete `who`'s account (an applicant by default)."""
    from academy.privacy.models import ErasureRequest, ErasureStatus

    obj = ErasureRequest(user=who or user(Role.applicant), status=fields.pop("status", ErasureStatus.pending),
                         requested_at=fields.pop("requested_at", utcnow()), **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def redaction(record_type: str = "application", record_id: int = 1, reason: str = "retention"):
    from academy.privacy.models import Redaction

    obj = Redaction(record_type=record_type, record_id=record_id, reason=reason)
    db.session.add(obj)
    db.session.commit()
    return obj


def tier_endorsement_request(who: Person, tier_number: int = 2, requested: date | None = None):
    from academy.tiers.models import TierEndorsementRequest

    obj = TierEndorsementRequest(person_id=who.id, tier_number=tier_number, requested_on=requested or date.today())
    db.session.add(obj)
    db.session.commit()
    return obj


# --- manager portal (academy/portal/models.py) ----------------------------------------------------

def role_change(of: Employment, to_code: str = "senior_care_worker", on: date | None = None, by: User | None = None):
    """A job-role change recorded on an employment (the employment takes the new role)."""
    from academy.portal.models import RoleChange

    to_role = job_role(to_code)
    obj = RoleChange(employment=of, from_job_role_id=of.job_role_id, to_job_role_id=to_role.id,
                     from_registered_manager=of.is_registered_manager, to_registered_manager=of.is_registered_manager,
                     changed_on=on or date.today(), changed_by_id=by.id if by else None)
    of.job_role = to_role
    db.session.add(obj)
    db.session.commit()
    return obj


# --- ASC-WDS imports (academy/ascwds/models.py) ------------------------------------------------------

def ascwds_import(by: User | None = None, names=("staff.csv",), **fields):
    """An import batch (files checked, not applied) uploaded by `by`."""
    import json
    import secrets

    from academy.ascwds.models import ImportBatch, ImportState

    obj = ImportBatch(created_by_id=(by or user(Role.manager)).id, token=secrets.token_hex(16),
                      file_names=json.dumps(list(names)), state=fields.pop("state", ImportState.validated), **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


def declared_count(at: Workplace, kind: str = "leavers", count: int = 1, on: date | None = None,
                   ascwds_job_role: str = "8"):
    """A count an ASC-WDS workplace file declared for `at` (care workers, code 8, by default)."""
    from academy.ascwds import codes
    from academy.ascwds.models import DeclaredCount

    role_code = codes.job_role_for_code().get(ascwds_job_role)
    obj = DeclaredCount(workplace_id=at.id, kind=kind, count=count, declared_on=on or date.today(),
                        ascwds_job_role=ascwds_job_role, job_role_id=job_role(role_code).id if role_code else None)
    db.session.add(obj)
    db.session.commit()
    return obj

# --- invitations (academy/auth/models.py) ------------------------------------------------------------

def invitation(by: User | None = None, role: Role = Role.hcpa_staff, workplace: Workplace | None = None,
               days: int = 7, **fields):
    """An unaccepted invitation; returns (invitation, the token its emailed link carries)."""
    from academy.auth.models import Invitation
    from academy.auth.tokens import new_one_time_token

    token, token_hash = new_one_time_token()
    n = _next()
    obj = Invitation(email=fields.pop("email", f"invited{n}@example.com"), full_name=fields.pop("full_name", f"Invited {n}"),
                     role=role, workplace_id=workplace.id if workplace else None, token_hash=token_hash,
                     invited_by_id=(by or user(Role.admin)).id, expires_at=utcnow() + timedelta(days=days), **fields)
    db.session.add(obj)
    db.session.commit()
    return obj, token


# --- requests to link a starter to a worker's passport (academy/portal/models.py) -------------------

def employer_link_request(worker: User | None, at: Workplace, by: User | None = None, state: str = "pending",
                          full_name: str | None = None):
    """Workplace `at` recorded a starter of its own (a new Person) and asked `worker` to link their
    passport (`worker=None`: the email typed belonged to nobody)."""
    from academy.portal.models import EmployerLinkRequest, LinkState

    placeholder = employment(at, who=person(full_name or (worker.full_name if worker else None)),
                             start=date.today() - timedelta(days=7))
    obj = EmployerLinkRequest(employment=placeholder, user=worker, requested_by_id=by.id if by else None,
                              state=LinkState[state])
    if obj.state != LinkState.pending:
        obj.decided_at, obj.decided_by_id = utcnow(), (worker.id if worker else None)
    db.session.add(obj)
    db.session.commit()
    return obj


def recovery_codes(of: User) -> list[str]:
    """Ten fresh recovery codes for a user with two-step on (returned as the set-up page shows them)."""
    from academy.auth.two_step import _new_recovery_codes

    codes = _new_recovery_codes(db.session, of)
    db.session.commit()
    return codes


def issued_credential(who: Person, kind: str = "training_record", source_id: int | None = None):
    """A credential issued to `who` for one passport item (by default a new verified training record)."""
    from training.credentials.issue import issue
    from training.credentials.models import CredentialKind

    if source_id is None:
        source_id = training_record(who, verified_by=manager()).id
    issued = issue(db.session, who, CredentialKind[kind], source_id)
    db.session.commit()
    return issued


# --- recognition (academy/recognition/models.py) ----------------------------------------------------

def award_category(name: str | None = None, description: str | None = None):
    from academy.recognition.models import AwardCategory

    obj = AwardCategory(name=name or f"Category {_next()}", description=description)
    db.session.add(obj)
    db.session.commit()
    return obj


def award_round(name: str | None = None, closes: date | None = None):
    from academy.recognition.models import AwardRound

    obj = AwardRound(name=name or f"Round {_next()}", closes_on=closes or date.today() + timedelta(days=30))
    db.session.add(obj)
    db.session.commit()
    return obj


def nomination(who: Person, of_round=None, category=None, by: User | None = None, status: str = "nominated",
               reason: str = "Always goes the extra mile for residents and colleagues."):
    from academy.recognition.models import Nomination, NominationStatus

    obj = Nomination(round=of_round or award_round(), category=category or award_category(), person=who,
                     nominated_by_id=(by or user()).id, reason=reason, status=NominationStatus[status])
    db.session.add(obj)
    db.session.commit()
    return obj


def thanks(who: Person, by: User | None = None, message: str = "Thank you for covering the late shift."):
    from academy.recognition.models import Thanks

    by = by or manager()
    obj = Thanks(person=who, from_user_id=by.id, from_name=by.full_name, message=message)
    db.session.add(obj)
    db.session.commit()
    return obj


def recognition_choice(who: Person, show: bool = True):
    from academy.recognition.models import RecognitionChoice

    obj = RecognitionChoice(person_id=who.id, show_on_passport=show)
    db.session.add(obj)
    db.session.commit()
    return obj


# --- benefits (academy/benefits/models.py) ---------------------------------------------------------

def benefit(title: str | None = None, kind: str = "discount", roles=(), min_tier: int | None = None,
            member_provider_only: bool = False, **fields):
    """A live benefit for every CPA member unless told otherwise; `roles` are job-role codes."""
    from academy.benefits.models import Benefit, BenefitKind

    obj = Benefit(title=title or f"Benefit {_next()}", kind=BenefitKind[kind],
                  description=fields.pop("description", "Money off for CPA members."),
                  how_to_claim=fields.pop("how_to_claim", "Show your CPA member number at the till."),
                  min_tier=min_tier, member_provider_only=member_provider_only,
                  job_roles=[job_role(code) for code in roles], **fields)
    db.session.add(obj)
    db.session.commit()
    return obj


# --- staff voice (academy/voice/models.py) ---------------------------------------------------------

def poll(title: str | None = None, status: str = "open", questions=("scale",), opens: date | None = None,
         closes: date | None = None, by: User | None = None, **fields):
    """A poll (open by default, from a week ago for a month) with questions of the given kinds:
    "scale", "single_choice" (options Yes / No / Not sure) or "free_text"."""
    from academy.voice.models import Poll, PollQuestion, PollStatus, QuestionKind

    obj = Poll(title=title or f"Poll {_next()}", status=PollStatus[status],
               opens_on=opens or date.today() - timedelta(days=7),
               closes_on=closes or date.today() + timedelta(days=21),
               created_by_id=by.id if by is not None else None, **fields)
    for position, kind in enumerate(questions, start=1):
        obj.questions.append(PollQuestion(
            position=position, kind=QuestionKind[kind], text=f"Question {position} ({kind})",
            options="Yes\nNo\nNot sure" if kind == "single_choice" else None))
    db.session.add(obj)
    db.session.commit()
    return obj


def benefit_use(of, who: Person, used: date | None = None, at: Workplace | None = None):
    """`who` said they used `of` on `used` (today unless told) while working at `at` (unless told,
    where they worked that day, as "I've used this" records it; the first if several)."""
    from academy.benefits.members import workplaces_on
    from academy.benefits.models import BenefitUse

    used = used or date.today()
    workplace_id = at.id if at is not None else workplaces_on(db.session, who, used)[0]
    obj = BenefitUse(benefit=of, person=who, workplace_id=workplace_id, first_used_on=used, used_on=used)
    db.session.add(obj)
    db.session.commit()
    return obj


def poll_participation(of_poll, who: User):
    from academy.voice.models import PollParticipation

    obj = PollParticipation(poll_id=of_poll.id, user_id=who.id)
    db.session.add(obj)
    db.session.commit()
    return obj


def remembered_job(owner: User | None = None, kind: str = "outcomes.recompute", arguments=("2025-01-01", "2025-03-31"),
                   state: str = "queued", job_id: str | None = None, **options):
    """A job the service remembers queueing (academy.jobs_models); Redis knows nothing of it unless
    the test queues it, so its page shows it lost."""
    import uuid

    from academy.jobs_models import RememberedJob

    obj = RememberedJob(id=job_id or f"job-{uuid.uuid4().hex}", kind=kind, arguments=list(arguments),
                        options={"queue": "default", "description": "A remembered job", **options},
                        owner_id=(owner or user(Role.hcpa_staff)).id, state=state)
    db.session.add(obj)
    db.session.commit()
    return obj


def poll_answer(of_poll, question=None, choice: int | None = 4, text: str | None = None, at: Workplace | None = None,
                moderation: str | None = None):
    """One answer row (no participation): for tests of results. `at` gives its group."""
    from academy.voice.models import Moderation, PollAnswer

    question = question or of_poll.questions[0]
    obj = PollAnswer(poll_id=of_poll.id, question_id=question.id, choice=None if text is not None else choice,
                     text=text, moderation=Moderation[moderation] if moderation else None,
                     district_id=at.district_id if at else None, service_type_id=at.service_type_id if at else None,
                     workplace_id=at.id if at else None)
    db.session.add(obj)
    db.session.commit()
    return obj


def possible_duplicate(first=None, second=None, status: str = "open", **flags):
    """Two sent applications recorded as a possible duplicate (by default the same mobile number)."""
    from recruitment.models import DuplicateStatus, PossibleDuplicate

    first = first or application()
    second = second or application()
    low, high = sorted((first.id, second.id))
    flags = flags or {"same_mobile": True}
    obj = PossibleDuplicate(application_id=low, other_application_id=high, status=DuplicateStatus[status],
                            found_at=utcnow(), **flags)
    db.session.add(obj)
    db.session.commit()
    return obj


def answered_by(of_poll, workers, choice: int = 4, text: str | None = None) -> None:
    """Each worker answers every question through the domain function (scale/choice `choice`)."""
    from academy.voice.answering import answer_poll, field_name
    from academy.voice.models import QuestionKind

    for worker in workers:
        values = {}
        for question in of_poll.questions:
            if question.kind == QuestionKind.free_text:
                values[field_name(question)] = text
            elif question.kind == QuestionKind.scale:
                values[field_name(question)] = str(choice)
            else:
                values[field_name(question)] = str(min(choice, len(question.option_list) - 1))
        answer_poll(db.session, of_poll, worker, values)
    db.session.commit()
