"""A workplace's summary, in three parts that never mix:

- what needs the manager's attention today (academy.portal.attention: referrals waiting, training
  expired or expiring within 30 days, inductions past 12 weeks, tiers waiting for endorsement);
- today's counts, counted exactly as the staff and vacancies pages count them (`live_counts`);
- the month-end figures (filled posts, vacancy, starters and turnover rates, training compliance, care
  inductions) at the latest month end, labelled with that date: the outcomes dashboard's stored
  workplace snapshot when there is one (academy.outcomes.snapshots), otherwise the same formulas over
  this workplace's records at that month end. They count permanent and temporary staff only, so they
  differ from today's staff list by design.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from sqlalchemy import case, func, select

from academy.outcomes import metrics, readers, snapshots
from academy.portal import staff, vacancies
from academy.portal.matrix import staff_training
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
    source: str  # "stored" (the outcomes dashboard's snapshot) or "computed" (the same formulas, now)
    as_of: date  # the month end the figures are at
    figures: dict[str, Figure]
    tier_mix: list[tuple[str, int]] = field(default_factory=list)
    tiers_shown: bool = False
    live: LiveCounts | None = None
    attention: list = field(default_factory=list)


@dataclass
class LiveCounts:
    """Today's counts, each the total its own page shows."""

    staff: int  # the staff page: in post today plus those starting later
    starting_later: int
    vacancies: int  # the vacancies page: open vacancies
    vacant_posts: int


def live_counts(session, workplace: Workplace, today: date) -> LiveCounts:
    """Counted over the very queries the staff and vacancies pages page through (two queries)."""
    listed = staff.staff_query(workplace, today).order_by(None).subquery()
    staff_total, later = session.execute(
        select(func.count(), func.coalesce(func.sum(case((listed.c.start_date > today, 1), else_=0)), 0))
        .select_from(listed)).one()
    open_ = vacancies.vacancies_query(workplace, closed=False, today=today).order_by(None).subquery()
    vacancy_total, posts = session.execute(
        select(func.count(), func.coalesce(func.sum(open_.c.posts), 0)).select_from(open_)).one()
    return LiveCounts(int(staff_total), int(later), int(vacancy_total), int(posts))


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
    employed = inputs.staff[inputs.staff["workplace_id"].to_numpy() == workplace.id]
    people = employed["person_id"].to_numpy(np.int64)
    one = readers.Inputs(
        workplaces=inputs.workplaces[inputs.workplaces["workplace_id"].to_numpy() == workplace.id],
        staff=employed,
        vacancies=inputs.vacancies[inputs.vacancies["workplace_id"].to_numpy() == workplace.id],
        mandatory=inputs.mandatory,
        training_records=inputs.training_records[np.isin(inputs.training_records["person_id"].to_numpy(), people)],
        applications=inputs.applications.iloc[0:0],
        training_available=inputs.training_available,
        recruitment_available=inputs.recruitment_available,
    )
    frame = snapshots.compute_snapshots(one, [day])
    return frame[(frame["scope_type"].astype(str) == "workplace") & (frame["scope_id"] == workplace.id)]


def month_end_summary(session, workplace: Workplace, today: date) -> Summary:
    """The figures at the latest month end: stored when the outcomes job has run, else computed."""
    month_end = latest_month_end(today)
    frame = stored(session, workplace, month_end)
    if len(frame):
        return Summary(workplace, "stored", month_end, _figures(frame))
    return Summary(workplace, "computed", month_end, _figures(compute_now(session, workplace, month_end)))


def workplace_summary(session, workplace: Workplace, viewer=None, today: date | None = None) -> Summary:
    """The whole summary page: attention list, today's counts, month-end figures, tier mix.
    A fixed number of queries whatever the number of staff, vacancies or referrals."""
    from academy.portal import attention

    today = today or date.today()
    summary = month_end_summary(session, workplace, today)
    summary.live = live_counts(session, workplace, today)
    data = staff_training(session, workplace, today, for_counts=True)  # what the tier standings read too
    evaluations = _evaluations(session, [member.person for member in data.staff], today, data)
    summary.tiers_shown = evaluations is not None
    summary.tier_mix = tier_rows(evaluations or {})
    summary.attention = attention.needs_attention(session, workplace, viewer, today, data, evaluations)
    return summary


def _evaluations(session, people, today: date, data=None):
    """Tier standings of the staff in post (None when the tiers feature is not installed): the tier
    each holds and the tier each is eligible for, all the page shows (not their checklists).
    `data`: their staff_training(..., for_counts=True), whose records and inductions they judge from."""
    if not staff.tiers_available():
        return None
    if not people:
        return {}
    from academy.tiers.evaluator import standings_for

    if data is None:
        return standings_for(session, people, today)
    return standings_for(session, people, today, data.records, data.induction_lists)


def tier_mix(session, people, today: date) -> tuple[bool, list[tuple[str, int]]]:
    """How many staff in post hold each awarded tier (None yet included), if tiers exist."""
    evaluations = _evaluations(session, list(people), today)
    if evaluations is None:
        return False, []
    return True, tier_rows(evaluations)


def tier_rows(evaluations: dict) -> list[tuple[str, int]]:
    names: dict[int, str] = {}
    counts: Counter = Counter()
    for evaluation in evaluations.values():
        names.update(getattr(evaluation, "tier_names", {}) or {})
        counts[evaluation.awarded_tier] += 1
    rows = [(f"Tier {tier}" + (f": {names[tier]}" if tier in names else ""), counts[tier])
            for tier in sorted(t for t in counts if t is not None)]
    if counts[None]:
        rows.append(("No tier awarded yet", counts[None]))
    return rows
