"""Fault drills (not part of the test run): what the service does when its parts fail.

  1. worker killed in the middle of an outcomes job: the stored snapshots are untouched, and on
     restart the job is retried (it has one retry) or reported failed; no half-written rows;
  1b. worker killed in the middle of applying an ASC-WDS import (20,000 staff, 200,000 training
     rows): nothing of it is in the database, the job is reported failed once the worker is back
     (imports have no automatic retry: a person chose to apply), the import's page says it did
     not finish and offers Apply again, and applying again writes every row exactly once;
  2. Redis stopped while the site runs: pages still serve; starting a recompute says
     "try again later" (with the dates the officer entered still in the form); Redis back: it works;
  2b. Redis restarted with its append-only file (as compose.yml runs it): a queued recompute is
     still queued; Redis restarted empty: its page says it was lost and "Start it again" queues it
     again (the dashboard says so too);
  3. PostgreSQL restarted under load: requests during the restart fail cleanly (the 503 "service
     unavailable" page, never a 500; no hung workers) and the site recovers without being
     restarted (pool pre-ping). Signed-in clients meanwhile ask for a missing page (always the
     404 page), post a form without its CSRF token (always the 400 "form has expired" page) and
     with it (422 as usual, 503 while the database is away): never a 500.

    .venv/bin/python bench/faults.py            # every drill
    .venv/bin/python bench/faults.py --only redis --only postgres   # or worker, import
    .venv/bin/python bench/faults.py --only postgres --scale small  # a tenth of the data, built faster

Uses its own Redis server on a free port (so no other Redis user is disturbed), a database
goodcare_bench_faults on the PostgreSQL in BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), and gunicorn with 2 workers on 127.0.0.1. Drill 3
restarts the whole PostgreSQL cluster (pg_ctlcluster), so run it when nothing else uses it.
Prints one line per check: PASS or FAIL with the figures; exits non-zero if any check failed.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pyotp

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from load import free_port  # noqa: E402
from outcomes import create_database, database_urls, drop_database, generate, log, migrate  # noqa: E402

from academy.outcomes import snapshots  # noqa: E402
from training.credentials.keys import new_key_set  # noqa: E402

DB_NAME = "goodcare_bench_faults"
PASSWORD = "fault-drill-kettle-orchard-9"
TOTP_SECRET = pyotp.random_base32()
SCALE = {"workplaces": 4_000, "in_post": 300_000, "records": 380_000, "vacancies": 60_000, "training": 2_000_000}
SMALL_SCALE = {key: value // 10 for key, value in SCALE.items()}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
JOB_ID = re.compile(r'/jobs/([A-Za-z0-9_-]+)\.json')
results: list[tuple[bool, str]] = []


def check(ok: bool, what: str) -> None:
    results.append((ok, what))
    print(f"{'PASS' if ok else 'FAIL'}  {what}", flush=True)


class Browser:
    """A cookie-keeping HTTP client that reads CSRF tokens from forms, like a person's browser."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def token(self, form_page: str) -> str:
        _, page = self.get(form_page)
        return CSRF.search(page).group(1)

    def post_with(self, path: str, token: str | None, data: dict) -> tuple[int, str]:
        """A POST with the given CSRF token (None: without one, as after a page that had none)."""
        fields = {**({"csrf_token": token} if token is not None else {}), **data}
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def post(self, path: str, form_page: str, data: dict) -> tuple[int, str]:
        _, page = self.get(form_page)
        token = CSRF.search(page)
        body = urllib.parse.urlencode({"csrf_token": token.group(1) if token else "", **data}, doseq=True).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except OSError as error:
            return 0, str(error)


