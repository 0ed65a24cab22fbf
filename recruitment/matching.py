"""Matching candidates and vacancies: a pure ranking by district, service type preference, hours,
shift pattern and driving (for homecare), with the reason for each point shown to the officer.

What fits adds points and is a reason; what does not fit (another district, a kind of care they did not
choose, hours far from theirs, shifts they cannot work) takes points away and is a concern, shown beside
the reasons to the officer and, once referred, to the manager. A post they cannot take at all (homecare
without a car, a registered nurse's post without an NMC PIN) is unsuitable and never suggested.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from academy.workplaces.models import Vacancy, Workplace
from recruitment.models import Application, Experience, State

NEIGHBOURS_FILE = Path(__file__).with_name("data") / "neighbouring_districts.csv"
HOMECARE = "homecare"
SENIOR_ROLES = {"senior_care_worker", "team_leader", "registered_nurse", "deputy_manager"}
NMC_PIN_IN_TEXT = re.compile(r"\b\d{2}[A-Z]\d{4}[A-Z]\b")
"""An NMC PIN (like 12A3456E) anywhere in the applicant's qualifications answer."""
REGISTRATIONS = {"registered_nurse": "nmc", "nursing_associate": "nmc"}
"""Job roles that may only be filled by someone on a professional register: the register each needs."""
REGISTRATION_NAMES = {"nmc": "an NMC registration (PIN)"}

# Points for each part of a match (a perfect match scores 100).
# Mismatches take points away, so a post with one ranks below the posts without it.
SAME_DISTRICT, NEIGHBOUR_DISTRICT, DISTRICT_AWAY = 35, 15, -10
PREFERRED_SERVICE, SERVICE_NOT_CHOSEN = 25, -25
HOURS_CLOSE, HOURS_NEAR, HOURS_FAR, HOURS_TOLERANCE_CLOSE, HOURS_TOLERANCE_NEAR = 15, 7, -10, 4, 10
SHIFTS_FIT = 15
SHIFT_MISSING = -30
DRIVES = 10
ASKED_ABOUT = "The applicant asked about this vacancy on the jobs board"
SENIOR_WITHOUT_EXPERIENCE = -10


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    district: str | None
    service_types: frozenset[str]
    hours_per_week: int | None
    days: bool
    nights: bool
    weekends: bool
    drives: bool
    experienced: bool
    registrations: frozenset[str] = frozenset()
    interested_vacancy_id: int | None = None
    """The vacancy they asked about on the jobs board: ranked first, and said so."""


@dataclass(frozen=True)
class Post:
    id: int
    workplace: str
    district: str
    service_type: str
    service_type_name: str
    job_role: str
    job_role_name: str
    hours_per_week: float | None
    days: bool
    nights: bool
    weekends: bool
    driving_needed: bool
    opened_on: date


@dataclass
class Match:
    candidate: Candidate
    post: Post
    score: int = 0
    suitable: bool = True
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    asked_about: bool = False


_neighbours: dict[str, set[str]] | None = None


def neighbours() -> dict[str, set[str]]:
    global _neighbours
    if _neighbours is None:
        result: dict[str, set[str]] = {}
        with NEIGHBOURS_FILE.open(newline="") as fh:
            for row in csv.DictReader(line for line in fh if not line.startswith("#")):
                result.setdefault(row["district"], set()).add(row["neighbour"])
                result.setdefault(row["neighbour"], set()).add(row["district"])
        _neighbours = result
    return _neighbours


def score(candidate: Candidate, post: Post) -> Match:
    """How well one candidate fits one vacancy, and why."""
    match = Match(candidate, post, asked_about=candidate.interested_vacancy_id == post.id)
    if match.asked_about:
        match.reasons.append(ASKED_ABOUT)
    _district(match)
    _service_type(match)
    _hours(match)
    _shifts(match)
    _driving(match)
    _registration(match)
    if post.job_role in SENIOR_ROLES and not candidate.experienced:
        match.score += SENIOR_WITHOUT_EXPERIENCE
        match.concerns.append(f"{post.job_role_name} usually needs care experience")
    return match


def _district(match: Match) -> None:
    c, p = match.candidate, match.post
    if c.district == p.district:
        match.score += SAME_DISTRICT
        match.reasons.append(f"In {p.district}, where they want to work")
    elif p.district in neighbours().get(c.district or "", set()):
        match.score += NEIGHBOUR_DISTRICT
        match.reasons.append(f"In {p.district}, next to {c.district}")
    else:
        match.score += DISTRICT_AWAY
        match.concerns.append(f"In {p.district}, away from {c.district or 'their district'}")


def _service_type(match: Match) -> None:
    c, p = match.candidate, match.post
    if p.service_type in c.service_types:
        match.score += PREFERRED_SERVICE
        match.reasons.append(f"{p.service_type_name}: a kind of care they chose")
    elif c.service_types:
        match.score += SERVICE_NOT_CHOSEN
        match.concerns.append(f"{p.service_type_name} is not one of the kinds of care they chose")


