"""The QBR's charts from its figures (alliance.charts draws them): the same Chart objects give the
page's SVG, the PDF's SVG, the numbers table and the CSV."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from alliance.charts import Chart, ChartKind, Series, ValueFormat, render_svg
from alliance.enablement.vocabulary import Level
from alliance.qbr.figures import CREDITS

CREDIT_LABELS = {"influence": "Influence", "direct": "Direct", "services": "Services"}


def charts(figures: Mapping[str, Any]) -> dict[str, Chart]:
    """Name -> chart, in the order the package shows them (a chart without figures is left out)."""
    quarters = list(figures["quarters"])
    currency = figures["currency"]
    found: dict[str, Chart] = {}
    capacity = figures["capacity"]
    if capacity["by_role"]:
        found["capacity_by_role"] = Chart(
            title="Certified delivery capacity by role and level",
            kind=ChartKind.stacked_bar,
            categories=[row["role_label"] for row in capacity["by_role"]],
            series=[Series(level.value.capitalize(), [row["levels"][level.value] for row in capacity["by_role"]]) for level in Level],
            x_label="Role",
            y_label="People",
            description=f"Certified people per delivery role and level on {figures['as_of']}.",
        )
        found["capacity_trend"] = Chart(
            title="Certified delivery capacity, five quarters",
            kind=ChartKind.line,
            categories=quarters,
            series=[Series("Certified people (role and level)", capacity["total"])],
            x_label="Quarter",
            y_label="People",
            description="Certified people at each quarter's end.",
        )
    stages = figures["pipeline"]["stages"]
    found["pipeline_funnel"] = Chart(
        title="Registration pipeline by stage",
        kind=ChartKind.horizontal_bar,
        categories=[stage["label"] for stage in stages],
        series=[Series(kind.capitalize(), [stage["by_kind"].get(kind, 0) for stage in stages]) for kind in figures["pipeline"]["kinds"]]
        or [Series("Registrations", [0 for _ in stages])],
        x_label="Stage",
        description=f"Registrations at each stage on {figures['as_of']}, by kind.",
    )
    revenue = figures["revenue"]
    found["influence_vs_direct"] = Chart(
        title="Influence, direct and services credit",
        kind=ChartKind.stacked_bar,
        categories=quarters,
        series=[Series(CREDIT_LABELS[credit], [Decimal(v) for v in revenue[credit]]) for credit in CREDITS],
        value_format=ValueFormat.money,
        currency=currency,
        x_label="Quarter",
        description="Attribution ledger credit per quarter by type.",
    )
    targets = [item for plan in figures["practice"].get("plans", []) for item in plan["items"] if "target" in item]
    if targets:
        found["plan_vs_actual"] = Chart(
            title="Joint business plan: targets reached",
            kind=ChartKind.horizontal_bar,
            categories=[item["title"] for item in targets],
            series=[
                Series("Reached", [min(Decimal(item["actual"]) / Decimal(item["target"]), Decimal(1)) if Decimal(item["target"]) else 1 for item in targets])
            ],
            value_format=ValueFormat.percent,
            x_label="Target",
            description="Share of each plan target reached by the as-of date.",
        )
    return found


def svgs(figures: Mapping[str, Any], *, drawn: Mapping[str, str] | None = None, drawn_from: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Each chart's SVG. `drawn` are SVGs drawn before from the figures `drawn_from`: a chart whose
    numbers, labels and titles did not change keeps its SVG (drawing is deterministic, and costs
    about half a second a chart), so regenerating a draft redraws only what moved."""
    try:
        before = charts(drawn_from) if drawn and drawn_from is not None else {}
    except (KeyError, TypeError):  # figures stored by an older version: draw everything
        before = {}
    return {name: drawn[name] if drawn and name in drawn and before.get(name) == chart else render_svg(chart) for name, chart in charts(figures).items()}
