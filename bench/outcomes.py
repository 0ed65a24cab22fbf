"""Outcomes benchmark (not part of the test run): England-scale synthetic data in PostgreSQL, then

  (a) stream just the needed columns out with COPY (the floor), before and after the job runs,
      with psycopg's Copy a row at a time as first measured, and (a') taking the rows in blocks
      as the job's readers do (readers.copy_out),
  (c) the outcomes job as a whole (snapshots.run_outcomes: read, compute, store, commit) in a
      fresh process, for its peak memory: first into an empty snapshot table (every figure new),
      then again with nothing changed (only what changed is written: nothing),
  (b) one hand-written SQL query producing the same 12 monthly snapshots per workplace,

and print the times, c/a for each run (target <= 2, against the mean of the two floors), b/c,
what each run wrote, each run's peak memory (target <= 1 GB), the load average, and check that
what the job stored agrees with (b) on every number.

    .venv/bin/python bench/outcomes.py --scale hertfordshire     # 1,000 workplaces, 40,000 staff
    .venv/bin/python bench/outcomes.py                           # England: 18,000 workplaces, 2M staff records
    .venv/bin/python bench/outcomes.py --scale hertfordshire --funnel   # + 100k applications, 400k stage
                                                                        #   changes, 30k interviews: the job
                                                                        #   with and without the GCR funnel

The database (goodcare_bench_outcomes by default) is created from the real migrations and dropped
at the end (--keep keeps it). Staff, vacancies and workplaces are loaded with COPY FROM; the course
catalogue is the real one (training/data/courses.csv), and qualifications, Care Certificate
inductions and training records are generated inside PostgreSQL.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import sqlalchemy as sa

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

SCALES = {
    "england": {"workplaces": 18_000, "in_post": 1_600_000, "records": 2_000_000, "vacancies": 300_000,
                "training": 20_000_000},
    "hertfordshire": {"workplaces": 1_000, "in_post": 40_000, "records": 50_000, "vacancies": 17_000,
                      "training": 500_000},
}
CONTRACTS = np.array(["permanent", "temporary", "bank", "agency"])
CONTRACT_WEIGHTS = [0.88, 0.05, 0.05, 0.02]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the database --------------------------------------------------------------------------------

def database_urls(base: str, name: str) -> tuple[str, str]:
    url = sa.make_url(base)
    return (url.set(drivername="postgresql").render_as_string(hide_password=False),
            url.set(database=name, drivername="postgresql").render_as_string(hide_password=False))


def create_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    """The real schema: run the migrations and seed the reference lists."""
    from flask_migrate import upgrade

    from academy import create_app
    from academy.config import TestConfig
    from academy.extensions import db
    from academy.workplaces.reference import seed_reference_data
    from training.catalogue import seed_courses

    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade()
        seed_reference_data(db.session)
        seed_courses(db.session)
        db.session.commit()
        db.engine.dispose()


def copy_frame(conn, table: str, frame: pd.DataFrame, chunk: int = 500_000) -> None:
    columns = ", ".join(frame.columns)
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        for start in range(0, len(frame), chunk):
            buffer = io.StringIO()
            frame.iloc[start:start + chunk].to_csv(buffer, index=False, header=False, na_rep="")
            copy.write(buffer.getvalue())


def _days(values: np.ndarray) -> pd.Series:
    """Day numbers to ISO dates (NaN -> empty)."""
    return pd.Series(np.asarray(values, dtype="float64").astype("datetime64[D]")).dt.strftime("%Y-%m-%d")


def generate(url: str, scale: dict, last: date, seed: int = 6) -> dict:
    rng = np.random.default_rng(seed)
    last_day = np.datetime64(last, "D").astype(np.int64)
    counts = {}
    with psycopg.connect(url) as conn:
        districts = [r[0] for r in conn.execute("SELECT id FROM districts ORDER BY id")]
        types = [r[0] for r in conn.execute("SELECT id FROM service_types ORDER BY id")]
        roles = dict(conn.execute("SELECT code, id FROM job_roles").fetchall())
        n_wp = scale["workplaces"]
        n_providers = max(1, n_wp // 3)
        copy_frame(conn, "providers", pd.DataFrame({"id": np.arange(1, n_providers + 1),
                                                    "name": [f"Provider {i}" for i in range(1, n_providers + 1)]}))
        wp = pd.DataFrame({
            "id": np.arange(1, n_wp + 1), "provider_id": rng.integers(1, n_providers + 1, n_wp),
            "name": [f"Workplace {i}" for i in range(1, n_wp + 1)], "address_line_1": "1 High Street",
            "town": "Town", "postcode": "AL1 3JE", "district_id": rng.choice(districts, n_wp),
            "service_type_id": rng.choice(types, n_wp), "cqc_rating": "good",
        })
        copy_frame(conn, "workplaces", wp)
        counts["workplaces"] = n_wp
        log(f"  {n_wp:,} workplaces")

        n = scale["records"]
        n_people = int(n * 0.92)
        copy_frame(conn, "people", pd.DataFrame({"id": np.arange(1, n_people + 1),
                                                 "full_name": np.char.add("Worker ", np.arange(1, n_people + 1).astype(str))}))
        in_post = scale["in_post"]
        start = last_day - rng.integers(0, 15 * 365, n)
        leaving = np.full(n, np.nan)
        leavers = np.arange(in_post, n)
        leaving[leavers] = last_day - rng.integers(0, 730, len(leavers))
        start[leavers] = np.minimum(start[leavers], leaving[leavers].astype(np.int64) - rng.integers(0, 900, len(leavers)))
        late_starters = rng.random(n) < 0.12  # some recent starters, so the starters rate is realistic
        start[late_starters & (np.arange(n) < in_post)] = last_day - rng.integers(0, 400, int((late_starters & (np.arange(n) < in_post)).sum()))
        care_roles = [roles[c] for c in ("care_worker", "senior_care_worker", "support_worker", "registered_nurse",
                                         "team_leader", "deputy_manager")]
        other_roles = [roles[c] for c in ("ancillary", "administrative", "activities_worker")]
        job_role = np.where(rng.random(n) < 0.85, rng.choice(care_roles, n), rng.choice(other_roles, n))
        workplace = rng.integers(1, n_wp + 1, n)
        rm = np.zeros(n, dtype=bool)
        rm[:n_wp] = True  # one registered manager in post per workplace ...
        workplace[:n_wp] = np.arange(1, n_wp + 1)
        rm_leavers = leavers[: n_wp // 5]  # ... and some who have left
        rm[rm_leavers] = True
        job_role[rm] = roles["registered_manager"]
        # About one in twenty (not the registered managers above) changed job role once, on a day between
        # their start and their leaving (or the last month end): the employment holds the new role.
        ends = np.where(np.isnan(leaving), last_day, np.nan_to_num(leaving)).astype(np.int64)
        changed = np.flatnonzero((rng.random(n) < 0.05) & ~rm & (ends - start > 2))
        changed_on = start[changed] + 1 + (rng.random(len(changed)) * (ends[changed] - start[changed] - 1)).astype(np.int64)
        new_roles = np.array(care_roles + other_roles + [roles["registered_manager"]])
        to_role = rng.choice(new_roles, len(changed))
        to_role = np.where(to_role == job_role[changed], roles["registered_manager"], to_role)
        from_role = job_role[changed].copy()
        job_role[changed] = to_role
        emp = pd.DataFrame({
            "id": np.arange(1, n + 1),
            "person_id": rng.integers(1, n_people + 1, n), "workplace_id": workplace, "job_role_id": job_role,
            "contract_type": rng.choice(CONTRACTS, n, p=CONTRACT_WEIGHTS),
            "start_date": _days(start), "leaving_date": _days(leaving),
            "is_registered_manager": np.where(rm, "t", "f"),
        })
        emp.loc[rm, "contract_type"] = "permanent"
        copy_frame(conn, "employments", emp)
        counts["employments"] = n
        copy_frame(conn, "employment_role_changes", pd.DataFrame({
            "employment_id": changed + 1, "from_job_role_id": from_role, "to_job_role_id": to_role,
            "changed_on": _days(changed_on)}))
        log(f"  {n:,} staff records ({in_post:,} in post at {last}), {len(changed):,} job-role changes")

        nv = scale["vacancies"]
        opened = last_day - rng.integers(0, 730, nv)
        closed = np.where(rng.random(nv) < 0.6, opened + rng.integers(10, 150, nv), np.nan)
        vac = pd.DataFrame({
            "workplace_id": rng.integers(1, n_wp + 1, nv), "job_role_id": rng.choice(care_roles, nv),
            "posts": rng.integers(1, 4, nv), "contract_type": rng.choice(CONTRACTS[:2], nv, p=[0.95, 0.05]),
            "opened_on": _days(opened), "closed_on": _days(closed),
        })
        copy_frame(conn, "vacancies", vac)
        counts["vacancies"] = nv
        log(f"  {nv:,} vacancy records")
        for table in ("providers", "workplaces", "people", "employments"):  # loaded with explicit ids: move their sequences on
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
        counts.update(generate_training(conn, scale, last, n_people))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return counts


def generate_training(conn, scale: dict, last: date, n_people: int) -> dict:
    """Qualifications, Care Certificate inductions and training records, generated inside PostgreSQL
    (generate_series + random(), seeded); the training records' secondary indexes are rebuilt after
    the load and foreign-key triggers are skipped while loading (session_replication_role)."""
    counts = {}
    day = f"DATE '{last.isoformat()}'"
    conn.execute("SELECT setseed(0.6)")
    conn.execute("SET session_replication_role = replica")
    conn.execute(f"""
        INSERT INTO qualifications (person_id, qualification_type, title, level, social_care, status, achieved_on)
        SELECT id, kind, kind, CASE WHEN kind = 'other' THEN 3 ELSE 2 END, kind <> 'other',
               CASE WHEN r < 0.05 THEN 'enrolled' ELSE 'achieved' END,
               CASE WHEN r < 0.05 THEN NULL ELSE {day} - floor(random() * 3650)::int END
        FROM (SELECT id, random() AS r, (ARRAY['diploma_l2_adult_care', 'diploma_l2_adult_care',
                     'l2_adult_social_care_certificate', 'other'])[1 + floor(random() * 4)::int] AS kind
              FROM people) AS p WHERE r < 0.55""")
    conn.execute(f"""
        INSERT INTO care_certificate_inductions (person_id, version, started_on, target_on, completed_on)
        SELECT id, 'v2025', started, started + 84,
               CASE WHEN random() < 0.8 THEN started + floor(random() * 140)::int END
        FROM (SELECT id, {day} - floor(random() * 2000)::int AS started FROM people WHERE random() < 0.6) AS p""")
    mandatory = [r[0] for r in conn.execute("SELECT DISTINCT course_id FROM course_job_roles ORDER BY 1")]
    others = [r[0] for r in conn.execute(
        "SELECT id FROM courses WHERE category <> 'qualification' AND id NOT IN "
        "(SELECT course_id FROM course_job_roles) ORDER BY 1")]
    weighted = mandatory * 9 + others  # about nine in ten records are for a mandatory course
    indexes = conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'training_records' "
                           "AND indexname LIKE 'ix\_%'").fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    n = scale["training"]
    for start in range(0, n, 5_000_000):
        conn.execute(f"""
            INSERT INTO training_records (person_id, course_id, completed_on, expires_on)
            SELECT g.person_id, c.id, g.completed_on,
                   CASE WHEN c.renewal_months IS NULL THEN NULL
                        ELSE CAST(g.completed_on + make_interval(months => c.renewal_months) AS date) END
            FROM (SELECT 1 + floor(random() * {n_people})::int AS person_id,
                         (CAST(%(courses)s AS int[]))[1 + floor(random() * {len(weighted)})::int] AS course_id,
                         {day} - floor(random() * 5 * 365)::int AS completed_on
                  FROM generate_series(1, {min(5_000_000, n - start)})) AS g
            JOIN courses c ON c.id = g.course_id""", {"courses": weighted})
    for _, definition in indexes:
        conn.execute(definition)
    conn.execute("SET session_replication_role = DEFAULT")
    conn.commit()
    for table in ("qualifications", "care_certificate_inductions", "training_records"):
        counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
    log(f"  {counts['training_records']:,} training records ({len(mandatory)} mandatory courses), "
        f"{counts['qualifications']:,} qualifications, {counts['care_certificate_inductions']:,} inductions")
    return counts


FUNNEL_SCALE = {"applications": 100_000, "stage_changes": 400_000, "interviews": 30_000}
PATH = ("submitted", "screening", "values_assessed", "checks", "ready_to_refer", "referred", "interviewing",
        "offered", "placed")


def generate_recruitment(url: str, last: date, scale: dict = FUNNEL_SCALE, seed: int = 17) -> dict:
    """Applicants over three years: users, applications (a source, a district, the furthest form page;
    seven in ten sent), each sent one's moves along the pipeline (stopping at a random stage, most
    then withdrawn or not progressed, some put on hold and resumed) until there are about
    scale["stage_changes"] of them, and referrals with an interview for scale["interviews"]."""
    from recruitment.models import HeardAbout

    rng = np.random.default_rng(seed)
    n = scale["applications"]
    last_second = int(np.datetime64(last, "s").astype(np.int64)) + 86_399
    with psycopg.connect(url) as conn:
        districts = [r[0] for r in conn.execute("SELECT id FROM districts ORDER BY id")]
        conn.execute("INSERT INTO users (email, full_name, password_hash, role, session_token) "
                     "VALUES ('officer@bench.example', 'Officer', 'x', 'hcpa_staff', md5('officer'))")
        officer = conn.execute("SELECT id FROM users WHERE email = 'officer@bench.example'").fetchone()[0]
        first_user = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0]
        user_ids = np.arange(first_user, first_user + n)
        copy_frame(conn, "users", pd.DataFrame({
            "id": user_ids, "email": np.char.add(np.char.add("applicant", user_ids.astype(str)), "@bench.example"),
            "full_name": "Applicant", "password_hash": "x", "role": "applicant",
            "session_token": [f"{i:032x}" for i in user_ids]}))
        started = last_second - rng.integers(0, 3 * 365 * 86_400, n)
        sent = rng.random(n) < 0.7
        sent_at = started + rng.integers(600, 5 * 86_400, n)
        furthest = np.where(sent, 19, rng.integers(0, 19, n))
        sources = np.array([h.name for h in HeardAbout], dtype=object)
        heard = np.where(furthest >= 12, sources[rng.integers(0, len(sources), n)], None)
        district = np.where(furthest >= 4, rng.choice(districts, n), np.nan)
        # the moves of each sent application: a depth along PATH, then perhaps an exit; gaps of ~6 days
        sent_rows = np.flatnonzero(sent & (sent_at <= last_second))
        target = scale["stage_changes"] / 0.984  # about 1.6% of the moves fall after the last month end
        depth = rng.choice(len(PATH), len(sent_rows), p=[0.13, 0.12, 0.12, 0.11, 0.1, 0.1, 0.1, 0.1, 0.12])
        exits = (depth < len(PATH) - 1) & (rng.random(len(sent_rows)) < 0.8)
        held = (rng.random(len(sent_rows)) < 0.1) & (depth >= 1)  # on hold after screening began, then resumed
        moves_each = depth + 1 + exits + 2 * held
        scale_down = min(1.0, target / moves_each.sum())
        keep = rng.random(len(sent_rows)) < scale_down
        sent_rows, depth, exits, held, moves_each = (a[keep] for a in (sent_rows, depth, exits, held, moves_each))
        app_of_move = np.repeat(sent_rows, moves_each)
        step = np.arange(len(app_of_move)) - np.repeat(np.cumsum(moves_each) - moves_each, moves_each)
        path_step = step - np.where(np.repeat(held, moves_each) & (step > 1), np.minimum(step - 1, 2), 0)
        states = np.array(PATH, dtype=object)[np.minimum(path_step, len(PATH) - 1)]
        hold_step = np.repeat(held, moves_each) & (step == 2)
        states[hold_step] = "on_hold"
        exit_step = np.repeat(exits, moves_each) & (step == np.repeat(moves_each, moves_each) - 1)
        states[exit_step] = np.where(rng.random(int(exit_step.sum())) < 0.6, "withdrawn", "not_progressed")
        gaps = rng.exponential(6 * 86_400, len(app_of_move)).astype(np.int64)
        gaps[step == 0] = 0
        elapsed = np.cumsum(gaps)
        at = sent_at[app_of_move] + elapsed - np.repeat(elapsed[np.cumsum(moves_each) - moves_each], moves_each)
        in_time = at <= last_second
        final = pd.Series(states[in_time]).groupby(app_of_move[in_time]).last()
        state = np.full(n, "draft", dtype=object)
        state[final.index.to_numpy()] = final.to_numpy()
        state[state == "on_hold"] = "submitted"
        last_move = pd.Series(at[in_time]).groupby(app_of_move[in_time]).max()
        changed = started.copy()
        changed[last_move.index.to_numpy()] = last_move.to_numpy()  # pipeline.move sets state_changed_at

        def stamps(seconds):
            return pd.Series(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")).dt.strftime(
                "%Y-%m-%d %H:%M:%S+00")

        copy_frame(conn, "applications", pd.DataFrame({
            "id": np.arange(1, n + 1), "user_id": user_ids, "state": state, "version": 1,
            "submitted_at": stamps(sent_at).where(sent & (sent_at <= last_second), None),
            "state_changed_at": stamps(changed), "created_at": stamps(started), "updated_at": stamps(changed),
            "heard_about": heard, "district_id": pd.array(district, dtype="Int64"), "furthest_page": furthest}))
        copy_frame(conn, "application_state_changes", pd.DataFrame({
            "application_id": app_of_move[in_time] + 1, "to_state": states[in_time], "by_id": officer,
            "occurred_at": stamps(at[in_time])}))
        # referrals, one per application that reached "referred" (interviewed: scale["interviews"] of them,
        # and when that is more than were referred, the rest an earlier referral interviewed but unsuccessful)
        referred_moves = in_time & (states == "referred")
        first_referral = pd.Series(at[referred_moves]).groupby(app_of_move[referred_moves]).first()
        referred = first_referral.index.to_numpy()
        referred_at = first_referral.to_numpy()
        vacancies = [r[0] for r in conn.execute("SELECT id FROM vacancies ORDER BY id LIMIT 5000")]
        wanted = scale["interviews"]
        interviewed = rng.random(len(referred)) < min(1.0, wanted / max(len(referred), 1))
        earlier = rng.choice(len(referred), min(max(wanted - len(referred), 0), len(referred)), replace=False)
        apps_referred = np.concatenate([referred, referred[earlier]])
        when = np.concatenate([referred_at, referred_at[earlier] - 2 * 86_400])
        status = np.concatenate([np.where(interviewed, "interview_arranged", "sent"),
                                 np.full(len(earlier), "unsuccessful")])
        with_interview = np.concatenate([interviewed, np.ones(len(earlier), dtype=bool)])
        copy_frame(conn, "referrals", pd.DataFrame({
            "application_id": apps_referred + 1, "vacancy_id": rng.choice(vacancies, len(apps_referred)),
            "referred_by_id": officer, "status": status, "version": 1,
            "interview_at": stamps(when + 86_400).where(with_interview, None),
            "created_at": stamps(when), "updated_at": stamps(when)}))
        conn.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))")
        conn.execute("SELECT setval(pg_get_serial_sequence('applications', 'id'), (SELECT max(id) FROM applications))")
        conn.commit()
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - fixed names
                  for t in ("applications", "application_state_changes", "referrals")}
        counts["interviews"] = conn.execute("SELECT count(*) FROM referrals WHERE interview_at IS NOT NULL").fetchone()[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    log(f"  {counts['applications']:,} applications, {counts['application_state_changes']:,} stage changes, "
        f"{counts['interviews']:,} interviews ({counts['referrals']:,} referrals)")
    return counts


# -- the three timings -----------------------------------------------------------------------------

def month_ends(last: date, months: int = 12) -> list[date]:
    from academy.outcomes.metrics import month_end

    ends, day = [], last
    for _ in range(months):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return sorted(month_end(d) for d in ends)


def floor_sql(engine, dates: list[date]) -> list[str]:
    from academy.outcomes import readers

    with engine.connect() as connection:
        return [readers.workplace_sql(connection),
                readers.staff_sql(connection, readers.window_start(dates), max(dates)),
                readers.role_change_sql(connection, readers.window_start(dates), max(dates)),
                readers.vacancy_sql(connection, min(dates), max(dates)),
                "SELECT id, care_providing, registered_manager FROM job_roles",
                readers.person_training_sql(connection), readers.mandatory_sql(connection),
                readers.training_sql(connection, min(dates), max(dates)), readers.applications_sql(connection)]


def time_floor(engine, dates, row_by_row: bool = True) -> tuple[float, int]:
    """(a): stream the job's SELECTs as CSV and discard them, with psycopg's Copy a row at a time (the
    floor as first measured) or (row_by_row=False) taking the rows as the job's readers now do
    (readers.copy_out)."""
    from academy.outcomes.readers import stream_only

    statements = floor_sql(engine, dates)
    with engine.connect() as connection:
        clock = time.perf_counter()
        size = sum(stream_only(connection, sql, row_by_row) for sql in statements)
        return time.perf_counter() - clock, size


HAND_SQL = """
WITH d AS (
  SELECT m::date AS d, ((m::date + 1) - interval '12 months')::date - 1 AS w
  FROM unnest(CAST(:dates AS date[])) AS m
),
q AS (
  SELECT person_id, min(qualified_on) AS qualified_on, min(inducted_on) AS inducted_on FROM (
    SELECT person_id, achieved_on AS qualified_on, NULL::date AS inducted_on FROM qualifications
    WHERE status = 'achieved' AND achieved_on IS NOT NULL AND social_care AND level >= 2
    UNION ALL
    SELECT person_id, NULL, achieved_on FROM qualifications
    WHERE status = 'achieved' AND achieved_on IS NOT NULL AND qualification_type = 'l2_adult_social_care_certificate'
    UNION ALL
    SELECT person_id, NULL, completed_on FROM care_certificate_inductions WHERE completed_on IS NOT NULL
  ) AS x GROUP BY person_id
),
periods AS (  -- the role before a change (from the start) and after it (until leaving); employments
              -- generated here change role at most once, strictly between their start and their leaving
  SELECT e.id, e.job_role_id, NULL::date AS role_from, NULL::date AS role_until FROM employments e
  WHERE NOT EXISTS (SELECT 1 FROM employment_role_changes c WHERE c.employment_id = e.id)
  UNION ALL
  SELECT c.employment_id, c.from_job_role_id, NULL::date, c.changed_on FROM employment_role_changes c
  UNION ALL
  SELECT c.employment_id, c.to_job_role_id, c.changed_on, NULL::date FROM employment_role_changes c
),
s AS (
  SELECT e.workplace_id, e.person_id, p.job_role_id, e.start_date, e.leaving_date, jr.care_providing AS care,
         (e.is_registered_manager OR jr.registered_manager) AS rm, q.qualified_on, q.inducted_on,
         p.role_from, p.role_until, p.role_from IS NULL AS first_role, p.role_until IS NULL AS last_role
  FROM employments e JOIN periods p ON p.id = e.id JOIN job_roles jr ON jr.id = p.job_role_id
  LEFT JOIN q ON q.person_id = e.person_id
  WHERE e.contract_type IN ('permanent', 'temporary')
),
s_at AS (  -- each period at each date: whether its role is the one in force then
  SELECT s.*, d.d, d.w, (s.leaving_date IS NULL OR s.leaving_date > d.d) AND (s.role_from IS NULL OR s.role_from <= d.d)
         AND (s.role_until IS NULL OR s.role_until > d.d) AS in_role
  FROM d JOIN s ON s.start_date <= d.d AND (s.leaving_date IS NULL OR s.leaving_date > d.w)
),
staff AS (
  SELECT s.workplace_id, s.d,
    count(*) FILTER (WHERE s.in_role) AS filled,
    count(*) FILTER (WHERE s.first_role AND s.start_date > s.w) AS starters,
    count(*) FILTER (WHERE s.last_role AND s.leaving_date <= s.d) AS leavers,
    count(*) FILTER (WHERE s.in_role AND s.qualified_on <= s.d) AS qualified,
    count(*) FILTER (WHERE s.care AND s.in_role) AS care_staff,
    count(*) FILTER (WHERE s.care AND s.in_role AND s.inducted_on <= s.d) AS care_inducted,
    count(*) FILTER (WHERE s.care AND s.first_role AND s.start_date > s.w) AS care_starters,
    count(*) FILTER (WHERE s.care AND s.first_role AND s.start_date > s.w AND s.inducted_on <= s.d
                     AND s.inducted_on <= s.start_date + 84) AS care_on_time,
    count(*) FILTER (WHERE s.care AND s.first_role AND s.start_date > s.w
                     AND s.inducted_on < s.start_date) AS care_arrived,
    count(*) FILTER (WHERE s.rm AND s.in_role) AS rm_posts,
    count(*) FILTER (WHERE s.rm AND s.last_role AND s.leaving_date <= s.d) AS rm_leavers
  FROM s_at s
  GROUP BY s.workplace_id, s.d
),
m AS (
  SELECT cjr.job_role_id, cjr.course_id FROM course_job_roles cjr JOIN courses c ON c.id = cjr.course_id
  WHERE c.is_active
),
cov AS (
  SELECT DISTINCT r.person_id, r.course_id, d.d
  FROM d JOIN training_records r ON r.completed_on <= d.d AND (r.expires_on IS NULL OR r.expires_on > d.d)
  WHERE r.course_id IN (SELECT course_id FROM m)
),
lines AS (
  SELECT s.workplace_id, s.person_id, m.course_id, s.d
  FROM s_at s JOIN m ON m.job_role_id = s.job_role_id
  WHERE s.in_role
),
training AS (
  SELECT l.workplace_id, l.d, count(*) AS required, count(cov.person_id) AS current
  FROM lines l LEFT JOIN cov ON cov.person_id = l.person_id AND cov.course_id = l.course_id AND cov.d = l.d
  GROUP BY l.workplace_id, l.d
),
vac AS (
  SELECT v.workplace_id, d.d, sum(v.posts) AS vacancies
  FROM d JOIN vacancies v ON v.opened_on <= d.d AND (v.closed_on IS NULL OR v.closed_on > d.d)
  WHERE v.contract_type IN ('permanent', 'temporary')
  GROUP BY v.workplace_id, d.d
)
SELECT w.id AS workplace_id, d.d AS date,
  coalesce(staff.filled, 0) AS filled, coalesce(staff.starters, 0) AS starters,
  coalesce(staff.leavers, 0) AS leavers, coalesce(staff.qualified, 0) AS qualified,
  coalesce(staff.care_staff, 0) AS care_staff, coalesce(staff.care_inducted, 0) AS care_inducted,
  coalesce(staff.care_starters, 0) AS care_starters, coalesce(staff.care_on_time, 0) AS care_on_time,
  coalesce(staff.care_arrived, 0) AS care_arrived,
  coalesce(staff.rm_posts, 0) AS rm_posts, coalesce(staff.rm_leavers, 0) AS rm_leavers,
  coalesce(vac.vacancies, 0) AS vacancies,
  coalesce(training.required, 0) AS training_required, coalesce(training.current, 0) AS training_current
