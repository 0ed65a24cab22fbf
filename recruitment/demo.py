"""Demo applications for development: the demo applicant's own application part-way through, and
others at each stage of the pipeline, so every recruitment page has something on it.

Idempotent: an applicant whose email already has an application is left as it is.
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from academy.auth.models import Role, User
from academy.extensions import utcnow
from academy.workplaces.models import ContractType, District, Employment, JobRole, Person, ServiceType, Vacancy, Workplace
from recruitment import duplicates, matching
from recruitment.followup import create_due_follow_ups
from recruitment.models import (
    VALUES, Application, CheckStatus, DbsStatus, Experience, HeardAbout, HistoryStatus, Placement, ReferenceKind,
    ReferenceStatus, Referral, ReferralStatus, RightToWork, SaferRecruitmentCheck, State, StateChange,
    ValuesAssessment,
)

PIPELINE = [State.submitted, State.screening, State.values_assessed, State.checks, State.ready_to_refer,
            State.referred, State.interviewing, State.offered, State.placed]

# (email, name, district, service codes, state, days since sent, drives)
DEMO_APPLICANTS = [
    ("bola.adeyemi@demo.goodcare.example", "Bola Adeyemi", "St Albans", ["residential_older_people"], State.submitted, 2, False),
    ("chen.wei@demo.goodcare.example", "Chen Wei", "Watford", ["nursing_home", "mental_health"], State.submitted, 12, False),
    ("dana.nowak@demo.goodcare.example", "Dana Nowak", "Stevenage", ["homecare"], State.screening, 9, True),
    ("efe.okafor@demo.goodcare.example", "Efe Okafor", "Dacorum", ["residential_older_people", "nursing_home"], State.values_assessed, 16, False),
    ("femi.evans@demo.goodcare.example", "Femi Evans", "Hertsmere", ["disabled_adults_supported_living"], State.checks, 25, True),
    ("grace.patel@demo.goodcare.example", "Grace Patel", "St Albans", ["residential_older_people", "homecare"], State.ready_to_refer, 34, True),
    ("hannah.green@demo.goodcare.example", "Hannah Green", "St Albans", ["residential_older_people"], State.referred, 40, False),
    ("isaac.moyo@demo.goodcare.example", "Isaac Moyo", "St Albans", ["homecare"], State.placed, 70, True),
    ("jade.khan@demo.goodcare.example", "Jade Khan", "Broxbourne", ["nursing_home"], State.not_progressed, 30, False),
]
# Bola Adeyemi signs up again with another email address and sends a second application (the
# same mobile, name and postcode): the pair HCPA find under "Possible duplicates" (recruitment/duplicates.py).
DEMO_DUPLICATE = ("bola.a@demo.goodcare.example", "Bola Adeyemi", 1)
"""(email, name, days since sent) of the second application; it copies Bola's first one."""
ANSWERS = {
    "care": "My neighbour was upset after a fall. I sat with her, made her a cup of tea and called her daughter.",
    "compassion": "At my last job a customer was rude because he was frightened about his bill; I listened first.",
    "competence": "I learned to drive a forklift at the warehouse by practising every day with a trainer.",
    "communication": "I explained to my grandmother how to video call us, one step at a time, writing it down.",
    "courage": "I told my manager when a colleague was skipping safety checks, even though it was awkward.",
    "commitment": "I finished my English course at college while working evenings, because I wanted to.",
}


def seed_recruitment_demo(session, hcpa: User, applicant: User, today: date | None = None) -> int:
    """Add the demo applications; returns how many were added."""
    today = today or date.today()
    districts = {d.name: d for d in session.scalars(select(District))}
    types = {t.code: t for t in session.scalars(select(ServiceType))}
    added = 0
    if session.scalar(select(Application).where(Application.user_id == applicant.id)) is None:
        _amals_draft(session, applicant, districts)
        added += 1
    for number, (email, name, district, codes, state, days, drives) in enumerate(DEMO_APPLICANTS):
        if session.scalar(select(User).where(User.email == email)) is not None:
            continue
        user = User(email=email, full_name=name, role=Role.applicant, email_confirmed_at=utcnow())
        user.set_password(secrets.token_urlsafe(16))  # data only: these people do not sign in
        application = _complete(user, name, districts[district], [types[c] for c in codes], drives, number)
        application.submitted_at = utcnow() - timedelta(days=days)
        session.add(application)
        _walk(session, application, state, hcpa, today, days)
        added += 1
    session.flush()
    added += _duplicate(session, hcpa, districts, types)
    create_due_follow_ups(session, today, notify=False)
    return added


def _amals_draft(session, applicant: User, districts) -> None:
    """The demo applicant has answered the first few questions and will finish in the walkthrough."""
    session.add(Application(
        user=applicant, state=State.draft, full_name=applicant.full_name, phone="07700 900123", postcode="AL1 4PJ",
        district=districts["St Albans"], right_to_work=RightToWork.british_or_irish, driving_licence=True,
        has_car=False,
    ))


def _duplicate(session, hcpa: User, districts, types) -> int:
    """Bola's second application, sent a day ago and recorded as a possible duplicate of the first."""
    email, name, days = DEMO_DUPLICATE
    first = session.scalar(select(Application).join(User, User.id == Application.user_id)
                           .where(User.email == DEMO_APPLICANTS[0][0]))
    if first is None or session.scalar(select(User).where(User.email == email)) is not None:
        return 0
    user = User(email=email, full_name=name, role=Role.applicant, email_confirmed_at=utcnow())
    user.set_password(secrets.token_urlsafe(16))
    application = _complete(user, name, first.district, list(first.service_types), False, 0)
    application.submitted_at = utcnow() - timedelta(days=days)
    session.add(application)
    _walk(session, application, State.submitted, hcpa, date.today(), days)
    session.flush()
    duplicates.record_possible_duplicates(session, application)
    return 1


