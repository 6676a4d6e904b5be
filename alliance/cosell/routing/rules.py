"""Routing a co-sell resource request to a team queue (pure): the first active rule, by position,
whose conditions all hold wins; no match goes to the default team. The rule's first-response SLA
may be faster for a higher tier priority."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

# Requests no rule matched (the default team queue): two working days of 8 hours.
DEFAULT_FIRST_RESPONSE_HOURS = Decimal(16)
# A partner without a tier routes as the lowest co-sell priority.
NO_TIER_PRIORITY = 5


def _norm(value: str | None) -> str | None:
    return value.strip().casefold() if value else None


def _norm_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().casefold() for v in values if v)


@dataclass(frozen=True)
class Rule:
    id: int
    position: int
    team_id: int
    first_response_hours: Decimal
    request_type: str | None = None
    region: str | None = None
    territory: str | None = None
    vertical: str | None = None
    product_line: str | None = None
    tier_key: str | None = None
    priority_hours: Mapping[int, Decimal] = field(default_factory=dict)
    is_active: bool = True

    @classmethod
    def of(cls, row: Any) -> Rule:
        """From a stored RoutingRule (or anything with its attributes)."""
        return cls(
            id=row.id,
            position=row.position,
            team_id=row.team_id,
            first_response_hours=Decimal(row.first_response_hours),
            request_type=row.request_type or None,
            region=_norm(row.region),
            territory=_norm(row.territory),
            vertical=_norm(row.vertical),
            product_line=_norm(row.product_line),
            tier_key=_norm(row.tier_key),
            priority_hours={int(k): Decimal(str(v)) for k, v in (row.priority_hours or {}).items()},
            is_active=row.is_active,
        )


@dataclass(frozen=True)
class Facts:
    """What routing knows about a request: its type and the partner and registration behind it."""

    request_type: str
    regions: frozenset[str] = frozenset()
    territories: frozenset[str] = frozenset()
    verticals: frozenset[str] = frozenset()
    product_lines: frozenset[str] = frozenset()
    tier_key: str | None = None
    tier_priority: int = NO_TIER_PRIORITY

    @classmethod
    def build(
        cls,
        *,
        request_type: str,
        regions: Iterable[str] = (),
        territories: Iterable[str] = (),
        verticals: Iterable[str] = (),
        product_lines: Iterable[str] = (),
        tier_key: str | None = None,
        tier_priority: int | None = None,
    ) -> Facts:
        return cls(
            request_type=str(request_type),
            regions=_norm_set(regions),
            territories=_norm_set(territories),
            verticals=_norm_set(verticals),
            product_lines=_norm_set(product_lines),
            tier_key=_norm(tier_key),
            tier_priority=tier_priority if tier_priority is not None else NO_TIER_PRIORITY,
        )


@dataclass(frozen=True)
class Route:
    team_id: int
    rule_id: int | None  # None: the default queue
    first_response_hours: Decimal
    priority: int


def matches(rule: Rule, facts: Facts) -> bool:
    """Every condition the rule sets holds; an unset condition matches anything."""
    return (
        rule.is_active
        and (rule.request_type is None or rule.request_type == facts.request_type)
        and (rule.region is None or rule.region in facts.regions)
        and (rule.territory is None or rule.territory in facts.territories)
        and (rule.vertical is None or rule.vertical in facts.verticals)
        and (rule.product_line is None or rule.product_line in facts.product_lines)
        and (rule.tier_key is None or rule.tier_key == facts.tier_key)
    )


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Precedence: position, then id (two rules saved at one position keep their creation order)."""
    return sorted(rules, key=lambda r: (r.position, r.id))


def first_match(rules: Sequence[Rule], facts: Facts) -> Rule | None:
    """The first matching rule of `rules`, which must already be `ordered`."""
    for rule in rules:
        if matches(rule, facts):
            return rule
    return None


def sla_hours(rule: Rule | None, facts: Facts) -> Decimal:
    """The rule's hours for the partner's tier priority when it sets them, else its first-response hours."""
    if rule is None:
        return DEFAULT_FIRST_RESPONSE_HOURS
    return rule.priority_hours.get(facts.tier_priority, rule.first_response_hours)


def route(rules: Sequence[Rule], facts: Facts, *, default_team_id: int) -> Route:
    rule = first_match(rules, facts)
    return Route(
        team_id=rule.team_id if rule else default_team_id,
        rule_id=rule.id if rule else None,
        first_response_hours=sla_hours(rule, facts),
        priority=facts.tier_priority,
    )


def is_breached(*, due_at: datetime, first_responded_at: datetime | None, now: datetime) -> bool:
    """Late if the first response came after the due time, or none came and the due time passed."""
    return (first_responded_at or now) > due_at
