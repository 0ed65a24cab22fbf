"""Manager's summary benchmark (not part of the test run): one workplace with 300 staff in post, the
real course catalogue and career tiers, training records, qualifications, Care Certificate inductions
and tier awards, then the CPU time of serving `/portal/<id>/` with Flask's test client and the SQL
statements it takes.

    .venv/bin/python bench/summary.py                     # SQLite in a temporary directory
    .venv/bin/python bench/summary.py --staff 300 --runs 15
    .venv/bin/python bench/summary.py --computed          # no stored month-end snapshot (computed figures)
    .venv/bin/python bench/summary.py --like-step-load    # no career tiers, awards or induction standards
    .venv/bin/python bench/summary.py --profile           # and a cProfile of the page, top functions
    .venv/bin/python bench/summary.py --save page.html    # keep the page (to compare two versions' output)
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/goodcare_bench .venv/bin/python bench/summary.py

CPU is `time.process_time` of this process (the application's CPU: the database's own time is in it
on SQLite, not on PostgreSQL), median of --runs views after --warm-up views. As in each gunicorn
worker (gunicorn.conf.py), the objects made before the first view are frozen out of the garbage
collector's reach (`gc.freeze()`); --no-freeze leaves them in (full collections walk them again).
By default the month-end figures are the outcomes job's stored snapshot, as in the step load
(`bench/step.py`); --computed leaves it out. The database must be empty (SQLite: a fresh file is
made); the real migrations build it.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, select

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

PASSWORD = "bench-orchard-lantern-7"
# Roles in post at the home, with their share: mostly care workers, as in a large care home.
ROLES = (("care_worker", 60), ("senior_care_worker", 15), ("team_leader", 4), ("registered_nurse", 6),
         ("ancillary", 8), ("administrative", 4), ("deputy_manager", 2), ("registered_manager", 1))


def seed(db, staff: int, seed_value: int = 7, like_step_load: bool = False):
    """The workplace, its staff and their passports (about ten training records each, as the step
    load's Hertfordshire database has; Care Certificate inductions with their standards, as the
    service starts them), a manager to sign in as; returns (workplace id, email). `like_step_load`:
    no awards and no standards (bench/step.py's database, whose inductions bench/outcomes.py
    writes in SQL; it seeds no career tiers either)."""
    from academy.auth.models import Role, User
    from academy.extensions import utcnow
    from academy.tiers.models import TierAward
    from academy.workplaces.models import ContractType, District, Employment, JobRole, Person, Provider, ServiceType, \
        Workplace
    from training.catalogue import standards
    from training.models import CareCertificateInduction, CareCertificateStandardProgress, CertificateVersion, \
        Course, CourseCategory, Qualification, QualificationStatus, QualificationType, StandardState, TrainingRecord

    rng = random.Random(seed_value)
    today = date.today()
    roles = {r.code: r for r in db.session.scalars(select(JobRole))}
    weighted_roles = [roles[code] for code, share in ROLES if code in roles for _ in range(share)]
    courses = [c for c in db.session.scalars(select(Course).order_by(Course.id))
               if c.category != CourseCategory.qualification]
    mandatory = [c for c in courses if c.mandatory_for]
    others = [c for c in courses if not c.mandatory_for]
    weighted_courses = mandatory * 9 + others  # about nine in ten records for a mandatory course
    workplace = Workplace(name="Bench 300 House", provider=Provider(name="Bench Provider"), address_line_1="1 High St",
                          town="St Albans", postcode="AL1 3JE", district=db.session.query(District).first(),
                          service_type=db.session.query(ServiceType).first())
    db.session.add(workplace)
    manager = User(email="bench.manager@example.com", full_name="Bench Manager", role=Role.manager,
                   email_confirmed_at=utcnow())
    manager.set_password(PASSWORD)
    manager.workplaces.append(workplace)
    db.session.add(manager)
    db.session.flush()
    for n in range(staff):
        person = Person(full_name=f"Bench Worker {n:03d}")
        started = today - timedelta(days=rng.randint(10, 3000))
        db.session.add(Employment(person=person, workplace=workplace, job_role=rng.choice(weighted_roles),
                                  start_date=started, contract_type=ContractType.permanent))
        if rng.random() < 0.2:  # an earlier job in care, ended (time in care counts from it)
            db.session.add(Employment(person=person, workplace=workplace, job_role=roles["care_worker"],
                                      start_date=started - timedelta(days=700),
                                      leaving_date=started - timedelta(days=1), contract_type=ContractType.permanent))
        for _ in range(10):
            course = rng.choice(weighted_courses)
            completed = today - timedelta(days=rng.randint(0, 5 * 365))
            expires = completed + timedelta(days=30 * course.renewal_months) if course.renewal_months else None
            db.session.add(TrainingRecord(person=person, course=course, completed_on=completed, expires_on=expires))
        if rng.random() < 0.55:
            kind = rng.choice((QualificationType.diploma_l2_adult_care, QualificationType.diploma_l3_adult_care,
                               QualificationType.l2_adult_social_care_certificate, QualificationType.other))
            achieved = rng.random() >= 0.05
            status = QualificationStatus.achieved if achieved else QualificationStatus.enrolled
            on = today - timedelta(days=rng.randint(0, 3650)) if achieved else None
            db.session.add(Qualification(person=person, qualification_type=kind, title=kind.value,
                                         level=3 if kind == QualificationType.diploma_l3_adult_care else 2,
                                         social_care=kind != QualificationType.other, status=status, achieved_on=on))
        if rng.random() < 0.6:  # an induction with its 16 standards, as the inductions page starts one
            begun = today - timedelta(days=rng.randint(0, 2000))
            done = begun + timedelta(days=rng.randint(0, 140)) if rng.random() < 0.8 else None
            done = done if done and done <= today else None
            progress = [CareCertificateStandardProgress(
                standard_number=number,
                state=StandardState.signed_off if done or rng.random() < 0.5 else StandardState.not_started)
                for number in standards(CertificateVersion.v2025)] if not like_step_load else []
            db.session.add(CareCertificateInduction(person=person, version=CertificateVersion.v2025, started_on=begun,
                                                    target_on=begun + timedelta(days=84), completed_on=done,
                                                    standards=progress))
        if not like_step_load and rng.random() < 0.3:
            db.session.add(TierAward(person=person, tier_number=rng.choice((1, 1, 2, 2, 3)),
                                     awarded_on=today - timedelta(days=rng.randint(0, 700)), endorsed_by_id=manager.id,
                                     workplace=workplace))
    db.session.commit()
    return workplace.id, manager.email


def store_month_end(db, workplace_id: int) -> None:
    """The outcomes job's snapshot at the latest month end (as the step load has it)."""
    from academy.outcomes import metrics, snapshots
    from academy.portal import summary as summaries
    from academy.workplaces.models import Workplace

    workplace = db.session.get(Workplace, workplace_id)
    month_end = summaries.latest_month_end(date.today())
    frame = summaries.compute_now(db.session, workplace, month_end)
    snapshots.replace_snapshots(db.session.connection(), frame, [month_end], scope_types=["workplace"],
                                scope_ids=(workplace_id, workplace_id + 1), metrics_wanted=list(metrics.ALL_METRICS))
    db.session.commit()


