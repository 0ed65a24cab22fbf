"""Test fixtures: one app per run on a fresh database built by the migrations, cleaned per test.

The database is SQLite unless GOODCARE_TEST_DB=postgres, when a throwaway database is made on
the server in TEST_DATABASE_URL; TEST_REDIS_URL (if set) gives the app a real Redis. Jobs run
inline (RQ is_async=False) except in the tests that start a real worker. WHERE_TESTS_RUN says
which of scripts/test's passes (SQLite; PostgreSQL + Redis) runs each test.
"""
from __future__ import annotations

import os
import re
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from academy import create_app
from academy.config import TestConfig
from academy.extensions import db, limiter
from academy.workplaces.reference import seed_reference_data

REFERENCE_TABLES = {"districts", "service_types", "job_roles", "alembic_version"}
BACKEND = os.environ.get("GOODCARE_TEST_DB", "sqlite")

# Where each test runs. scripts/test makes two passes: 1. SQLite with jobs inline (a fake Redis);
# 2. when TEST_DATABASE_URL is set, PostgreSQL with a real Redis. A test runs in pass 1 only,
# unless the longest path below that holds it gives it a marker (declared in pyproject.toml):
#   postgres_too  both passes: SQLite and PostgreSQL (or the fake and a real Redis) differ here
#   once          one pass, the last: a crawl of every page or form, on the stricter PostgreSQL
#   browser       pass 1 only: headless Chromium
#   None          pass 1 only (the default; overrides a folder's marker for a module inside it)
# A single test may carry a marker itself (`@pytest.mark.postgres_too`); `redis` (needs a real
# Redis) and `postgres` (a PostgreSQL setting SQLite has no counterpart for) are always set on the
# test, and put it in pass 2 only (with no PostgreSQL it is not selected, rather than skipped).
WHERE_TESTS_RUN = {
    "tests/browser/": "browser",
    "tests/fuzz/": "once",  # found PostgreSQL-only 500s: NUL characters, integer overflow
    "tests/security/test_route_walk.py": "once",
    "tests/test_migrations.py": "postgres_too",  # the schema, built by each database's migrations
    "tests/test_seed.py": "postgres_too",  # the demo seed on PostgreSQL's sequences, run twice
    "tests/test_jobs.py": "postgres_too",  # jobs through a real Redis
    "tests/test_health_and_errors.py": "postgres_too",  # /healthz asks the real database and Redis
    "tests/test_service_faults.py": "postgres_too",  # Redis or the database away
    "tests/test_lost_jobs.py": "postgres_too",  # jobs Redis forgot: a real Redis; the restart's claim
    "tests/outcomes/": "postgres_too",  # readers and snapshot writes use COPY; an advisory lock
    "tests/outcomes/test_metrics.py": None,  # numpy on frames built in memory
    "tests/outcomes/test_training_lines.py": None,
    "tests/ascwds/": "postgres_too",  # import batches: nextval and COPY; all or nothing
    "tests/ascwds/test_parse.py": None,  # reading files, no database
    "tests/ascwds/test_validate.py": None,
    "tests/privacy/": "postgres_too",  # retention and erasure: grouped queries, deletes under real foreign keys
    "tests/privacy/test_audit_coverage.py": None,  # reads the source
    "tests/privacy/test_notice.py": None,
    "tests/recruitment/test_concurrent_assessment.py": "postgres_too",  # version counters, two sessions
    "tests/recruitment/test_staff_web.py": "postgres_too",  # another connection commits between read and write
    "tests/recruitment/test_followup.py": "postgres_too",  # a unique clash: PostgreSQL aborts the transaction
    "tests/recruitment/test_journeys_web.py": "postgres_too",  # the name search (ILIKE with ESCAPE), assignment
    "tests/recruitment/test_interview_booking.py": "postgres_too",  # the reminder claim: a unique clash in a savepoint
    "tests/recruitment/test_duplicates.py": "postgres_too",  # a merge's bulk UPDATEs under real foreign keys; savepoints
    "tests/recruitment/test_duplicates_web.py": "postgres_too",  # the list's query count, the merge's conflicts
    "tests/recruitment/test_duplicates_migration.py": "postgres_too",  # 0022's data migration
    "tests/training/test_reminders.py": "postgres_too",  # savepoint + unique clash
    "tests/training/test_records.py": "postgres_too",  # deleting a record under real foreign keys
    "tests/training/test_credentials.py": "postgres_too",  # the status list's id ranges, revocation sweeps
    "tests/tiers/test_awards.py": "postgres_too",  # endorsement requests: savepoint + unique clash
    "tests/portal/test_summary.py": "postgres_too",  # month-end figures through the outcomes readers' SQL; CASE counts
    "tests/recognition/": "postgres_too",  # name search (ILIKE), erasure deletes under real foreign keys
    "tests/benefits/": "postgres_too",  # grouped, distinct counts of use; a unique row per member and benefit
    "tests/voice/": "postgres_too",  # grouped counts, savepoints and unique clashes, the database-level anonymity checks
    "tests/portal/test_employer_links.py": "postgres_too",  # moves and deletes across the workforce spine
    "tests/security/test_sign_in_throttle.py": "postgres_too",  # the rate limiter's counters in Redis
    "tests/web/test_refusals.py": "postgres_too",  # a connection of its own; SQLite's write lock; grouped counts
    "tests/web/test_workplaces.py": "postgres_too",  # search: ILIKE on PostgreSQL, lower() LIKE on SQLite
    "tests/unit/test_mail.py": "postgres_too",  # mail waits for the outermost commit: savepoints, rollbacks
}


