"""The training and recruitment inputs read from their real tables (training/, recruitment/), on
SQLite or PostgreSQL, and the figures they give, worked out by hand in the comments."""
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from academy.extensions import db
from academy.outcomes import readers, snapshots
from tests import factories

TODAY = date(2025, 3, 15)
JAN, FEB = date(2025, 1, 31), date(2025, 2, 28)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 30, tzinfo=timezone.utc)


def build_training():
    """One workplace, four care workers (a, b, c, d) and one course mandatory for care workers."""
    wp = factories.workplace()
    a, b, c, d = (factories.person() for _ in range(4))
    factories.employment(wp, who=a, start=date(2020, 1, 1))
    factories.employment(wp, who=b, start=date(2024, 6, 1))
    factories.employment(wp, who=c, start=date(2023, 1, 1))
    factories.employment(wp, who=d, start=date(2024, 1, 1))
    factories.qualification(a, "diploma_l2_adult_care", achieved=date(2021, 1, 1))          # relevant
    factories.qualification(b, "diploma_l3_adult_care", status="enrolled", achieved=None)   # not achieved
    factories.qualification(c, "other", achieved=date(2022, 1, 1))                          # not social care
    factories.qualification(d, "l2_adult_social_care_certificate", achieved=date(2025, 2, 10))  # both, from Feb
    done = factories.induction(a, started=date(2020, 1, 1))
    done.completed_on = date(2020, 3, 1)
    factories.induction(b, started=date(2024, 6, 1))                                        # not completed
    db.session.commit()
    mandatory = factories.course(renewal_months=12, mandatory_for=("care_worker",))
    optional = factories.course(renewal_months=None)
    factories.training_record(a, mandatory, completed=date(2024, 6, 1))     # current Jan and Feb
    factories.training_record(b, mandatory, completed=date(2024, 1, 15))    # expired Jan 15 ...
    factories.training_record(b, mandatory, completed=date(2025, 2, 1))     # ... renewed Feb 1
    factories.training_record(c, optional, completed=date(2024, 6, 1))      # not a mandatory course
    factories.training_record(d, mandatory, completed=date(2024, 1, 31))    # expires ON Jan 31: not current
    retired = factories.course(renewal_months=None, mandatory_for=("care_worker",), is_active=False)
    factories.training_record(d, retired, completed=date(2024, 1, 1))       # an inactive course: no line
    return wp


def figure(scope_type, scope_id, frame, day, metric):
    row = frame[(frame.scope_type == scope_type) & (frame.scope_id == scope_id)
                & (frame.date == pd.Timestamp(day)) & (frame.metric == metric)].iloc[0]
    return (None if pd.isna(row.numerator) else row.numerator, None if pd.isna(row.denominator) else row.denominator)


@pytest.mark.parametrize("metric, jan, feb", [
    ("qualification_uptake", (1, 4), (2, 4)),     # a; then d's L2 ASC Certificate (Feb 10)
    ("care_induction", (1, 4), (2, 4)),           # a's Care Certificate; then d's L2 ASC Certificate
    ("training_compliance", (1, 4), (2, 4)),      # a; then b renewed (d's expired ON Jan 31; c has no line)
])
def test_training_figures_come_from_the_training_tables(ctx, metric, jan, feb):
    wp = build_training()
    connection = db.session.connection()
    inputs = readers.read_inputs(connection, [JAN, FEB])
    assert inputs.training_available
    frame = snapshots.compute_snapshots(inputs, [JAN, FEB])
    assert figure("workplace", wp.id, frame, JAN, metric) == jan
    assert figure("workplace", wp.id, frame, FEB, metric) == feb
    assert figure("county", 0, frame, FEB, metric) == feb


def test_training_records_read_are_only_mandatory_ones_current_in_the_range(ctx):
    build_training()
    records = readers.read_training_records(db.session.connection(), JAN, FEB)
    # a's and b's renewal; not b's first (expired Jan 15), d's (expires ON Jan 31, the range's start),
    # c's (an optional course) or d's retired course.
    assert len(records) == 2
    assert set(records.columns) == {"person_id", "course_id", "completed_on", "expires_on"}


def test_run_stores_training_figures_and_not_unknowns(ctx):
    wp = build_training()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    stored = snapshots.load(db.session, "workplace", [wp.id], [FEB], ["qualification_uptake", "training_compliance"])
    assert list(zip(stored.metric, stored.numerator, stored.denominator)) == [
        ("qualification_uptake", 2, 4), ("training_compliance", 2, 4)]


def build_funnel():
    """Three applications sent in January 2025: one placed, one referred, one only screened (failed)."""
    from recruitment.models import State

    placed = factories.application_at(State.offered)
    referred = factories.application_at(State.referred)
    failed = factories.application(state=State.screening)
    factories.values_assessment(failed, score=1)  # screened, did not pass
    never = factories.application(state=State.draft)  # not sent: not counted
    for app_, sent in ((placed, date(2025, 1, 2)), (referred, date(2025, 1, 5)), (failed, date(2025, 1, 9))):
        app_.submitted_at = _at(sent)
        for assessment in app_.assessments:
            assessment.created_at = _at(sent + timedelta(days=3))
        for ref in app_.referrals:
            ref.created_at = _at(sent + timedelta(days=10))
    db.session.commit()
    placement = factories.placement(placed, start=date(2025, 2, 3))
    placement.created_at = _at(date(2025, 1, 22))  # 20 days after applying
    db.session.commit()
    assert never.submitted_at is None
    return placed, referred, failed


