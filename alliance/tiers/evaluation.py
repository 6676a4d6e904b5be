"""Which tier a partner qualifies for, and every gap to the next one in words and numbers (pure).

A tier's criteria are data (metric, comparison, threshold) combined with `all` or `any`. The
qualifying tier is the highest tier whose criteria are met; a tier without criteria (the entry
tier) always qualifies.

A criterion on a metric without data (no source yet, or no confirmed figure) never decides against
the partner: it is *held* — counted as met for the tier the partner holds and the tiers below, set
aside when judging a tier above (which must then be earned on the criteria that have data). Its
words say so, so nobody is demoted, or promoted, silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from alliance.kit.money import DEFAULT_CURRENCY, format_money
from alliance.partners.metrics import METRICS, Metric
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, DeliveryRole

NO_DATA_NOTE = "(no data yet: held)"
ZERO = Decimal(0)


@dataclass(frozen=True)
class CriterionSpec:
    metric: str
    comparison: str  # >= > == <= <
    threshold: Decimal


@dataclass(frozen=True)
class TierSpec:
    id: int
    key: str
    name: str
    rank: int  # 1 is the entry tier; higher is better
    mode: str  # all | any
    criteria: tuple[CriterionSpec, ...] = ()
    currency: str = DEFAULT_CURRENCY  # the program's: currency thresholds and values are in it


@dataclass(frozen=True)
class Gap:
    """One criterion of a tier against the partner's value."""

    metric: str
    label: str
    unit: str
    comparison: str
    threshold: Decimal
    value: Decimal
    met: bool
    shortfall: Decimal  # how far from meeting it (0 when met)
    no_data: bool  # held: the metric has no data, so this criterion does not decide
    words: str
    currency: str = DEFAULT_CURRENCY


@dataclass(frozen=True)
class Evaluation:
    qualifying_tier: TierSpec | None
    next_tier: TierSpec | None
    gaps: tuple[Gap, ...]  # every criterion of the tier in question, met or not
    next_tier_mode: str | None
    # The tier in question (`next_tier`) is the partner's current tier, which it no longer meets,
    # rather than the tier above the qualifying one.
    keeping: bool = False

    @property
    def unmet(self) -> tuple[Gap, ...]:
        """Criteria still open; held ones (no data) are not counted against the partner."""
        return tuple(g for g in self.gaps if not g.met and not g.no_data)

    @property
    def held(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.gaps if g.no_data)

    @property
    def summary(self) -> list[str]:
        """What it takes to reach the next tier, one line per gap (any-mode: one line)."""
        return summary_lines(self.gaps, self.next_tier_mode or "all")


def is_met(value: Decimal, comparison: str, threshold: Decimal) -> bool:
    if comparison == ">=":
        return value >= threshold
    if comparison == ">":
        return value > threshold
    if comparison == "==":
        return value == threshold
    if comparison == "<=":
        return value <= threshold
    if comparison == "<":
        return value < threshold
    raise ValueError(f"unknown comparison {comparison!r}")


def tier_met(tier: TierSpec, values: Mapping[str, Decimal | int], *, no_data: Iterable[str] = (), held_rank: int = 0) -> bool:
    """Whether the tier's criteria are met. A criterion on a metric in `no_data` counts as met when
    the tier is at or below `held_rank` (the partner's current tier) and is set aside above it; a
    tier whose every criterion is set aside is not met (nobody climbs on missing data alone)."""
    if not tier.criteria:
        return True
    missing = frozenset(no_data)
    results = []
    for c in tier.criteria:
        if c.metric in missing:
            if tier.rank <= held_rank:
                results.append(True)
            continue
        results.append(is_met(Decimal(values.get(c.metric, 0)), c.comparison, c.threshold))
    if not results:
        return False
    return any(results) if tier.mode == "any" else all(results)


def qualifying_tier(tiers: Sequence[TierSpec], values: Mapping[str, Decimal | int], *, no_data: Iterable[str] = (), held_rank: int = 0) -> TierSpec | None:
    missing = frozenset(no_data)
    met = [t for t in tiers if tier_met(t, values, no_data=missing, held_rank=held_rank)]
    return max(met, key=lambda t: t.rank) if met else None


# Per metric, amounts in currencies other than the program's: never added to the metric, only named.
Uncounted = Mapping[str, Mapping[str, Decimal]]


def evaluate(
    tiers: Sequence[TierSpec],
    values: Mapping[str, Decimal | int],
    *,
    no_data: Iterable[str] = (),
    current: TierSpec | None = None,
    uncounted: Uncounted | None = None,
) -> Evaluation:
    """The qualifying tier and the tier in question with its criteria explained: the current tier
    when the partner no longer meets it (what it takes to keep it), else the tier above."""
    missing = frozenset(no_data)
    ladder = sorted(tiers, key=lambda t: t.rank)
    held_rank = current.rank if current else 0
    qualifying = qualifying_tier(ladder, values, no_data=missing, held_rank=held_rank)
    if current is not None and (qualifying is None or qualifying.rank < current.rank):
        gaps = explain_tier(current, values, no_data=missing, uncounted=uncounted)
        return Evaluation(qualifying_tier=qualifying, next_tier=current, gaps=gaps, next_tier_mode=current.mode, keeping=True)
    above = [t for t in ladder if qualifying is None or t.rank > qualifying.rank]
    next_tier = above[0] if above else None
    gaps = explain_tier(next_tier, values, no_data=missing, uncounted=uncounted) if next_tier else ()
    return Evaluation(qualifying_tier=qualifying, next_tier=next_tier, gaps=gaps, next_tier_mode=next_tier.mode if next_tier else None)


