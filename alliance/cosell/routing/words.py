"""Routing configuration in words (pure): a rule's conditions, a calendar's week and hours, SLA
hours, as the console shows them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

from alliance.cosell.vocabulary import RequestType

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ANY_REQUEST = "Any request"
SEPARATOR = " · "
# Three or more days in a row read as a range (Mon–Fri); two stay a list (Sat, Sun).
SHORTEST_RANGE = 3


def conditions(rule: Any, *, type_labels: Mapping[RequestType, str] | None = None, product_lines: Mapping[str, str] | None = None) -> str:
    """'Solution architect · EMEA · Healthcare · tier gold', or 'Any request' when the rule sets no condition."""
    type_labels = type_labels or {}
    product_lines = product_lines or {}
    parts = [
        type_labels.get(rule.request_type, str(rule.request_type).replace("_", " ").capitalize()) if rule.request_type else None,
        rule.region,
        rule.territory,
        rule.vertical[:1].upper() + rule.vertical[1:] if rule.vertical else None,
        product_lines.get(rule.product_line, rule.product_line) if rule.product_line else None,
        f"tier {rule.tier_key}" if rule.tier_key else None,
    ]
    return SEPARATOR.join(part for part in parts if part) or ANY_REQUEST


def hours(value: Decimal | float | int | str) -> str:
    """8, 7.5 or 0.25: business hours without trailing zeros."""
    return format(Decimal(str(value)).normalize(), "f")


def priority_overrides(priority_hours: Mapping[str, Any] | None) -> str:
    """'P1 4 h · P2 6 h' (tier co-sell priority → first-response hours), or '' when there are none."""
    found = sorted((int(key), value) for key, value in (priority_hours or {}).items())
    return SEPARATOR.join(f"P{key} {hours(value)} h" for key, value in found)


def week(work_days: Iterable[int]) -> str:
    """ISO weekdays as 'Mon–Fri', 'Mon–Wed, Fri' or 'Sat, Sun'."""
    runs: list[list[int]] = []
    for day in sorted({int(d) for d in work_days if 1 <= int(d) <= 7}):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [f"{DAY_NAMES[run[0] - 1]}–{DAY_NAMES[run[-1] - 1]}" if len(run) >= SHORTEST_RANGE else ", ".join(DAY_NAMES[d - 1] for d in run) for run in runs]
    return ", ".join(parts) or "No working days"


def day_hours(starts: time, ends: time) -> str:
    return f"{starts:%H:%M}–{ends:%H:%M}"


def upcoming(holidays: Iterable[date | str], *, today: date) -> int:
    """How many of the holidays fall on `today` or later."""
    return sum(1 for h in holidays if (h if isinstance(h, date) else date.fromisoformat(h)) >= today)
