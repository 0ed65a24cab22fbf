"""Two years of believable workforce history for one demo workplace (development only).

Called from academy/demo.py for each workplace it adds. A workplace has a fixed number of posts
(its establishment) and one registered manager. Each post is held by a chain of people: the holder
in post two years ago (started years before, on a tenure drawn from the same leaving rate) may
leave; the post is then a vacancy (opened the day they leave) until it is filled, and the next holder
starts the day the vacancy closes. With a leaving rate L a year and posts taking F days to fill on
average, the turnover rate is about L and the vacancy rate about L*F/365 / (1 + L*F/365): at the
figures below 25% and 7%, beside Hertfordshire's published 20.6% to 30.1% and 6.1% to 9.0%
(DOMAIN.md, Outcomes). Qualifications (a relevant Level 2+ diploma, achieved before or while in
post) and Care Certificates (arrived holding it, completed within 12 weeks, later, or not yet) are
given by role with shares that put qualification uptake and care inductions near the county's
published 43-47% and 40-43%. Every draw comes from the `rng` passed in, so the same seed gives the
same history.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert

from academy.workplaces.models import ContractType, Employment, Person, Vacancy
from training.catalogue import standards
from training.induction import FIRST_DAY_2025, LAST_DAY_2015
from training.models import (
    CareCertificateInduction, CareCertificateStandardProgress, CertificateVersion, Qualification, QualificationStatus,
    QualificationType, StandardState,
)

HISTORY_DAYS = 770  # two years and a month: the first snapshot of the 12 shown counts leavers a year before it
LEAVING_RATE = 0.25  # a year, for every post but the registered manager's
RM_LEAVING_RATE = 0.22
DAYS_TO_FILL = (30, 190)  # a vacancy stays open this many days (uniform): 110 on average
RM_DAYS_TO_FILL = (45, 180)
LONGEST_TENURE_DAYS = 15 * 365

# The posts of each kind of service, by job role code and weight (a deputy manager is added to every one).
ROLE_MIX = {
    "nursing_home": {"care_worker": 10, "senior_care_worker": 3, "registered_nurse": 4, "ancillary": 3,
                     "activities_worker": 1},
    "residential_older_people": {"care_worker": 11, "senior_care_worker": 4, "team_leader": 1, "ancillary": 3,
                                 "activities_worker": 1},
    "homecare": {"care_worker": 14, "senior_care_worker": 3, "team_leader": 1},
    "disabled_adults_supported_living": {"support_worker": 12, "senior_care_worker": 1, "team_leader": 2},
    "mental_health": {"support_worker": 6, "registered_nurse": 1, "team_leader": 1},
}
MANAGING_ROLES = ("deputy_manager", "registered_manager")

# Share of each role's holders with a relevant Level 2+ social care qualification by the time they
# leave (or today), and which one. Nurses' NMC registration is not a social care qualification.
QUALIFIED_SHARE = {"care_worker": 0.47, "support_worker": 0.47, "senior_care_worker": 0.8, "team_leader": 0.85,
                   "deputy_manager": 0.9, "registered_manager": 0.95, "registered_nurse": 0.15, "ancillary": 0.1,
                   "activities_worker": 0.35}
QUALIFICATION_FOR = {"senior_care_worker": QualificationType.diploma_l3_adult_care,
                     "team_leader": QualificationType.diploma_l3_adult_care,
                     "deputy_manager": QualificationType.diploma_l4_adult_care,
                     "registered_manager": QualificationType.diploma_l5_leadership}
ARRIVED_QUALIFIED = 0.6  # of those qualified, the share who held it when they started
AWARDING_BODIES = ("NCFE CACHE", "City & Guilds", "Highfield Qualifications", "Pearson")

# Care Certificate: a holder who started before the history did holds it with this share; a care
# starter since then arrived holding it, completes it within 12 weeks, later, or not at all.
TENURED_HOLDS_CERTIFICATE = 0.35
STARTER_CERTIFICATE = (("arrived_holding", 0.25), ("within_12_weeks", 0.35), ("later", 0.15), ("not_yet", 0.25))

HOURS = ("16", "22.5", "30", "37.5", "37.5", "40")
HOURLY_PAY = {"care_worker": ("12.60", "13.00", "13.50"), "support_worker": ("12.60", "13.00", "13.50"),
              "senior_care_worker": ("13.75", "14.25", "14.75"), "team_leader": ("14.50", "15.25"),
              "registered_nurse": ("21.50", "23.00", "24.50"), "ancillary": ("12.21", "12.60"),
              "activities_worker": ("12.60", "13.25"), "deputy_manager": ("17.50", "19.00"),
              "registered_manager": ("24.00", "27.50")}
# Leaving reasons as the portal's leaver form stores them (academy/portal/forms.py), by weight.
LEAVING_REASONS = {"another_care_job": 6, "left_care": 4, "nhs": 2, "retired": 1, "health": 1, "end_of_contract": 1,
                   "other": 1}


@dataclass(slots=True)
class Post:
    role: str
    contract: ContractType
    hours: str


@dataclass(slots=True)
class Holder:
    """One person's employment in a post."""

    post: Post
    start: date
    leaving: date | None


