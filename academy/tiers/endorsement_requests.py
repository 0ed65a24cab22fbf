"""Asking managers to endorse: once a day, staff whose eligible tier is above the tier they hold
are found (in chunks, with `tiers_for`'s fixed queries per chunk) and the managers of their
workplaces are emailed, once per person and tier. Each request is claimed by inserting a
`TierEndorsementRequest` row (unique per person and tier) before any email goes, so re-runs and
overlapping runs never ask twice."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from academy.mail import public_url, send_mail
from academy.tiers.evaluator import tiers_for
from academy.tiers.models import TierEndorsementRequest
from academy.unit_of_work import job
from academy.workplaces.models import Employment, Person, workplace_managers
from training.people import current_employment_clause, managers_of

CHUNK = 1000


def _staff_with_managers(session, today: date):
    """A SELECT of the ids of people in post today at a workplace that has a manager."""
    return (select(Employment.person_id).join(workplace_managers,
                                              workplace_managers.c.workplace_id == Employment.workplace_id)
            .where(Employment.start_date <= today, current_employment_clause(today)).distinct())


def _claim(session, person: Person, tier_number: int, today: date, recipients: int) -> bool:
    try:
        with session.begin_nested():
            session.add(TierEndorsementRequest(person_id=person.id, tier_number=tier_number, requested_on=today,
                                               recipients=recipients))
    except IntegrityError:
        return False
    return True


def request_endorsements(session, today: date | None = None) -> int:
    """Email the managers of everyone newly eligible for a higher tier. Returns emails sent."""
    today = today or date.today()
    ids = list(session.scalars(_staff_with_managers(session, today)))
    emails = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        people = list(session.scalars(select(Person).where(Person.id.in_(chunk))))
        evaluations = tiers_for(session, people, today)
        waiting = [p for p in people if evaluations[p.id].awaiting_endorsement]
        if not waiting:
            continue
        asked = set(session.execute(select(TierEndorsementRequest.person_id, TierEndorsementRequest.tier_number)
                                    .where(TierEndorsementRequest.person_id.in_([p.id for p in waiting]))))
        for person in waiting:
            evaluation = evaluations[person.id]
            if (person.id, evaluation.eligible_tier) in asked:
                continue
            managers = [m for m in managers_of(session, person, today) if m.id != person.user_id]
            if not managers or not _claim(session, person, evaluation.eligible_tier, today, len(managers)):
                continue
            link = public_url("tiers.person", person_id=person.id)
            for manager in managers:
                send_mail(manager.email, f"Please endorse career tier {evaluation.eligible_tier}: {person.full_name}",
                          f"{person.full_name} now meets every criterion of Care Professional Academy career tier "
                          f"{evaluation.eligible_tier} ({evaluation.name_of(evaluation.eligible_tier)}).\n\n"
                          f"Check their training passport and endorse the tier: {link}")
            session.commit()  # a person at a time, with their emails: a later failure keeps those done
            emails += len(managers)
    return emails


@job
def endorsement_requests_job() -> dict:
    """RQ job (academy/jobs_cron.py): today's endorsement requests, inside the app context."""
    from academy.extensions import db

    return {"emails": request_endorsements(db.session)}