class Services:
    """A Redis of our own, gunicorn and an RQ worker, all on this machine."""

    def __init__(self, url: str):
        self.url = url
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.web_port = free_port()
        self.work = Path(tempfile.mkdtemp(prefix="goodcare-faults-"))
        self.redis_dir = self.work / "redis"
        self.redis_dir.mkdir()
        self.env = dict(os.environ, DATABASE_URL=url, REDIS_URL=self.redis_url, GOODCARE_ENV="production",
                        SECRET_KEY="fault-drill-only-" + "x" * 32, SESSION_COOKIE_SECURE="0",
                        PUBLIC_BASE_URL="https://127.0.0.1", MAIL_LOG_ONLY="on",
                        STORAGE_DIR=str(self.work / "storage"), PYTHONPATH=str(PROJECT),
                        CREDENTIAL_SIGNING_KEYS=new_key_set())
        self.redis = self.web = self.worker = None

    def start_redis(self, append_only: bool = False) -> None:
        """Redis on our port: by default without persistence (a restart starts it empty); with
        `append_only`, as compose.yml runs it (appendonly yes, in a folder kept across restarts)."""
        persistence = ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(self.redis_dir)] \
            if append_only else ["--appendonly", "no"]
        self.redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port),
                                       "--save", "", *persistence], stdout=subprocess.DEVNULL)
        self._wait(lambda: socket.create_connection(("127.0.0.1", self.redis_port), timeout=1).close())

    def stop_redis(self) -> None:
        self.redis.terminate()
        self.redis.wait(timeout=10)

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "--timeout", "60", "-b", f"127.0.0.1:{self.web_port}",
             "wsgi:app"], cwd=PROJECT, env=self.env, stdout=(self.work / "web.log").open("w"),
            stderr=subprocess.STDOUT)
        self._wait(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/", timeout=2).close())

    def start_worker(self) -> None:
        # Its own session, so killing its process group kills anything it started.
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], cwd=PROJECT, env=self.env,
            stdout=(self.work / "worker.log").open("a"), stderr=subprocess.STDOUT, start_new_session=True)

    def children(self) -> list[int]:
        """The processes the worker forked. RQ puts the work horse running a job in a process group
        of its own (setpgrp), so killing the worker's group alone would leave the job running."""
        children = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.worker.pid):
                children.append(int(status.parent.name))
        return children

    def kill_worker(self) -> int:
        """SIGKILL the worker and its children (the work horse running the job, and RQ's scheduler
        if this worker holds its lock), as a crash would; returns how many children were killed."""
        children = self.children()
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)
        for pid in children:
            for _ in range(40):
                try:
                    if "State:\tZ" in Path(f"/proc/{pid}/status").read_text():  # dead, not yet reaped
                        break
                except OSError:  # gone
                    break
                time.sleep(0.25)
        return len(children)

    def stop(self) -> None:
        for process in (self.web, self.redis):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        if self.worker and self.worker.poll() is None:
            self.kill_worker()

    @staticmethod
    def _wait(probe, seconds: int = 60) -> None:
        for _ in range(seconds * 4):
            try:
                probe()
                return
            except OSError:
                time.sleep(0.25)
        raise SystemExit("a service did not start in time")


def app_for(services: Services):
    from academy import create_app
    from academy.config import TestConfig

    return create_app(TestConfig(services.url, redis_url=services.redis_url, JOBS_ASYNC=True,
                                 STORAGE_DIR=Path(services.env["STORAGE_DIR"])))


def snapshot_fingerprint(app) -> tuple[int, int]:
    from academy.extensions import db

    with app.app_context():
        row = db.session.execute(db.text(
            "SELECT count(*), coalesce(sum(coalesce(numerator, 0) + denominator), 0) "
            f"FROM ({snapshots.figure_rows_sql('postgresql')}) figure")).one()
        db.session.remove()
    return int(row[0]), int(row[1])


def make_officer(app) -> str:
    """An HCPA officer, with two-step sign-in set up (their role requires it) on TOTP_SECRET."""
    from academy.auth.models import Role, User
    from academy.auth.passwords import hash_password
    from academy.extensions import db, utcnow

    email = "officer@faults.example"
    with app.app_context():
        db.session.add(User(email=email, full_name="Fault Drill Officer", role=Role.hcpa_staff,
                            password_hash=hash_password(PASSWORD), email_confirmed_at=utcnow(),
                            totp_secret=TOTP_SECRET, two_step_enabled_at=utcnow()))
        db.session.commit()
    return email


