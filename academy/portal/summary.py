"""A workplace's own numbers: filled posts, vacancies, starters and leavers in the last 12 months,
training compliance and care inductions, and the tier mix of the staff in post.

The figures are the outcomes engine's: its stored workplace snapshot for the latest month end when
one exists (academy.outcomes.snapshots), otherwise computed now from today's records with the same
formulas (academy.outcomes.snapshots.compute_snapshots over this workplace's inputs).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from academy.outcomes import metrics, readers, snapshots
from academy.workplaces.models import Workplace

SHOWN = ("filled_posts", "vacancy_rate", "starters_rate", "turnover_rate", "training_compliance",
         "care_induction", "care_induction_12_weeks", "rm_turnover")


@dataclass
class Figure:
    key: str
    label: str
    numerator: float | None
    denominator: float | None
    numerator_label: str
    denominator_label: str | None

    @property
    def rate(self) -> float | None:
        return metrics.rate(self.numerator, self.denominator)

    @property
    def known(self) -> bool:
        return self.numerator is not None


@dataclass
class Summary:
    workplace: Workplace
    source: str  # "stored" (the outcomes engine's snapshot) or "computed" (from today's records)
    as_of: date
    figures: dict[str, Figure]
    tier_mix: list[tuple[str, int]] = field(default_factory=list)
    tiers_shown: bool = False


def latest_month_end(today: date) -> date:
    end = metrics.month_end(today)
    return end if end == today else today.replace(day=1) - timedelta(days=1)


def _figures(frame: pd.DataFrame) -> dict[str, Figure]:
    figures = {}
    for row in frame.itertuples(index=False):
        metric = metrics.ALL_METRICS.get(str(row.metric))
        if metric is None or metric.key not in SHOWN:
            continue
        numerator = None if pd.isna(row.numerator) else float(row.numerator)
        denominator = None if pd.isna(row.denominator) else float(row.denominator)
        figures[metric.key] = Figure(metric.key, metric.label, numerator, denominator, metric.numerator,
                                     metric.denominator)
    return {key: figures[key] for key in SHOWN if key in figures}


def stored(session, workplace: Workplace, day: date) -> pd.DataFrame:
    return snapshots.load(session, "workplace", [workplace.id], [day])


def compute_now(session, workplace: Workplace, day: date) -> pd.DataFrame:
    """This workplace's rows at `day`, computed as the outcomes job would compute them."""
    connection = session.connection()
    inputs = readers.read_inputs(connection, [day])
    staff = inputs.staff[inputs.staff["workplace_id"].to_numpy() == workplace.id]
    people = staff["person_id"].to_numpy(np.int64)
    one = readers.Inputs(
        workplaces=inputs.workplaces[inputs.workplaces["workplace_id"].to_numpy() == workplace.id],
        staff=staff,
        vacancies=inputs.vacancies[inputs.vacancies["workplace_id"].to_numpy() == workplace.id],
        mandatory=inputs.mandatory,
        training_records=inputs.training_records[np.isin(inputs.training_records["person_id"].to_numpy(), people)],
        applications=inputs.applications.iloc[0:0],
        training_available=inputs.training_available,
        recruitment_available=inputs.recruitment_available,
    )
    frame = snapshots.compute_snapshots(one, [day])
    return frame[(frame["scope_type"].astype(str) == "workplace") & (frame["scope_id"] == workplace.id)]


def workplace_summary(session, workplace: Workplace, people=(), today: date | None = None) -> Summary:
    today = today or date.today()
    month_end = latest_month_end(today)
    frame = stored(session, workplace, month_end)
    if len(frame):
        summary = Summary(workplace, "stored", month_end, _figures(frame))
    else:
        summary = Summary(workplace, "computed", today, _figures(compute_now(session, workplace, today)))
    summary.tiers_shown, summary.tier_mix = tier_mix(session, list(people), today)
    return summary


def tier_mix(session, people, today: date) -> tuple[bool, list[tuple[str, int]]]:
    """How many staff in post hold each awarded tier (None yet included), if tiers exist."""
    from academy.portal.staff import tiers_available

    if not tiers_available():
        return False, []
    if not people:
        return True, []
    from academy.tiers.evaluator import tiers_for

    evaluations = tiers_for(session, people, today)
    names: dict[int, str] = {}
    counts: Counter = Counter()
    for evaluation in evaluations.values():
        names.update(getattr(evaluation, "tier_names", {}) or {})
        counts[evaluation.awarded_tier] += 1
    rows = [(f"Tier {tier}" + (f": {names[tier]}" if tier in names else ""), counts[tier])
            for tier in sorted(t for t in counts if t is not None)]
    if counts[None]:
        rows.append(("No tier awarded yet", counts[None]))
    return True, rows