def _postgres_database():
    """Create a uniquely named database on the TEST_DATABASE_URL server; return (url, drop)."""
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        raise pytest.UsageError("GOODCARE_TEST_DB=postgres needs TEST_DATABASE_URL")
    base = sa.make_url(base_url).set(drivername="postgresql+psycopg")
    name = f"goodcare_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def _redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url or BACKEND != "postgres":
        return None
    # A database number of its own per run (and per xdist worker), so parallel runs do not meet.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = 1 + (os.getpid() * 2 + int(worker[2:] or 0)) % 15
    return re.sub(r"/\d*$", "", url.rstrip("/")) + f"/{number}"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = where_test_runs(item.path.relative_to(config.rootpath).as_posix())
        if marker:
            item.add_marker(marker)


def where_test_runs(path: str) -> str | None:
    """The marker WHERE_TESTS_RUN gives a test file (a path from the project root), if any."""
    holding = [p for p in WHERE_TESTS_RUN if path == p or (p.endswith("/") and path.startswith(p))]
    return WHERE_TESTS_RUN[max(holding, key=len)] if holding else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if BACKEND == "postgres":
        url, drop = _postgres_database()
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(TestConfig(database_url, redis_url=_redis_url(),
                                STORAGE_DIR=tmp_path_factory.mktemp("storage")))
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
        seed_reference_data(db.session)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Each test starts with only the reference lists in the database and nothing in Redis."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            _empty_tables(conn)
        limiter.reset()
        app.extensions.get("mail_outbox", []).clear()
        if app.config.get("REDIS_URL"):
            from academy.jobs import redis_connection

            redis_connection().flushdb()


def _empty_tables(conn) -> None:
    """Delete every row but the reference lists', children first, and start ids again at 1.

    Only the tables that hold rows are emptied (one query finds them), with DELETE: a test leaves a
    few rows, and PostgreSQL's TRUNCATE, which makes new files for every table, took about a second
    a test. On SQLite a table's ids start again at 1 once it is empty; PostgreSQL's sequences are
    set back, as TRUNCATE ... RESTART IDENTITY did."""
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    filled = set(conn.execute(sa.text(" UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables))).scalars())
    for table in tables:
        if table.name in filled:
            conn.execute(table.delete())
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT " + ", ".join(
            f"setval(pg_get_serial_sequence('{t.name}', '{t.autoincrement_column.name}'), 1, false)"
            for t in tables if t.autoincrement_column is not None)))


@pytest.fixture
def ctx(app):
    """A request context for calling domain functions and factories directly."""
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app, ctx):
    from tests.helpers import Client

    return Client(app)


@pytest.fixture
def outbox(app):
    return app.extensions.setdefault("mail_outbox", [])