_last_code_step: list[int] = []


def two_step_code() -> str:
    """The officer's authenticator code, one the service has not accepted yet (it refuses a code
    used before): this 30-second step's or the next's, else wait for a new step."""
    totp = pyotp.TOTP(TOTP_SECRET)
    while True:
        now = totp.timecode(datetime.now())
        for step in (now, now + 1):
            if not _last_code_step or step > _last_code_step[-1]:
                _last_code_step.append(step)
                return totp.generate_otp(step)
        time.sleep(1)


def sign_in(browser: Browser, email: str) -> tuple[int, str]:
    """Sign in with the password, then the two-step code; the last page's status and text."""
    status, page = browser.post("/sign-in", "/sign-in", {"email": email, "password": PASSWORD})
    if 'name="code"' in page:
        status, page = browser.post("/sign-in/two-step", "/sign-in/two-step", {"code": two_step_code()})
    return status, page


def wait_for_job(job_id: str, connection, seconds: int) -> str | None:
    from rq.job import Job

    deadline, status = time.time() + seconds, None
    while time.time() < deadline:
        status = Job.fetch(job_id, connection=connection).get_status(refresh=True)
        status = getattr(status, "value", status)
        if status in ("finished", "failed"):
            break
        time.sleep(1)
    return status


def drill_worker_killed(services: Services, app) -> None:
    """Kill the worker (and its work horse) while an outcomes recompute is writing, then restart it."""
    from rq.job import Job

    from academy.extensions import db
    from academy.jobs import redis_connection
    from academy.outcomes.jobs import start_recompute
    from academy.outcomes.snapshots import run_outcomes

    last = date.today().replace(day=1) - timedelta(days=1)
    first = date(last.year - 2, last.month, 1)
    with app.app_context():
        run_outcomes(db.session, last.replace(day=1), last)  # something stored beforehand
        db.session.remove()
    before = snapshot_fingerprint(app)
    services.start_worker()
    with app.test_request_context():
        job_id = start_recompute(first, last, owner_id=None)
        db.session.commit()  # the job is queued once the unit of work commits (academy/unit_of_work.py)
        connection = redis_connection()
        deadline = time.time() + 300
        while time.time() < deadline:
            job = Job.fetch(job_id, connection=connection)
            if job.get_status(refresh=True) == "started" and (job.get_meta(refresh=True).get("progress") or 0) > 0:
                break
            time.sleep(0.2)
        progress = Job.fetch(job_id, connection=connection).get_meta().get("progress")
        horses = services.kill_worker()
        killed_at = time.time()
        after_kill = snapshot_fingerprint(app)
        check(after_kill == before and horses >= 1,
              f"worker and its {horses} child processes killed at {progress}% of a 25-month recompute: "
              f"snapshots unchanged "
              f"({after_kill[0]:,} rows before and after)")
        # RQ treats a started job whose worker stopped sending heartbeats as abandoned; wait that out.
        time.sleep(100)
        services.start_worker()
        status = wait_for_job(job_id, connection, 900)
        recovered_after = time.time() - killed_at
        retries_left = Job.fetch(job_id, connection=connection).retries_left
    done = snapshot_fingerprint(app)
    with app.app_context():
        duplicates = db.session.execute(db.text(
            f"SELECT count(*) FROM (SELECT 1 FROM ({snapshots.figure_rows_sql('postgresql')}) figure "
            "GROUP BY scope_type, scope_id, date, metric "
            "HAVING count(*) > 1) d")).scalar_one()
        dates = db.session.execute(db.text("SELECT count(DISTINCT date) FROM outcome_snapshot")).scalar_one()
        db.session.remove()
    check(status in ("finished", "failed"),
          f"after the restart the job was {status} ({recovered_after:.0f} s after the kill; "
          f"retries left: {retries_left} of 1)")
    check(duplicates == 0 and (status != "finished" or dates >= 25),
          f"no half-written or duplicate rows: {done[0]:,} rows over {dates} dates, {duplicates} duplicated keys")
    services.kill_worker()


IMPORT_TABLES = ("workplaces", "people", "employments", "training_records")


