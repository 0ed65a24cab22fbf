"""Outcome snapshots stored one row a scope and date (migration 0031): the writer's edge cases.

Partial replacements that share a row with figures outside their part, a row's figures split across
pieces, month-to-date rows superseded, exact numbers, and names that need quoting in the SQL and
JSON the writer builds."""
from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from academy.extensions import db
from academy.outcomes import snapshots
from academy.outcomes.models import OutcomeSnapshot

JAN, FEB = date(2025, 1, 31), date(2025, 2, 28)
MID_FEB = date(2025, 2, 10)


def figures(rows) -> pd.DataFrame:
    """(scope_type, scope_id, date, metric, numerator, denominator, source) tuples as a frame."""
    frame = pd.DataFrame(rows, columns=["scope_type", "scope_id", "date", "metric", "numerator", "denominator",
                                        "source"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"numerator": float, "denominator": float})


def stored_rows() -> dict:
    """(scope type, scope id, date) -> figures, as stored."""
    table = OutcomeSnapshot.__table__
    return {(s, i, d): f for s, i, d, f in db.session.execute(
        sa.select(table.c.scope_type, table.c.scope_id, table.c.date, table.c.figures))}


def loaded(scope_type: str = "county") -> list[tuple]:
    frame = snapshots.load(db.session, scope_type)
    return [(r.date, r.metric, None if pd.isna(r.numerator) else r.numerator,
             None if pd.isna(r.denominator) else r.denominator, None if pd.isna(r.source) else r.source)
            for r in frame.itertuples(index=False)]


def test_a_part_shares_a_row_with_figures_outside_it(ctx):
    """A row holding only another feature's figure gets this part's figures merged in (no second row
    with its key), keeps the other figure when this part's go, and goes when its last figure does."""
    connection = db.session.connection()
    snapshots.replace_snapshots(connection, figures([("county", 0, FEB, "pulse_responses", 5, 9, "poll")]), [FEB],
                                metrics_wanted=["pulse_responses"])
    ours = figures([("county", 0, FEB, "vacancy_rate", 3, 40, "records"),
                    ("county", 0, FEB, "turnover_rate", 1, 7, "records")])
    written = snapshots.replace_snapshots(connection, ours, [FEB], metrics_wanted=["vacancy_rate", "turnover_rate"])
    assert (written.inserted, written.updated, written.deleted) == (2, 0, 0)
    assert loaded() == [(FEB, "pulse_responses", 5, 9, "poll"), (FEB, "turnover_rate", 1, 7, "records"),
                        (FEB, "vacancy_rate", 3, 40, "records")]
    assert len(stored_rows()) == 1
    # one of ours changed and one gone in the same row, the other feature's untouched
    written = snapshots.replace_snapshots(connection, ours.iloc[:1].assign(numerator=4.0), [FEB],
                                          metrics_wanted=["vacancy_rate", "turnover_rate"])
    assert (written.inserted, written.updated, written.deleted) == (0, 1, 1)
    assert loaded() == [(FEB, "pulse_responses", 5, 9, "poll"), (FEB, "vacancy_rate", 4, 40, "records")]
    snapshots.replace_snapshots(connection, ours.iloc[:0], [FEB], metrics_wanted=["pulse_responses"])
    assert loaded() == [(FEB, "vacancy_rate", 4, 40, "records")]
    snapshots.replace_snapshots(connection, ours.iloc[:0], [FEB], metrics_wanted=["vacancy_rate"])
    assert stored_rows() == {}  # the row's last figure gone: the row with it
    db.session.commit()


def test_a_rows_figures_split_across_pieces(ctx):
    """A row inserted by one piece (down the COPY on PostgreSQL) gets more figures from later pieces."""
    connection = db.session.connection()
    rows = figures([("county", 0, FEB, "vacancy_rate", 3, 40, "records"),
                    ("county", 0, FEB, "turnover_rate", 1, 7, None),
                    ("district", 2, FEB, "vacancy_rate", 2, 10, "declared"),
                    ("county", 0, FEB, "filled_posts", 30, None, "mixed")])
    with snapshots.SnapshotWriter(connection, [FEB]) as writer:
        writer.write(rows.iloc[:1])
        writer.write(rows.iloc[1:3])
        writer.write(rows.iloc[3:])
    assert (writer.written.inserted, writer.written.updated, writer.written.deleted) == (4, 0, 0)
    assert loaded() == [(FEB, "filled_posts", 30, None, "mixed"), (FEB, "turnover_rate", 1, 7, None),
                        (FEB, "vacancy_rate", 3, 40, "records")]
    assert loaded("district") == [(FEB, "vacancy_rate", 2, 10, "declared")]
    again = snapshots.replace_snapshots(connection, rows, [FEB])
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    db.session.commit()


