"""12-month trend charts as server-rendered SVG (matplotlib, Agg); the same numbers are in a table."""
from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

# Distinguishable without colour too: each series has its own line style and marker.
SERIES_STYLES = [
    {"color": "#1d70b8", "linestyle": "-", "marker": "o"},
    {"color": "#912b88", "linestyle": "--", "marker": "s"},
]
BASELINE_STYLE = {"color": "#505a5f", "linestyle": ":", "linewidth": 1.5}


def trend_svg(title: str, dates: list[date], series: list[tuple[str, list[float | None]]],
              baseline: tuple[str, float] | None = None) -> bytes:
    """A line per series (values are fractions; None leaves a gap) and an optional baseline (percent)."""
    matplotlib.rcParams["svg.hashsalt"] = "goodcare"  # stable ids: the same figures give the same file
    figure = Figure(figsize=(6.4, 3.2), dpi=100)
    axes = figure.subplots()
    labels = [d.strftime("%b %y") for d in dates]
    positions = list(range(len(dates)))
    for (name, values), style in zip(series, SERIES_STYLES):
        points = [float("nan") if v is None else 100 * v for v in values]
        axes.plot(positions, points, label=name, linewidth=2, markersize=5, **style)
    if baseline is not None:
        axes.axhline(baseline[1], label=baseline[0], **BASELINE_STYLE)
    axes.set_title(title, fontsize=11, loc="left")
    axes.set_xticks(positions, labels, fontsize=8)
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="best")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
