"""Reading, computing and storing snapshots on the real database (SQLite, or PostgreSQL when asked)."""
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from academy.auth.access import Invalid
from academy.extensions import db
from academy.outcomes import readers, snapshots
from academy.outcomes.models import OutcomeSnapshot
from academy.workplaces.models import ContractType
from tests import factories

PROJECT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 3, 15)
JAN, FEB = date(2025, 1, 31), date(2025, 2, 28)


def build_workforce():
    """Two workplaces; the comments give the county figures at Jan 31 and Feb 28."""
    wp1 = factories.workplace(district_name="St Albans", service_code="nursing_home")
    wp2 = factories.workplace(district_name="Watford")
    factories.workplace(district_name="Dacorum")  # no staff at all: empty rates
    factories.employment(wp1, start=date(2020, 1, 1))
    factories.employment(wp1, start=date(2024, 6, 1), leaving=date(2025, 1, 31))   # leaves ON Jan 31
    factories.employment(wp1, start=date(2025, 1, 31))                               # starts ON Jan 31
    factories.employment(wp1, start=date(2025, 2, 1))                                # starts after Jan 31
    factories.employment(wp1, role_code="registered_manager", start=date(2019, 1, 1), is_registered_manager=True)
    factories.employment(wp1, contract=ContractType.bank, start=date(2020, 1, 1))    # bank: excluded
    factories.employment(wp2, start=date(2023, 1, 1), leaving=date(2025, 2, 15))
    factories.vacancy(wp1, opened=date(2024, 12, 1), posts=2)
    factories.vacancy(wp2, opened=date(2025, 1, 15), closed_on=date(2025, 2, 28))
    factories.vacancy(wp2, opened=date(2025, 1, 15), contract_type=ContractType.agency)  # agency: excluded
    return wp1, wp2


def stored_rows() -> pd.DataFrame:
    db.session.expire_all()
    frame = snapshots.load(db.session, "workplace")
    frame = pd.concat([frame] + [snapshots.load(db.session, s) for s in ("district", "service_type", "county")])
    return frame.sort_values(["scope_type", "scope_id", "date", "metric"]).reset_index(drop=True)


def county(metric, day):
    frame = snapshots.load(db.session, "county", dates=[day], metrics_wanted=[metric])
    row = frame.iloc[0]
    return (row["numerator"], None if pd.isna(row["denominator"]) else row["denominator"])


def test_run_stores_the_hand_computed_county_figures(ctx):
    wp1, wp2 = build_workforce()
    result = snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    assert result.dates == [JAN, FEB]
    # Jan 31: in post wp1 {2020, Jan 31 starter, RM} + wp2 {2023} = 4; vacancies 2 (wp1) + 1 (wp2) = 3.
    assert county("filled_posts", JAN) == (4, None)
    assert county("vacancy_rate", JAN) == (3, 7)
    assert county("turnover_rate", JAN) == (1, 4)
    # Feb 28: in post wp1 {2020, Jan 31, Feb 1, RM} = 4 (wp2's left); wp2's vacancy closed ON Feb 28.
    assert county("vacancy_rate", FEB) == (2, 6)
    assert county("turnover_rate", FEB) == (2, 4)
    assert county("rm_turnover", FEB) == (0, 1)
    workplace = snapshots.load(db.session, "workplace", [wp2.id], [FEB], ["turnover_rate"]).iloc[0]
    assert (workplace.numerator, workplace.denominator) == (1, 0)  # a rate with no denominator: empty


def test_running_twice_gives_identical_rows_and_no_duplicates(ctx):
    build_workforce()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    first = stored_rows()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    second = stored_rows()
    pd.testing.assert_frame_equal(first, second)
    assert not first.duplicated(["scope_type", "scope_id", "date", "metric"]).any()
    # one stored row a scope and date, holding its figures
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutcomeSnapshot)) == len(
        first.drop_duplicates(["scope_type", "scope_id", "date"]))


def test_month_to_date_snapshot_is_replaced_by_the_next_one(ctx):
    build_workforce()
    snapshots.run_outcomes(db.session, date(2025, 3, 1), date(2025, 3, 10), today=TODAY)
    snapshots.run_outcomes(db.session, date(2025, 3, 1), date(2025, 3, 12), today=TODAY)
    assert snapshots.stored_dates(db.session) == [date(2025, 3, 12)]


