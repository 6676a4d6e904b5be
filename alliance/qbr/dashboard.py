"""The executive dashboard from the QBR figures of many partners (figures_service.compute, one
set of queries for all of them), without a session: portfolio by subtype and tier with movement,
revenue, pipeline, capacity and SLA trends, top movers, partners at risk with the reasons."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from alliance.charts import Chart, ChartKind, Series, ValueFormat
from alliance.qbr.figures import CREDITS, CURRENT, QUARTERS

CREDIT_LABELS = {"influence": "Influence", "direct": "Direct", "services": "Services"}


@dataclass(frozen=True)
class Mover:
    partner_id: int
    name: str
    before: Decimal
    now: Decimal

    @property
    def change(self) -> Decimal:
        return self.now - self.before


@dataclass(frozen=True)
class AtRisk:
    partner_id: int
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TierMove:
    """Partners that moved from one tier to another over the quarter (None: no tier)."""

    before: str | None
    after: str | None
    partners: tuple[tuple[int, str], ...]  # (id, name), by name


@dataclass(frozen=True)
class Dashboard:
    partners: int
    currency: str | None
    quarters: list[str]
    tiers: list[dict[str, Any]]  # subtype, tier, partners, up, down
    charts: dict[str, Chart]
    movers_up: list[Mover]
    movers_down: list[Mover]
    at_risk: list[AtRisk]
    violations: int
    disputes_open: int
    tier_moves: list[TierMove]
    stages: list[dict[str, Any]]  # status, label, by_kind {kind: registrations}: the pipeline chart's numbers with their keys


def build(figures: Mapping[int, Mapping[str, Any]], *, currency: str | None, movers: int = 5) -> Dashboard:
    """`currency`: the money shown (the partners in another are counted, not added)."""
    found = list(figures.values())
    quarters = list(found[0]["quarters"]) if found else []
    in_currency = [f for f in found if f["currency"] == currency]
    tiers: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    moves: dict[tuple[str | None, str | None], list[tuple[int, str]]] = defaultdict(list)
    for f in found:
        if f["headline"]["tier_before"] != f["headline"]["tier"]:
            moves[(f["headline"]["tier_before"], f["headline"]["tier"])].append((f["partner"]["id"], f["partner"]["name"]))
        key = (f["partner"]["si_subtype"] or f["partner"]["partner_type"], f["headline"]["tier"] or "No tier")
        tiers[key]["partners"] += 1
        before, now = f["headline"]["tier_before"], f["headline"]["tier"]
        if before != now:
            tiers[key]["moved_in"] += 1
    revenue = {credit: [sum((Decimal(f["revenue"][credit][q]) for f in in_currency), Decimal(0)) for q in range(QUARTERS)] for credit in CREDITS}
    capacity = [sum(f["capacity"]["total"][q] for f in found) for q in range(QUARTERS)]
    stages: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[str, str] = {}
    for f in found:
        for stage in f["pipeline"]["stages"]:
            labels[stage["status"]] = stage["label"]
            for kind, count in stage["by_kind"].items():
                stages[kind][stage["status"]] += count
    attainment = []
    for q in range(QUARTERS):
        values = [f["cosell"]["sla_attainment"][q] for f in found if f["cosell"]["sla_attainment"][q] is not None]
        attainment.append(round(sum(values) / len(values), 4) if values else None)
    charts = {
        "revenue": Chart(
            title="Influence, direct and services credit",
            kind=ChartKind.stacked_bar,
            categories=quarters,
            series=[Series(CREDIT_LABELS[c], revenue[c]) for c in CREDITS],
            value_format=ValueFormat.money,
            currency=currency or "USD",
            x_label="Quarter",
            description=f"Attribution ledger credit per quarter, partners in {currency}.",
        ),
        "capacity": Chart(
            title="Certified delivery capacity",
            kind=ChartKind.line,
            categories=quarters,
            series=[Series("Certifications by role and level", capacity)],
            x_label="Quarter",
            description="Certified people at each quarter's end, all partners shown.",
        ),
        "pipeline": Chart(
            title="Pipeline by kind and stage",
            kind=ChartKind.horizontal_bar,
            categories=[labels[s] for s in labels],
            series=[Series(kind.capitalize(), [stages[kind][s] for s in labels]) for kind in sorted(stages)] or [Series("Registrations", [0] * len(labels))],
            x_label="Stage",
            description="Registrations at each stage today, by kind.",
        ),
        "sla": Chart(
            title="Co-sell first responses within SLA",
            kind=ChartKind.line,
            categories=quarters,
            series=[Series("Average attainment per partner", attainment)],
            value_format=ValueFormat.percent,
            x_label="Quarter",
            description="Share of answered co-sell requests answered within the SLA, averaged over partners.",
        ),
    }
    moved = [
        Mover(f["partner"]["id"], f["partner"]["name"], Decimal(f["revenue"]["total"][CURRENT - 1]), Decimal(f["revenue"]["total"][CURRENT]))
        for f in in_currency
    ]
    up = sorted((m for m in moved if m.change > 0), key=lambda m: (-m.change, m.name))[:movers]
    down = sorted((m for m in moved if m.change < 0), key=lambda m: (m.change, m.name))[:movers]
    return Dashboard(
        partners=len(found),
        currency=currency,
        quarters=quarters,
        tiers=[{"subtype": s, "tier": t, "partners": c["partners"], "moved_in": c["moved_in"]} for (s, t), c in sorted(tiers.items())],
        charts=charts,
        movers_up=up,
        movers_down=down,
        at_risk=[risk for f in found if (risk := at_risk(f)) is not None],
        violations=sum(f["cosell"]["violations"][CURRENT] for f in found),
        disputes_open=sum(f["cosell"]["disputes_opened"] - f["cosell"]["disputes_resolved"] for f in found),
        tier_moves=[
            TierMove(before, after, tuple(sorted(partners, key=lambda p: (p[1], p[0]))))
            for (before, after), partners in sorted(moves.items(), key=lambda item: (-len(item[1]), str(item[0])))
        ],
        stages=[{"status": s, "label": labels[s], "by_kind": {kind: stages[kind][s] for kind in sorted(stages)}} for s in labels],
    )


def at_risk(f: Mapping[str, Any]) -> AtRisk | None:
    """A partner at risk, with each reason: a downgrade forecast, plan items at risk, SLA misses,
    rules-of-engagement violations this quarter."""
    reasons = []
    forecast = f["headline"]["forecast"]
    if forecast and forecast["action"] == "downgrade":
        reasons.append(
            f"Tier downgrade to {forecast['tier'] or 'no tier'} recommended" + (f" (grace until {forecast['grace_until']})" if forecast["grace_until"] else "")
        )
    risky = [item["at_risk"] for plan in f["practice"].get("plans", []) for item in plan["items"] if item["at_risk"]]
    if risky:
        reasons.append(f"Joint business plan: {len(risky)} items at risk ({risky[0]})")
    cosell = f["cosell"]
    if cosell["responded"] > cosell["within_sla"]:
        reasons.append(f"Co-sell: {cosell['responded'] - cosell['within_sla']} of {cosell['responded']} first responses missed the SLA")
    if cosell["violations"][CURRENT]:
        reasons.append(f"{cosell['violations'][CURRENT]} rules-of-engagement violations this quarter")
    return AtRisk(f["partner"]["id"], f["partner"]["name"], tuple(reasons)) if reasons else None
