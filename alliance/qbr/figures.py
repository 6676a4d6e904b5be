"""The QBR's figures for each partner from the set-based reads (figures_repository), without a
session: plain JSON (money as decimal strings in the partner's program currency), so a published
package stores exactly what it showed. Sections follow the package: headline, capacity, pipeline,
revenue, co-sell, practice development, later sections (MDF, assets), governance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from statistics import median
from typing import Any

from alliance.enablement.vocabulary import Level
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, DeliveryRole
from alliance.registrations.lifecycle import STATUS_LABELS, Status

QUARTERS = 5  # the QBR's quarter and the four before it
CURRENT = QUARTERS - 1
FUNNEL = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED, Status.APPROVED, Status.WON, Status.LOST)
MOVES = ("new", "approved", "won", "lost")
CREDITS = ("influence", "direct", "services")
ZERO = Decimal(0)


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


@dataclass
class Collected:
    """Everything read for one partner, keyed as the reads group it."""

    capacity: dict[tuple[int, str, str], int] = field(default_factory=dict)  # (quarter, role, level) -> people
    expiring: int = 0
    recert_due: int = 0
    stages: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # (kind, status) -> (count, protection ending next quarter)
    moves: dict[tuple[int, str, str], int] = field(default_factory=dict)  # (quarter, kind, move) -> count
    conflicts: dict[int, int] = field(default_factory=dict)
    credit: dict[tuple[int, str], tuple[Decimal, int]] = field(default_factory=dict)  # (quarter, credit type) -> (amount, deals), program currency only
    other_currency_entries: int = 0
    requests: list[tuple[int, str, datetime, datetime, datetime | None, datetime | None, int | None]] = field(default_factory=list)
    plans_agreed: dict[int, int] = field(default_factory=dict)
    violations: dict[int, int] = field(default_factory=dict)
    disputes: list[tuple[int, datetime, datetime | None]] = field(default_factory=list)
    practice: dict[str, Any] = field(default_factory=dict)
    sponsors: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    tier: str | None = None
    tier_before: str | None = None  # at the end of the previous quarter
    forecast: dict[str, Any] | None = None


def capacity_section(found: Collected) -> dict[str, Any]:
    by_role_level: dict[str, dict[str, int]] = defaultdict(dict)
    per_role: dict[str, list[int]] = defaultdict(lambda: [0] * QUARTERS)
    for (quarter, role, level), people in found.capacity.items():
        if quarter == CURRENT:
            by_role_level[role][level] = people
        # A person certified at two levels of a role is counted at each level, as the table shows it.
        per_role[role][quarter] += people
    roles = sorted(per_role, key=_role_order)
    trend = {role: per_role[role] for role in roles}
    total = [sum(values[i] for values in trend.values()) for i in range(QUARTERS)]
    rows = [{"role": role, "role_label": _role_label(role), "levels": {level: by_role_level[role].get(level, 0) for level in LEVELS}} for role in roles]
    return {"by_role": rows, "trend": trend, "total": total, "expiring": found.expiring, "recert_due": found.recert_due}


def pipeline_section(found: Collected) -> dict[str, Any]:
    kinds = sorted({kind for kind, _ in found.stages} | {kind for _, kind, _ in found.moves})
    stages = []
    for status in FUNNEL:
        counts = {kind: found.stages.get((kind, status.value), (0, 0))[0] for kind in kinds}
        stages.append({"status": status.value, "label": STATUS_LABELS[status], "by_kind": counts, "total": sum(counts.values())})
    moves = {move: [sum(found.moves.get((q, kind, move), 0) for kind in kinds) for q in range(QUARTERS)] for move in MOVES}
    quarter_by_kind = {kind: {move: found.moves.get((CURRENT, kind, move), 0) for move in MOVES} for kind in kinds}
    expiring = sum(ending for (_, status), (_, ending) in found.stages.items() if status == Status.APPROVED.value)
    return {
        "kinds": kinds,
        "stages": stages,
        "moves": moves,
        "quarter_by_kind": quarter_by_kind,
        "protection_expiring_next_quarter": expiring,
        "conflicts": [found.conflicts.get(q, 0) for q in range(QUARTERS)],
    }


def revenue_section(found: Collected) -> dict[str, Any]:
    series = {credit: [found.credit.get((q, credit), (ZERO, 0))[0] for q in range(QUARTERS)] for credit in CREDITS}
    total = [sum((series[c][q] for c in CREDITS), ZERO) for q in range(QUARTERS)]
    won = [found.credit.get((q, "influence"), (ZERO, 0))[1] for q in range(QUARTERS)]
    return {
        **{credit: [money(v) for v in values] for credit, values in series.items()},
        "total": [money(v) for v in total],
        "won_as_partner_of_record": won,
        "entries_in_other_currencies": found.other_currency_entries,
    }


def cosell_section(found: Collected) -> dict[str, Any]:
    current = [r for r in found.requests if r[0] == CURRENT]
    by_type: dict[str, int] = defaultdict(int)
    for _, request_type, *_ in current:
        by_type[request_type] += 1
    responded = [r for r in current if r[4] is not None]
    within = [r for r in responded if r[4] is not None and r[4] <= r[3]]
    hours = [(r[4] - r[2]).total_seconds() / 3600 for r in responded if r[4] is not None]
    ratings = [r[6] for r in current if r[6] is not None]
    attainment = []
    for q in range(QUARTERS):
        answered = [r for r in found.requests if r[0] == q and r[4] is not None]
        attainment.append(round(sum(1 for r in answered if r[4] is not None and r[4] <= r[3]) / len(answered), 4) if answered else None)
    opened = [d for d in found.disputes if d[0] == CURRENT]
    resolved = [(d[2] - d[1]).total_seconds() / 86400 for d in opened if d[2] is not None]
    return {
        "requests": len(current),
        "by_type": dict(sorted(by_type.items())),
        "responded": len(responded),
        "within_sla": len(within),
        "sla_attainment": attainment,
        "median_response_hours": round(median(hours), 1) if hours else None,
        "completed": sum(1 for r in current if r[5] is not None),
        "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "codelivery_plans_agreed": [found.plans_agreed.get(q, 0) for q in range(QUARTERS)],
        "violations": [found.violations.get(q, 0) for q in range(QUARTERS)],
        "disputes_opened": len(opened),
        "disputes_resolved": len(resolved),
        "median_resolution_days": round(median(resolved), 1) if resolved else None,
    }


def headline_section(found: Collected, revenue: Mapping[str, Any], capacity: Mapping[str, Any], pipeline: Mapping[str, Any], currency: str) -> dict[str, Any]:
    plan_revenue = found.practice.get("revenue_target")
    total = Decimal(revenue["total"][CURRENT])
    return {
        "tier": found.tier,
        "tier_before": found.tier_before,
        "forecast": found.forecast,
        "contribution": revenue["total"][CURRENT],
        "contribution_plan": plan_revenue,
        "contribution_percent_of_plan": round(float(total / Decimal(plan_revenue)), 4) if plan_revenue and Decimal(plan_revenue) > 0 else None,
        "movements": movements(
            {
                "Total contribution": ([Decimal(v) for v in revenue["total"]], currency),
                "Influence credit": ([Decimal(v) for v in revenue["influence"]], currency),
                "Direct credit": ([Decimal(v) for v in revenue["direct"]], currency),
                "Certified delivery people": ([Decimal(v) for v in capacity["total"]], None),
                "New registrations": ([Decimal(v) for v in pipeline["moves"]["new"]], None),
                "Registrations won": ([Decimal(v) for v in pipeline["moves"]["won"]], None),
            }
        ),
    }


def movements(metrics: Mapping[str, tuple[Sequence[Decimal], str | None]], *, count: int = 3) -> list[dict[str, Any]]:
    """The `count` biggest changes from the previous quarter to this one, by relative size (a
    figure from nothing counts as +100 %), each in words with its numbers."""
    found = []
    for name, (values, currency) in metrics.items():
        before, now = values[CURRENT - 1], values[CURRENT]
        if before == now:
            continue
        change = (now - before) / abs(before) if before else Decimal(1 if now > 0 else -1)
        direction = "up" if now > before else "down"

        def shown(value: Decimal, currency: str | None = currency) -> str:
            return f"{currency} {value:,.0f}" if currency else f"{value:,.0f}"

        found.append(
            (
                abs(change),
                name,
                {
                    "metric": name,
                    "before": str(before),
                    "now": str(now),
                    "change": round(float(change), 4),
                    "text": f"{name} {direction} {abs(change) * 100:.0f} % ({shown(before)} → {shown(now)})",
                },
            )
        )
    found.sort(key=lambda row: (-row[0], row[1]))
    return [row[2] for row in found[:count]]


def assemble(
    partner: Mapping[str, Any], found: Collected, *, quarter_labels: Sequence[str], period: Mapping[str, str], as_of: date, later: Mapping[str, Any]
) -> dict[str, Any]:
    currency = partner["currency"]
    capacity = capacity_section(found)
    pipeline = pipeline_section(found)
    revenue = revenue_section(found)
    return {
        "partner": dict(partner),
        "period": dict(period),
        "as_of": as_of.isoformat(),
        "currency": currency,
        "quarters": list(quarter_labels),
        "headline": headline_section(found, revenue, capacity, pipeline, currency),
        "capacity": capacity,
        "pipeline": pipeline,
        "revenue": revenue,
        "cosell": cosell_section(found),
        "practice": found.practice,
        "later": dict(later),
        "governance": {"sponsors": found.sponsors, "meetings": found.meetings},
    }


def tier_on(day_end: datetime, current_tier_id: int | None, changes: Iterable[tuple[datetime, Mapping[str, Any] | None]]) -> int | None:
    """The tier a partner held at `day_end`: the `before` of the first tier change at or after
    it (changes oldest first), else the tier it holds now."""
    for occurred_at, before in changes:
        if occurred_at >= day_end:
            return (before or {}).get("tier_id")
    return current_tier_id


# Enum iteration is slow next to a dict lookup, and a portfolio asks for every partner's roles.
ROLE_ORDER = {role.value: position for position, role in enumerate(DeliveryRole)}
ROLE_LABELS = {role.value: DELIVERY_ROLE_LABELS.get(role, role.value) for role in DeliveryRole}
LEVELS = [level.value for level in Level]


def _role_order(role: str) -> int:
    return ROLE_ORDER.get(role, len(ROLE_ORDER))


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
