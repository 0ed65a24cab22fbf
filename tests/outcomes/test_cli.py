"""`flask outcomes compute` and `flask outcomes show`: numbers out, clear errors, no tracebacks."""
import csv
import io
import json
from datetime import date, timedelta

import pytest

from academy.extensions import db
from academy.outcomes.baselines import seed_baselines
from academy.outcomes.models import Baseline
from tests import factories
from tests.outcomes.test_snapshots import build_workforce

LAST_MONTH_END = date.today().replace(day=1) - timedelta(days=1)


@pytest.fixture
def cli(app, ctx):
    return app.test_cli_runner()


def run(cli, *args):
    return cli.invoke(args=list(args), catch_exceptions=False)


def test_compute_then_show_prints_numerators_denominators_and_rates(cli):
    build_workforce()
    result = run(cli, "outcomes", "compute", "--from", "2025-01-01", "--to", "2025-02-28")
    assert result.exit_code == 0, result.output
    assert "2025-01-31, 2025-02-28" in result.output
    again = run(cli, "outcomes", "compute", "--from", "2025-01-01", "--to", "2025-02-28")
    assert "0 new, 0 changed, 0 no longer produced (removed)" in again.output  # nothing changed: nothing written
    shown = run(cli, "outcomes", "show", "--as-of", "2025-01-31", "--scope", "county", "--format", "json")
    assert shown.exit_code == 0, shown.output
    rows = {r["metric"]: r for r in json.loads(shown.stdout)}
    assert (rows["vacancy_rate"]["numerator"], rows["vacancy_rate"]["denominator"]) == (3, 7)
    assert rows["vacancy_rate"]["rate"] == pytest.approx(3 / 7, abs=1e-6)
    assert rows["filled_posts"]["rate"] is None
    table = run(cli, "outcomes", "show", "--as-of", "2025-01-31", "--scope", "district")
    assert "St Albans" in table.output and "Watford" in table.output
    assert "Vacancy rate" in table.output
    text = run(cli, "outcomes", "show", "--as-of", "2025-02-28", "--scope", "service-type", "--format", "csv").stdout
    assert list(csv.reader(io.StringIO(text)))[0] == ["Scope type", "Scope", "Date", "Metric", "Numerator",
                                                      "Denominator", "Rate", "Source"]
    workplace = run(cli, "outcomes", "show", "--as-of", "2025-02-28", "--scope", "workplace", "--format", "json")
    assert {r["scope_type"] for r in json.loads(workplace.stdout)} == {"workplace"}


def test_show_uses_the_latest_snapshot_on_or_before_the_date(cli):
    build_workforce()
    run(cli, "outcomes", "compute", "--from", "2025-01-01", "--to", "2025-01-31")
    result = cli.invoke(args=["outcomes", "show", "--as-of", "2025-02-10"])
    assert result.exit_code == 0 and "2025-01-31" in result.output


@pytest.mark.parametrize("args, message", [
    (["compute", "--from", "2025-02-28", "--to", "2025-01-31"], "must be on or before the end date"),
    (["compute", "--from", "2025-01-01", "--to", (date.today() + timedelta(days=1)).isoformat()],
     "must be today or in the past"),
    (["compute", "--from", "31/01/2025", "--to", "2025-02-28"], "not a date in the form YYYY-MM-DD"),
    (["compute", "--from", "2025-01-01"], "Missing option '--to'"),
    (["show", "--as-of", (date.today() + timedelta(days=2)).isoformat()], "is in the future"),
    (["show", "--scope", "planet"], "Invalid value for '--scope'"),
    (["show", "--as-of", "2020-01-31"], "No outcomes are stored on or before 2020-01-31"),
])
def test_bad_input_is_refused_with_a_clear_message_and_no_traceback(cli, args, message):
    result = cli.invoke(args=["outcomes", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_seed_reference_adds_the_appendix_2_baselines_once_and_keeps_edits(cli):
    assert run(cli, "seed", "reference").exit_code == 0
    count = db.session.query(Baseline).count()
    assert count == 23
    herts = db.session.query(Baseline).filter_by(outcome="vacancy_rate", geography="Hertfordshire", year=2024).one()
    assert str(herts.value) == "6.10" and herts.good_direction.name == "down"
    herts.value = 6.5
    db.session.commit()
    run(cli, "seed", "reference")
    db.session.expire_all()
    assert db.session.query(Baseline).count() == count
    assert float(db.session.get(Baseline, herts.id).value) == 6.5
    assert seed_baselines(db.session) == 0
    factories.workplace()  # nothing else disturbed
