"""Draw a `Chart` as SVG with matplotlib's object API (no pyplot: no global state, thread-safe).

The output is deterministic — fixed hash salt, no date — so a published report that stores a chart
with a SHA-256 regenerates byte for byte. Text stays text (`svg.fonttype: none`), so it is
searchable in a PDF and readable by a screen reader; the root element gets a <title> and <desc>.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import TYPE_CHECKING

from alliance.charts.model import Chart, ChartKind, Number, ValueFormat

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

# matplotlib is imported where a chart is drawn, not at import: every CLI command and worker
# process imports the web layer, and only the pages with charts need it.

# Colour-blind-safe palette (Okabe–Ito), then greys for anything beyond it.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#555555", "#999999"]

_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "alliance",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#e5e5e5",
    "axes.edgecolor": "#888888",
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "legend.frameon": False,
}


def _number(value: Number | None) -> float:
    return float("nan") if value is None else float(value)


def _axis_formatter(chart: Chart) -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    def short(value: float, _position: object) -> str:
        if chart.value_format is ValueFormat.percent:
            return f"{value * 100:.0f}%"
        magnitude = abs(value)
        text = f"{value / 1_000_000:.1f}M" if magnitude >= 1_000_000 else f"{value / 1_000:.0f}k" if magnitude >= 10_000 else f"{value:,.0f}"
        return f"{chart.currency} {text}" if chart.value_format is ValueFormat.money else text

    return FuncFormatter(short)


def _draw(chart: Chart, figure: Figure) -> None:
    from matplotlib.ticker import MaxNLocator

    axes = figure.add_subplot()
    positions = list(range(len(chart.categories)))
    count = max(len(chart.series), 1)
    if chart.kind is ChartKind.line:
        for index, series in enumerate(chart.series):
            axes.plot(
                positions, [_number(v) for v in series.values], marker="o", markersize=3, linewidth=1.8, color=PALETTE[index % len(PALETTE)], label=series.name
            )
    elif chart.kind is ChartKind.bar:
        width = 0.8 / count
        for index, series in enumerate(chart.series):
            offset = (index - (count - 1) / 2) * width
            axes.bar([p + offset for p in positions], [_number(v) for v in series.values], width=width, color=PALETTE[index % len(PALETTE)], label=series.name)
    elif chart.kind is ChartKind.stacked_bar:
        bottoms = [0.0] * len(positions)
        for index, series in enumerate(chart.series):
            heights = [0.0 if v is None else float(v) for v in series.values]
            axes.bar(positions, heights, bottom=bottoms, width=0.6, color=PALETTE[index % len(PALETTE)], label=series.name)
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    else:  # horizontal bars, first category on top
        height = 0.8 / count
        for index, series in enumerate(chart.series):
            offset = (index - (count - 1) / 2) * height
            axes.barh(
                [p + offset for p in positions], [_number(v) for v in series.values], height=height, color=PALETTE[index % len(PALETTE)], label=series.name
            )
        axes.invert_yaxis()
        axes.grid(axis="x")
        axes.grid(axis="y", visible=False)
    if chart.reference is not None:
        axes.plot(positions, [_number(v) for v in chart.reference.values], linestyle="--", linewidth=1.5, color="#333333", label=chart.reference.name)
    value_axis, category_axis = (axes.xaxis, axes.yaxis) if chart.kind is ChartKind.horizontal_bar else (axes.yaxis, axes.xaxis)
    value_axis.set_major_formatter(_axis_formatter(chart))
    if chart.value_format is ValueFormat.quantity:
        value_axis.set_major_locator(MaxNLocator(integer=True))  # people and deals come whole: no 0.5 ticks shown as "0" and "1"
    category_axis.set_ticks(positions, list(chart.categories))
    if chart.kind is not ChartKind.horizontal_bar and max((len(c) for c in chart.categories), default=0) * len(positions) > 60:
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
    axes.set_title(chart.title, loc="left")
    if chart.x_label:
        axes.set_xlabel(chart.x_label)
    if chart.y_label:
        axes.set_ylabel(chart.y_label)
    if len(chart.series) > 1 or chart.reference is not None:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def render_svg(chart: Chart, *, width_inches: float = 7.0, height_inches: float = 3.2) -> str:
    """The chart as an SVG document string (no XML prologue), ready to inline in HTML or a PDF."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(width_inches, height_inches), layout="constrained")
        _draw(chart, figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    opening = _SVG_OPEN.search(svg)
    assert opening is not None  # matplotlib always writes one root element
    accessible = (
        opening.group(0)[:-1]
        + ' role="img">'
        + f"<title>{escape(chart.title)}</title>"
        + (f"<desc>{escape(chart.description)}</desc>" if chart.description else "")
    )
    return svg[: opening.start()] + accessible + svg[opening.end() :]


def namespaced(svg: str, prefix: str) -> str:
    """The SVG with every id (and every reference to one) prefixed: charts drawn with the same hash
    salt reuse ids, so several in one page (or PDF) would otherwise clip with each other's paths.
    Plain replacements (matplotlib writes ` id="…"`, `url(#…)` and `href="#…"`): a page shows
    several charts on every view, and a regular expression with a callback cost 12 ms a page."""
    return svg.replace(' id="', f' id="{prefix}-').replace("url(#", f"url(#{prefix}-").replace('href="#', f'href="#{prefix}-')