def test_a_run_that_fails_half_way_leaves_the_previous_snapshots(ctx, monkeypatch):
    build_workforce()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    before = stored_rows()
    factories.employment(factories.workplace(), start=date(2010, 1, 1))  # would change the figures
    original = snapshots._insert_rows

    def insert_half_then_fail(connection, frame):
        original(connection, frame.iloc[: len(frame) // 2])
        raise RuntimeError("the database went away")

    monkeypatch.setattr(snapshots, "_insert_rows", insert_half_then_fail)
    with pytest.raises(RuntimeError):
        snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    pd.testing.assert_frame_equal(stored_rows(), before)


KILLED_RUN = """
import sys, time
from datetime import date
from pathlib import Path
from academy import create_app
from academy.config import TestConfig
from academy.extensions import db
from academy.outcomes import snapshots

marker = Path(sys.argv[2])
original = snapshots._insert_rows

def insert_then_hang(connection, frame):
    original(connection, frame)
    marker.write_text("inserted")
    time.sleep(120)

snapshots._insert_rows = insert_then_hang
app = create_app(TestConfig(sys.argv[1]))
with app.app_context():
    snapshots.run_outcomes(db.session, date(2025, 1, 31), date(2025, 2, 28), today=date(2025, 3, 15))
"""


def test_a_run_killed_half_way_leaves_the_previous_snapshots(ctx, database_url, tmp_path):
    build_workforce()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    before = stored_rows()
    factories.employment(factories.workplace(), start=date(2010, 1, 1))
    db.session.remove()
    marker = tmp_path / "inserted"
    child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, database_url, str(marker)], cwd=PROJECT,
                             env={**os.environ, "PYTHONPATH": str(PROJECT)}, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), child.stderr.read().decode()[-2000:] if child.poll() is not None else "timed out"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stderr.close()
    time.sleep(0.2)
    pd.testing.assert_frame_equal(stored_rows(), before)


@pytest.mark.parametrize("start, end, message", [
    (FEB, JAN, "must be on or before the end date"),
    (JAN, date(2025, 3, 16), "must be today or in the past"),
    (date(1999, 12, 31), JAN, "on or after"),
])
def test_bad_ranges_are_refused_with_a_clear_message(ctx, start, end, message):
    with pytest.raises(Invalid, match=message):
        snapshots.run_outcomes(db.session, start, end, today=TODAY)


def _read_everything(connection, use_copy):
    inputs = readers.read_inputs(connection, [JAN, FEB], use_copy=use_copy)
    return inputs, snapshots.compute_snapshots(inputs, [JAN, FEB])


def _copy_into_sqlite(source_connection, path):
    """The same rows in a fresh SQLite database with the same schema."""
    engine = sa.create_engine(f"sqlite:///{path}")
    db.metadata.create_all(engine)
    with engine.begin() as target:
        for table in db.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in source_connection.execute(sa.select(table))]
            if rows:
                target.execute(table.insert(), rows)
    return engine


def test_sqlite_and_postgresql_read_paths_give_identical_snapshots(ctx, tmp_path):
    """On this run's database: the fast path (COPY on PostgreSQL) and the portable read_sql path give
    the same frames; and a SQLite copy of the same rows gives the same snapshots too."""
    build_workforce()
    connection = db.session.connection()
    fast_inputs, fast = _read_everything(connection, None)
    portable_inputs, portable = _read_everything(connection, False)
    for name in ("workplaces", "staff", "vacancies"):
        pd.testing.assert_frame_equal(getattr(fast_inputs, name), getattr(portable_inputs, name), check_dtype=False)
    pd.testing.assert_frame_equal(fast, portable)
    engine = _copy_into_sqlite(connection, tmp_path / "copy.db")
    with engine.connect() as sqlite_connection:
        _, on_sqlite = _read_everything(sqlite_connection, None)
    engine.dispose()
    pd.testing.assert_frame_equal(fast, on_sqlite)
    assert (fast["scope_type"] == "county").any()