@dataclass
class History:
    holders: list[Holder] = field(default_factory=list)
    openings: list[tuple[Post, date, date | None]] = field(default_factory=list)  # (post, opened, closed)


def posts_for(service_type: str, beds: int | None, rng: random.Random) -> list[Post]:
    """The workplace's establishment: its registered manager, a deputy and care and other posts."""
    if beds and service_type in ("nursing_home", "residential_older_people"):
        size = round(beds * 0.4)
    elif service_type == "homecare":
        size = rng.randint(16, 28)
    elif service_type == "mental_health":
        size = rng.randint(8, 14)
    else:
        size = rng.randint(12, 20)
    mix = ROLE_MIX[service_type]
    roles = ["registered_manager", "deputy_manager", *rng.choices(list(mix), weights=list(mix.values()), k=size)]
    return [Post(role, ContractType.temporary if role not in MANAGING_ROLES and rng.random() < 0.05
                 else ContractType.permanent, "40" if role in MANAGING_ROLES else rng.choice(HOURS))
            for role in roles]


def simulate(posts: list[Post], today: date, rng: random.Random) -> History:
    """Each post's holders and vacancies over the last HISTORY_DAYS (see the module's docstring)."""
    history = History()
    first_day = today - timedelta(days=HISTORY_DAYS)
    for post in posts:
        manager = post.role == "registered_manager"
        rate = (RM_LEAVING_RATE if manager else LEAVING_RATE) / 365.25
        lowest, highest = RM_DAYS_TO_FILL if manager else DAYS_TO_FILL
        start = first_day - timedelta(days=min(int(rng.expovariate(rate)), LONGEST_TENURE_DAYS))
        stays_from = first_day  # the first holder's tenure before the history does not make them leave
        while True:
            leaving = stays_from + timedelta(days=int(rng.expovariate(rate)))
            if leaving >= today:
                history.holders.append(Holder(post, start, None))
                break
            history.holders.append(Holder(post, start, leaving))
            closed = leaving + timedelta(days=rng.randint(lowest, highest))
            if closed > today:
                history.openings.append((post, leaving, None))
                break
            history.openings.append((post, leaving, closed))
            start = stays_from = closed
    return history


@dataclass
class Rows:
    """The rows to insert for one workplace; `person` and `induction` are indexes into the lists of
    people and inductions, replaced by their ids once those are inserted."""

    people: list[dict] = field(default_factory=list)
    employments: list[dict] = field(default_factory=list)
    qualifications: list[dict] = field(default_factory=list)
    inductions: list[dict] = field(default_factory=list)
    standards: list[dict] = field(default_factory=list)
    vacancies: list[dict] = field(default_factory=list)

    def person(self, full_name: str) -> int:
        self.people.append({"full_name": full_name})
        return len(self.people) - 1


