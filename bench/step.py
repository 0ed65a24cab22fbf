"""bench/load.py --step: the step load (docs/capacity.md). Builds a Hertfordshire- or England-scale
database, serves it with gunicorn (2 workers) and raises the number of virtual users (no think
time) until the mixed workload's p95 passes 500 ms or a request fails, measuring at each step the
mixed workload and then the bare Flask page alone with as many users.

Targets (issue 20): the mixed workload's capacity at least 60% of the bare-only run's at the same
step, and every page's p95 within 2x the bare page's (in the mixed run) at that capacity.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from driver import Browser, Failed, Timings, percentile, run_for
from load import free_port, serve
from outcomes import SCALES, create_database, database_urls, drop_database, generate, log, migrate
from server_log import errors_report, keep_logs, kept_log_path, server_errors

P95_LIMIT = 0.5          # seconds: the step load stops past it
CAPACITY_SHARE = 0.60    # the mixed capacity against the bare-only run's
P95_RATIO_LIMIT = 2.0    # each page's p95 against the bare page's
STAFF_AT_THE_BIG_HOME = 300
IMPORT_ROWS = 5_000
QUEUE = 2_000
PASSWORD = "load-bench-kettle-orchard-9"
TOTP_SECRET = "JBSWY3DPEHPK3PXPBENCHLOADKEY234"
ANSWERS = [("name", {"full_name": "Ama Mensah"}), ("phone", {"phone": "07700 900982"}),
           ("postcode", {"postcode": "AL1 3JE"}), ("languages", {"languages": "English, Twi"}),
           ("values-care", {"answer": "I sat with a resident who was upset until her daughter came."})]


def db_name(scale: str) -> str:
    return f"goodcare_bench_step_{scale}"


def facts_file(scale: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{db_name(scale)}.json"


# --- the database ---------------------------------------------------------------------------------

def prepare(url: str, sa_url: str, scale: str, max_users: int) -> dict:
    """Everything the pages need, on top of the outcomes bench's generated workforce."""
    started = time.perf_counter()
    migrate(sa_url)
    counts = generate(url, SCALES[scale], date.today())
    facts = {"counts": counts, "scale": scale, "accounts": max_users}
    facts.update(_accounts_and_records(sa_url, max_users))
    facts["import_batch"] = _import_report(sa_url, facts["officer"])
    _outcome_snapshots(sa_url)
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    facts["built_seconds"] = round(time.perf_counter() - started)
    return facts