@pytest.mark.parametrize("metric, jan, feb", [
    ("gcr_applications", (3, None), (3, None)),
    ("gcr_screened", (3, 3), (3, 3)),
    ("gcr_passed_values", (2, 3), (2, 3)),
    ("gcr_referred", (2, 3), (2, 3)),
    ("gcr_placed", (1, 3), (1, 3)),
    ("gcr_days_to_placement", (20, 1), (20, 1)),
])
def test_funnel_comes_from_the_recruitment_tables(ctx, metric, jan, feb):
    build_funnel()
    inputs = readers.read_inputs(db.session.connection(), [JAN, FEB])
    assert inputs.recruitment_available
    frame = snapshots.compute_snapshots(inputs, [JAN, FEB])
    assert figure("county", 0, frame, JAN, metric) == jan
    assert figure("county", 0, frame, FEB, metric) == feb


def test_placement_start_and_leaving_are_read_for_retention(ctx):
    placed, _, _ = build_funnel()
    applications = readers.read_applications(db.session.connection(), JAN, FEB)
    row = applications.dropna(subset=["placed_on"]).iloc[0]
    assert row.placement_start == pd.Timestamp(2025, 2, 3)
    assert pd.isna(row.placement_left_on)
    assert row.submitted_on == pd.Timestamp(2025, 1, 2) and row.placed_on == pd.Timestamp(2025, 1, 22)


def test_copy_and_portable_read_paths_agree_on_training_and_recruitment(ctx):
    """On PostgreSQL the COPY path and read_sql give the same frames (on SQLite both are read_sql)."""
    build_training()
    build_funnel()
    connection = db.session.connection()
    fast = readers.read_inputs(connection, [JAN, FEB], use_copy=None)
    portable = readers.read_inputs(connection, [JAN, FEB], use_copy=False)
    for name in ("staff", "mandatory", "training_records", "applications"):
        left = getattr(fast, name).reset_index(drop=True)
        right = getattr(portable, name).reset_index(drop=True)
        assert len(left) > 0, name
        pd.testing.assert_frame_equal(left, right, check_dtype=False)
    pd.testing.assert_frame_equal(snapshots.compute_snapshots(fast, [JAN, FEB]),
                                  snapshots.compute_snapshots(portable, [JAN, FEB]))


def test_a_sqlite_copy_of_the_same_rows_gives_the_same_snapshots(ctx, tmp_path):
    """Training and recruitment included: this database's snapshots (COPY on PostgreSQL) equal those
    of a SQLite database holding the same rows (read_sql, julianday day numbers)."""
    from tests.outcomes.test_snapshots import _copy_into_sqlite

    build_training()
    build_funnel()
    connection = db.session.connection()
    here = snapshots.compute_snapshots(readers.read_inputs(connection, [JAN, FEB]), [JAN, FEB])
    engine = _copy_into_sqlite(connection, tmp_path / "copy.db")
    with engine.connect() as sqlite_connection:
        there = snapshots.compute_snapshots(readers.read_inputs(sqlite_connection, [JAN, FEB]), [JAN, FEB])
    engine.dispose()
    pd.testing.assert_frame_equal(here, there)
    known = here[here.metric.isin(["training_compliance", "qualification_uptake", "gcr_placed"])]
    assert known["numerator"].notna().all() and (known["numerator"] > 0).any()


def test_person_dates_lookup_by_table_and_by_binary_search_agree(ctx, monkeypatch):
    build_training()
    connection = db.session.connection()
    by_table = readers.read_staff(connection, JAN, FEB)
    monkeypatch.setattr(readers, "DENSE_IDS", 0)
    by_search = readers.read_staff(connection, JAN, FEB)
    pd.testing.assert_frame_equal(by_table, by_search)
    assert by_table["qualified_on"].notna().sum() == 2 and by_table["induction_completed_on"].notna().sum() == 2


def test_copy_out_gives_every_row_in_blocks_and_raises_the_servers_error(ctx):
    """copy_out (PostgreSQL) takes a COPY's rows in blocks of whole rows, the same bytes psycopg's Copy
    gives row by row; an error the server meets half-way is raised as psycopg's exception for it,
    and the connection is usable once rolled back."""
    import psycopg

    connection = db.session.connection()
    if not readers.uses_copy(connection):
        assert readers.read_frame(connection, "SELECT 1 AS one", {"one": "int64"})["one"].tolist() == [1]
        return
    statement = "COPY (SELECT n, repeat('x', n % 7) FROM generate_series(1, 5000) AS n) TO STDOUT"
    blocks = list(readers.copy_out(connection, statement, block_bytes=1000))
    assert len(blocks) > 10 and all(block.endswith(b"\n") for block in blocks)
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        assert b"".join(blocks) == b"".join(bytes(row) for row in copy)
    failing = "COPY (SELECT 10 / (5000 - n) FROM generate_series(1, 6000) AS n) TO STDOUT"
    with pytest.raises(psycopg.errors.DivisionByZero):
        for _ in readers.copy_out(connection, failing, block_bytes=100):
            pass
    db.session.rollback()
    assert readers.stream_only(db.session.connection(), "SELECT 1", row_by_row=False) == \
        readers.stream_only(db.session.connection(), "SELECT 1")
