"""Published baselines the outcomes are compared with: reference data, seeded and editable by admins."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from academy.auth.access import Invalid
from academy.outcomes.metrics import ALL_METRICS, STRATEGY_METRICS, rate
from academy.outcomes.models import Baseline, GoodDirection

STRATEGY_SOURCE = ("Hertfordshire PVI workforce strategy 2024-27, Appendix 2 "
                   "(Skills for Care, October of each year)")
# (outcome, geography, year, value %) from DOMAIN.md (Outcomes), the strategy's Appendix 2.
APPENDIX_2 = [
    ("vacancy_rate", "East of England", 2023, "9.9"), ("vacancy_rate", "Hertfordshire", 2023, "9.0"),
    ("vacancy_rate", "England", 2024, "8.1"), ("vacancy_rate", "East of England", 2024, "8.3"),
    ("vacancy_rate", "Hertfordshire", 2024, "6.1"),
    ("turnover_rate", "East of England", 2023, "29.9"), ("turnover_rate", "Hertfordshire", 2023, "30.1"),
    ("turnover_rate", "England", 2024, "24.8"), ("turnover_rate", "East of England", 2024, "23.9"),
    ("turnover_rate", "Hertfordshire", 2024, "20.6"),
    ("qualification_uptake", "East of England", 2023, "43"), ("qualification_uptake", "Hertfordshire", 2023, "45"),
    ("qualification_uptake", "England", 2024, "46"), ("qualification_uptake", "East of England", 2024, "43"),
    ("qualification_uptake", "Hertfordshire", 2024, "47"),
    ("care_induction", "England", 2024, "40"), ("care_induction", "East of England", 2024, "42"),
    ("care_induction", "Hertfordshire", 2024, "43"),
    ("rm_turnover", "East of England", 2023, "24.5"), ("rm_turnover", "Hertfordshire", 2023, "23.6"),
    ("rm_turnover", "England", 2024, "19.4"), ("rm_turnover", "East of England", 2024, "19.9"),
    ("rm_turnover", "Hertfordshire", 2024, "22"),
]
HOME_GEOGRAPHY = "Hertfordshire"


def seed_baselines(session) -> int:
    """Add any Appendix 2 baseline not already there (an admin's edits are kept). Returns how many added."""
    existing = {(b.outcome, b.geography, b.year) for b in session.scalars(select(Baseline))}
    added = 0
    for outcome, geography, year, value in APPENDIX_2:
        if (outcome, geography, year) in existing:
            continue
        session.add(Baseline(outcome=outcome, geography=geography, year=year, value=Decimal(value),
                             good_direction=GoodDirection[ALL_METRICS[outcome].good], source=STRATEGY_SOURCE))
        added += 1
    session.flush()
    return added


def baselines_by_outcome(session) -> dict[str, list[Baseline]]:
    result: dict[str, list[Baseline]] = {m.key: [] for m in STRATEGY_METRICS}
    for baseline in session.scalars(select(Baseline).order_by(Baseline.year.desc(), Baseline.geography)):
        result.setdefault(baseline.outcome, []).append(baseline)
    return result


def headline_baseline(baselines: list[Baseline]) -> Baseline | None:
    """The one to compare with: the latest Hertfordshire figure, else the latest of any geography."""
    home = [b for b in baselines if b.geography == HOME_GEOGRAPHY]
    pool = home or baselines
    return max(pool, key=lambda b: b.year) if pool else None


@dataclass
class Comparison:
    good_side: bool | None
    arrow: str
    text: str


def compare(value: float | None, baseline: Baseline | None) -> Comparison | None:
    """Are we on the good side of the baseline? (value is a fraction; baseline values are percentages)."""
    if baseline is None:
        return None
    published = f"{baseline.geography} {baseline.year}: {baseline.value.normalize():f}%"
    if value is None:
        return Comparison(None, "", f"No figure yet to compare with {published}")
    percent = round(100 * value, 1)
    target = float(baseline.value)
    lower_is_better = baseline.good_direction == GoodDirection.down
    if percent == target:
        return Comparison(None, "=", f"Level with {published}")
    higher = percent > target
    good = higher != lower_is_better
    word = "higher" if higher else "lower"
    side = "better" if good else "worse"
    return Comparison(good, "↑" if higher else "↓", f"{percent:.1f}% is {word} than {published}: {side}")


def save_baseline(session, values: dict, baseline: Baseline | None = None) -> Baseline:
    """Create or update a baseline from form values. Raises Invalid on a clash or a bad outcome."""
    if values["outcome"] not in ALL_METRICS:
        raise Invalid("Choose an outcome from the list")
    clash = session.scalar(select(Baseline).where(
        Baseline.outcome == values["outcome"], Baseline.geography == values["geography"],
        Baseline.year == values["year"]))
    if clash is not None and clash is not baseline:
        raise Invalid(f"There is already a {values['geography']} {values['year']} baseline for this outcome")
    if baseline is None:
        baseline = Baseline()
        session.add(baseline)
    baseline.outcome = values["outcome"]
    baseline.geography = values["geography"]
    baseline.year = values["year"]
    baseline.value = values["value"]
    baseline.good_direction = GoodDirection[values["good_direction"]]
    baseline.source = values.get("source") or None
    session.flush()
    return baseline


__all__ = ["seed_baselines", "baselines_by_outcome", "headline_baseline", "compare", "save_baseline", "rate"]