def _accounts_and_records(sa_url: str, max_users: int) -> dict:
    """A 300-staff workplace and its manager, an HCPA officer (two-step on), a care worker with a
    passport, an applicant per virtual user (drafts), accounts to sign in with, and a screening queue."""
    from sqlalchemy import select, text

    from academy import create_app
    from academy.auth.models import Role, User
    from academy.auth.passwords import hash_password
    from academy.config import TestConfig
    from academy.extensions import db, utcnow
    from academy.workplaces.models import Person, Workplace
    from recruitment.models import Application, State

    app = create_app(TestConfig(sa_url))
    hashed = hash_password(PASSWORD)
    with app.app_context():
        now = utcnow()
        # The busiest workplace, topped up to 300 staff in post with others' current staff (and their training).
        home_id, in_post = db.session.execute(text(
            "SELECT workplace_id, count(*) FROM employments WHERE leaving_date IS NULL "
            "GROUP BY workplace_id ORDER BY count(*) DESC LIMIT 1")).one()
        db.session.execute(text(
            "UPDATE employments SET workplace_id = :home WHERE id IN (SELECT id FROM employments "
            "WHERE leaving_date IS NULL AND workplace_id <> :home ORDER BY id LIMIT :more)"),
            {"home": home_id, "more": max(0, STAFF_AT_THE_BIG_HOME - in_post)})
        home = db.session.get(Workplace, home_id)
        home.name = "Bench 300 House"

        def account(email: str, role: Role, **fields) -> User:
            user = User(email=email, full_name=fields.pop("full_name", email.split("@")[0].title()), role=role,
                        password_hash=hashed, email_confirmed_at=now, **fields)
            db.session.add(user)
            return user

        manager = account("manager@load.example", Role.manager)
        manager.workplaces.append(home)
        account("hcpa@load.example", Role.hcpa_staff, totp_secret=TOTP_SECRET, two_step_enabled_at=now)
        # The care worker: the staff member at the big home with the most training records.
        person_id = db.session.execute(text(
            "SELECT e.person_id FROM employments e JOIN training_records t ON t.person_id = e.person_id "
            "WHERE e.workplace_id = :home AND e.leaving_date IS NULL GROUP BY e.person_id "
            "ORDER BY count(*) DESC LIMIT 1"), {"home": home_id}).scalar()
        worker = account("worker@load.example", Role.care_worker)
        db.session.get(Person, person_id).user = worker
        for i in range(max_users):
            account(f"applicant{i}@load.example", Role.applicant)
            account(f"signer{i}@load.example", Role.applicant)
        districts = db.session.execute(text("SELECT id FROM districts ORDER BY id")).scalars().all()
        for i in range(QUEUE):
            owner = account(f"queued{i}@load.example", Role.applicant, full_name=f"Queued Applicant {i}")
            db.session.add(Application(user=owner, state=State.submitted, full_name=owner.full_name,
                                       phone="07700 900982", postcode="AL1 3JE",
                                       district_id=districts[i % len(districts)],
                                       submitted_at=now - timedelta(days=i % 60)))
        db.session.commit()
        first_application = db.session.scalar(select(Application.id).order_by(Application.id))
        training = db.session.execute(text("SELECT count(*) FROM training_records WHERE person_id = :p"),
                                      {"p": person_id}).scalar()
        db.engine.dispose()
    return {"workplace": home_id, "first_application": first_application, "queue": QUEUE,
            "officer": "hcpa@load.example", "worker_training_records": training}


def _import_report(sa_url: str, officer_email: str) -> int:
    """An ASC-WDS upload of a workplace file and a 5,000-row staff file, checked as the upload page
    does (its report is what the import report page shows)."""
    import importlib.util

    from sqlalchemy import select

    from academy import create_app
    from academy.ascwds import batches
    from academy.auth.models import User
    from academy.config import TestConfig
    from academy.extensions import db

    spec = importlib.util.spec_from_file_location("bench_import", Path(__file__).parent / "import.py")
    bench_import = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_import)
    folder = Path(tempfile.mkdtemp(prefix="goodcare-step-import-"))
    app = create_app(TestConfig(sa_url))
    app.config["STORAGE_DIR"] = str(folder / "storage")
    try:
        paths = bench_import.write_files(folder, staff=IMPORT_ROWS, training=IMPORT_ROWS, workplaces=50)
        with app.app_context():
            officer = db.session.scalar(select(User).where(User.email == officer_email))
            with paths[0].open("rb") as workplaces, paths[1].open("rb") as staff:
                batch = batches.store_files(db.session, officer, [("workplace.csv", workplaces), ("staff.csv", staff)],
                                            district_id=1)
                report = batches.check_batch(db.session, batch, officer)
            db.session.commit()
            log(f"  ASC-WDS import report: {IMPORT_ROWS:,} staff rows, {batch.error_count} errors, "
                f"{batch.warning_count} warnings ({'ok' if report.ok else 'not ok'})")
            batch_id = batch.id
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return batch_id


def _outcome_snapshots(sa_url: str) -> None:
    """The dashboard's figures: the outcomes job's snapshots for the last 13 month ends."""
    from academy import create_app
    from academy.config import TestConfig
    from academy.extensions import db
    from academy.outcomes.snapshots import run_outcomes

    app = create_app(TestConfig(sa_url))
    with app.app_context():
        today = date.today()
        started = time.perf_counter()
        result = run_outcomes(db.session, (today.replace(day=1) - timedelta(days=395)).replace(day=1), today)
        db.session.commit()
        log(f"  outcome snapshots: {result.rows:,} rows in {time.perf_counter() - started:.0f} s")
        db.engine.dispose()


