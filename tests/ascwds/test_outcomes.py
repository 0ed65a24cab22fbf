"""Imported staff and leavers are what the outcomes engine counts (no second copy of the workforce)."""
from __future__ import annotations

from datetime import date, timedelta

from academy.ascwds.apply import apply_plan
from academy.auth.models import Role
from academy.extensions import db
from academy.outcomes import snapshots
from tests import factories
from tests.ascwds.conftest import ALL_FILES, check, edited, fixture_bytes, run


def _figures(workplace_id: int) -> dict[str, tuple]:
    frame = snapshots.load(db.session, "workplace", [workplace_id], dates=[date.today()],
                           metrics_wanted=["filled_posts", "turnover_rate"])
    return {m: (n, d) for m, n, d in zip(frame["metric"], frame["numerator"], frame["denominator"])}


def test_an_import_changes_the_outcomes(ctx):
    hcpa = factories.user(Role.hcpa_staff)
    today = date.today()
    run(hcpa, *[(n, fixture_bytes(n)) for n in ALL_FILES], today=today, district_id=factories.district().id)
    snapshots.run_outcomes(db.session, today, today)
    workplace_id = db.session.scalar(db.select(factories.Workplace.id))
    assert _figures(workplace_id)["filled_posts"][0] == 3

    staff = edited("staff.csv", {1: {"STATUS": "UNCHECKED"}, 2: {"STATUS": "DELETE"}, 3: {"STATUS": "UNCHECKED"}})
    plan = check(hcpa, ("staff.csv", staff), today=today, leaving_date=today - timedelta(days=1))
    apply_plan(db.session, plan, hcpa)
    snapshots.run_outcomes(db.session, today, today)
    figures = _figures(workplace_id)
    assert figures["filled_posts"][0] == 2
    assert figures["turnover_rate"][0] == 1  # one leaver in the last 12 months (over the filled posts)
