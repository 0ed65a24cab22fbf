"""Load benchmark (not part of the test run): gunicorn (2 workers) on PostgreSQL and Redis with a
Hertfordshire-scale database, driven by locust for a fixed time with a mix of

  applicants answering application pages, HCPA staff working the screening queue,
  managers opening the training matrix and the outcomes dashboard, and a bare Flask page

served by the same gunicorn in the same run, so each page's latency can be read as a ratio to it.
Prints requests per second, p50/p95/p99 per page, the ratio of each page's p50 to the bare page's,
and the number of 5xx answers (target: zero).

    .venv/bin/python scripts/install-python-deps --bench  # once: locust, bench-only
    .venv/bin/python bench/load.py --minutes 10 --users 24
    .venv/bin/python bench/load.py --minutes 1 --users 8  # a quick look

Step mode (docs/capacity.md): no think time; 2, 4, 8, 16, ... virtual users, each step first
the mixed workload (every page below in turn, the bare page among them), then the bare page alone
with as many users, until the mixed run's p95 passes 500 ms or a request fails. Prints per step
and per page p50/p95/p99, the ratio of each page's p95 to the bare page's, the capacity (requests a
second at the last step within the limit) and whether the targets are met. It needs no locust:
its users are threads of bench/driver.py.

    nice -n 10 .venv/bin/python bench/load.py --step --scale hertfordshire
    nice -n 10 .venv/bin/python bench/load.py --step --scale england --keep     # builds 2M staff records first
    nice -n 10 .venv/bin/python bench/load.py --step --scale england --reuse    # the database kept last time
    nice -n 10 .venv/bin/python bench/load.py --step --reuse --every-step --max-users 16 --step-seconds 30   # a quick look

Pages of the step mode: home, the sign-in page and signing in, an application question page and
its answer (POST), the screening queue and an application, the manager's summary, staff list and
training matrix of a 300-staff workplace, the outcomes dashboard (snapshots computed first), a
care worker's passport page and its PDF, and the ASC-WDS import report of a 5,000-row staff file.

Needs PostgreSQL (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres; a
database goodcare_bench_load (step mode: goodcare_bench_step_<scale>) is made and dropped) and
Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, flushed at the start). Only 127.0.0.1
is ever contacted.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from outcomes import SCALES, create_database, database_urls, drop_database, generate, log, migrate  # noqa: E402
from server_log import server_errors  # noqa: E402

from training.credentials.keys import new_key_set  # noqa: E402

PASSWORD = "load-bench-kettle-orchard-9"
DB_NAME = "goodcare_bench_load"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_people(url: str, managers: int, officers: int, applicants: int, queue: int) -> dict:
    """Accounts for the virtual users (one each: sign-out rotates a session) and a screening queue."""
    from sqlalchemy import select

    from academy import create_app
    from academy.auth.models import Role, User
    from academy.auth.passwords import hash_password
    from academy.config import TestConfig
    from academy.extensions import db, utcnow
    from academy.workplaces.models import Workplace
    from recruitment.models import Application, State

    app = create_app(TestConfig(url))
    hashed = hash_password(PASSWORD)
    with app.app_context():
        now = utcnow()
        busiest = db.session.execute(db.text(
            "SELECT workplace_id FROM employments WHERE leaving_date IS NULL "
            "GROUP BY workplace_id ORDER BY count(*) DESC LIMIT :n"), {"n": managers}).scalars().all()
        for i, workplace_id in enumerate(busiest):
            user = User(email=f"manager{i}@load.example", full_name=f"Manager {i}", role=Role.manager,
                        password_hash=hashed, email_confirmed_at=now)
            user.workplaces.append(db.session.get(Workplace, workplace_id))
            db.session.add(user)
        for i in range(officers):
            db.session.add(User(email=f"hcpa{i}@load.example", full_name=f"Officer {i}", role=Role.hcpa_staff,
                                password_hash=hashed, email_confirmed_at=now))
        for i in range(applicants):
            db.session.add(User(email=f"applicant{i}@load.example", full_name=f"Applicant {i}",
                                role=Role.applicant, password_hash=hashed, email_confirmed_at=now))
        districts = db.session.execute(db.text("SELECT id FROM districts ORDER BY id")).scalars().all()
        for i in range(queue):
            owner = User(email=f"queued{i}@load.example", full_name=f"Queued Applicant {i}", role=Role.applicant,
                         password_hash=hashed, email_confirmed_at=now)
            db.session.add(Application(user=owner, state=State.submitted, full_name=owner.full_name,
                                       phone="07700 900982", postcode="AL1 3JE",
                                       district_id=districts[i % len(districts)],
                                       submitted_at=now - timedelta(days=i % 60)))
        db.session.commit()
        first_application = db.session.scalar(select(Application.id).order_by(Application.id))
        db.engine.dispose()
    return {"workplaces": list(busiest), "first_application": first_application, "queue": queue}


def serve(url: str, redis_url: str, port: int, log_path: Path, error_log_path: Path | None = None,
          **extra_env: str) -> subprocess.Popen:
    """gunicorn, 2 sync workers, serving bench/load_app.py on 127.0.0.1:port (production settings).
    The access log goes to `log_path`, and so does the error log unless `error_log_path` is given."""
    env = dict(os.environ, **extra_env, DATABASE_URL=url, REDIS_URL=redis_url, GOODCARE_ENV="production",
               SECRET_KEY="load-bench-only-" + "x" * 32, SESSION_COOKIE_SECURE="0",
               PUBLIC_BASE_URL="https://127.0.0.1", MAIL_LOG_ONLY="on",
               SIGN_IN_LIMIT_PER_ADDRESS="100000 per minute",
               STORAGE_DIR=tempfile.mkdtemp(prefix="goodcare-load-"), CREDENTIAL_SIGNING_KEYS=new_key_set())
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", "-",
         "bench.load_app:app"], cwd=PROJECT, env=env, stdout=log_path.open("w"),
        stderr=error_log_path.open("w") if error_log_path else subprocess.STDOUT)
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare", timeout=2)
            return server
        except OSError:
            time.sleep(1)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {error_log_path or log_path}")


def report(csv_prefix: Path, access_log: Path) -> None:
    rows = list(csv.DictReader((csv_prefix.parent / f"{csv_prefix.name}_stats.csv").open()))
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    bare = next((r for r in pages if r["Name"] == "bare Flask page"), None)
    bare_p50 = float(bare["50%"]) if bare else None
    print(f"{'page':44} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'p50/bare':>8} {'fails':>5}")
    for r in sorted(pages, key=lambda r: r["Name"]):
        ratio = f"{float(r['50%']) / bare_p50:8.1f}" if bare_p50 else "       -"
        print(f"{r['Name'][:44]:44} {int(r['Request Count']):9,} {float(r['Requests/s']):7.1f} {float(r['50%']):7.0f} "
              f"{float(r['95%']):7.0f} {float(r['99%']):7.0f} {ratio} {int(r['Failure Count']):5}")
    print(f"{'all':44} {int(total['Request Count']):9,} {float(total['Requests/s']):7.1f} {float(total['50%']):7.0f} "
          f"{float(total['95%']):7.0f} {float(total['99%']):7.0f}")
    print(f"5xx answers in the server's access log: {len(server_errors(access_log))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=24, help="virtual users (a quarter of each kind)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--step", action="store_true", help="step mode: raise the users until p95 > 500 ms or errors")
    parser.add_argument("--scale", choices=sorted(SCALES), default="hertfordshire", help="step mode's database")
    parser.add_argument("--reuse", action="store_true", help="step mode: use the database a --keep run left")
    parser.add_argument("--step-seconds", type=float, default=60, help="step mode: seconds of each mixed run")
    parser.add_argument("--bare-seconds", type=float, default=20, help="step mode: seconds of each bare-only run")
    parser.add_argument("--max-users", type=int, default=256, help="step mode: stop after this many users")
    parser.add_argument("--json", type=Path, help="step mode: also write every figure to this file")
    parser.add_argument("--keep-log", type=Path,
                        help="step mode: where to keep gunicorn's access log (its error log beside it, -errors) "
                             "when it has any 5xx (default bench-logs/step-<timestamp>.log)")
    parser.add_argument("--every-step", action="store_true",
                        help="step mode: go on to --max-users past p95 > 500 ms (the capacity is still the last step within it)")
    args = parser.parse_args()
    if args.step:
        from step import run_steps

        run_steps(args)
        return
    base = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    admin_url, url = database_urls(base, DB_NAME)
    each = max(1, args.users // 4)

    log(f"Building a Hertfordshire-scale database {DB_NAME} ...")
    create_database(admin_url, DB_NAME)
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        migrate(sa_url)
        counts = generate(url, SCALES["hertfordshire"], date.today())
        people = seed_people(sa_url, managers=each, officers=each, applicants=each, queue=2_000)
        log(f"  {counts} ; {each} accounts of each kind; 2,000 applications in the screening queue")
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        port = free_port()
        work = Path(tempfile.mkdtemp(prefix="goodcare-load-"))
        access_log = work / "gunicorn.log"
        server = serve(sa_url, redis_url, port, access_log)
        try:
            env = dict(os.environ, LOAD_PEOPLE=json.dumps(people), LOAD_PASSWORD=PASSWORD, LOAD_EACH=str(each))
            log(f"Running {args.users} virtual users for {args.minutes} minutes against 127.0.0.1:{port} ...")
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", str(PROJECT / "bench" / "locustfile.py"), "--headless",
                 "-u", str(4 * each), "-r", str(4 * each), "-t", f"{int(args.minutes * 60)}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", str(work / "load"), "--only-summary",
                 "--loglevel", "WARNING"], cwd=PROJECT, env=env, check=False)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"\nLoad: {4 * each} users, {args.minutes} minutes, gunicorn 2 workers, PostgreSQL + Redis, "
              f"Hertfordshire scale ({counts.get('workplaces', 0):,} workplaces, "
              f"{counts.get('employments', 0):,} staff records)")
        report(work / "load", access_log)
    finally:
        if not args.keep:
            drop_database(admin_url, DB_NAME)


if __name__ == "__main__":
    main()