# --- the virtual users ------------------------------------------------------------------------------

def signed_in(port: int, email: str) -> Browser:
    """A browser signed in as `email` (with the two-step code for the officer)."""
    import pyotp

    browser = Browser(port)
    browser.sign_in(email, PASSWORD)
    if email.startswith("hcpa"):
        token = browser.token("/sign-in/two-step", "two-step page")
        browser.post("/sign-in/two-step", "two-step", {"csrf_token": token, "code": pyotp.TOTP(TOTP_SECRET).now()},
                     expect=(302,))
    browser.close()
    return browser


@dataclass
class VirtualUser:
    number: int
    anonymous: Browser
    applicant: Browser
    officer: Browser
    manager: Browser
    worker: Browser
    tasks: "itertools.cycle"


def clone(browser: Browser, port: int, timings: Timings) -> Browser:
    copy = Browser(port, timings)
    copy.cookies = dict(browser.cookies)
    return copy


def page_tasks(facts: dict) -> list:
    """Each page of the mixed workload: (name, function(user)); every user runs them in turn."""
    home = facts["workplace"]

    def get(who: str, path, name: str):
        def task(user: VirtualUser):
            getattr(user, who).get(path() if callable(path) else path, name, expect=(200,))
        return name, task

    def sign_in(user: VirtualUser):
        browser = user.anonymous
        saved, browser.cookies = browser.cookies, {}
        try:
            browser.sign_in(f"signer{user.number}@load.example", PASSWORD, "sign in (POST)", "sign-in page")
        finally:
            browser.cookies = saved

    def answer(user: VirtualUser):
        slug, data = random.choice(ANSWERS)
        token = user.applicant.token(f"/recruitment/apply/{slug}", "application question page")
        user.applicant.post(f"/recruitment/apply/{slug}", "application answer (POST)", {"csrf_token": token, **data},
                            expect=(302, 303))

    def an_application():
        return f"/recruitment/applications/{facts['first_application'] + random.randrange(facts['queue'])}"

    return [
        get("anonymous", "/", "home"),
        ("sign in (POST)", sign_in),
        ("application answer (POST)", answer),
        get("officer", lambda: f"/recruitment/screening?state=submitted&page={random.randint(1, 20)}", "screening queue"),
        get("officer", an_application, "an application"),
        get("manager", f"/portal/{home}/", "manager: summary (300 staff)"),
        get("manager", f"/portal/{home}/staff", "manager: staff list (300 staff)"),
        get("manager", f"/portal/{home}/matrix", "manager: training matrix (300 staff)"),
        get("officer", "/outcomes/", "outcomes dashboard"),
        get("worker", "/training/", "passport page"),
        get("worker", "/training/passport.pdf", "passport PDF"),
        get("officer", f"/ascwds/imports/{facts['import_batch']}", f"ASC-WDS import report ({IMPORT_ROWS:,} rows)"),
        get("anonymous", "/bench/bare", "bare Flask page"),
    ]


def make_users(count: int, port: int, facts: dict, sessions: dict, timings: Timings, tasks: list) -> list[VirtualUser]:
    users = []
    for n in range(count):
        order = tasks[n % len(tasks):] + tasks[:n % len(tasks)]  # users start at different pages
        users.append(VirtualUser(
            number=n, anonymous=Browser(port, timings), applicant=clone(sessions["applicants"][n], port, timings),
            officer=clone(sessions["officer"], port, timings), manager=clone(sessions["manager"], port, timings),
            worker=clone(sessions["worker"], port, timings), tasks=itertools.cycle(order)))
    return users


def close(users: list[VirtualUser]) -> None:
    for user in users:
        for browser in (user.anonymous, user.applicant, user.officer, user.manager, user.worker):
            browser.close()


