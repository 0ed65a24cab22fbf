"""What the outcomes dashboard shows, for whom: scopes a user may see, and the figures for them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import select

from academy.auth.access import refuse
from academy.auth.models import Role, User
from academy.outcomes import baselines, report, snapshots
from academy.outcomes.metrics import ALL_METRICS, FUNNEL_METRICS, INDUCTION_PARTS, STRATEGY_METRICS, Metric
from academy.workplaces.directory import managed_workplaces
from academy.workplaces.models import District, ServiceType

COUNTY = "county"


@dataclass(frozen=True)
class Scope:
    type: str
    id: int
    name: str

    @property
    def key(self) -> str:
        return COUNTY if self.type == COUNTY else f"{self.type}-{self.id}"


@dataclass
class Choices:
    districts: list[Scope] = field(default_factory=list)
    service_types: list[Scope] = field(default_factory=list)
    workplaces: list[Scope] = field(default_factory=list)


def is_staff(user: User) -> bool:
    return user.role in (Role.hcpa_staff, Role.admin)


def choices_for(session, user: User) -> Choices:
    if is_staff(user):
        return Choices(
            districts=[Scope("district", d.id, d.name) for d in session.scalars(select(District).order_by(District.name))],
            service_types=[Scope("service_type", s.id, s.name)
                           for s in session.scalars(select(ServiceType).order_by(ServiceType.id))])
    return Choices(workplaces=[Scope("workplace", w.id, w.name) for w in managed_workplaces(session, user)])


def resolve_scope(session, user: User, key: str | None, choices: Choices, allow_county: bool = True) -> Scope | None:
    """The scope named by `key` ("county", "district-3", "workplace-7") if this user may see it; else 404.

    A manager may see only their own workplaces (another workplace is a 404, as if it did not exist)."""
    if not key:
        return None
    if key == COUNTY and allow_county and is_staff(user):
        return Scope(COUNTY, 0, "Hertfordshire")
    for scope in choices.districts + choices.service_types + choices.workplaces:
        if scope.key == key:
            return scope
    refuse(404, user)


def default_scope(user: User, choices: Choices) -> Scope:
    if is_staff(user):
        return Scope(COUNTY, 0, "Hertfordshire")
    if not choices.workplaces:
        abort(404)
    return choices.workplaces[0]


@dataclass
class TrendPoint:
    date: date
    rows: list  # one OutcomeRow (or None) per scope shown


@dataclass
class OutcomePanel:
    metric: Metric
    latest: list  # OutcomeRow or None, per scope
    trend: list[TrendPoint]
    baselines: list
    comparison: baselines.Comparison | None  # of the first scope
    baseline: object | None = None  # the one compared with (baselines.headline_baseline)
    comparisons: list = field(default_factory=list)  # Comparison or None, per scope


def panels(session, scopes: list[Scope], latest: date) -> list[OutcomePanel]:
    """The five strategy outcomes for each scope: latest value, 12-month trend and the baselines."""
    dates = snapshots.trend_dates(session, latest)
    wanted = [m.key for m in STRATEGY_METRICS]
    by_key: dict[tuple, report.OutcomeRow] = {}
    for scope in scopes:
        for row in report.outcome_rows(session, scope.type, dates, [scope.id], wanted):
            by_key[(scope.key, row.metric, row.date)] = row
    published = baselines.baselines_by_outcome(session)
    result = []
    for metric in STRATEGY_METRICS:
        latest_rows = [by_key.get((s.key, metric.key, latest)) for s in scopes]
        trend = [TrendPoint(d, [by_key.get((s.key, metric.key, d)) for s in scopes]) for d in dates]
        metric_baselines = published.get(metric.key, [])
        headline = baselines.headline_baseline(metric_baselines)
        comparisons = [baselines.compare(row.rate if row else None, headline) for row in latest_rows]
        result.append(OutcomePanel(metric, latest_rows, trend, metric_baselines,
                                   comparisons[0] if comparisons else None, headline, comparisons))
    return result


@dataclass
class InductionPart:
    metric: Metric
    rows: list  # OutcomeRow or None, per scope


def induction_parts(session, scopes: list[Scope], latest: date) -> list[InductionPart]:
    """Care starters of the last 12 months at `latest` by how they came to hold the Care Certificate:
    the headline (held it by 12 weeks) and its three parts, for each scope. One query per scope."""
    wanted = [ALL_METRICS["care_induction_12_weeks"], *INDUCTION_PARTS]
    by_key: dict[tuple, report.OutcomeRow] = {}
    for scope in scopes:
        for row in report.outcome_rows(session, scope.type, [latest], [scope.id], [m.key for m in wanted]):
            by_key[(scope.key, row.metric)] = row
    return [InductionPart(metric, [by_key.get((s.key, metric.key)) for s in scopes]) for metric in wanted]


def funnel(session, latest: date) -> list[report.OutcomeRow]:
    return report.outcome_rows(session, COUNTY, [latest], [0], [m.key for m in FUNNEL_METRICS])
