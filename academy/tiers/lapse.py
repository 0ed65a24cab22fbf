"""Tier lapse: a tier that needs mandatory training lapses when a mandatory course has been
expired for longer than TIER_LAPSE_GRACE_DAYS. The worker (and their managers) get a notice
first; the lapse comes on a later run. Each award gets at most one notice per spell of expired
training, claimed by a conditional UPDATE, so re-runs and overlapping runs send nothing twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select, update

from academy.mail import send_mail
from academy.tiers.models import CriterionKind, Tier, TierAward, TierCriterion
from academy.unit_of_work import job
from academy.workplaces.models import Person
from training.people import managers_of
from training.records import TrainingState, training_overview


CHUNK = 1000


@dataclass
class LapseRun:
    notices: int = 0
    lapsed: int = 0
    emails: int = 0


def lowest_tier_needing_mandatory_training(session) -> int | None:
    return session.scalar(select(Tier.number).join(TierCriterion).where(
        TierCriterion.kind == CriterionKind.mandatory_training_current).order_by(Tier.number).limit(1))


def _recipients(session, person: Person, today: date) -> list[str]:
    own = person.user.email if person.user is not None else person.email
    addresses = ([own] if own else []) + [m.email for m in managers_of(session, person, today)]
    return list(dict.fromkeys(addresses))


def _expired_since(lines) -> tuple[date | None, list[str]]:
    expired = [line for line in lines if line.mandatory and line.state == TrainingState.expired]
    if not expired:
        return None, []
    return min(line.record.expires_on for line in expired), sorted(line.course.name for line in expired)


def _claim_notice(session, ids: list[int], today: date) -> int:
    """Mark the awards noticed today; how many this run claimed (0: another run already did)."""
    claimed = session.execute(update(TierAward).where(TierAward.id.in_(ids), TierAward.lapse_notice_sent_on.is_(None))
                              .values(lapse_notice_sent_on=today)).rowcount
    return claimed


def _claim_lapse(session, ids: list[int], today: date, reason: str) -> int:
    claimed = session.execute(update(TierAward).where(TierAward.id.in_(ids), TierAward.lapsed_on.is_(None))
                              .values(lapsed_on=today, lapse_reason=reason[:300])).rowcount
    return claimed


def run_tier_lapses(session, today: date | None = None, grace_days: int = 60) -> LapseRun:
    """Send due lapse notices and lapse tiers past the grace period. Safe to run again."""
    today = today or date.today()
    run = LapseRun()
    lowest = lowest_tier_needing_mandatory_training(session)
    if lowest is None:
        return run
    awards = list(session.scalars(select(TierAward).where(
        TierAward.lapsed_on.is_(None), TierAward.awarded_on <= today, TierAward.tier_number >= lowest)))
    by_person: dict[int, list[TierAward]] = {}
    for award in awards:
        by_person.setdefault(award.person_id, []).append(award)
    ids = sorted(by_person)
    for start in range(0, len(ids), CHUNK):
        people = list(session.scalars(select(Person).where(Person.id.in_(ids[start:start + CHUNK]))))
        lines = training_overview(session, people, today)
        for person in people:
            _check_person(session, run, person, by_person[person.id], lines.get(person.id, []), today, grace_days)
            session.commit()  # a person at a time, with their emails: a later failure keeps those done
    return run


def _check_person(session, run: LapseRun, person: Person, held: list[TierAward], lines, today: date,
                  grace_days: int) -> None:
    since, courses = _expired_since(lines)
    if since is None:
        renewed = [a.id for a in held if a.lapse_notice_sent_on is not None]
        if renewed:  # training renewed: a later expiry gets a fresh notice
            session.execute(update(TierAward).where(TierAward.id.in_(renewed)).values(lapse_notice_sent_on=None))
        return
    lapses_on = since + timedelta(days=grace_days + 1)
    unnoticed = [a.id for a in held if a.lapse_notice_sent_on is None]
    if unnoticed:
        if _claim_notice(session, unnoticed, today):
            run.notices += 1
            run.emails += _notify(session, person, held, courses, max(lapses_on, today + timedelta(days=1)), today)
        return
    due = [a.id for a in held if today >= lapses_on and a.lapse_notice_sent_on < today]
    reason = f"Mandatory training expired since {since:%-d %B %Y}: {', '.join(courses)}"
    claimed = _claim_lapse(session, due, today, reason) if due else 0
    if claimed:
        run.lapsed += claimed
        run.emails += _tell_lapsed(session, person, courses, today)


def _notify(session, person, held, courses, lapses_on, today) -> int:
    top = max(a.tier_number for a in held)
    to = _recipients(session, person, today)
    for address in to:
        send_mail(address, f"Career tier {top} will lapse on {lapses_on:%-d %B %Y} unless training is renewed",
                  f"{person.full_name}'s mandatory training has expired: {', '.join(courses)}.\n\n"
                  f"Career tier {top} will lapse on {lapses_on:%-d %B %Y} unless it is renewed and recorded "
                  "on the training passport before then.")
    return len(to)


def _tell_lapsed(session, person, courses, today) -> int:
    to = _recipients(session, person, today)
    for address in to:
        send_mail(address, "A career tier has lapsed",
                  f"{person.full_name}'s career tier has lapsed on {today:%-d %B %Y} because mandatory training "
                  f"stayed expired past the grace period: {', '.join(courses)}.\n\n"
                  "Renew the training; the manager can then endorse the tier again.")
    return len(to)


@job
def tier_lapse_job() -> dict:
    """RQ job (academy/jobs_cron.py): today's lapse notices and lapses, inside the app context."""
    from flask import current_app

    from academy.extensions import db

    run = run_tier_lapses(db.session, grace_days=current_app.config["TIER_LAPSE_GRACE_DAYS"])
    return {"notices": run.notices, "lapsed": run.lapsed, "emails": run.emails}