def summary(timings: Timings, seconds: float) -> dict:
    every = [s for values in timings.seconds.values() for s in values]
    pages = {name: {"count": len(values), "p50": percentile(values, 0.5), "p95": percentile(values, 0.95),
                    "p99": percentile(values, 0.99)} for name, values in timings.seconds.items()}
    return {"requests": len(every), "failures": sum(timings.failures.values()), "failed": dict(timings.failures),
            "rps": len(every) / seconds, "p50": percentile(every, 0.5), "p95": percentile(every, 0.95),
            "p99": percentile(every, 0.99), "pages": pages}


def mixed_run(users_count: int, seconds: float, port: int, facts: dict, sessions: dict) -> dict:
    timings = Timings()
    tasks = page_tasks(facts)
    users = make_users(users_count, port, facts, sessions, timings, tasks)
    try:
        took = run_for(seconds, users, lambda user: next(user.tasks)[1](user))
    finally:
        close(users)
    return summary(timings, took)


def bare_run(users_count: int, seconds: float, port: int) -> dict:
    timings = Timings()
    browsers = [Browser(port, timings) for _ in range(users_count)]
    try:
        took = run_for(seconds, browsers, lambda b: b.get("/bench/bare", "bare Flask page"))
    finally:
        for browser in browsers:
            browser.close()
    return summary(timings, took)


# --- the report ---------------------------------------------------------------------------------------

def page_table(result: dict) -> list[str]:
    bare = result["pages"].get("bare Flask page", {}).get("p95") or None
    lines = [f"  {'page':42} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'p95/bare':>8}"]
    for name, page in sorted(result["pages"].items()):
        ratio = f"{page['p95'] / bare:8.1f}" if bare else "       -"
        failed = result["failed"].get(name, 0)
        lines.append(f"  {name[:42]:42} {page['count']:8,} {page['p50'] * 1000:7.0f} {page['p95'] * 1000:7.0f} "
                     f"{page['p99'] * 1000:7.0f} {ratio}" + (f"  {failed} failed" if failed else ""))
    return lines


def verdict(step: dict) -> list[str]:
    mixed, bare_only = step["mixed"], step["bare"]
    share = mixed["rps"] / bare_only["rps"] if bare_only["rps"] else 0
    bare_p95 = mixed["pages"].get("bare Flask page", {}).get("p95") or 0
    slow = [name for name, page in mixed["pages"].items()
            if name != "bare Flask page" and bare_p95 and page["p95"] > P95_RATIO_LIMIT * bare_p95]
    return [f"Capacity: {mixed['rps']:.1f} requests a second at {step['users']} users "
            f"(p95 {mixed['p95'] * 1000:.0f} ms, {mixed['failures']} failed); the bare page alone at "
            f"{step['users']} users: {bare_only['rps']:.1f} a second.",
            f"Target 1, mixed capacity >= {CAPACITY_SHARE:.0%} of the bare-only run's: {share:.1%} "
            f"({'met' if share >= CAPACITY_SHARE else 'missed'}).",
            f"Target 2, every page's p95 within {P95_RATIO_LIMIT:g}x the bare page's ({bare_p95 * 1000:.0f} ms): "
            + ("met" if not slow else f"missed by {len(slow)}: " + ", ".join(sorted(slow)))]


