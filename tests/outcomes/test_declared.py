"""Declared ASC-WDS counts stand in for the months a workplace's records here do not cover, and
every stored figure says which source it came from (stored, on the dashboard, in the CLI)."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from academy.extensions import db
from academy.outcomes import snapshots
from tests import factories
from tests.helpers import text

FIRST_IMPORT = date(2025, 1, 31)  # the workplace's first records here, and its declared counts' date


@pytest.fixture
def imported(ctx):
    """A workplace whose records start on 31 January 2025 (its first import), declaring 12 leavers,
    4 starters (care workers) and 3 vacancies that day; and a workplace without declared counts."""
    place = factories.workplace(name="Imported Home")
    other = factories.workplace(name="Own Records Home")
    moment = datetime(2025, 1, 31, 12, tzinfo=timezone.utc)
    records = [
        factories.employment(place, start=date(2019, 5, 1)),  # in post throughout
        factories.employment(place, start=date(2024, 6, 1)),  # a starter the declared 4 include
        factories.employment(place, start=date(2020, 1, 1), leaving=date(2025, 3, 10)),  # a leaver after
        factories.vacancy(place, opened=FIRST_IMPORT, posts=3, source="ascwds"),
        factories.employment(other, start=date(2019, 5, 1)),
        factories.employment(other, start=date(2020, 1, 1), leaving=date(2024, 11, 1)),
    ]
    for record in records:
        record.created_at = moment
    db.session.commit()
    factories.declared_count(place, "leavers", 10, on=FIRST_IMPORT, ascwds_job_role="8")
    factories.declared_count(place, "leavers", 2, on=FIRST_IMPORT, ascwds_job_role="4")
    factories.declared_count(place, "starters", 4, on=FIRST_IMPORT)
    factories.declared_count(place, "vacancies", 3, on=FIRST_IMPORT)
    return place, other


def _figures(workplace, day: date, metric: str):
    frame = snapshots.load(db.session, "workplace", [workplace.id], [day], [metric])
    row = frame.iloc[0]
    return round(float(row.numerator), 2), float(row.denominator), row.source


def test_declared_counts_fill_only_the_months_before_the_records(imported):
    place, other = imported
    snapshots.run_outcomes(db.session, date(2024, 12, 1), date(2026, 3, 31))
    # The first import's day: the 12-month window is the declared year, 3 filled posts.
    assert _figures(place, FIRST_IMPORT, "turnover_rate") == (12, 3, "declared")
    assert _figures(place, FIRST_IMPORT, "starters_rate") == (4, 3, "declared")  # not 4 + the recorded 1
    # Six months on: 184 of the window's days are the declared year's (12 x 184/366), plus the
    # recorded leaver of 10 March 2025.
    assert _figures(place, date(2025, 7, 31), "turnover_rate") == (round(12 * 184 / 366 + 1, 2), 2, "mixed")
    # A year on, the window is all records.
    assert _figures(place, date(2026, 1, 31), "turnover_rate") == (1, 2, "records")
    assert _figures(place, date(2026, 3, 31), "turnover_rate") == (0, 2, "records")
    # Vacancies: before the first import the declared 3; from it, the open posts recorded.
    assert _figures(place, date(2024, 12, 31), "vacancy_rate") == (3, 6, "declared")
    assert _figures(place, FIRST_IMPORT, "vacancy_rate") == (3, 6, "records")
    # Without declared counts nothing changes.
    assert _figures(other, FIRST_IMPORT, "turnover_rate") == (1, 1, "records")
    assert _figures(other, date(2024, 12, 31), "vacancy_rate") == (0, 1, "records")
    # Registered-manager turnover: the 2 leavers declared for the registered-manager role (job
    # role 4), over no registered-manager post; a year on, the records' none.
    assert _figures(place, FIRST_IMPORT, "rm_turnover") == (2, 0, "declared")
    assert _figures(place, date(2026, 3, 31), "rm_turnover") == (0, 0, "records")
    # Other outcomes are records.
    assert _figures(place, FIRST_IMPORT, "qualification_uptake")[2] == "records"
    # Roll-ups: the county sums both workplaces and says it is mixed.
    county = snapshots.load(db.session, "county", [0], [FIRST_IMPORT], ["turnover_rate"]).iloc[0]
    assert (county.numerator, county.denominator, county.source) == (13, 4, "mixed")


def test_records_that_show_more_than_the_declaration_win(imported):
    place, _ = imported
    leaver = factories.employment(place, start=date(2020, 1, 1), leaving=date(2025, 1, 20))
    leaver.created_at = datetime(2025, 1, 31, 12, tzinfo=timezone.utc)
    db.session.commit()
    from academy.ascwds.models import DeclaredCount

    for row in db.session.scalars(db.select(DeclaredCount).where(DeclaredCount.kind == "leavers")):
        row.count = 0  # the file said no leavers, but a leaver was entered with an earlier date
    db.session.commit()
    snapshots.run_outcomes(db.session, FIRST_IMPORT, FIRST_IMPORT)
    assert _figures(place, FIRST_IMPORT, "turnover_rate") == (1, 3, "records")


def test_the_cli_says_where_each_figure_came_from(app, imported):
    place, _ = imported
    snapshots.run_outcomes(db.session, FIRST_IMPORT, FIRST_IMPORT)
    cli = app.test_cli_runner()
    table = cli.invoke(args=["outcomes", "show", "--as-of", "2025-01-31", "--scope", "workplace"]).output
    line = next(row for row in table.splitlines() if row.startswith("Imported Home") and "Turnover rate" in row)
    assert line.endswith("Declared in ASC-WDS")
    assert "Source" in table.splitlines()[0]
    rows = json.loads(cli.invoke(args=["outcomes", "show", "--as-of", "2025-01-31", "--scope", "workplace",
                                       "--format", "json"]).output)
    by_key = {(r["scope"], r["metric"]): r for r in rows}
    assert by_key[("Imported Home", "turnover_rate")]["source"] == "declared"
    assert by_key[("Own Records Home", "turnover_rate")]["source"] == "records"


def test_the_dashboard_says_where_each_figure_came_from(client, imported):
    place, _ = imported
    snapshots.run_outcomes(db.session, FIRST_IMPORT, FIRST_IMPORT)
    client.sign_in(factories.manager(workplaces=[place]))
    page = text(client.get(f"/outcomes/?scope=workplace-{place.id}"))
    turnover = page[page.index("Turnover rate"):page.index("Qualification uptake")]
    assert "Source: Declared in ASC-WDS" in turnover
    assert "Source: Service records" in page[page.index("Qualification uptake"):]