def test_month_to_date_rows_are_superseded_by_the_month_end(ctx):
    connection = db.session.connection()
    snapshots.replace_snapshots(connection, figures([
        ("county", 0, MID_FEB, "vacancy_rate", 3, 40, "records"),
        ("district", 1, MID_FEB, "vacancy_rate", 1, 4, "records"),
        ("district", 1, MID_FEB, "pulse_responses", 2, 3, "poll")]), [MID_FEB])
    written = snapshots.replace_snapshots(connection, figures([("county", 0, FEB, "vacancy_rate", 4, 40, "records")]),
                                          [FEB], metrics_wanted=["vacancy_rate"])
    assert (written.inserted, written.updated, written.deleted) == (1, 0, 2)
    assert loaded() == [(FEB, "vacancy_rate", 4, 40, "records")]
    assert loaded("district") == [(MID_FEB, "pulse_responses", 2, 3, "poll")]  # not this part's: left
    assert set(stored_rows()) == {("county", 0, FEB), ("district", 1, MID_FEB)}
    db.session.commit()


NUMBERS = [1 / 3, 9.04, 1e-05, 0.1 + 0.2, 2.0 ** 53 + 2, 2.0 ** 70, 1e300, 5e-324, -2.5, 0.0, 123456789.0]


def test_numbers_are_stored_exactly_and_infinity_is_refused(ctx):
    connection = db.session.connection()
    rows = figures([("county", 0, FEB, f"m{i}", n, d, "records")
                    for i, (n, d) in enumerate(zip(NUMBERS, NUMBERS[::-1] + [None]))]
                   + [("county", 0, FEB, "unknown_both", None, None, None),
                      ("county", 0, JAN, "unknown_both", None, None, None)])
    snapshots.replace_snapshots(connection, rows, [JAN, FEB])
    back = snapshots.load(db.session, "county")
    by_metric = {(r.date, r.metric): (r.numerator, r.denominator) for r in back.itertuples(index=False)}
    for i, (n, d) in enumerate(zip(NUMBERS, NUMBERS[::-1])):
        assert by_metric[(FEB, f"m{i}")] == (n, d)
    again = snapshots.replace_snapshots(connection, rows, [JAN, FEB])
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    with pytest.raises(ValueError, match="infinite"):
        snapshots.replace_snapshots(connection, rows.assign(numerator=np.inf), [JAN, FEB])
    db.session.rollback()


NAMES = ["per%cent", "o'brien", 'quote"d', "back\\slash", "a,b {c}", "50%"]


@pytest.mark.parametrize("numerator, denominator", [(1.0, 2.0), (None, None), (3.0, None)])
def test_names_that_need_quoting_are_stored_written_and_deleted_as_given(ctx, numerator, denominator):
    """Another feature's metrics, sources and scope types with %, quotes, backslashes, commas and
    braces: through the %-template, the JSON, the array of names dropped and the jsonpath."""
    connection = db.session.connection()
    rows = figures([("county", 0, FEB, name, numerator, denominator, source)
                    for name, source in zip(NAMES, NAMES[::-1])]
                   + [("odd%type'\"", 1, FEB, "vacancy_rate", numerator, denominator, "50%")])
    written = snapshots.replace_snapshots(connection, rows, [FEB])
    assert written.inserted == len(NAMES) + 1
    assert sorted(m for m in snapshots.load(db.session, "county")["metric"]) == sorted(NAMES)
    assert set(stored_rows()[("county", 0, FEB)]) == set(NAMES)
    assert loaded("odd%type'\"") == [(FEB, "vacancy_rate", numerator, denominator, "50%")]
    again = snapshots.replace_snapshots(connection, rows, [FEB])
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    fewer = snapshots.replace_snapshots(connection, rows.iloc[::2], [FEB])  # every other one dropped
    assert fewer.deleted == len(rows) - len(rows.iloc[::2])
    assert sorted(snapshots.load(db.session, "county")["metric"]) == sorted(NAMES[::2])
    db.session.commit()


def test_a_part_named_by_names_that_need_quoting(ctx):
    """scope_types and metrics_wanted with quotes and %: only that part is read, replaced and deleted."""
    connection = db.session.connection()
    odd = "odd%type'\""
    rows = figures([(odd, 1, FEB, name, 1.0, 2.0, "records") for name in NAMES]
                   + [("county", 0, FEB, name, 1.0, 2.0, "records") for name in NAMES])
    snapshots.replace_snapshots(connection, rows, [FEB])
    wanted = NAMES[:3]
    part = rows[(rows["scope_type"] == odd) & rows["metric"].isin(wanted)]
    written = snapshots.replace_snapshots(connection, part.iloc[1:].assign(numerator=5.0), [FEB],
                                          scope_types=[odd], metrics_wanted=wanted)
    assert (written.inserted, written.updated, written.deleted) == (0, 2, 1)
    back = {(r.metric, r.numerator) for r in snapshots.load(db.session, odd).itertuples(index=False)}
    assert back == {*((name, 5.0) for name in wanted[1:]), *((name, 1.0) for name in NAMES[3:])}
    assert len(snapshots.load(db.session, "county")) == len(NAMES)  # not the part's: untouched
    db.session.commit()
