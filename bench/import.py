"""ASC-WDS import benchmark (not part of the test run): 500 workplaces, 50,000 staff and 500,000
training rows as real-shaped bulk-upload files, imported into PostgreSQL as the CLI does it
(parse -> validate -> apply in one transaction), printing the time and rows per second of each
step. Target: validate + apply under 60 s on a 2-core machine.

    .venv/bin/python bench/import.py
    .venv/bin/python bench/import.py --staff 5000 --training 50000    # a smaller run

The database (goodcare_bench_ascwds) is created from the real migrations, seeded with the
reference lists and course catalogue, and dropped at the end (--keep keeps it).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from outcomes import database_urls, log  # noqa: E402  (the benches share their database helpers)

ROLES = ["8"] * 12 + ["7"] * 3 + ["52"] * 3 + ["45", "43", "25", "26", "16"]
CATEGORIES = ["6", "9", "10", "15", "20", "13", "14", "26", "7", "2", "8", "17", "32"]


def write_files(folder: Path, staff: int, training: int, workplaces: int, seed: int = 7) -> list[Path]:
    from academy.ascwds.codes import current_header

    rng = random.Random(seed)
    today = date.today()
    paths = [folder / "workplace.csv", folder / "staff.csv", folder / "training.csv"]
    with paths[0].open("w", newline="") as fh:
        writer = csv.DictWriter(fh, current_header("workplace"), lineterminator="\r\n")
        writer.writeheader()
        for w in range(workplaces):
            writer.writerow({"LOCALESTID": f"WP{w:04d}", "STATUS": "NEW", "ESTNAME": f"Bench Home {w}",
                             "ADDRESS1": f"{w} High Street", "POSTTOWN": "St Albans", "POSTCODE": "AL1 3JE",
                             "ESTTYPE": "6", "REGTYPE": "2", "PROVNUM": f"1-{100000000 + w // 3}",
                             "LOCATIONID": f"1-{200000000 + w}", "MAINSERVICE": rng.choice(["1", "2", "8", "55"]),
                             "TOTALPERMTEMP": str(staff // workplaces)})
    per_worker = training // staff
    with paths[1].open("w", newline="") as sf, paths[2].open("w", newline="") as tf:
        staff_writer = csv.DictWriter(sf, current_header("staff"), lineterminator="\r\n")
        training_writer = csv.DictWriter(tf, current_header("training"), lineterminator="\r\n")
        staff_writer.writeheader()
        training_writer.writeheader()
        for n in range(staff):
            local_id, worker_id = f"WP{n % workplaces:04d}", f"W{n:06d}"
            start = today - timedelta(days=rng.randint(30, 4000))
            staff_writer.writerow({
                "LOCALESTID": local_id, "UNIQUEWORKERID": worker_id, "STATUS": "NEW", "DISPLAYID": f"Worker {n}",
                "NINUMBER": f"QQ{n:06d}C", "DOB": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                                                 f"{rng.randint(1960, 2004)}",
                "GENDER": rng.choice("12"), "ETHNICITY": str(rng.randint(31, 47)), "NATIONALITY": "826",
                "STARTDATE": start.strftime("%d/%m/%Y"), "EMPLSTATUS": rng.choice("11111234"),
                "MAINJOBROLE": rng.choice(ROLES), "CONTHOURS": rng.choice(["37.5", "30", "20", "16"]),
                "SCQUAL": rng.choice(["1;2", "1;3", "2", "999"]), "CARECERT": rng.choice("123"),
                "ZEROHRCONT": "2", "SALARYINT": "3", "HOURLYRATE": "12.60"})
            for t, category in enumerate(rng.sample(CATEGORIES, per_worker)):
                done = today - timedelta(days=rng.randint(1, 1000) + t)
                training_writer.writerow({
                    "LOCALESTID": local_id, "UNIQUEWORKERID": worker_id, "CATEGORY": category,
                    "DATECOMPLETED": done.strftime("%d/%m/%Y"),
                    "EXPIRYDATE": (done + timedelta(days=364)).strftime("%d/%m/%Y"), "ACCREDITED": "1"})
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff", type=int, default=50_000)
    parser.add_argument("--training", type=int, default=500_000)
    parser.add_argument("--workplaces", type=int, default=500)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--name", default="goodcare_bench_ascwds")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    admin_url, url = database_urls(args.database_url, args.name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.name}"')
    try:
        run(url, args)
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.name}" WITH (FORCE)')


def run(url: str, args) -> None:
    from flask_migrate import upgrade

    from academy import create_app
    from academy.ascwds.apply import apply_plan
    from academy.ascwds.parse import parse
    from academy.ascwds.validate import Options, validate
    from academy.config import TestConfig
    from academy.extensions import db
    from academy.workplaces.models import District
    from academy.workplaces.reference import seed_reference_data
    from training.catalogue import seed_courses

    app = create_app(TestConfig(url))
    with app.app_context(), tempfile.TemporaryDirectory() as tmp:
        upgrade()
        seed_reference_data(db.session)
        seed_courses(db.session)
        db.session.commit()
        clock = time.perf_counter()
        paths = write_files(Path(tmp), args.staff, args.training, args.workplaces)
        size = sum(p.stat().st_size for p in paths)
        log(f"Generated {args.workplaces:,} workplaces, {args.staff:,} staff, {args.training:,} training rows "
            f"({size / 1e6:.0f} MB) in {time.perf_counter() - clock:.1f} s")
        rows = args.workplaces + args.staff + args.training
        load = os.getloadavg()
        district = db.session.scalar(sa.select(District.id).where(District.name == "St Albans"))

        clock, cpu = time.perf_counter(), time.process_time()
        parsed = [parse(p.name, p.read_bytes()) for p in paths]
        parse_s, parse_cpu = time.perf_counter() - clock, time.process_time() - cpu
        clock, cpu = time.perf_counter(), time.process_time()
        plan = validate(db.session, parsed, None, Options(today=date.today(), district_id=district))
        validate_s, validate_cpu = time.perf_counter() - clock, time.process_time() - cpu
        assert plan.report.ok, plan.report.lines()[:20]
        del parsed
        clock = time.perf_counter()
        def progress(percent: int, message: str) -> None:
            log(f"  apply {time.perf_counter() - clock:5.1f} s: {percent}% {message}")

        apply_plan(db.session, plan, None, progress=progress)
        db.session.commit()  # the CLI's one transaction ends here (academy/unit_of_work.py)
        apply_s, apply_cpu = time.perf_counter() - clock, time.process_time() - cpu
        counts = {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}"))  # noqa: S608 - fixed names
                  for t in ("workplaces", "people", "employments", "training_records")}
        assert counts == {"workplaces": args.workplaces, "people": args.staff, "employments": args.staff,
                          "training_records": args.training}, counts
        total = parse_s + validate_s + apply_s
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"rows: {rows:,} ({args.workplaces:,} workplaces, {args.staff:,} staff, {args.training:,} training)")
        print(f"load average at the start: {load[0]:.1f} (2 cores); wall time, then this process's CPU time")
        print(f"parse:    {parse_s:6.1f} s  {rows / parse_s:10,.0f} rows/s   cpu {parse_cpu:6.1f} s")
        print(f"validate: {validate_s:6.1f} s  {rows / validate_s:10,.0f} rows/s   cpu {validate_cpu:6.1f} s")
        print(f"apply:    {apply_s:6.1f} s  {rows / apply_s:10,.0f} rows/s   cpu {apply_cpu:6.1f} s (+ PostgreSQL's)")
        print(f"total:    {total:6.1f} s  (target under 60 s)  peak memory {peak:,.0f} MB")
        outcomes_after_import(db.session, paths[1])
        db.session.remove()
        db.engine.dispose()


def declared_figures(staff_csv: Path) -> dict[str, list[int]]:
    """County [numerator, denominator] of qualification uptake and care induction straight from the
    staff file (directly employed: EMPLSTATUS 1 or 2; uptake: SCQUAL 1;2 to 1;8; induction: care
    roles with CARECERT 1 or L2CARECERT 1), to compare with what the outcomes engine computes."""
    from academy.ascwds import codes
    from academy.extensions import db
    from academy.workplaces.models import JobRole

    care = dict(db.session.execute(sa.select(JobRole.code, JobRole.care_providing)).all())
    figures = {"qualification_uptake": [0, 0], "care_induction": [0, 0]}
    with staff_csv.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["EMPLSTATUS"] not in ("1", "2"):
                continue
            head, _, level = row["SCQUAL"].partition(";")
            figures["qualification_uptake"][0] += head == "1" and level in tuple("2345678")
            figures["qualification_uptake"][1] += 1
            if care[codes.job_role_for_code()[row["MAINJOBROLE"]]]:
                figures["care_induction"][0] += row["CARECERT"] == "1" or row.get("L2CARECERT", "").startswith("1")
                figures["care_induction"][1] += 1
    return figures


def outcomes_after_import(session, staff_csv: Path) -> None:
    """Compute today's outcomes for the imported data and check the county's qualification uptake
    and care induction against what the staff file declares."""
    from academy.outcomes import snapshots

    today = date.today()
    clock, cpu = time.perf_counter(), time.process_time()
    result = snapshots.run_outcomes(session, today, today)
    print(f"outcomes: {time.perf_counter() - clock:6.1f} s  {result.rows:,} figures for {result.workplaces:,} "
          f"workplaces   cpu {time.process_time() - cpu:6.1f} s")
    stored = snapshots.load(session, "county", None, [today], ["qualification_uptake", "care_induction"])
    declared = declared_figures(staff_csv)
    for row in stored.itertuples():
        expected = declared[row.metric]
        same = [int(row.numerator), int(row.denominator)] == expected
        print(f"  {row.metric}: engine {int(row.numerator):,} of {int(row.denominator):,}; "
              f"the file declares {expected[0]:,} of {expected[1]:,}: {'equal' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
