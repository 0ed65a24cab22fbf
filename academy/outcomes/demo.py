"""Demo outcomes: the baselines and twelve months of snapshots, so the dashboard has figures at once."""
from __future__ import annotations

from datetime import date

from academy.outcomes.baselines import seed_baselines
from academy.outcomes.jobs import nightly_range
from academy.outcomes.snapshots import _months_back, run_outcomes


def seed_demo_outcomes(session, today: date | None = None) -> str:
    today = today or date.today()
    added = seed_baselines(session)
    session.flush()
    first, last = _months_back(today, 12), nightly_range(today)[1]
    result = run_outcomes(session, first, last)
    return (f"Outcomes: {added} baselines added; {result.rows:,} figures computed for {len(result.dates)} dates "
            f"({result.dates[0]:%b %Y} to {result.dates[-1]:%d %b %Y}).")