def run_steps(args) -> None:
    import redis

    scale = args.scale
    base = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    name = db_name(scale)
    admin_url, url = database_urls(base, name)
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if args.reuse:
        facts = json.loads(facts_file(scale).read_text())
        log(f"Reusing {name} (built in {facts['built_seconds']} s)")
        if args.max_users > facts["accounts"]:
            log(f"  it has accounts for {facts['accounts']} users: --max-users {facts['accounts']}")
            args.max_users = facts["accounts"]
    else:
        log(f"Building a {scale}-scale database {name} ...")
        create_database(admin_url, name)
        facts = prepare(url, sa_url, scale, args.max_users)
        facts_file(scale).write_text(json.dumps(facts))
    load_before = os.getloadavg()
    steps = []
    try:
        redis.Redis.from_url(redis_url).flushdb()
        port = free_port()
        work = Path(tempfile.mkdtemp(prefix="goodcare-step-"))
        access_log, error_log = work / "gunicorn.log", work / "gunicorn-errors.log"
        server = serve(sa_url, redis_url, port, access_log, error_log_path=error_log)
        try:
            sessions = {"officer": signed_in(port, facts["officer"]), "manager": signed_in(port, "manager@load.example"),
                        "worker": signed_in(port, "worker@load.example"),
                        "applicants": [signed_in(port, f"applicant{i}@load.example") for i in range(args.max_users)]}
            mixed_run(2, 5, port, facts, sessions)  # warm up: imports, templates, connections, caches
            users = 2
            while users <= args.max_users:
                log(f"{users} users: mixed {args.step_seconds:g} s, then the bare page alone {args.bare_seconds:g} s ...")
                step = {"users": users, "load_average": os.getloadavg()[0],
                        "mixed": mixed_run(users, args.step_seconds, port, facts, sessions),
                        "bare": bare_run(users, args.bare_seconds, port)}
                steps.append(step)
                mixed, bare_only = step["mixed"], step["bare"]
                print(f"{users:4} users: mixed {mixed['rps']:7.1f} req/s p50 {mixed['p50'] * 1000:5.0f} "
                      f"p95 {mixed['p95'] * 1000:5.0f} p99 {mixed['p99'] * 1000:5.0f} ms, {mixed['failures']} failed; "
                      f"bare alone {bare_only['rps']:7.1f} req/s p95 {bare_only['p95'] * 1000:4.0f} ms "
                      f"(mixed/bare {mixed['rps'] / max(bare_only['rps'], 1e-9):.1%}; load average {step['load_average']:.1f})",
                      flush=True)
                print("\n".join(page_table(mixed)), flush=True)
                if (mixed["p95"] > P95_LIMIT or mixed["failures"]) and not args.every_step:
                    break
                users *= 2
        finally:
            server.terminate()
            server.wait(timeout=30)
        errors_5xx = server_errors(access_log)
        # The folder goes: a run that answered any 5xx keeps its logs where they can be read.
        kept = keep_logs(access_log, error_log, kept_log_path(args.keep_log)) if errors_5xx else []
        shutil.rmtree(work, ignore_errors=True)
    finally:
        if not args.keep and not args.reuse:
            drop_database(admin_url, name)
            facts_file(scale).unlink(missing_ok=True)
    load_after = os.getloadavg()
    within = [s for s in steps if s["mixed"]["p95"] <= P95_LIMIT and not s["mixed"]["failures"]]
    counts = facts["counts"]
    print(f"\nStep load, {scale} scale ({counts.get('workplaces', 0):,} workplaces, {counts.get('employments', 0):,} "
          f"staff records, {counts.get('training_records', 0):,} training records); gunicorn 2 workers, PostgreSQL + "
          f"Redis; {os.cpu_count()} CPUs; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"5xx in the server's log: {len(errors_5xx)}")
    if errors_5xx:
        print("\n".join(errors_report(errors_5xx, kept)))
    if within:
        capacity = within[-1]
        print(f"At capacity ({capacity['users']} users, the last step with p95 <= {P95_LIMIT * 1000:.0f} ms and no errors):")
        print("\n".join(page_table(capacity["mixed"])))
        print("\n".join(verdict(capacity)))
    else:
        print(f"No step kept p95 <= {P95_LIMIT * 1000:.0f} ms without errors (the first step is 2 users).")
    if steps and steps[-1] is not (within[-1] if within else None):
        last = steps[-1]
        print(f"Past capacity: {last['users']} users, p95 {last['mixed']['p95'] * 1000:.0f} ms, "
              f"{last['mixed']['failures']} failed {last['mixed']['failed'] or ''}")
    if args.json:
        args.json.write_text(json.dumps({"scale": scale, "facts": facts, "load_before": load_before,
                                         "load_after": load_after, "steps": steps,
                                         "server_5xx": len(errors_5xx), "server_logs_kept": [str(p) for p in kept]},
                                        indent=1))
