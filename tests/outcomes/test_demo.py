"""Issue 6's "Done when": with the demo data, HCPA staff see the county's five outcomes beside the
baselines, start a recompute and watch it finish, and the CLI prints the same numbers. Issue 15
point 8: the demo is a believable Hertfordshire, every outcome near the county's published
baselines at every month end of the year shown, from a year of starters, leavers and vacancies."""
import json
from datetime import timedelta

import pandas as pd
from sqlalchemy import select

from academy.auth.models import Role
from academy.demo import seed_demo_data
from academy.extensions import db
from academy.outcomes import baselines, report, snapshots
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
    assert figures["care_induction"][0] > 0 and figures["training_compliance"][0] > 0
    assert figures["gcr_applications"][0] > 0 and figures["gcr_placed"][0] > 0
    _assert_near_the_baselines_all_year(latest)
    _assert_a_year_of_history(latest)

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


# How far (percentage points) outside the span of an outcome's published baselines (every geography
# and year the service seeds) a month-end figure of the demo may be. Registered managers are 40
# posts, so one leaver is 2.5 points.
MARGIN = {"vacancy_rate": 2, "turnover_rate": 5, "qualification_uptake": 5, "care_induction": 5, "rm_turnover": 8}


def _assert_near_the_baselines_all_year(latest):
    published = baselines.baselines_by_outcome(db.session)
    dates = snapshots.trend_dates(db.session, latest)
    assert len(dates) >= 12
    rows = {(row.metric, row.date): row for row in report.outcome_rows(db.session, "county", dates, [0])}
    for metric in STRATEGY_METRICS:
        values = [float(b.value) for b in published[metric.key]]
        lowest, highest = min(values) - MARGIN[metric.key], max(values) + MARGIN[metric.key]
        for day in dates:
            rate = 100 * rows[(metric.key, day)].rate
            assert lowest <= rate <= highest, f"{metric.key} on {day}: {rate:.1f}% not in {lowest}-{highest}%"
    # Care starters came to hold the Care Certificate all three ways, and the parts add up.
    parts = [rows[(f"care_induction_12_weeks_{part}", latest)] for part in ("arrived_holding", "completed",
                                                                            "not_completed")]
    assert all(part.numerator > 0 for part in parts)
    assert sum(part.numerator for part in parts) == rows[("care_induction_12_weeks", latest)].denominator


def _assert_a_year_of_history(latest):
    """Starters, leavers, and vacancies opened and closed in every month of the year, not all at its end."""
    from academy.workplaces.models import Employment, Vacancy

    months = [(latest - timedelta(days=30 * n)).strftime("%Y-%m") for n in range(12)]
    employments = db.session.execute(select(Employment.start_date, Employment.leaving_date)).all()
    vacancies = db.session.execute(select(Vacancy.opened_on, Vacancy.closed_on)).all()
    for kind, days in (("starters", [s for s, _ in employments]), ("leavers", [left for _, left in employments]),
                       ("vacancies opened", [o for o, _ in vacancies]), ("vacancies closed", [c for _, c in vacancies])):
        seen = {day.strftime("%Y-%m") for day in days if day is not None}
        assert set(months) <= seen, f"no {kind} in {sorted(set(months) - seen)}"
