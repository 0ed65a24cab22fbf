"""Demo training data (development only), called from academy/demo.py. Idempotent: people who
already have training records or an induction are left alone."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from academy.auth.models import User
from academy.workplaces.models import Employment, Workplace
from training.catalogue import seed_courses
from training.induction import set_standard_state, start_induction
from training.models import CareCertificateInduction, Course, StandardState, TrainingRecord
from training.qualifications import QualificationInput, add_qualification
from training.records import RecordInput, add_record, verify_record

CARE_WORKER_COURSES = ("moving_handling", "basic_life_support", "fire_safety", "infection_prevention",
                       "safeguarding_adults", "health_safety", "oliver_mcgowan_tier1", "data_protection",
                       "mental_capacity", "food_hygiene", "dementia")


def seed_demo_training(session, care_worker: User, manager: User, today: date) -> int:
    """The demo care worker's passport and some staff training at the manager's workplaces."""
    seed_courses(session)
    courses = {c.code: c for c in session.scalars(select(Course))}
    added = 0
    person = care_worker.person
    if person is not None and not session.scalar(select(TrainingRecord.id).where(TrainingRecord.person_id == person.id)):
        _demo_passport(session, person, care_worker, manager, courses, today)
        added += 1
    rng = random.Random(4)
    staff = session.scalars(select(Employment).join(Workplace).where(
        Workplace.id.in_([w.id for w in manager.workplaces]), Employment.leaving_date.is_(None),
        Employment.person_id != (person.id if person else 0))).all()
    for employment in staff:
        worker = employment.person
        if session.scalar(select(TrainingRecord.id).where(TrainingRecord.person_id == worker.id)):
            continue
        for code in rng.sample(CARE_WORKER_COURSES[:8], rng.randint(3, 8)):
            done = max(employment.start_date, today - timedelta(days=rng.randint(10, 500)))
            add_record(session, worker, RecordInput(courses[code].id, done), manager, today)
        if (today - employment.start_date).days < 120 and not session.scalar(
                select(CareCertificateInduction.id).where(CareCertificateInduction.person_id == worker.id)):
            induction = start_induction(session, worker, employment.start_date, manager, employment.workplace,
                                        today=today)
            for progress in induction.standards[: rng.randint(2, 10)]:
                set_standard_state(session, induction, progress.standard_number, StandardState.signed_off, manager,
                                   on=today)
        added += 1
    session.flush()
    return added


def _demo_passport(session, person, care_worker, manager, courses, today) -> None:
    employment = person.employments[0]
    for index, code in enumerate(CARE_WORKER_COURSES):
        done = today - timedelta(days=30 + index * 25)
        if code == "fire_safety":
            done = today - timedelta(days=330)  # expiring within 60 days: shows the state and the reminder
        record = add_record(session, person, RecordInput(courses[code].id, done, training_provider="HCPA Academy"),
                            care_worker, today)
        if index % 4 != 3:
            verify_record(session, record, manager)
    start = max(employment.start_date, date(2025, 3, 1))
    induction = start_induction(session, person, start, manager, employment.workplace, today=today)
    for progress in induction.standards:
        set_standard_state(session, induction, progress.standard_number, StandardState.signed_off, manager,
                           on=min(today, start + timedelta(weeks=10)))
    add_qualification(session, person, QualificationInput("diploma_l2_adult_care", "in_progress",
                                                          started_on=today - timedelta(days=90),
                                                          awarding_body="NCFE CACHE"), care_worker, today)
