"""Issue 6's "Done when": with the demo data, HCPA staff see the county's five outcomes beside the
baselines, start a recompute and watch it finish, and the CLI prints the same numbers."""
import json

import pandas as pd

from academy.auth.models import Role
from academy.demo import seed_demo_data
from academy.extensions import db
from academy.outcomes import report, snapshots
from academy.outcomes.demo import seed_demo_outcomes
from academy.outcomes.metrics import STRATEGY_METRICS
from tests import factories
from tests.helpers import location_path, text


def test_demo_dashboard_recompute_and_cli_agree(app, client):
    seed_demo_data(db.session)
    seed_demo_outcomes(db.session)
    latest = snapshots.latest_date(db.session)
    county = snapshots.load(db.session, "county", [0], [latest])
    figures = {row.metric: (row.numerator, row.denominator) for row in county.itertuples()}
    # Every strategy outcome has a known figure from the demo's staff, training and vacancy records.
    for metric in STRATEGY_METRICS:
        numerator, denominator = figures[metric.key]
        assert not pd.isna(numerator) and denominator > 0, metric.key
    # The demo's training (training/demo.py) signs off one care worker's Care Certificate and gives
    # most staff some mandatory training; its one qualification is still in progress.
    assert figures["care_induction"][0] > 0 and figures["training_compliance"][0] > 0
    assert figures["qualification_uptake"][0] == 0
    assert figures["gcr_applications"][0] > 0 and figures["gcr_placed"][0] > 0

    client.sign_in(factories.user(Role.hcpa_staff))
    page = text(client.get("/outcomes/"))
    rows = {row.metric: row for row in report.outcome_rows(db.session, "county", [latest], [0])}
    for metric in STRATEGY_METRICS:
        row = rows[metric.key]
        assert metric.label in page
        assert report.format_rate(row) in page
        assert f"{int(row.numerator):,} of {int(row.denominator):,}" in page or \
               f"{int(row.numerator)} of {int(row.denominator)}" in page
    assert "Hertfordshire 2024" in page

    response = client.submit("/outcomes/recompute", {
        "start": [1, latest.month, latest.year], "end": [latest.day, latest.month, latest.year]})
    assert response.status_code == 302 and location_path(response).startswith("/jobs/outcomes-")
    assert "Finished" in text(client.get(location_path(response)))
    db.session.expire_all()
    after = snapshots.load(db.session, "county", [0], [latest])
    pd.testing.assert_frame_equal(after.reset_index(drop=True), county.reset_index(drop=True))

    shown = app.test_cli_runner().invoke(args=["outcomes", "show", "--as-of", latest.isoformat(), "--scope",
                                               "county", "--format", "json"], catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    printed = {row["metric"]: row for row in json.loads(shown.stdout)}
    for metric, (numerator, denominator) in figures.items():
        assert printed[metric]["numerator"] == (None if pd.isna(numerator) else numerator), metric
        assert printed[metric]["denominator"] == (None if pd.isna(denominator) else denominator), metric
