"""report.latest_snapshot: one scope's latest stored figures as numerator, denominator and rate."""
from datetime import date

import pytest
from sqlalchemy import event

from academy.extensions import db
from academy.outcomes import report
from tests import factories

JAN, FEB, MAR = date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)


def test_latest_snapshot_of_one_workplace(ctx):
    mine, other = factories.workplace(), factories.workplace()
    factories.outcome_snapshot("workplace", mine.id, JAN, "vacancy_rate", 1, 10)
    factories.outcome_snapshot("workplace", mine.id, FEB, "vacancy_rate", 2, 8)
    factories.outcome_snapshot("workplace", mine.id, FEB, "turnover_rate", 3, 0)        # empty rate, not 0
    factories.outcome_snapshot("workplace", mine.id, FEB, "training_compliance", None, 5)  # unknown
    factories.outcome_snapshot("workplace", mine.id, FEB, "filled_posts", 6, None)
    factories.outcome_snapshot("workplace", other.id, MAR, "vacancy_rate", 9, 9)  # a later date elsewhere
    factories.outcome_snapshot("county", 0, MAR, "vacancy_rate", 9, 90)

    latest = report.latest_snapshot(db.session, "workplace", mine.id)
    assert (latest.scope_type, latest.scope_id, latest.date) == ("workplace", mine.id, FEB)
    assert set(latest.figures) == {"vacancy_rate", "turnover_rate", "training_compliance", "filled_posts"}
    vacancy = latest.figures["vacancy_rate"]
    assert (vacancy.numerator, vacancy.denominator, vacancy.rate) == (2, 8, 0.25)
    assert latest.figures["turnover_rate"].rate is None
    assert latest.figures["training_compliance"].numerator is None
    assert latest.figures["training_compliance"].rate is None
    assert latest.figures["filled_posts"].numerator == 6 and latest.figures["filled_posts"].rate is None


def test_latest_snapshot_on_or_before_a_date_and_for_some_metrics(ctx):
    mine = factories.workplace()
    factories.outcome_snapshot("workplace", mine.id, JAN, "vacancy_rate", 1, 10)
    factories.outcome_snapshot("workplace", mine.id, JAN, "turnover_rate", 2, 10)
    factories.outcome_snapshot("workplace", mine.id, FEB, "vacancy_rate", 2, 8)
    latest = report.latest_snapshot(db.session, "workplace", mine.id, on_or_before=date(2025, 2, 27),
                                    metrics_wanted=["vacancy_rate"])
    assert latest.date == JAN
    assert list(latest.figures) == ["vacancy_rate"]
    assert latest.figures["vacancy_rate"].rate == 0.1


def test_no_snapshot_is_none_and_a_bad_scope_type_is_refused(ctx):
    assert report.latest_snapshot(db.session, "workplace", factories.workplace().id) is None
    with pytest.raises(ValueError):
        report.latest_snapshot(db.session, "region", 1)


def test_latest_snapshot_uses_a_fixed_number_of_queries(ctx):
    mine = factories.workplace()
    for i, metric in enumerate(("vacancy_rate", "turnover_rate", "filled_posts", "starters_rate")):
        factories.outcome_snapshot("workplace", mine.id, FEB, metric, i, 10)
    mine_id = mine.id
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        latest = report.latest_snapshot(db.session, "workplace", mine_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(latest.figures) == 4
    assert len(seen) <= 3