def explain_tier(tier: TierSpec, values: Mapping[str, Decimal | int], *, no_data: Iterable[str] = (), uncounted: Uncounted | None = None) -> tuple[Gap, ...]:
    missing, other = frozenset(no_data), uncounted or {}
    return tuple(
        explain(c, Decimal(values.get(c.metric, 0)), no_data=c.metric in missing, currency=tier.currency, uncounted=other.get(c.metric)) for c in tier.criteria
    )


def explain(
    criterion: CriterionSpec,
    value: Decimal,
    *,
    no_data: bool = False,
    currency: str = DEFAULT_CURRENCY,
    uncounted: Mapping[str, Decimal] | None = None,
) -> Gap:
    metric = METRICS.get(criterion.metric) or Metric(criterion.metric, criterion.metric, "count")
    met = is_met(value, criterion.comparison, criterion.threshold)
    shortfall = ZERO if met else _shortfall(metric, criterion, value)
    if no_data:
        shown = format_amount(criterion.threshold, metric.unit, currency)
        words = f"{_lower_first(metric.label)}: {_bound(criterion.comparison)} {shown} needed {NO_DATA_NOTE}"
    else:
        words = _words(metric, criterion, value, met, shortfall, currency)
    others = {code: amount for code, amount in (uncounted or {}).items() if amount}
    if others:
        named = ", ".join(format_amount(amount, "currency", code) for code, amount in sorted(others.items()))
        words = f"{words}; not counted, in other currencies: {named}"
    return Gap(
        metric=criterion.metric,
        label=metric.label,
        unit=metric.unit,
        comparison=criterion.comparison,
        threshold=criterion.threshold,
        value=value,
        met=met,
        shortfall=shortfall,
        no_data=no_data,
        words=words,
        currency=currency,
    )


def summary_lines(gaps: Sequence[Gap], mode: str) -> list[str]:
    """The open criteria, then the held ones (no data), each saying so."""
    unmet = [g for g in gaps if not g.met and not g.no_data]
    held = [g.words for g in gaps if g.no_data]
    if not unmet:
        return held
    if mode == "any":
        return ["meet any one of: " + "; ".join(g.words for g in unmet), *held]
    return [g.words for g in unmet] + held


def _shortfall(metric: Metric, criterion: CriterionSpec, value: Decimal) -> Decimal:
    threshold, comparison = criterion.threshold, criterion.comparison
    if comparison in ("<=", "<") or (comparison == "==" and value > threshold):
        if comparison == "<" and metric.unit != "currency":
            return value - threshold.to_integral_value(ROUND_CEILING) + 1
        return value - threshold
    needed = threshold - value
    if comparison == ">" and metric.unit != "currency":
        # Counts are whole: "more than 4" needs 5.
        return threshold.to_integral_value(ROUND_FLOOR) + 1 - value
    return needed


def _words(metric: Metric, criterion: CriterionSpec, value: Decimal, met: bool, shortfall: Decimal, currency: str) -> str:
    label = _lower_first(metric.label)
    threshold, comparison = criterion.threshold, criterion.comparison
    shown_value, shown_threshold = format_amount(value, metric.unit, currency), format_amount(threshold, metric.unit, currency)
    if metric.unit == "currency":
        if comparison in (">=", ">"):
            more = "more than " if comparison == ">" else ""
            text = f"{label}: {shown_value} of {more}{shown_threshold}"
            return text if met else f"{text} (needs {format_amount(shortfall, metric.unit, currency)} more)"
        return f"{label}: {shown_value}, must be {_bound(comparison)} {shown_threshold}"
    if comparison in (">=", ">"):
        more = "more than " if comparison == ">" else ""
        if met:
            return f"{label}: has {shown_value} of {more}{shown_threshold}"
        return f"needs {format_amount(shortfall, metric.unit)} more {_counted(metric, shortfall)}: has {shown_value} of {more}{shown_threshold}"
    return f"{label}: has {shown_value}, must be {_bound(comparison)} {shown_threshold}"


def _bound(comparison: str) -> str:
    return {"==": "exactly", "<=": "at most", "<": "below", ">=": "at least", ">": "more than"}[comparison]


def _counted(metric: Metric, how_many: Decimal) -> str:
    """The label as a counted noun: '1 more certified solution architect', '2 more … architects'."""
    label = _lower_first(metric.label)
    if how_many != 1:
        return label
    if metric.name.startswith("certified."):
        role = DeliveryRole(metric.name.split(".")[1])
        noun = DELIVERY_ROLE_LABELS[role].lower()
        return label.replace(f"{noun}s", noun, 1)
    return label.replace("people", "person", 1)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def format_amount(amount: Decimal | int, unit: str, currency: str = DEFAULT_CURRENCY) -> str:
    """Counts as whole numbers; amounts compact in their currency: $1.2M, €850K, ¥500."""
    amount = Decimal(amount)
    if unit != "currency":
        return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return format_money(amount, currency, compact=True)
