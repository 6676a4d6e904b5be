"""Plan-vs-actual arithmetic and the at-risk rules, without a session. Each finding says why in
words and numbers.

- A milestone due within `window_days` (or overdue) and not started is at risk; overdue and not
  completed too.
- A target is at risk when its trajectory misses the plan: linear from the plan's start (the
  pace so far, carried to the due date) or the last 90 days' pace, carried to the due date.
- A vendor co-investment not delivered (completed) by its due date is at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from alliance.planning.vocabulary import ItemStatus

PACE_DAYS = 90
MILESTONE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Finding:
    """Why an item is at risk: one sentence with its figures."""

    rule: str  # milestone_not_started, milestone_overdue, target_trajectory, investment_not_delivered
    text: str


@dataclass(frozen=True)
class TargetProgress:
    """A target's actual against its plan on a day, and where each pace leads by the due date."""

    target: Decimal
    actual: Decimal
    expected: Decimal  # linear from the plan's start to the due date
    projected_from_start: Decimal | None  # None before the plan started
    projected_from_pace: Decimal | None  # None without a figure from 90 days before

    @property
    def percent(self) -> int:
        """Share of the target reached, 0-100 (for progress bars)."""
        if self.target <= 0:
            return 100
        return int(min(Decimal(100), self.actual * 100 / self.target).to_integral_value(ROUND_HALF_UP))


def target_progress(*, target: Decimal, actual: Decimal, actual_before: Decimal | None, starts_on: date, due_on: date, today: date) -> TargetProgress:
    """`actual_before`: the same figure PACE_DAYS before `today` (None when that is before the plan's start)."""
    total = max((due_on - starts_on).days, 1)
    elapsed = min(max((today - starts_on).days, 0), total)
    remaining = max((due_on - today).days, 0)
    expected = _round(target * elapsed / total)
    from_start = _round(actual * total / elapsed) if elapsed > 0 else None
    from_pace = _round(actual + (actual - actual_before) * remaining / PACE_DAYS) if actual_before is not None else None
    return TargetProgress(target=target, actual=actual, expected=expected, projected_from_start=from_start, projected_from_pace=from_pace)


def target_risk(title: str, progress: TargetProgress, *, unit: str, today: date, due_on: date) -> Finding | None:
    """At risk when not yet met and a trajectory ends below the target by the due date."""
    if progress.actual >= progress.target:
        return None
    if today > due_on:
        return Finding("target_trajectory", f"{title}: due {due_on.isoformat()}, reached {_n(progress.actual)} of {_n(progress.target)} {unit}.")
    misses = []
    if progress.projected_from_start is not None and progress.projected_from_start < progress.target:
        misses.append(f"at the pace since the plan started it reaches {_n(progress.projected_from_start)}")
    if progress.projected_from_pace is not None and progress.projected_from_pace < progress.target:
        misses.append(f"at the last {PACE_DAYS} days' pace {_n(progress.projected_from_pace)}")
    if not misses:
        return None
    return Finding(
        "target_trajectory",
        f"{title}: {_n(progress.actual)} of {_n(progress.target)} {unit} so far (plan: {_n(progress.expected)} by today); "
        f"{' and '.join(misses)} by {due_on.isoformat()}.",
    )


def milestone_risk(title: str, *, status: ItemStatus, due_on: date, today: date, window_days: int = MILESTONE_WINDOW_DAYS) -> Finding | None:
    if status in (ItemStatus.COMPLETED, ItemStatus.CONFIRMED):
        return None
    days = (due_on - today).days
    if days < 0:
        return Finding("milestone_overdue", f"{title}: due {due_on.isoformat()}, {-days} days ago, and not completed.")
    if status == ItemStatus.NOT_STARTED and days <= window_days:
        return Finding("milestone_not_started", f"{title}: due in {days} days ({due_on.isoformat()}) and not started.")
    return None


def investment_risk(title: str, *, status: ItemStatus, due_on: date, today: date) -> Finding | None:
    if status in (ItemStatus.COMPLETED, ItemStatus.CONFIRMED) or today <= due_on:
        return None
    return Finding(
        "investment_not_delivered", f"{title}: the vendor committed it by {due_on.isoformat()}; {(today - due_on).days} days later it is not delivered."
    )


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _n(value: Decimal) -> str:
    """12, 12.5 or 500,000: whole numbers without decimals, thousands separated."""
    normal = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{normal:,.0f}" if normal == normal.to_integral_value() else f"{normal:,.2f}"
