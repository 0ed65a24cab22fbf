"""The one tier evaluator: given people's passports at a date, which tier each holds (awarded,
not lapsed), which they are eligible for (every criterion of that tier and of all lower tiers
holds), the next tier, and that tier's checklist: what holds, what is missing, what to do.

`tiers_for` reads everything for many people with a fixed number of queries (the staff list and
the training-needs page call it for hundreds of people); `evaluate` is the one-person form.
`standings_for` gives only the tier held and the tier eligible for (no checklist), by the same rules:
what the manager's summary counts, for every member of staff on each view.
Passport facts come from the training code (training.records, training.induction) and the
workforce spine, never re-derived here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload

from academy.tiers.models import CriterionKind, Tier, TierAward, TierCriterion
from academy.workplaces.models import Employment, JobRole, Person
from training.induction import valid_certificate
from training.models import CareCertificateInduction, Course, Qualification, QualificationStatus, QualificationType
from training.people import CurrentJob, current_jobs
from training.records import CourseLine, TrainingState, add_months, training_overview

HELD_STATES = (TrainingState.current, TrainingState.expiring)
TOP_TIER = 5


@dataclass
class CriterionResult:
    """One line of a tier checklist."""

    description: str
    holds: bool
    how_to: str
    link_endpoint: str | None
    tier: int = 0
    criterion_id: int | None = None
    detail: str = ""


@dataclass
class TierEvaluation:
    person_id: int
    on: date
    awarded_tier: int | None
    eligible_tier: int | None
    next_tier: int | None
    criteria: list[CriterionResult] = field(default_factory=list)
    tier_names: dict[int, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[CriterionResult]:
        return [c for c in self.criteria if not c.holds]

    @property
    def awaiting_endorsement(self) -> bool:
        """Eligible for a tier above the one awarded: the manager is asked to endorse it."""
        return _awaiting(self.eligible_tier, self.awarded_tier)

    def name_of(self, number: int | None) -> str:
        return self.tier_names.get(number, "") if number else ""


@dataclass
class TierStanding:
    """The tier a person holds and the highest they are eligible for, without the checklist."""

    person_id: int
    on: date
    awarded_tier: int | None
    eligible_tier: int | None
    tier_names: dict[int, str] = field(default_factory=dict)

    @property
    def awaiting_endorsement(self) -> bool:
        return _awaiting(self.eligible_tier, self.awarded_tier)


def _awaiting(eligible_tier: int | None, awarded_tier: int | None) -> bool:
    return eligible_tier is not None and eligible_tier > (awarded_tier or 0)


@dataclass
class Passport:
    """The facts about one person that criteria read (built in bulk by `passports_for`)."""

    jobs: list[CurrentJob]  # the job roles of their current employments
    lines: list[CourseLine]
    qualifications: list[Qualification]
    inductions: list[CareCertificateInduction]
    first_care_start: date | None


@dataclass
class Names:
    courses: dict[str, str]
    job_roles: dict[str, str]


def load_tiers(session) -> list[Tier]:
    """The tiers with their criteria, lowest first (two queries)."""
    return list(session.scalars(select(Tier).options(selectinload(Tier.criteria)).order_by(Tier.number)))


def criterion_names(session, tiers: list[Tier]) -> Names:
    course_codes, role_codes = set(), set()
    for tier in tiers:
        for criterion in tier.criteria:
            if criterion.kind == CriterionKind.specialist_course_in:
                course_codes.update(criterion.code_list)
            elif criterion.kind == CriterionKind.job_role_in:
                role_codes.update(criterion.code_list)
    courses = {code: name for code, name in session.execute(
        select(Course.code, Course.name).where(Course.code.in_(course_codes)))} if course_codes else {}
    roles = {code: name for code, name in session.execute(
        select(JobRole.code, JobRole.name).where(JobRole.code.in_(role_codes)))} if role_codes else {}
    return Names(courses, roles)


def passports_for(session, people: list[Person], on: date, records: dict | None = None,
                  inductions: dict | None = None) -> dict[int, Passport]:
    """The people's passports at `on`. When the caller has read them already: `records`, every
    training record of theirs as RecordFacts (`training.records.record_facts_by_person`);
    `inductions`, every Care Certificate induction of theirs (person id -> list, those without one
    left out: `academy.portal.matrix.induction_lists`)."""
    ids = [p.id for p in people]
    jobs = current_jobs(session, ids, on)
    lines = training_overview(session, people, on, facts_only=True, employments=jobs, records=records)
    qualifications: dict[int, list[Qualification]] = {i: [] for i in ids}
    held: dict[int, list[CareCertificateInduction]] = {i: list((inductions or {}).get(i, [])) for i in ids}
    first_start: dict[int, date] = {}
    if ids:
        for q in session.scalars(select(Qualification).where(Qualification.person_id.in_(ids))):
            qualifications[q.person_id].append(q)
        if inductions is None:
            # Only the dates matter here: the standards stay unloaded (loaded on access, if ever).
            for i in session.scalars(select(CareCertificateInduction)
                                     .options(lazyload(CareCertificateInduction.standards))
                                     .where(CareCertificateInduction.person_id.in_(ids))):
                held[i.person_id].append(i)
        # Time in care counts from the first day in a care-providing role anywhere, up to `on`.
        rows = session.execute(select(Employment.person_id, Employment.start_date).join(JobRole).where(
            Employment.person_id.in_(ids), JobRole.care_providing, Employment.start_date <= on))
        for person_id, start in rows:
            first_start[person_id] = min(start, first_start.get(person_id, start))
    return {i: Passport(jobs.get(i, []), lines.get(i, []), qualifications[i], held[i], first_start.get(i))
            for i in ids}


def _achieved(qualification: Qualification, on: date) -> bool:
    return (qualification.status == QualificationStatus.achieved and qualification.achieved_on is not None
            and qualification.achieved_on <= on)


def _listing(codes: list[str], names: dict[str, str]) -> str:
    shown = [names.get(code, code.replace("_", " ")) for code in codes]
    if not shown:
        return "(none chosen)"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def describe(criterion: TierCriterion, names: Names) -> str:
    """The criterion in words, as a worker reads it on their checklist."""
    kind, n = criterion.kind, criterion.number
    if kind == CriterionKind.qualification_level_at_least:
        return f"A relevant social care qualification at Level {n} or above, achieved"
    if kind == CriterionKind.months_in_care_at_least:
        return f"At least {n} months working in care"
    if kind == CriterionKind.specialist_course_in:
        return f"Current training in {_listing(criterion.code_list, names.courses)}"
    if kind == CriterionKind.job_role_in:
        return f"Working as {_listing(criterion.code_list, names.job_roles)}"
    if kind == CriterionKind.qualification_type_in:
        types = {t.name: t.value for t in QualificationType}
        return f"Achieved: {_listing(criterion.code_list, types)}"
    return {CriterionKind.induction_started: "Care Certificate induction started",
            CriterionKind.care_certificate_signed_off: "Care Certificate signed off",
            CriterionKind.mandatory_training_current: "All mandatory training for your role current"}[kind]


def _gaps(passport: Passport) -> list[str]:
    """The mandatory courses not held (expired or missing), by name."""
    return [line.course.name for line in passport.lines if line.mandatory and line.state not in HELD_STATES]


def holds(criterion: TierCriterion, passport: Passport, on: date) -> bool:
    """Does the criterion hold on `on`? The rule itself; `check` adds what the checklist shows."""
    kind, n = criterion.kind, criterion.number or 0
    if kind == CriterionKind.induction_started:
        return any(i.started_on <= on for i in passport.inductions)
    if kind == CriterionKind.care_certificate_signed_off:
        done = valid_certificate(passport.inductions)
        return done is not None and done.completed_on <= on
    if kind == CriterionKind.mandatory_training_current:
        return bool(passport.jobs) and not _gaps(passport)
    if kind == CriterionKind.qualification_level_at_least:
        return any(q.relevant and (q.level or 0) >= n and _achieved(q, on) for q in passport.qualifications)
    if kind == CriterionKind.qualification_type_in:
        codes = set(criterion.code_list)
        return any(q.qualification_type.name in codes and _achieved(q, on) for q in passport.qualifications)
    if kind == CriterionKind.months_in_care_at_least:
        start = passport.first_care_start
        return start is not None and add_months(start, n) <= on
    if kind == CriterionKind.specialist_course_in:
        codes = set(criterion.code_list)
        return any(line.course.code in codes and line.state in HELD_STATES and line.record is not None
                   and line.record.completed_on <= on for line in passport.lines)
    if kind == CriterionKind.job_role_in:
        codes = set(criterion.code_list)
        return any(job.code in codes for job in passport.jobs)
    raise ValueError(f"unknown criterion kind {kind}")


def check(criterion: TierCriterion, passport: Passport, on: date) -> tuple[bool, str, str, str | None]:
    """Does the criterion hold on `on`? (holds, detail, what to do, link endpoint)."""
    kind, n = criterion.kind, criterion.number or 0
    held = holds(criterion, passport, on)
    if kind == CriterionKind.induction_started:
        return held, "", "Ask your manager to start your Care Certificate induction", "training.own_induction"
    if kind == CriterionKind.care_certificate_signed_off:
        detail = f"Signed off {valid_certificate(passport.inductions).completed_on:%-d %B %Y}" if held else ""
        return held, detail, "Complete every Care Certificate standard and ask your assessor to sign it off", \
            "training.own_induction"
    if kind == CriterionKind.mandatory_training_current:
        gaps = _gaps(passport)
        detail = ("Expired or missing: " + ", ".join(gaps)) if gaps else ("" if passport.jobs
                                                                          else "No current job role recorded")
        return held, detail, "Book and record the mandatory training that is expired or missing", "training.start"
    if kind == CriterionKind.qualification_level_at_least:
        working = [q.title for q in passport.qualifications if q.relevant and (q.level or 0) >= n
                   and not _achieved(q, on)]
        detail = ("Working towards: " + ", ".join(working)) if working and not held else ""
        return held, detail, f"Enrol on a Level {n} adult care qualification, and record it when achieved", \
            "training.new_own_qualification"
    if kind == CriterionKind.qualification_type_in:
        return held, "", "Record the qualification when you have achieved it", "training.new_own_qualification"
    if kind == CriterionKind.months_in_care_at_least:
        start = passport.first_care_start
        detail = f"In care since {start:%-d %B %Y}" if start else "No care role recorded"
        return held, detail, f"Keep working in care: this holds {n} months after you started", None
    if kind == CriterionKind.specialist_course_in:
        return held, "", "Complete one of these courses and add it to your passport", "training.new_own_record"
    if kind == CriterionKind.job_role_in:
        roles = [job.name for job in passport.jobs]
        detail = ("Your role: " + ", ".join(roles)) if roles and not held else ""
        return held, detail, "Talk to your manager about moving into one of these roles", None
    raise ValueError(f"unknown criterion kind {kind}")


def _results(tier: Tier, passport: Passport, on: date, names: Names) -> list[CriterionResult]:
    results = []
    for criterion in tier.criteria:
        holds, detail, how_to, link = check(criterion, passport, on)
        results.append(CriterionResult(describe(criterion, names), holds, how_to, link, tier.number,
                                       criterion.id, detail))
    return results


def _awarded(awards: list[TierAward], on: date) -> int | None:
    current = [a.tier_number for a in awards if a.current_on(on)]
    return max(current) if current else None


def _evaluate_one(person_id: int, passport: Passport, awards: list[TierAward], tiers: list[Tier], on: date,
                  names: Names) -> TierEvaluation:
    by_tier = {tier.number: _results(tier, passport, on, names) for tier in tiers}
    eligible = _eligible(tiers, lambda tier: all(r.holds for r in by_tier[tier.number]))
    awarded = _awarded(awards, on)
    top = max([t.number for t in tiers], default=0)
    reached = max(awarded or 0, eligible or 0)
    next_tier = reached + 1 if reached < top else None
    criteria: list[CriterionResult] = []
    if next_tier is not None:
        # What stands between the worker and the next tier: its own criteria, plus any criterion of
        # a lower tier that no longer holds (e.g. mandatory training expired since the award).
        for number in range((eligible or 0) + 1, next_tier):
            criteria += [r for r in by_tier.get(number, []) if not r.holds]
        criteria += by_tier.get(next_tier, [])
    return TierEvaluation(person_id, on, awarded, eligible, next_tier, criteria,
                          {t.number: t.name for t in tiers})


def _eligible(tiers: list[Tier], met) -> int | None:
    """The highest tier whose criteria hold together with every lower tier's (`met(tier)`: do all of
    that tier's criteria hold?), lowest first; None when tier 1's do not."""
    eligible = None
    for tier in tiers:
        if not met(tier):
            break
        eligible = tier.number
    return eligible


def awards_by_person(session, person_ids) -> dict[int, list[TierAward]]:
    result: dict[int, list[TierAward]] = {i: [] for i in person_ids}
    if person_ids:
        for award in session.scalars(select(TierAward).where(TierAward.person_id.in_(list(person_ids)))
                                     .order_by(TierAward.awarded_on, TierAward.id)):
            result[award.person_id].append(award)
    return result


def tiers_for(session, people: list[Person], on: date) -> dict[int, TierEvaluation]:
    """Evaluations for many people, keyed by person id, with a fixed number of queries."""
    people = list({p.id: p for p in people}.values())
    tiers = load_tiers(session)
    names = criterion_names(session, tiers)
    passports = passports_for(session, people, on)
    awards = awards_by_person(session, [p.id for p in people])
    return {p.id: _evaluate_one(p.id, passports[p.id], awards[p.id], tiers, on, names) for p in people}


def standings_for(session, people: list[Person], on: date, records: dict | None = None,
                  inductions: dict | None = None) -> dict[int, TierStanding]:
    """The tier held and the tier eligible for, for many people, keyed by person id: as `tiers_for`
    finds them, without building the checklists (each tier's criteria are checked only until one
    fails, and the criteria are not described). A fixed number of queries, two fewer than `tiers_for`
    (and one fewer for each of `records` and `inductions`, as `passports_for` takes them, given)."""
    people = list({p.id: p for p in people}.values())
    tiers = load_tiers(session)
    passports = passports_for(session, people, on, records, inductions)
    awards = awards_by_person(session, [p.id for p in people])
    names = {t.number: t.name for t in tiers}
    return {p.id: _standing(p.id, passports[p.id], awards[p.id], tiers, on, names) for p in people}


def _standing(person_id: int, passport: Passport, awards: list[TierAward], tiers: list[Tier], on: date,
              names: dict[int, str]) -> TierStanding:
    eligible = _eligible(tiers, lambda tier: all(holds(c, passport, on) for c in tier.criteria))
    return TierStanding(person_id, on, _awarded(awards, on), eligible, names)


def evaluate(session, person: Person, on: date) -> TierEvaluation:
    """One person's tier evaluation at `on`."""
    return tiers_for(session, [person], on)[person.id]


def tier_results(session, person: Person, tier_number: int, on: date) -> list[CriterionResult]:
    """Every criterion of `tier_number` and the tiers below it, checked for `person` on `on`."""
    tiers = [t for t in load_tiers(session) if t.number <= tier_number]
    names = criterion_names(session, tiers)
    passport = passports_for(session, [person], on)[person.id]
    return [r for tier in tiers for r in _results(tier, passport, on, names)]