def _hours(match: Match) -> None:
    c, p = match.candidate, match.post
    if p.hours_per_week is None or c.hours_per_week is None:
        return
    gap = abs(float(p.hours_per_week) - c.hours_per_week)
    hours = f"{float(p.hours_per_week):g} hours a week (they want {c.hours_per_week})"
    if gap <= HOURS_TOLERANCE_CLOSE:
        match.score += HOURS_CLOSE
        match.reasons.append(hours)
    elif gap <= HOURS_TOLERANCE_NEAR:
        match.score += HOURS_NEAR
        match.reasons.append(hours)
    else:
        match.score += HOURS_FAR
        match.concerns.append(hours)


def _shifts(match: Match) -> None:
    c, p = match.candidate, match.post
    missing = [name for name, needed, can in (("days", p.days, c.days), ("nights", p.nights, c.nights),
                                              ("weekends", p.weekends, c.weekends)) if needed and not can]
    if missing:
        match.score += SHIFT_MISSING * len(missing)
        match.concerns.append("Needs " + " and ".join(missing) + ", which they cannot work")
    else:
        needed = [n for n, on in (("days", p.days), ("nights", p.nights), ("weekends", p.weekends)) if on]
        match.score += SHIFTS_FIT
        match.reasons.append("Can work the shifts: " + (", ".join(needed) or "any"))


def _driving(match: Match) -> None:
    c, p = match.candidate, match.post
    if p.driving_needed or p.service_type == HOMECARE:
        if c.drives:
            if p.service_type in c.service_types or p.driving_needed:  # no bonus for care they did not choose
                match.score += DRIVES
            match.reasons.append("Drives, with a car, as homecare needs" if p.service_type == HOMECARE
                                 else "Drives, with a car, as the post needs")
        else:
            match.suitable = False
            match.concerns.append("Needs a driver with a car")


def _registration(match: Match) -> None:
    """A post only someone on a professional register may fill (a registered nurse: the NMC) is never
    suggested to someone who has not given their registration, however experienced."""
    needed = REGISTRATIONS.get(match.post.job_role)
    if needed is not None and needed not in match.candidate.registrations:
        match.suitable = False
        match.concerns.append(f"{match.post.job_role_name} needs {REGISTRATION_NAMES[needed]}, "
                              "which they have not given")


def registrations_in(qualifications: str | None) -> frozenset[str]:
    """The professional registrations an applicant's qualifications answer shows (an NMC PIN)."""
    return frozenset({"nmc"}) if NMC_PIN_IN_TEXT.search((qualifications or "").upper()) else frozenset()


def rank_posts(candidate: Candidate, posts: list[Post]) -> list[Match]:
    """Vacancies for one candidate, best first (suitable before unsuitable, then the vacancy they asked
    about on the jobs board, then score, then the vacancy open longest)."""
    return sorted((score(candidate, post) for post in posts),
                  key=lambda m: (not m.suitable, not m.asked_about, -m.score, m.post.opened_on, m.post.id))


def rank_candidates(post: Post, candidates: list[Candidate]) -> list[Match]:
    """Candidates for one vacancy, best first (suitable first, then those who asked about it on the jobs
    board, then score, then name)."""
    return sorted((score(candidate, post) for candidate in candidates),
                  key=lambda m: (not m.suitable, not m.asked_about, -m.score, m.candidate.name, m.candidate.id))


# Building the profiles from the database ---------------------------------------------------------

def candidate_from(application: Application) -> Candidate:
    return Candidate(
        id=application.id, name=application.full_name or application.user.full_name,
        district=application.district.name if application.district else None,
        service_types=frozenset(s.code for s in application.service_types),
        hours_per_week=application.hours_per_week, days=bool(application.available_days),
        nights=bool(application.available_nights), weekends=bool(application.available_weekends),
        drives=bool(application.driving_licence and application.has_car),
        experienced=application.experience not in (None, Experience.none),
        registrations=registrations_in(application.qualifications),
        interested_vacancy_id=application.interested_vacancy_id,
    )


def post_from(vacancy: Vacancy) -> Post:
    workplace = vacancy.workplace
    return Post(
        id=vacancy.id, workplace=workplace.name, district=workplace.district.name,
        service_type=workplace.service_type.code, service_type_name=workplace.service_type.name,
        job_role=vacancy.job_role.code, job_role_name=vacancy.job_role.name,
        hours_per_week=float(vacancy.hours_per_week) if vacancy.hours_per_week is not None else None,
        days=vacancy.days, nights=vacancy.nights, weekends=vacancy.weekends,
        driving_needed=vacancy.driving_needed, opened_on=vacancy.opened_on,
    )


def open_vacancies_query(today: date | None = None):
    """Vacancies open today at active workplaces (workplace, district, type and role are joined)."""
    today = today or date.today()
    return (select(Vacancy).join(Vacancy.workplace).where(Workplace.is_active)
            .where(Vacancy.opened_on <= today)
            .where((Vacancy.closed_on.is_(None)) | (Vacancy.closed_on > today)))


def vacancies_for(session, application: Application, today: date | None = None) -> list[Match]:
    posts = [post_from(v) for v in session.scalars(open_vacancies_query(today)).unique()]
    return rank_posts(candidate_from(application), posts)


def candidates_for(session, vacancy: Vacancy) -> list[Match]:
    applications = session.scalars(select(Application).where(Application.state == State.ready_to_refer)).unique()
    return rank_candidates(post_from(vacancy), [candidate_from(a) for a in applications])
