"""Demo benefits (development only), called from academy/demo.py: HCPA member providers, a
catalogue with something for every kind of benefit (two the demo care worker is not eligible for,
one closed), CPA members among Verulam House's staff and their declared use there, dated last month
or before so that it is in the manager's counts (which stop at the end of last month), so the
manager's portal page shows one count of 5 or more and one "fewer than 5". Idempotent (matched by
title)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from academy.auth.models import User
from academy.benefits.members import workplaces_on
from academy.benefits.models import Benefit, BenefitKind, BenefitUse
from academy.tiers.membership import membership_for
from academy.workplaces.models import Employment, JobRole, Person, Workplace
from training.people import current_employment_clause

MEMBER_PROVIDERS = ("Abbey Care Homes", "Garden City Care", "Hertfordshire Homecare Partnership")
DEMO_WORKPLACE = "Verulam House"

# title, kind, description, how to claim, link, minimum tier, job-role codes, member providers only, closes in days
DEMO_BENEFITS = [
    ("20% off at Hertfordshire leisure centres", BenefitKind.discount,
     "20% off gym, swimming and classes at the county's council-run leisure centres.",
     "Show your CPA member number (on Your career tier) at the centre's reception with photo ID.",
     "https://leisure.example.org/cpa", None, (), False, None),
    ("Employee Assistance Programme", BenefitKind.employee_assistance,
     "Free, confidential support 24 hours a day: counselling, money and legal advice, for you and your family.",
     "Call 0800 000 0000 any time and say you work for an HCPA member provider.\nOr register online with "
     "your employer's name.", "https://eap.example.org/hcpa", None, (), True, None),
    ("Hertfordshire wellbeing service", BenefitKind.wellbeing_service,
     "Talking therapies, wellbeing courses and peer support groups for people working in care in Hertfordshire.",
     "Refer yourself online or by phone on 01707 000000. You do not need your GP or manager to refer you.",
     "https://wellbeing.example.org/self-referral", None, (), False, None),
    ("Leadership coaching", BenefitKind.other,
     "Six one-to-one coaching sessions for supervisors, deputies and registered managers.",
     "Email coaching@hcpa.example.org with your CPA member number.", None, 4, (), False, None),
    ("Senior carers' study grant", BenefitKind.other,
     "Up to £300 towards a Level 3 course for senior care workers and team leaders.",
     "Apply with a quote for the course; HCPA pays the college directly.", None, None,
     ("senior_care_worker", "team_leader"), False, None),
    ("Summer cinema offer", BenefitKind.discount, "Two tickets for the price of one, Tuesdays in August.",
     "Quote HCPA-CINEMA at the box office.", None, None, (), False, -30),
]


def _benefits(session, today: date) -> dict[str, Benefit]:
    existing = {b.title: b for b in session.scalars(select(Benefit))}
    roles = {r.code: r for r in session.scalars(select(JobRole))}
    for title, kind, description, how, link, tier, role_codes, member_only, closes_in in DEMO_BENEFITS:
        if title in existing:
            continue
        closes = today + timedelta(days=closes_in) if closes_in is not None else None
        benefit = Benefit(title=title, kind=kind, description=description, how_to_claim=how, claim_url=link,
                          min_tier=tier, job_roles=[roles[code] for code in role_codes],
                          member_provider_only=member_only, closes_on=closes,
                          opens_on=closes - timedelta(days=60) if closes else None)
        session.add(benefit)
        existing[title] = benefit
    session.flush()
    return existing


def _use(session, benefit: Benefit, person: Person, on: date) -> None:
    """`person` said on `on` that they used `benefit`, at each workplace they worked at then (as
    "I've used this" records it)."""
    for workplace_id in workplaces_on(session, person, on):
        if session.scalar(select(BenefitUse.id).where(BenefitUse.benefit_id == benefit.id,
                                                      BenefitUse.person_id == person.id,
                                                      BenefitUse.workplace_id == workplace_id)) is None:
            session.add(BenefitUse(benefit=benefit, person=person, workplace_id=workplace_id,
                                   first_used_on=on, used_on=on))


def seed_demo_benefits(session, care_worker: User, today: date) -> None:
    for workplace in session.scalars(select(Workplace).where(Workplace.name == DEMO_WORKPLACE)):
        workplace.hcpa_member = True
    for workplace in session.scalars(select(Workplace).join(Workplace.provider)):
        if workplace.provider.name in MEMBER_PROVIDERS:
            workplace.hcpa_member = True
    benefits = _benefits(session, today)
    place = session.scalar(select(Workplace).where(Workplace.name == DEMO_WORKPLACE))
    if place is None:
        return
    staff = list(session.scalars(select(Employment).where(
        Employment.workplace_id == place.id, Employment.start_date <= today, current_employment_clause(today),
        Employment.person_id != (care_worker.person.id if care_worker.person else -1))
        .order_by(Employment.id).limit(8)))
    last_month_end = today.replace(day=1) - timedelta(days=1)
    for n, employment in enumerate(staff):
        membership_for(session, employment.person)
        _use(session, benefits["20% off at Hertfordshire leisure centres"], employment.person,
             last_month_end - timedelta(days=3 * n))
        if n < 2:
            _use(session, benefits["Employee Assistance Programme"], employment.person,
                 last_month_end - timedelta(days=20))
    if care_worker.person is not None:
        membership_for(session, care_worker.person)
        _use(session, benefits["Hertfordshire wellbeing service"], care_worker.person, today - timedelta(days=10))
    session.flush()