def table_counts(app) -> dict[str, int]:
    from academy.extensions import db

    with app.app_context():
        counts = {t: db.session.execute(db.text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608 - fixed
                  for t in IMPORT_TABLES}
        db.session.remove()
    return counts


def drill_import_killed(services: Services, app, email: str) -> None:
    """Kill the worker while it applies an ASC-WDS import, restart it, then apply again from the page."""
    import importlib

    from rq.job import Job

    from academy.ascwds import jobs as import_jobs
    from academy.ascwds.batches import check_batch, store_files
    from academy.ascwds.models import ImportBatch, ImportState
    from academy.auth.models import User
    from academy.extensions import db
    from academy.jobs import redis_connection
    from academy.workplaces.models import District

    import_bench = importlib.import_module("import")  # bench/import.py (bench/ is on sys.path)
    staff, training, workplaces = 20_000, 200_000, 200
    folder = services.work / "ascwds-files"
    folder.mkdir()
    paths = import_bench.write_files(folder, staff, training, workplaces)
    with app.test_request_context():
        officer = db.session.scalar(db.select(User).where(User.email == email))
        district = db.session.scalar(db.select(District.id).where(District.name == "St Albans"))
        handles = [path.open("rb") for path in paths]
        batch = store_files(db.session, officer, [(path.name, handle) for path, handle in zip(paths, handles)],
                            district_id=district)
        for handle in handles:
            handle.close()
        report = check_batch(db.session, batch, officer)
        batch_id = batch.id
        if not report.ok:
            check(False, f"the drill's import files have errors: {[str(m) for m in report.errors[:3]]}")
            return
        db.session.remove()
    before = table_counts(app)
    services.start_worker()
    with app.test_request_context():
        batch = db.session.get(ImportBatch, batch_id)
        job_id = import_jobs.start(batch, import_jobs.apply_import, "Applying ASC-WDS files")
        connection = redis_connection()
        deadline, progress, message = time.time() + 600, 0, ""
        while time.time() < deadline:
            job = Job.fetch(job_id, connection=connection)
            meta = job.get_meta(refresh=True)
            progress, message = meta.get("progress") or 0, meta.get("message") or ""
            if progress >= 45:  # workplaces and staff written, training records being written
                break
            if getattr(job.get_status(refresh=True), "value", None) in ("finished", "failed"):
                check(False, f"the apply job ended before it could be killed: {job.get_status().value}, "
                             f"see {services.work / 'worker.log'}")
                return
            time.sleep(0.1)
        horses = services.kill_worker()
        killed_at = time.time()
        db.session.remove()
    time.sleep(2)  # PostgreSQL notices the dead connection and rolls its transaction back
    after_kill = table_counts(app)
    with app.app_context():
        state = db.session.get(ImportBatch, batch_id).state
        db.session.remove()
    check(after_kill == before and state == ImportState.validated and horses >= 1,
          f"worker and its {horses} child processes killed at {progress}% of applying {staff:,} staff and {training:,} training rows "
          f"({message!r}): tables unchanged {after_kill}, batch still {state.value!r}")
    time.sleep(100)  # RQ treats a started job whose worker stopped sending heartbeats as abandoned
    services.start_worker()
    with app.app_context():
        status = wait_for_job(job_id, redis_connection(), 300)
    check(status == "failed", f"after the restart the job is reported {status} "
                              f"({time.time() - killed_at:.0f} s after the kill)")
    base = f"http://127.0.0.1:{services.web_port}"
    officer_browser = Browser(base)
    sign_in(officer_browser, email)
    page_url = f"/ascwds/imports/{batch_id}"
    code, page = officer_browser.get(page_url)
    says = "did not finish, so nothing was changed" in page
    offers = "Apply the import" in page
    check(code == 200 and says and offers,
          f"the import's page (HTTP {code}) says it did not finish: {says}; offers Apply again: {offers}")
    started = time.time()
    code, _ = officer_browser.post(page_url + "/apply", page_url, {})
    with app.app_context():
        batch = db.session.get(ImportBatch, batch_id)
        again_id = batch.job_id
        db.session.remove()
        status = wait_for_job(again_id, redis_connection(), 600) if again_id != job_id else None
    done = table_counts(app)
    expected = {"workplaces": before["workplaces"] + workplaces, "people": before["people"] + staff,
                "employments": before["employments"] + staff,
                "training_records": before["training_records"] + training}
    with app.app_context():
        state = db.session.get(ImportBatch, batch_id).state
        db.session.remove()
    check(status == "finished" and done == expected and state == ImportState.applied,
          f"applied again from the page: job {status} in {time.time() - started:.0f} s, every row once "
          f"({', '.join(f'{t} +{done[t] - before[t]:,}' for t in IMPORT_TABLES)}), batch {state.value!r}")
    services.kill_worker()


def drill_redis_stopped(services: Services, app, email: str) -> None:
    base = f"http://127.0.0.1:{services.web_port}"
    officer = Browser(base)
    status, page = sign_in(officer, email)
    check(status == 200 and "Signed in as" in page, f"signed in as HCPA with Redis up (HTTP {status})")
    services.stop_redis()
    pages = {path: officer.get(path)[0] for path in ("/", "/recruitment/screening", "/outcomes/", "/workplaces/")}
    check(all(code == 200 for code in pages.values()), f"Redis stopped: pages still serve {pages}")
    year = str(date.today().year)
    form = {"start": ["1", "1", year], "end": ["31", "1", year]}  # GOV.UK date inputs: day, month, year
    status, page = officer.post("/outcomes/recompute", "/outcomes/recompute", form)
    says_later = "try again" in page.lower()
    kept = f'value="{year}"' in page
    check(status in (422, 503) and says_later and kept,
          f"Redis stopped: starting a recompute answers HTTP {status}, says try again later: {says_later}, "
          f"keeps the dates entered: {kept}")
    stranger = Browser(base)
    status, page = sign_in(stranger, email)
    check(status == 200 and "Signed in as" in page, f"Redis stopped: a new sign-in still works (HTTP {status})")
    services.start_redis()
    status, page = officer.post("/outcomes/recompute", "/outcomes/recompute", form)
    check(status == 200 and "try again" not in page.lower(), f"Redis back: the recompute starts (HTTP {status})")


def drill_redis_restarted(services: Services, email: str) -> None:
    """A queued recompute (no worker runs) across a Redis restart with its append-only file, then
    across one without (empty): lost, said so, and started again from its page."""
    base = f"http://127.0.0.1:{services.web_port}"
    services.stop_redis()
    services.start_redis(append_only=True)  # as compose.yml runs it
    officer = Browser(base)
    sign_in(officer, email)
    year = str(date.today().year - 1)
    form = {"start": ["1", "1", year], "end": ["31", "3", year]}
    status, page = officer.post("/outcomes/recompute", "/outcomes/recompute", form)
    found = JOB_ID.search(page)
    if status != 200 or not found:
        check(False, f"a recompute to follow across Redis restarts could not be queued (HTTP {status})")
        return
    job_id = found.group(1)
    services.stop_redis()
    services.start_redis(append_only=True)
    status, page = officer.get(f"/jobs/{job_id}")
    kept = "Waiting to start" in page and "was lost" not in page
    check(status == 200 and kept, f"Redis restarted with its append-only file: the queued recompute is still "
                                  f"queued: {kept} (HTTP {status})")
    services.stop_redis()
    shutil.rmtree(services.redis_dir)
    services.redis_dir.mkdir()
    services.start_redis()  # empty
    status, page = officer.get(f"/jobs/{job_id}")
    lost, offered = "This job was lost" in page, "Start it again" in page
    _, dashboard = officer.get("/outcomes/")
    told = "was lost when the job queue restarted" in dashboard
    check(status == 200 and lost and offered and told,
          f"Redis restarted empty: the recompute's page (HTTP {status}) says it was lost: {lost}, offers Start it "
          f"again: {offered}; the dashboard says so: {told}")
    status, page = officer.post(f"/jobs/{job_id}/start-again", f"/jobs/{job_id}", {})
    again = JOB_ID.search(page)
    check(status == 200 and again is not None and again.group(1) != job_id and "Waiting to start" in page,
          f"Start it again: a new recompute is queued (HTTP {status}, {again.group(1) if again else 'no job'})")


def drill_postgres_restart(services: Services, email: str) -> None:
    """PostgreSQL restarted while 4 signed-in clients ask for a page, a missing page, and post a
    form with and without its CSRF token."""
    base = f"http://127.0.0.1:{services.web_port}"
    officer = Browser(base)
    sign_in(officer, email)
    token = officer.token("/outcomes/recompute")
    bad_dates = {"start": ["31", "3", "2025"], "end": ["1", "1", "2025"]}  # refused (422): nothing is queued
    asks = {
        "page": lambda me: me.get("/recruitment/screening"),
        "missing page": lambda me: me.get("/no-such-page"),
        "POST without CSRF": lambda me: me.post_with("/outcomes/recompute", None, bad_dates),
        "POST with CSRF": lambda me: me.post_with("/outcomes/recompute", token, bad_dates),
    }
    codes: dict[str, Counter] = {what: Counter() for what in asks}
    unavailable: list[float] = []  # when a 503 was answered
    slow = []
    stop = threading.Event()

    def hammer():
        me = Browser(base)
        me.opener = officer.opener  # same signed-in session
        while not stop.is_set():
            for what, ask in asks.items():
                started = time.time()
                code, _ = ask(me)
                codes[what][code] += 1
                if code == 503:
                    unavailable.append(time.time())
                if time.time() - started > 30:
                    slow.append(time.time() - started)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    version = sorted(os.listdir("/etc/postgresql"))[0]
    restart = time.time()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    restarted_in = time.time() - restart
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join()
    after = Counter(officer.get("/recruitment/screening")[0] for _ in range(20))
    window = max(unavailable) - min(unavailable) if unavailable else 0.0
    check(not slow and set(codes["page"]) <= {200, 503},
          f"PostgreSQL restarted ({restarted_in:.1f} s) under 4 signed-in clients: pages answer "
          f"{dict(codes['page'])}, none hung; 503s for {window:.2f} s")
    check(set(codes["missing page"]) == {404},
          f"a signed-in missing page meanwhile: always the 404 page {dict(codes['missing page'])}")
    check(set(codes["POST without CSRF"]) == {400},
          f"a signed-in POST without its CSRF token: always the 400 page {dict(codes['POST without CSRF'])}")
    check(set(codes["POST with CSRF"]) <= {422, 503},
          f"a signed-in POST with its token: 422 as usual, 503 while the database is away "
          f"{dict(codes['POST with CSRF'])}")
    check(after == Counter({200: 20}), f"after the restart, without restarting the app: {dict(after)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["worker", "import", "redis", "postgres"], action="append",
                        help="run only this drill (repeat for several)")
    parser.add_argument("--scale", choices=["full", "small"], default="full",
                        help="the drill database: full (300,000 staff) or small (a tenth)")
    args = parser.parse_args()
    only = set(args.only or ("worker", "import", "redis", "postgres"))
    admin_url, url = database_urls(os.environ.get("BENCH_DATABASE_URL",
                                                  "postgresql://postgres@127.0.0.1:5432/postgres"), DB_NAME)
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    create_database(admin_url, DB_NAME)
    services = Services(sa_url)
    try:
        log("Building the drill database ...")
        migrate(sa_url)
        generate(url, SCALE if args.scale == "full" else SMALL_SCALE, date.today())
        services.start_redis()
        app = app_for(services)
        email = make_officer(app)
        services.start_web()
        if "worker" in only:
            drill_worker_killed(services, app)
        if "import" in only:
            drill_import_killed(services, app, email)
        if "redis" in only:
            drill_redis_stopped(services, app, email)
            drill_redis_restarted(services, email)
        if "postgres" in only:
            drill_postgres_restart(services, email)
    finally:
        services.stop()
        drop_database(admin_url, DB_NAME)
    failed = [what for ok, what in results if not ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