def add_workplace_history(session, workplace, roles: dict, names, rng: random.Random, today: date) -> int:
    """Add the workplace's posts' holders (with their qualifications and Care Certificates), its
    bank staff and its vacancies; returns how many employments were added."""
    service_type = workplace.service_type.code
    history = simulate(posts_for(service_type, workplace.beds, rng), today, rng)
    first_day = today - timedelta(days=HISTORY_DAYS)
    rows = Rows()
    for holder in history.holders:
        person = rows.person(names(rng))
        rows.employments.append(_employment(person, roles, holder.post, holder.start, holder.leaving, rng))
        _qualification(rows, person, holder, today, rng)
        if roles[holder.post.role].care_providing:
            _certificate(rows, person, holder, first_day, today, rng)
    bank = [Post(rng.choice(["care_worker", "care_worker", "support_worker"]), ContractType.bank, "0")
            for _ in range(rng.randint(1, 3))]
    for post in bank:
        rows.employments.append(_employment(rows.person(names(rng)), roles, post,
                                            today - timedelta(days=rng.randint(30, 1500)), None, rng))
    for post, opened, closed in history.openings:
        rows.vacancies.append(_vacancy(roles, post, opened, closed, service_type == "homecare", rng))
    session.flush()  # the workplace's id
    _insert(session, rows, workplace.id)
    return len(rows.employments)


def _insert(session, rows: Rows, workplace_id: int) -> None:
    """One INSERT a table (as ORM objects, the 1,300 people and 8,000 induction standards of the
    demo were most of `seed demo`'s time)."""
    person_ids = session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), rows.people).all()
    for row in rows.employments + rows.qualifications + rows.inductions:
        row["person_id"] = person_ids[row.pop("person")]
    for row in rows.employments + rows.inductions + rows.vacancies:
        row.setdefault("workplace_id", workplace_id)  # a recorded induction has None: an earlier employer
    session.execute(insert(Employment), rows.employments)
    session.execute(insert(Vacancy), rows.vacancies)
    if rows.qualifications:
        session.execute(insert(Qualification), rows.qualifications)
    if rows.inductions:
        induction_ids = session.scalars(insert(CareCertificateInduction).returning(
            CareCertificateInduction.id, sort_by_parameter_order=True), rows.inductions).all()
        for row in rows.standards:
            row["induction_id"] = induction_ids[row.pop("induction")]
        session.execute(insert(CareCertificateStandardProgress), rows.standards)


def _employment(person: int, roles, post: Post, start: date, leaving: date | None, rng) -> dict:
    return {"person": person, "job_role_id": roles[post.role].id, "contract_type": post.contract,
            "hours_per_week": Decimal(post.hours) if post.hours != "0" else None, "start_date": start,
            "leaving_date": leaving, "leaving_reason": _leaving_reason(rng) if leaving else None,
            "is_registered_manager": post.role == "registered_manager"}


def _leaving_reason(rng) -> str:
    return rng.choices(list(LEAVING_REASONS), weights=list(LEAVING_REASONS.values()))[0]


def _vacancy(roles, post: Post, opened: date, closed: date | None, homecare: bool, rng) -> dict:
    caring = post.role not in MANAGING_ROLES and post.role != "ancillary"
    return {"job_role_id": roles[post.role].id, "posts": 1, "hours_per_week": Decimal(post.hours), "days": True,
            "nights": caring and rng.random() < 0.35, "weekends": caring and rng.random() < 0.65,
            "contract_type": post.contract, "hourly_pay": Decimal(rng.choice(HOURLY_PAY[post.role])),
            "driving_needed": homecare and caring, "opened_on": opened, "closed_on": closed}


def _qualification(rows: Rows, person: int, holder: Holder, today: date, rng) -> None:
    """A relevant diploma: held on arrival, achieved in post, or still in progress (or none)."""
    if rng.random() >= QUALIFIED_SHARE.get(holder.post.role, 0.3):
        return
    kind = QUALIFICATION_FOR.get(holder.post.role) or (
        QualificationType.diploma_l3_adult_care if rng.random() < 0.2 else QualificationType.diploma_l2_adult_care)
    body = rng.choice(AWARDING_BODIES)
    if rng.random() < ARRIVED_QUALIFIED:
        achieved = holder.start - timedelta(days=rng.randint(30, 2500))
        started = achieved - timedelta(days=rng.randint(240, 540))
    else:
        started = holder.start + timedelta(days=rng.randint(30, 300))
        achieved = started + timedelta(days=rng.randint(240, 540))
        if started > min(today, holder.leaving or today):
            return  # left, or not started yet
        if achieved > today or (holder.leaving and achieved > holder.leaving):
            if holder.leaving is None:
                rows.qualifications.append(_diploma(person, kind, QualificationStatus.in_progress, started, None, body))
            return
    rows.qualifications.append(_diploma(person, kind, QualificationStatus.achieved, started, achieved, body))