def _complete(user, name, district, service_types, drives, number: int) -> Application:
    """A complete application; `number` gives each demo applicant a mobile number of their own."""
    application = Application(
        user=user, state=State.submitted, full_name=name, phone=f"07700 900{400 + number}", postcode="AL3 5NQ",
        district=district, right_to_work=RightToWork.settled, driving_licence=drives, has_car=drives,
        available_days=True, available_nights=False, available_weekends=True, hours_per_week=30,
        service_types_answered=True, experience=Experience.under_one_year,
        experience_details="I looked after my grandfather for two years.", qualifications_answered=True,
        languages="English", heard_about=HeardAbout.social_media, cv_answered=True,
        **{f"answer_{value}": ANSWERS[value] for value in VALUES},
    )
    application.service_types = service_types
    return application


def _walk(session, application: Application, target: State, hcpa: User, today: date, days: int) -> None:
    """Move the application along the pipeline to `target` with a believable history."""
    path = PIPELINE[1:PIPELINE.index(target) + 1] if target in PIPELINE else [State.screening, target]
    moment = application.submitted_at
    previous = State.submitted
    application.history.append(StateChange(from_state=None, to_state=State.submitted, by_id=None,
                                           occurred_at=moment))
    for step, state in enumerate(path, start=1):
        moment = application.submitted_at + timedelta(days=days * step / (len(path) + 1))
        if state == State.values_assessed:
            _assessment(application, hcpa)
        elif state == State.ready_to_refer:
            _checks(application, complete=True)
        elif state == State.referred:
            _referral(session, application, hcpa, "Verulam House" if target != State.placed else "St Albans Home Care")
        reason = "Did not show the values we look for in care work" if state == State.not_progressed else None
        application.history.append(StateChange(from_state=previous, to_state=state, by_id=hcpa.id, reason=reason,
                                               occurred_at=moment))
        previous = state
    if target == State.checks:
        _checks(application, complete=False)
    if target == State.placed:
        _placement(session, application, hcpa, today)
    application.state, application.state_changed_at = target, moment


def _assessment(application, hcpa) -> None:
    scores = dict(zip(VALUES, (3, 4, 3, 3, 2, 3)))
    application.assessments.append(ValuesAssessment(
        assessor_id=hcpa.id, total=sum(scores.values()), passed=True, min_each=2, min_total=16,
        **{f"{v}_score": s for v, s in scores.items()},
        **{f"{v}_justification": f"Clear example in the written answer and on the phone ({v})." for v in VALUES}))


def _checks(application, complete: bool) -> None:
    application.checks = SaferRecruitmentCheck(
        identity_right_to_work=CheckStatus.done, right_to_work_evidence="Home Office share code check",
        dbs_status=DbsStatus.clear if complete else DbsStatus.applied, dbs_barred_list_checked=complete,
        dbs_certificate_number="001122334455" if complete else None,
        dbs_issued_on=date.today() - timedelta(days=10) if complete else None,
        reference_1_name="Previous employer", reference_1_kind=ReferenceKind.recent_employer,
        reference_1_status=ReferenceStatus.satisfactory, reference_2_name="College tutor",
        reference_2_kind=ReferenceKind.character,
        reference_2_status=ReferenceStatus.satisfactory if complete else ReferenceStatus.requested,
        employment_history=HistoryStatus.complete_no_gaps)


def _referral(session, application, hcpa, workplace_name: str) -> None:
    workplace = session.scalar(select(Workplace).where(Workplace.name == workplace_name))
    vacancy = open_vacancy_at(session, workplace)
    session.flush()  # the vacancy's workplace, district and role, for matching
    match = matching.score(matching.candidate_from(application), matching.post_from(vacancy))
    application.referrals.append(Referral(vacancy=vacancy, referred_by_id=hcpa.id, status=ReferralStatus.sent,
                                          match_reasons="\n".join(match.reasons) or None,
                                          match_concerns="\n".join(match.concerns) or None))


def open_vacancy_at(session, workplace: Workplace) -> Vacancy:
    """An open care-worker vacancy at the workplace (added if it has none), so matching finds it."""
    vacancy = session.scalar(select(Vacancy).where(Vacancy.workplace_id == workplace.id, Vacancy.closed_on.is_(None))
                             .order_by(Vacancy.id))
    if vacancy is None:
        vacancy = Vacancy(workplace=workplace, posts=2, hours_per_week=Decimal("30"), days=True, weekends=True,
                          job_role=session.scalar(select(JobRole).where(JobRole.code == "care_worker")),
                          contract_type=ContractType.permanent, hourly_pay=Decimal("13.00"),
                          driving_needed=workplace.service_type.code == "homecare",
                          opened_on=date.today() - timedelta(days=20))
        session.add(vacancy)
    return vacancy


def _placement(session, application, hcpa, today: date) -> None:
    referral = application.referrals[-1]
    referral.status, referral.offer_details = ReferralStatus.placed, "30 hours a week, £13.00 an hour"
    start = today - timedelta(days=9)
    person = Person(full_name=application.full_name, email=application.user.email, user=application.user)
    employment = Employment(person=person, workplace=referral.vacancy.workplace, job_role=referral.vacancy.job_role,
                            contract_type=ContractType.permanent, hours_per_week=Decimal("30"), start_date=start)
    application.user.role = Role.care_worker
    session.add(Placement(application=application, referral=referral, employment=employment, start_date=start,
                          placed_by_id=hcpa.id))
