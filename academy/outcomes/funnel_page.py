"""The GCR funnel on the outcomes dashboard: the filters (source, district, month), the stored figures
they choose, the two charts and the rows of its download (academy/outcomes/funnel.py computes them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import select

from academy.outcomes import charts, funnel, metrics, snapshots
from academy.workplaces.models import District


@dataclass(frozen=True)
class Filters:
    """Whose applications (one source, or one district, or all) and which month."""
    source: int | None = None  # funnel.SOURCE_CODES; None: every source
    district_id: int | None = None  # 0: not given yet; None: every district
    month: date | None = None  # one stored snapshot date; None: the 12 months to the latest

    @property
    def whose(self) -> str:
        """The "Applications" choice: "", "source-2" or "district-5"."""
        if self.source is not None:
            return f"source-{self.source}"
        return "" if self.district_id is None else f"district-{self.district_id}"

    def query(self) -> dict[str, str]:
        """The filters as URL arguments (for the chart and download links)."""
        args = {"funnel_whose": self.whose or None, "funnel_month": self.month.isoformat() if self.month else None}
        return {key: value for key, value in args.items() if value is not None}


@dataclass
class Section:
    filters: Filters
    figures: funnel.FunnelFigures
    months: list[date]  # the months one can choose (stored snapshot dates, latest first)
    sources: list[tuple[int, str]]
    districts: list[tuple[int, str]]
    period: str  # "the 12 months to 30 November 2026", "November 2026"

    @property
    def latest(self) -> date:
        return self.figures.dates[-1]

    @property
    def description(self) -> str:
        return describe(self)

    @staticmethod
    def month_label(day: date) -> str:
        """ "November 2026", or "December 2026 to 5 December" for a month-to-date snapshot."""
        return f"{day:%B %Y}" if day == metrics.month_end(day) else f"{day:%B %Y} to {day:%-d %B}"

    def chart_height(self, part: str) -> int:
        """The height in pixels of a chart (its img's height; the same at both widths)."""
        return charts.bars_height(len(self.figures.stages) + 1 if part == "stages" else len(self.figures.pages) + 2)


def parse_filters(session, args, latest: date) -> tuple[Filters, list[date]]:
    """The filters in the request's arguments, and the months on offer; a value not offered is a 404."""
    months = sorted(snapshots.trend_dates(session, latest), reverse=True)
    month_text = args.get("funnel_month") or None
    month = None
    if month_text is not None:
        month = next((m for m in months if m.isoformat() == month_text), None)
        if month is None:
            abort(404)
    whose = args.get("funnel_whose") or ""
    kind, _, number = whose.partition("-")
    if not whose:
        return Filters(month=month), months
    if not (number.isascii() and number.isdigit()) or len(number) > 9:
        abort(404)
    if kind == "source" and int(number) in funnel.SOURCE_CODES:
        return Filters(source=int(number), month=month), months
    if kind == "district" and (int(number) == 0 or session.get(District, int(number)) is not None):
        return Filters(district_id=int(number), month=month), months
    abort(404)


def section(session, args, latest: date) -> Section:
    """The dashboard's funnel for the chosen filters (two queries and the district names)."""
    filters, months = parse_filters(session, args, latest)
    dates = [filters.month] if filters.month else months
    scope_type, scope_id = funnel.scope_for(filters.source, filters.district_id)
    figures = funnel.figures(session, scope_type, scope_id, dates)
    districts = [(d.id, d.name) for d in session.scalars(select(District).order_by(District.name))]
    period = Section.month_label(filters.month) if filters.month else f"the 12 months to {latest:%-d %B %Y}"
    return Section(filters, figures, months, sorted(funnel.SOURCE_CODES.items(), key=lambda item: (item[0] == 0, item[0])),
                   [*districts, (0, "Not given yet")], period)


def chart(section_: Section, part: str, size: charts.ChartSize) -> bytes:
    """The stages (applications that moved to each, and the share of stays that went on) or the form
    (how many of those who started reached each page, and sent it) as horizontal bars."""
    figures = section_.figures
    if part == "stages":
        labels = [s.label for s in figures.stages] + ["Placed"]
        values = [s.entered for s in figures.stages] + [figures.placed]
        notes = [f"{s.entered:,}" + (f", {100 * s.went_on_rate:.0f}% went on" if s.went_on_rate is not None else "")
                 for s in figures.stages] + [f"{figures.placed:,}"]
        title = f"Applications that moved to each stage, {section_.period}"
    else:
        labels = ["Started"] + [f"{p.number}. {p.title}" for p in figures.pages] + ["Sent"]
        values = [figures.started] + [p.reached for p in figures.pages] + [figures.sent]
        notes = [f"{v:,}" + (f" ({100 * v / figures.started:.0f}%)" if figures.started else "") for v in values]
        title = f"Online forms started and how far they got, {section_.period}"
    return charts.bars_svg(title, labels, values, notes, size)


EXPORT_HEADER = ["Part", "Stage or page", "Moved in or reached", "Stays ended", "Went on", "Went on (rate)",
                 "Withdrew or not progressed", "Median time in stage", "90th percentile time in stage",
                 "In the stage at the latest date"]


def export_rows(section_: Section) -> list[list]:
    """The funnel's table as rows for CSV or XLSX: the stages, then the form's pages."""
    figures = section_.figures
    rows = [["Pipeline", s.label, s.entered, s.left, s.went_on,
             None if s.went_on_rate is None else round(s.went_on_rate, 6), s.dropped, s.median, s.p90, s.waiting]
            for s in figures.stages]
    rows.append(["Pipeline", "Placed", figures.placed, None, None, None, None, None, None, None])
    rows.append(["Online form", "Started", figures.started] + [None] * 7)
    rows += [["Online form", f"Page {p.number}: {p.title}", p.reached, None, None,
              None if p.rate is None else round(p.rate, 6), None, None, None, None] for p in figures.pages]
    rows.append(["Online form", "Sent", figures.sent, None, None,
                 None if figures.sent_rate is None else round(figures.sent_rate, 6), None, None, None, None])
    return rows


def describe(section_: Section) -> str:
    """Which applications the figures are of, in words (the download's name and the page's caption)."""
    parts = []
    if section_.filters.source is not None:
        parts.append(f"heard about us from {funnel.SOURCE_CODES[section_.filters.source].lower()}")
    if section_.filters.district_id is not None:
        name = dict(section_.districts)[section_.filters.district_id]
        parts.append(f"district {name}" if section_.filters.district_id else "district not given yet")
    return ", ".join(parts) if parts else "all applications"