def _diploma(person: int, kind: QualificationType, status, started: date, achieved: date | None, body: str) -> dict:
    level = {QualificationType.diploma_l2_adult_care: 2, QualificationType.diploma_l3_adult_care: 3,
             QualificationType.diploma_l4_adult_care: 4, QualificationType.diploma_l5_leadership: 5}[kind]
    return {"person": person, "qualification_type": kind, "title": kind.value, "level": level, "social_care": True,
            "status": status, "started_on": started, "achieved_on": achieved, "awarding_body": body}


def _certificate(rows: Rows, person: int, holder: Holder, first_day: date, today: date, rng) -> None:
    """The holder's Care Certificate, if any (see TENURED_HOLDS_CERTIFICATE and STARTER_CERTIFICATE)."""
    until = min(today, holder.leaving or today)
    if holder.start < first_day:
        if rng.random() < TENURED_HOLDS_CERTIFICATE:
            started = max(holder.start, date(2015, 4, 1)) + timedelta(days=rng.randint(0, 20))
            _induction(rows, person, started, started + timedelta(days=rng.randint(35, 84)), until, rng)
        return
    way = rng.choices([w for w, _ in STARTER_CERTIFICATE], weights=[s for _, s in STARTER_CERTIFICATE])[0]
    started = holder.start + timedelta(days=rng.randint(0, 10))
    if way == "arrived_holding":
        completed = holder.start - timedelta(days=rng.randint(60, 1500))
        _induction(rows, person, completed, completed, until, rng, recorded=True)
    elif way == "within_12_weeks":
        _induction(rows, person, started, started + timedelta(days=rng.randint(30, 84)), until, rng)
    elif way == "later":
        _induction(rows, person, started, started + timedelta(days=rng.randint(90, 200)), until, rng)
    elif rng.random() < 0.5:  # not yet: half of them have started it
        _induction(rows, person, started, date.max, until, rng)


def _standard_numbers(version: CertificateVersion, known: dict = {}) -> list[int]:  # noqa: B006 (a cache)
    if version not in known:
        known[version] = list(standards(version))
    return known[version]


def _induction(rows: Rows, person: int, started: date, completed: date, until: date, rng,
               recorded: bool = False) -> None:
    """An induction started on `started` (at this workplace, unless `recorded` from an earlier
    employer's certificate), completed on `completed` if that is by `until` (today, or the day they
    left), every standard signed off by then; else in progress with some standards signed off. The
    2015 standards before March 2025 (completed by July 2025), the 2025 ones after."""
    if started > until:
        return
    version = CertificateVersion.v2025 if started >= FIRST_DAY_2025 else CertificateVersion.v2015
    if version == CertificateVersion.v2015:
        completed = min(completed, LAST_DAY_2015)
    done = completed <= until
    numbers = _standard_numbers(version)
    signed = len(numbers) if done else rng.randint(0, len(numbers) - 1)
    last = completed if done else min(until, LAST_DAY_2015) if version == CertificateVersion.v2015 else until
    days = max(0, (last - started).days)
    induction = len(rows.inductions)
    rows.inductions.append({
        "person": person, "version": version, "started_on": started, "target_on": started + timedelta(weeks=12),
        "completed_on": completed if done else None, "recorded_from_certificate": recorded,
        **({"workplace_id": None} if recorded else {})})
    rows.standards.extend(
        {"induction": induction, "standard_number": number, "state": StandardState.signed_off,
         "completed_on": started + timedelta(days=days * (index + 1) // signed)} if index < signed
        else {"induction": induction, "standard_number": number, "state": StandardState.not_started,
              "completed_on": None}
        for index, number in enumerate(numbers))
