"""A poll question's answers as a bar chart (server-rendered SVG, as academy/outcomes/charts.py
draws the outcome trends): one bar per answer, its share of the group in percent. The same figures
are in the results table beside it; a hidden group is never drawn."""
from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from academy.outcomes.charts import PX_PER_PT, SIZES, TEXT_PT, ChartSize, _in_pixels  # noqa: E402

BAR_COLOUR = "#1d70b8"


def answers_svg(title: str, labels: list[str], shares: list[float], size: ChartSize = SIZES["wide"]) -> bytes:
    """Horizontal bars, the first answer at the top; `shares` are fractions (0.25 is 25%)."""
    settings = {"svg.hashsalt": "goodcare", "svg.fonttype": "none", "font.size": TEXT_PT}
    wrap = 22 if size.width >= 500 else 14
    names = ["\n".join(textwrap.wrap(label, wrap)[:2]) for label in labels]
    height = max(size.height // 2, 60 + 44 * len(labels))
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(size.width / PX_PER_PT / 72, height / PX_PER_PT / 72), dpi=72, layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(labels)))[::-1]
        values = [100 * s for s in shares]
        bars = axes.barh(positions, values, color=BAR_COLOUR, height=0.6)
        axes.bar_label(bars, labels=[f"{v:.0f}%" for v in values], padding=4)
        axes.set_yticks(positions, names)
        axes.set_xlim(0, 115)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}%"))
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.grid(axis="x", color="#b1b4b6", linewidth=0.5)
        axes.spines[["top", "right"]].set_visible(False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    return _in_pixels(buffer.getvalue(), ChartSize(size.width, height, size.label_every, size.legend_columns,
                                                   size.break_before_value))
