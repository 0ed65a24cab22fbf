"""Sign-in cost benchmark (not part of the test run): 20 people signing in at the same moment on
gunicorn (2 workers), PostgreSQL and Redis, for each argon2id parameter set OWASP lists as its
minimum (all equal in strength, trading memory for passes) and the RFC 9106 low-memory profile
the service used before. Prints, per set, the time of one hash here and the sign-in POST's
p50/p95/max over the rounds (and one sign-in alone: the server's cost of one), the machine's load average before and after, and which sets keep
p95 under 1 s (the target in docs/security.md).

    nice -n 10 .venv/bin/python bench/signin.py                  # 5 rounds of 20 per set
    nice -n 10 .venv/bin/python bench/signin.py --rounds 10 --people 20

Each round: 20 virtual users open the sign-in page (for its CSRF token), wait for each other,
then all post their email and password at once; the POST is timed (a 302 to the start page is a
success; anything else is counted as a failure). Every account's hash is made with the set under
test, so no sign-in rehashes. Needs PostgreSQL (BENCH_DATABASE_URL; a database
goodcare_bench_signin is made and dropped) and Redis (BENCH_REDIS_URL, db 14, flushed).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from driver import Browser, Failed, percentile  # noqa: E402
from load import free_port, serve  # noqa: E402
from outcomes import create_database, database_urls, drop_database, log, migrate  # noqa: E402

DB_NAME = "goodcare_bench_signin"
PASSWORD = "signin-bench-kettle-orchard-9"
# (memory KiB, passes, lanes): OWASP's Password Storage Cheat Sheet's five equal-strength minimums,
# then the RFC 9106 "low memory" profile (argon2-cffi's RFC_9106_LOW_MEMORY).
PARAMETER_SETS = [(47104, 1, 1), (19456, 2, 1), (12288, 3, 1), (9216, 4, 1), (7168, 5, 1), (65536, 3, 4)]
TARGET_P95 = 1.0


def label(parameters: tuple[int, int, int]) -> str:
    memory, passes, lanes = parameters
    return f"m={memory} KiB ({memory / 1024:g} MiB) t={passes} p={lanes}"


def one_hash_seconds(parameters: tuple[int, int, int], repeat: int = 5) -> float:
    from argon2 import PasswordHasher

    memory, passes, lanes = parameters
    hasher = PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes)
    stored = hasher.hash(PASSWORD)
    started = time.perf_counter()
    for _ in range(repeat):
        hasher.verify(stored, PASSWORD)
    return (time.perf_counter() - started) / repeat


def seed_people(url: str, people: int) -> None:
    from academy import create_app
    from academy.auth.models import Role, User
    from academy.config import TestConfig
    from academy.extensions import db, utcnow

    app = create_app(TestConfig(url))
    with app.app_context():
        for i in range(people):
            db.session.add(User(email=f"signer{i}@load.example", full_name=f"Signer {i}", role=Role.applicant,
                                password_hash="set-per-round", email_confirmed_at=utcnow()))
        db.session.commit()
        db.engine.dispose()


def set_hashes(url: str, parameters: tuple[int, int, int]) -> None:
    """Every account's password hashed with `parameters` (one hash, shared: the salt does not matter here)."""
    import psycopg
    from argon2 import PasswordHasher

    memory, passes, lanes = parameters
    stored = PasswordHasher(time_cost=passes, memory_cost=memory, parallelism=lanes).hash(PASSWORD)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute("UPDATE users SET password_hash = %s WHERE email LIKE 'signer%%'", (stored,))


def sign_in_round(port: int, people: int) -> tuple[list[float], int]:
    """`people` sign-ins posted at once; returns their POST times and the number that failed."""
    browsers = [Browser(port, timeout=60) for _ in range(people)]
    tokens = [b.token("/sign-in", "sign-in page") for b in browsers]
    ready = threading.Barrier(people)
    seconds: list[float] = []
    failures = []
    lock = threading.Lock()

    def sign_in(i: int) -> None:
        ready.wait()
        started = time.perf_counter()
        try:
            status, _ = browsers[i].post("/sign-in", "sign in", {"csrf_token": tokens[i], "email": f"signer{i}@load.example",
                                                                  "password": PASSWORD})
        except Failed:
            status = 0
        elapsed = time.perf_counter() - started
        with lock:
            (seconds if status == 302 else failures).append(elapsed)

    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for browser in browsers:
        browser.close()
    return seconds, len(failures)


def measure(sa_url: str, redis_url: str, parameters, people: int, rounds: int) -> dict:
    import redis

    set_hashes(sa_url, parameters)
    redis.Redis.from_url(redis_url).flushdb()  # the sign-in throttle's counters
    port = free_port()
    log_path = Path(tempfile.mkdtemp(prefix="goodcare-signin-")) / "gunicorn.log"
    memory, passes, lanes = parameters
    server = serve(sa_url, redis_url, port, log_path, BENCH_ARGON2=f"{memory},{passes},{lanes}")
    try:
        sign_in_round(port, 2)  # warm both workers (imports, connections, the dummy hash)
        alone = []
        for _ in range(10):  # one at a time: what one sign-in costs the server
            alone += sign_in_round(port, 1)[0]
        seconds, failed = [], 0
        for _ in range(rounds):
            times, failures = sign_in_round(port, people)
            seconds += times
            failed += failures
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"alone": percentile(alone, 0.50), "p50": percentile(seconds, 0.50), "p95": percentile(seconds, 0.95), "max": max(seconds, default=0),
            "count": len(seconds), "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=20, help="sign-ins posted at once")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    base = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    admin_url, url = database_urls(base, DB_NAME)
    sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    load_before = os.getloadavg()
    create_database(admin_url, DB_NAME)
    try:
        migrate(sa_url)
        seed_people(sa_url, args.people)
        results = []
        for parameters in PARAMETER_SETS:
            log(f"{label(parameters)}: {args.rounds} rounds of {args.people} sign-ins at once ...")
            results.append((parameters, one_hash_seconds(parameters), measure(sa_url, redis_url, parameters,
                                                                              args.people, args.rounds)))
    finally:
        if not args.keep:
            drop_database(admin_url, DB_NAME)
    load_after = os.getloadavg()
    print(f"\nSign-in POST, {args.people} at once x {args.rounds} rounds, gunicorn 2 workers, PostgreSQL + Redis; "
          f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"{'argon2id parameters':38} {'1 hash ms':>9} {'alone ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'failed':>6}  p95 < 1 s")
    for parameters, one, result in results:
        ok = "yes" if result["p95"] < TARGET_P95 and not result["failed"] else "no"
        print(f"{label(parameters):38} {one * 1000:9.0f} {result['alone'] * 1000:8.0f} {result['p50'] * 1000:7.0f} {result['p95'] * 1000:7.0f} "
              f"{result['max'] * 1000:7.0f} {result['failed']:6}  {ok}")


if __name__ == "__main__":
    main()
