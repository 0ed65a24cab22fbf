"""Training-matrix benchmark (not part of the test run): one workplace with 300 staff x 25 mandatory
courses (a record for every cell), then time building the matrix and serving the whole page, the
CSV and the XLSX download, and count the SQL statements each takes.

    .venv/bin/python bench/matrix.py                      # SQLite in a temporary directory
    .venv/bin/python bench/matrix.py --staff 300 --courses 25 --runs 5
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/goodcare_bench .venv/bin/python bench/matrix.py

The database must be empty (SQLite: a fresh file is made); it is built by the real migrations.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


def seed(db, staff: int, courses: int):
    from academy.auth.models import Role, User
    from academy.extensions import utcnow
    from academy.workplaces.models import ContractType, District, Employment, JobRole, Person, Provider, ServiceType, \
        Workplace
    from training.models import Course, CourseCategory, TrainingRecord

    today = date.today()
    role = db.session.query(JobRole).filter_by(code="care_worker").one()
    workplace = Workplace(name="Bench House", provider=Provider(name="Bench Provider"), address_line_1="1 High St",
                          town="St Albans", postcode="AL1 3JE", district=db.session.query(District).first(),
                          service_type=db.session.query(ServiceType).first())
    made = [Course(code=f"bench_{n}", name=f"Bench course {n:02d}", category=CourseCategory.statutory_mandatory,
                   renewal_months=12, mandatory_for=[role]) for n in range(courses)]
    db.session.add_all([workplace, *made])
    for n in range(staff):
        person = Person(full_name=f"Bench Worker {n:03d}")
        db.session.add(Employment(person=person, workplace=workplace, job_role=role, start_date=today - timedelta(days=90),
                                  contract_type=ContractType.permanent))
        for i, course in enumerate(made):
            completed = today - timedelta(days=(n * 7 + i * 11) % 400)
            db.session.add(TrainingRecord(person=person, course=course, completed_on=completed,
                                          expires_on=completed + timedelta(days=365)))
    manager = User(email="bench.manager@example.com", full_name="Bench Manager", role=Role.manager,
                   email_confirmed_at=utcnow())
    manager.set_password("bench-orchard-lantern-7")
    manager.workplaces.append(workplace)
    db.session.add(manager)
    db.session.commit()
    return workplace.id, manager.email


def timed(db, runs: int, action) -> tuple[float, int]:
    """Median seconds over `runs` and the statements of one run."""
    seen = []

    def count(*_):
        seen.append(1)

    times = []
    for run in range(runs):
        if run == 0:
            event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        if run == 0:
            event.remove(db.engine, "before_cursor_execute", count)
    return statistics.median(times), len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--courses", type=int, default=25)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from academy import create_app
    from academy.config import TestConfig
    from academy.extensions import db
    from academy.portal.matrix import build_matrix
    from academy.workplaces.models import Workplace
    from academy.workplaces.reference import seed_reference_data

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app(TestConfig(url, WTF_CSRF_ENABLED=False))
    with app.app_context():
        upgrade()
        seed_reference_data(db.session)
        workplace_id, email = seed(db, args.staff, args.courses)
        client = app.test_client()
        response = client.post("/sign-in", data={"email": email, "password": "bench-orchard-lantern-7"})
        assert response.status_code == 302, response.status_code
        workplace = db.session.get(Workplace, workplace_id)
        results = {
            "build_matrix": timed(db, args.runs, lambda: build_matrix(db.session, workplace, date.today())),
            "GET matrix page": timed(db, args.runs, lambda: client.get(f"/portal/{workplace_id}/matrix")),
            "GET matrix.csv": timed(db, args.runs, lambda: client.get(f"/portal/{workplace_id}/matrix.csv")),
            "GET matrix.xlsx": timed(db, args.runs, lambda: client.get(f"/portal/{workplace_id}/matrix.xlsx")),
        }
        size = len(client.get(f"/portal/{workplace_id}/matrix").data)
    print(f"{args.staff} staff x {args.courses} courses on {url.split(':')[0]}, median of {args.runs} runs")
    for name, (seconds, statements) in results.items():
        print(f"  {name:<16} {seconds * 1000:8.1f} ms  {statements:3d} SQL statements")
    print(f"  page size        {size / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
