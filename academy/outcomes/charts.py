"""12-month trend charts as server-rendered SVG (matplotlib, Agg); the same numbers are in a table.

A chart is drawn for the width it is shown at (WIDE on the dashboard's column, NARROW on a phone),
so its text is 16 px on the page: matplotlib writes sizes in points, one SVG user unit is a point,
and the file's width is given in pixels (4/3 of its points), so 12 pt is 16 px when the image is
shown at its own width. Text is kept as text (`svg.fonttype: none`), so it can be read and searched.
The baseline is a dotted line named in the chart's key with its geography, year and value.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

# Distinguishable without colour too: each series has its own line style and marker.
SERIES_STYLES = [
    {"color": "#1d70b8", "linestyle": "-", "marker": "o"},
    {"color": "#912b88", "linestyle": "--", "marker": "s"},
]
BASELINE_STYLE = {"color": "#505a5f", "linestyle": ":", "linewidth": 2}
TEXT_PT = 12  # 16 px at the chart's own width
PX_PER_PT = 4 / 3


@dataclass(frozen=True)
class ChartSize:
    """Width and height in CSS pixels, every how many months the axis is labelled, the key's columns."""

    width: int
    height: int
    label_every: int
    legend_columns: int
    break_before_value: str  # in the baseline's name in the key: " ", or a new line where it is narrow


WIDE = ChartSize(600, 330, 1, 2, " ")  # the dashboard's two-thirds column on a desktop (about 620 px)
NARROW = ChartSize(350, 340, 2, 1, "\n")  # a 390 px phone, less the page's margins
SIZES = {"wide": WIDE, "narrow": NARROW}


def month_labels(dates: list[date], every: int = 1) -> list[str]:
    """Short month names, with the year under the first month shown and under each January; every
    `every`-th month labelled, counting back from the latest (always labelled).

    >>> month_labels([date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28)])
    ['Nov\\n2025', 'Dec', 'Jan\\n2026', 'Feb']
    >>> month_labels([date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28)], every=2)
    ['Dec\\n2025', '', 'Feb\\n2026']
    """
    shown = [(len(dates) - 1 - i) % every == 0 for i in range(len(dates))]
    labels, year_given = [], None
    for day, show in zip(dates, shown):
        if not show:
            labels.append("")
            continue
        label = day.strftime("%b")
        if day.year != year_given:
            label += f"\n{day.year}"
            year_given = day.year
        labels.append(label)
    return labels


def trend_svg(title: str, dates: list[date], series: list[tuple[str, list[float | None]]],
              baseline: tuple[str, float] | None = None, size: ChartSize = WIDE) -> bytes:
    """A line per series (values are fractions; None leaves a gap) and an optional baseline (percent),
    named with its value in the key. `title` is the SVG's title (the page's heading says it to readers)."""
    settings = {"svg.hashsalt": "goodcare", "svg.fonttype": "none", "font.size": TEXT_PT}
    with matplotlib.rc_context(settings):  # stable ids: the same figures give the same file
        figure = Figure(figsize=(size.width / PX_PER_PT / 72, size.height / PX_PER_PT / 72), dpi=72,
                        layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(dates)))
        highest = 0.0
        for (name, values), style in zip(series, SERIES_STYLES):
            points = [float("nan") if v is None else 100 * v for v in values]
            highest = max([highest, *(p for p in points if p == p)])
            axes.plot(positions, points, label=name, linewidth=2.5, markersize=6, **style)
        if baseline is not None:
            label, value = baseline
            highest = max(highest, value)
            axes.axhline(value, label=f"{label} baseline:{size.break_before_value}{value:g}%", **BASELINE_STYLE)
        axes.set_xticks(positions, month_labels(dates, size.label_every))
        axes.set_xlim(-0.4, len(dates) - 0.6)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}%"))  # 8%, 2.5%
        axes.set_ylim(0, max(highest * 1.3, 1))
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
        axes.spines[["top", "right"]].set_visible(False)
        # The key above the plot names each line and the baseline (with its value), in the same 16 px.
        figure.legend(loc="outside upper left", ncol=size.legend_columns, frameon=False, handlelength=2,
                      columnspacing=1.2)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    return _in_pixels(buffer.getvalue(), size)


def _in_pixels(svg: bytes, size: ChartSize) -> bytes:
    """Give the file's width and height in pixels (matplotlib writes points), keeping its viewBox."""
    return re.sub(rb'width="[\d.]+pt" height="[\d.]+pt"', f'width="{size.width}" height="{size.height}"'.encode(),
                  svg, count=1)


BAR_ROW_PX = 52  # a bar's name (one line of 16 px text) above the bar, and a gap
BAR_STYLE = {"color": "#1d70b8"}


def bars_height(rows: int) -> int:
    """The height in CSS pixels of a bar chart of `rows` bars (as bars_svg draws it)."""
    return BAR_ROW_PX * rows + 16


def bars_svg(title: str, labels: list[str], values: list[float], notes: list[str], size: ChartSize = WIDE) -> bytes:
    """Horizontal bars, largest scale first as given: each bar's name above it and its figure in words
    (`notes`) at its end, all as 16 px text, so the chart reads without a key or an axis."""
    settings = {"svg.hashsalt": "goodcare", "svg.fonttype": "none", "font.size": TEXT_PT}
    rows = len(labels)
    height = bars_height(rows)
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(size.width / PX_PER_PT / 72, height / PX_PER_PT / 72), dpi=72)
        axes = figure.add_axes((0.01, 0.0, 0.98, 1.0))
        widest = max([*values, 1])
        for row, (label, value, note) in enumerate(zip(labels, values, notes)):
            y = rows - 1 - row
            axes.barh(y, value, height=0.32, **BAR_STYLE)
            axes.text(0, y + 0.22, label, va="bottom", ha="left")
            axes.text(value + widest * 0.02, y, note, va="center", ha="left")
        # room at the right for the longest bar's figure: more of the width on a phone
        axes.set_xlim(0, widest / (0.5 if size is NARROW else 0.62))
        axes.set_ylim(-0.45, rows - 0.15)
        axes.axis("off")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    return re.sub(rb'width="[\d.]+pt" height="[\d.]+pt"', f'width="{size.width}" height="{height}"'.encode(),
                  buffer.getvalue(), count=1)