FROM workplaces w CROSS JOIN d
LEFT JOIN staff ON staff.workplace_id = w.id AND staff.d = d.d
LEFT JOIN vac ON vac.workplace_id = w.id AND vac.d = d.d
LEFT JOIN training ON training.workplace_id = w.id AND training.d = d.d
ORDER BY w.id, d.d
"""
HAND_COLUMNS = ["workplace_id", "date", "filled", "starters", "leavers", "qualified", "care_staff", "care_inducted",
                "care_starters", "care_on_time", "care_arrived", "rm_posts", "rm_leavers", "vacancies", "training_required",
                "training_current"]


def time_hand_sql(engine, dates, cache: str | None = None, reuse: bool = False) -> tuple[float, pd.DataFrame]:
    """Run (b) and save its result in `cache`; with `reuse` (--reuse, so the data is the same), a result
    saved earlier is used instead."""
    if cache and os.path.exists(cache) and reuse:
        with open(cache, "rb") as fh:
            seconds, frame, cached_dates = pickle.load(fh)  # noqa: S301 - our own file
        if cached_dates == [d.isoformat() for d in dates]:
            log(f"(b) taken from {cache} (measured earlier on this database)")
            return seconds, frame
    with engine.connect() as connection:
        connection.execute(sa.text("SET work_mem = '256MB'"))  # what one would give an analytic query
        clock = time.perf_counter()
        rows = connection.execute(sa.text(HAND_SQL), {"dates": dates}).all()
        seconds = time.perf_counter() - clock
    frame = pd.DataFrame(rows, columns=HAND_COLUMNS)
    if cache:
        with open(cache, "wb") as fh:
            pickle.dump((seconds, frame, [d.isoformat() for d in dates]), fh)
    return seconds, frame


def peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_job_child(url: str, dates: list[str], out: str) -> None:
    """In a fresh process: the outcomes job itself (snapshots.run_outcomes: read, compute and store,
    committed), with its own timings, what it wrote and the process's peak memory."""
    from sqlalchemy.orm import Session

    from academy.outcomes import funnel, snapshots

    if out == "no-funnel":  # the same job with no stage history to read: the funnel's share is the difference
        funnel.available = lambda connection: False
    engine = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
    days = [date.fromisoformat(d) for d in dates]
    baseline_rss = peak_rss_kb()
    with Session(engine) as session:
        clock = time.perf_counter()
        result = snapshots.run_outcomes(session, min(days), max(days))
        total = time.perf_counter() - clock
    if result.dates != days:
        raise SystemExit(f"the job computed {result.dates}, not {days}")
    written = result.written
    print(json.dumps({**result.seconds, "total": total, "rows": result.rows, "inserted": written.inserted,
                      "updated": written.updated, "deleted": written.deleted,
                      "peak_rss_mb": peak_rss_kb() / 1024, "start_rss_mb": baseline_rss / 1024}))


