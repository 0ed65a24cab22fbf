"""Stored snapshots as readable rows (scope name, metric, numerator, denominator, rate), for the
CLI, the dashboard tables and the CSV/XLSX downloads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select

from academy import exports
from academy.outcomes import declared, funnel, metrics, snapshots
from academy.outcomes.metrics import ALL_METRICS, rate
from academy.workplaces.models import District, ServiceType, Workplace

SCOPE_LABELS = {"county": "County", "district": "District", "service_type": "Service type", "workplace": "Workplace",
                "gcr_source": "Source", "gcr_district": "Applicants' district"}
KNOWN_METRICS = {**ALL_METRICS, **funnel.METRICS}  # the funnel's (academy/outcomes/funnel.py) after the others


@dataclass
class OutcomeRow:
    scope_type: str
    scope_id: int
    scope: str
    date: date
    metric: str
    label: str
    numerator: float | None
    denominator: float | None
    source: str | None = None  # declared.SOURCES key; None for a figure stored before sources were kept

    @property
    def source_label(self) -> str:
        """Which records the figure came from, in words ("Service records", "Declared in ASC-WDS", ...)."""
        return declared.label(self.source)

    @property
    def kind(self) -> str:
        return KNOWN_METRICS[self.metric].kind if self.metric in KNOWN_METRICS else "rate"

    @property
    def rate(self) -> float | None:
        return rate(self.numerator, self.denominator) if self.kind == "rate" else None

    def as_dict(self) -> dict:
        return {"scope_type": self.scope_type, "scope_id": self.scope_id, "scope": self.scope,
                "date": self.date.isoformat(), "metric": self.metric, "label": self.label,
                "numerator": _number(self.numerator), "denominator": _number(self.denominator),
                "rate": None if self.rate is None else round(self.rate, 6), "source": self.source or "records",
                "source_label": self.source_label}


def _number(value):
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else round(float(value), 2)


def scope_names(session, scope_type: str, ids=None) -> dict[int, str]:
    if scope_type == "county":
        return {0: "Hertfordshire"}
    if scope_type in funnel.SCOPE_TYPES:
        return funnel.scope_names(session, scope_type, ids)
    model = {"district": District, "service_type": ServiceType, "workplace": Workplace}[scope_type]
    statement = select(model.id, model.name)
    if ids is not None:
        statement = statement.where(model.id.in_(list(ids)))
    return dict(session.execute(statement).all())


def outcome_rows(session, scope_type: str, dates, scope_ids=None, metrics_wanted=None) -> list[OutcomeRow]:
    """Stored rows for the scopes at the dates, ordered by scope name, date, then metric order."""
    frame = snapshots.load(session, scope_type, scope_ids, dates, metrics_wanted)
    names = scope_names(session, scope_type, None if scope_ids is None else scope_ids)
    order = {key: i for i, key in enumerate(KNOWN_METRICS)}
    rows = [
        OutcomeRow(scope_type, int(r.scope_id), names.get(int(r.scope_id), f"#{r.scope_id}"), r.date, r.metric,
                   KNOWN_METRICS[r.metric].label if r.metric in KNOWN_METRICS else r.metric,
                   None if pd.isna(r.numerator) else float(r.numerator),
                   None if pd.isna(r.denominator) else float(r.denominator),
                   None if r.source is None or pd.isna(r.source) else str(r.source))
        for r in frame.itertuples(index=False)
    ]
    rows.sort(key=lambda r: (r.scope.lower(), r.scope_id, r.date, order.get(r.metric, len(order))))
    return rows


@dataclass
class LatestSnapshot:
    """One scope's stored figures at its latest snapshot date: metric key -> OutcomeRow (numerator,
    denominator, and .rate, None when the denominator is 0 or the figure is unknown)."""

    scope_type: str
    scope_id: int
    date: date
    figures: dict[str, OutcomeRow]


def latest_snapshot(session, scope_type: str, scope_id: int, on_or_before: date | None = None,
                    metrics_wanted=None) -> LatestSnapshot | None:
    """The latest stored snapshot (on or before `on_or_before`) of one scope, e.g.
    latest_snapshot(session, "workplace", workplace.id); None if it has none. Two or three queries,
    whatever the number of metrics. Callers check access to the scope themselves."""
    if scope_type not in metrics.SCOPE_TYPES:
        raise ValueError(f"unknown scope type {scope_type!r}")
    day = snapshots.latest_scope_date(session, scope_type, scope_id, on_or_before)
    if day is None:
        return None
    rows = outcome_rows(session, scope_type, [day], [scope_id], metrics_wanted)
    return LatestSnapshot(scope_type, scope_id, day, {row.metric: row for row in rows})


def format_rate(row_or_rate, kind: str = "rate") -> str:
    value = row_or_rate.rate if isinstance(row_or_rate, OutcomeRow) else row_or_rate
    return "" if value is None else f"{100 * value:.1f}%"


def as_table(rows: list[OutcomeRow]) -> str:
    """Fixed-width text: one line per scope and metric."""
    header = ("Scope", "Date", "Metric", "Numerator", "Denominator", "Rate", "Source")
    lines = [(r.scope, r.date.isoformat(), r.label, _text(r.numerator), _text(r.denominator), format_rate(r),
              r.source_label) for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    out = []
    for i, line in enumerate([header, *lines]):
        out.append("  ".join(str(v).ljust(w) if j < 3 or j == 6 else str(v).rjust(w)
                             for j, (v, w) in enumerate(zip(line, widths))).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _text(value) -> str:
    number = _number(value)
    return "" if number is None else str(number)


EXPORT_HEADER = ["Scope type", "Scope", "Date", "Metric", "Numerator", "Denominator", "Rate", "Source"]


def _export_values(row: OutcomeRow) -> list:
    return [SCOPE_LABELS[row.scope_type], row.scope, row.date.isoformat(), row.label, _number(row.numerator),
            _number(row.denominator), None if row.rate is None else round(row.rate, 6), row.source_label]


def as_csv(rows: list[OutcomeRow]) -> str:
    return exports.csv_text(EXPORT_HEADER, (_export_values(row) for row in rows))


def as_xlsx(rows: list[OutcomeRow]) -> bytes:
    return exports.xlsx_bytes(EXPORT_HEADER, (_export_values(row) for row in rows), "Outcomes",
                              number_formats={6: "0.0%"})


def metric_keys(include_funnel: bool = True) -> list[str]:
    return [m.key for m in metrics.METRICS + (metrics.FUNNEL_METRICS if include_funnel else ())]