def measured(db, runs: int, warm_up: int, action) -> tuple[list[float], list[float], int]:
    """CPU and wall seconds of each of `runs` calls after `warm_up`, and the statements of one call."""
    for _ in range(warm_up):
        action()
    seen = []

    def count(*_):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    action()
    event.remove(db.engine, "before_cursor_execute", count)
    cpu, wall = [], []
    for _ in range(runs):
        started, started_wall = time.process_time(), time.perf_counter()
        action()
        cpu.append(time.process_time() - started)
        wall.append(time.perf_counter() - started_wall)
    return cpu, wall, len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--computed", action="store_true", help="no stored month-end snapshot")
    parser.add_argument("--like-step-load", action="store_true",
                        help="as bench/step.py's database: no career tiers or awards, inductions without standards")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 5 page views")
    parser.add_argument("--save", type=Path, help="write the page's HTML to this file")
    parser.add_argument("--no-freeze", action="store_true", help="no gc.freeze() before the views")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from academy import create_app
    from academy.config import TestConfig
    from academy.extensions import db
    from academy.tiers.rules import seed_tiers
    from academy.workplaces.reference import seed_reference_data
    from training.catalogue import seed_courses

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app(TestConfig(url, WTF_CSRF_ENABLED=False))
    with app.app_context():
        upgrade()
        seed_reference_data(db.session)
        seed_courses(db.session)
        if not args.like_step_load:
            seed_tiers(db.session)
        db.session.commit()
        workplace_id, email = seed(db, args.staff, like_step_load=args.like_step_load)
        if not args.computed:
            store_month_end(db, workplace_id)
        db.session.remove()
        if not args.no_freeze:
            gc.collect()
            gc.freeze()
        client = app.test_client()
        response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        path = f"/portal/{workplace_id}/"

        def view():
            page = client.get(path)
            assert page.status_code == 200, page.status_code
            return page

        page = view().data
        size = len(page)
        if args.save:
            args.save.write_bytes(page)
        cpu, wall, statements = measured(db, args.runs, args.warm_up, view)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                view()
            profiler.disable()
    figures = ("computed" if args.computed else "stored") + " month-end figures"
    figures += ", no career tiers or induction standards" if args.like_step_load else ""
    print(f"manager's summary, {args.staff} staff on {url.split(':')[0]} ({figures}, "
          f"{'no gc.freeze' if args.no_freeze else 'gc.freeze'}), {args.runs} views after {args.warm_up} to warm up")
    print(f"  CPU ms per view   median {statistics.median(cpu) * 1000:7.1f}  "
          f"min {min(cpu) * 1000:7.1f}  max {max(cpu) * 1000:7.1f}")
    print(f"  wall ms per view  median {statistics.median(wall) * 1000:7.1f}")
    print(f"  SQL statements    {statements}")
    print(f"  page size         {size / 1024:.1f} KiB")
    if args.profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())


if __name__ == "__main__":
    main()