def time_job(url: str, dates, with_funnel: bool = True) -> dict:
    child = subprocess.run([sys.executable, __file__, "--child", url, "-" if with_funnel else "no-funnel",
                            *[d.isoformat() for d in dates]],
                           capture_output=True, text=True, cwd=PROJECT)
    if child.returncode:
        raise SystemExit(child.stderr)
    return json.loads(child.stdout.strip().splitlines()[-1])


def stored_figures(engine, dates) -> pd.DataFrame:
    """What the job stored for `dates` (read back with COPY), to compare with (b)."""
    from academy.outcomes import readers, snapshots

    listed = ", ".join(f"DATE '{d.isoformat()}'" for d in dates)
    with engine.connect() as connection:
        frame = readers.read_frame(
            connection, "SELECT scope_type, scope_id, date, metric, numerator, denominator FROM "
            f"({snapshots.figure_rows_sql('postgresql')}) figure "
            f"WHERE date IN ({listed}) AND scope_type IN ('workplace', 'county')",
            {"scope_type": "category", "scope_id": "int64", "metric": "category", "numerator": "float64",
             "denominator": "float64"})
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def compare(hand: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
    """Every number (b) produced must equal the job's; returns the differences (empty = agree)."""
    wp = frame[frame.scope_type == "workplace"]
    wide_num = wp.pivot_table(index=["scope_id", "date"], columns="metric", values="numerator", aggfunc="first")
    wide_den = wp.pivot_table(index=["scope_id", "date"], columns="metric", values="denominator", aggfunc="first")
    job = pd.DataFrame({
        "filled": wide_num["filled_posts"], "starters": wide_num["starters_rate"],
        "leavers": wide_num["turnover_rate"], "qualified": wide_num["qualification_uptake"],
        "care_staff": wide_den["care_induction"], "care_inducted": wide_num["care_induction"],
        "care_starters": wide_den["care_induction_12_weeks"], "care_on_time": wide_num["care_induction_12_weeks"],
        "care_arrived": wide_num["care_induction_12_weeks_arrived_holding"],
        "rm_posts": wide_den["rm_turnover"], "rm_leavers": wide_num["rm_turnover"],
        "vacancies": wide_num["vacancy_rate"], "training_required": wide_den["training_compliance"],
        "training_current": wide_num["training_compliance"],
    }).reset_index().rename(columns={"scope_id": "workplace_id"})
    job["date"] = pd.to_datetime(job["date"])
    hand = hand.copy()
    hand["date"] = pd.to_datetime(hand["date"])
    merged = hand.merge(job, on=["workplace_id", "date"], how="outer", suffixes=("_sql", "_job"), indicator=True)
    problems = []
    if (merged["_merge"] != "both").any():
        problems.append(f"{int((merged['_merge'] != 'both').sum())} workplace-dates in only one result")
    for column in HAND_COLUMNS[2:]:
        differ = merged[f"{column}_sql"].astype(float) != merged[f"{column}_job"].astype(float)
        if differ.any():
            problems.append(f"{column}: {int(differ.sum())} differences")
    # The county roll-up is the sum of the hand-written query's workplace numbers too.
    county = frame[(frame.scope_type == "county") & (frame.metric == "filled_posts")].set_index("date")["numerator"]
    sums = hand.groupby("date")["filled"].sum()
    if not np.array_equal(county.sort_index().to_numpy(), sums.sort_index().to_numpy().astype(float)):
        problems.append("county filled posts differ from the sum of workplaces")
    return problems


def funnel_counts(engine) -> dict:
    with engine.connect() as connection:
        counts = {t: connection.scalar(sa.text(f"SELECT count(*) FROM {t}"))  # noqa: S608 - fixed names
                  for t in ("applications", "application_state_changes")}
        counts["interviews"] = connection.scalar(sa.text("SELECT count(*) FROM referrals WHERE interview_at IS NOT NULL"))
    return counts


FUNNEL_ROUNDS = 7


def settle(engine) -> None:
    """Before a timed job: the snapshot table vacuumed and analysed and a checkpoint taken, so the
    autovacuum, analyse or checkpoint a run sets off falls on no other run (at this scale a job
    takes a second or two, and one of those moved a round's figure by up to 100%)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE outcome_snapshot"))
        connection.execute(sa.text("CHECKPOINT"))


def time_funnel(engine, url: str, dates) -> dict:
    """The whole job with the funnel and without it (the same job, told there is no stage history),
    each into an empty snapshot table and then again with nothing changed, FUNNEL_ROUNDS times in
    turn; the median of each."""
    runs: dict[tuple[bool, str], list[dict]] = {}
    for _ in range(FUNNEL_ROUNDS):
        for with_funnel in (False, True):
            with engine.begin() as connection:
                connection.execute(sa.text("TRUNCATE outcome_snapshot"))
            for run in ("first", "again"):
                settle(engine)
                runs.setdefault((with_funnel, run), []).append(time_job(url, dates, with_funnel))
    medians = {key: sorted(jobs, key=lambda job: job["total"])[len(jobs) // 2] for key, jobs in runs.items()}
    for run in ("first", "again"):  # each round's share, to show the spread
        medians[("rounds", run)] = [100 * (with_["total"] - without["total"]) / without["total"]
                                    for without, with_ in zip(runs[(False, run)], runs[(True, run)])]
    return medians


def print_funnel(counts: dict, jobs: dict, run: str) -> None:
    """The GCR funnel's share of the whole job: the job with it against the job without it."""
    without, with_ = jobs[(False, run)], jobs[(True, run)]
    added = with_["total"] - without["total"]
    print(f"GCR funnel ({run} run, median of {FUNNEL_ROUNDS}): {counts['applications']:,} applications, "
          f"{counts['application_state_changes']:,} stage changes, {counts['interviews']:,} interviews; "
          f"{with_['rows'] - without['rows']:,} funnel figures")
    print(f"  job without the funnel                            {without['total']:8.2f} s")
    print(f"  job with the funnel                               {with_['total']:8.2f} s  "
          f"(+{100 * added / without['total']:.1f}%, target <= 25%)")
    print(f"  of which waiting for the funnel (read + compute beside the rest) {with_['funnel']:.2f} s, "
          f"storing its figures {with_['funnel_store']:.2f} s")
    print("  each round, with against without: " + ", ".join(f"{share:+.1f}%" for share in jobs[("rounds", run)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="england")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--name", default="goodcare_bench_outcomes", help="the benchmark database's name")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a kept database (skip generation; its schema is upgraded to the latest migration)")
    parser.add_argument("--hand-cache", help="with --reuse: save (b)'s result here, or reuse it if saved")
    parser.add_argument("--funnel", action="store_true",
                        help="add 100k applications, 400k stage changes and 30k interviews, and time the GCR funnel")
    args = parser.parse_args()

    scale = SCALES[args.scale]
    admin_url, url = database_urls(args.database_url, args.name)
    today = date.today()
    last = today.replace(day=1) - timedelta(days=1)
    dates = month_ends(last)
    clock = time.perf_counter()
    if not args.reuse:
        log(f"Creating {args.name} ({args.scale} scale) from the migrations ...")
        create_database(admin_url, args.name)
        migrate(url)
        counts = generate(url, scale, last)
        if args.funnel:
            generate_recruitment(url, last)
        log(f"Generated in {time.perf_counter() - clock:.1f} s")
    else:
        migrate(url)  # a database kept by an earlier version: its schema brought up to date (data kept)
    engine = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            counts = {t: connection.scalar(sa.text(f"SELECT count(*) FROM {t}"))  # noqa: S608 - fixed names
                      for t in ("workplaces", "employments", "vacancies", "training_records", "qualifications",
                                "care_certificate_inductions")}
        with engine.begin() as connection:  # the first run stores every figure (into an empty table, as
            connection.execute(sa.text("TRUNCATE outcome_snapshot"))  # on a new database); the second, only changes
        load_before = os.getloadavg()
        time_floor(engine, dates)  # warm the cache once, so every timing reads from memory alike
        a, size = time_floor(engine, dates)
        log(f"(a) stream: {a:.2f} s ({size / 1e6:.0f} MB)")
        blocks, _ = time_floor(engine, dates, row_by_row=False)
        log(f"(a') stream, rows taken in blocks: {blocks:.2f} s")
        if args.funnel:
            recruitment_counts = funnel_counts(engine)
        runs = {}
        for run in ("first", "again"):
            settle(engine)
            job = runs[run] = time_job(url, dates)
            log(f"(c) job, {run} run: {job['total']:.2f} s (read {job['read']:.2f} s, compute {job['compute']:.2f} s, "
                f"store {job['store']:.2f} s; {job['inserted']:,} inserted, {job['updated']:,} updated, "
                f"{job['deleted']:,} deleted; peak RSS {job['peak_rss_mb']:.0f} MB); c/a = {job['total'] / a:.2f}")
        a2, _ = time_floor(engine, dates)
        log(f"(a) stream again: {a2:.2f} s")
        blocks2, _ = time_floor(engine, dates, row_by_row=False)
        log(f"(a') stream again, rows taken in blocks: {blocks2:.2f} s")
        load_after = os.getloadavg()
        frame = stored_figures(engine, dates)
        b, hand = time_hand_sql(engine, dates, args.hand_cache, args.reuse)
        log(f"(b) hand SQL: {b:.2f} s")
        problems = compare(hand, frame)
        if args.funnel:
            funnel_jobs = time_funnel(engine, url, dates)
    finally:
        engine.dispose()
        if not args.keep:
            drop_database(admin_url, args.name)

    job = runs["first"]
    c = job["total"]
    floor = (a + a2) / 2
    print(f"\nOutcomes benchmark, {args.scale} scale: {counts['workplaces']:,} workplaces, "
          f"{counts['employments']:,} staff records, {counts['vacancies']:,} vacancy records, "
          f"12 month ends {dates[0]} to {dates[-1]}")
    print(f"  {counts['training_records']:,} training records, {counts['qualifications']:,} qualifications, "
          f"{counts['care_certificate_inductions']:,} Care Certificate inductions")
    floor_blocks = (blocks + blocks2) / 2
    print(f"(a) stream the needed columns (COPY, floor) {a:8.2f} s, {a2:.2f} s after the job runs (mean {floor:.2f} s)")
    print(f"(a') the same, rows taken in blocks       {blocks:8.2f} s, {blocks2:.2f} s after (mean {floor_blocks:.2f} s)")
    print(f"(b) one hand-written SQL query              {b:8.2f} s")
    for run, what in (("first", "first run, nothing stored before"), ("again", "run again, nothing changed")):
        job = runs[run]
        print(f"(c) outcomes job, {what}: {job['total']:.2f} s = read {job['read']:.2f} + compute "
              f"{job['compute']:.2f} + store {job['store']:.2f} s; {job['rows']:,} figures, wrote "
              f"{job['inserted']:,} new, {job['updated']:,} changed, {job['deleted']:,} deleted; "
              f"c/a = {job['total'] / floor:.2f} (target <= 2), c/a' = {job['total'] / floor_blocks:.2f}; peak RSS {job['peak_rss_mb']:.0f} MB (target <= 1,024; "
              f"{job['start_rss_mb']:.0f} MB after imports)")
    print(f"b/c = {b / c:.2f} (first run)")
    print(f"Load average (1, 5, 15 min): {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f} before, "
          f"{load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f} after; {os.cpu_count()} CPUs")
    if args.funnel:
        for run in ("first", "again"):
            print_funnel(recruitment_counts, funnel_jobs, run)
    print("(b) and (c) agree on every number" if not problems else "DISAGREE: " + "; ".join(problems))
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_job_child(sys.argv[2], sys.argv[4:], sys.argv[3])
    else:
        main()
