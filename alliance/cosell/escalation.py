"""The scope-dispute escalation ladder. Pure: a level's deadline, the next level, whether due.

A ladder is program data, [{"name": "CAM and PS lead", "days": 5}, ...]: each level has its
business days to decide from the moment the dispute reached it. A dispute not decided by then
climbs one level; at the top it stays, and is reported overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alliance.partners.models import DEFAULT_DISPUTE_LADDER
from alliance.registrations.protection import add_business_days


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    days: int  # business days to decide at this level


def ladder_of(raw: Sequence[dict[str, Any]] | None) -> tuple[Level, ...]:
    """A program's ladder; the default one when the program has none (or an unusable one)."""
    levels = tuple(Level(str(step["name"]), int(step["days"])) for step in raw or () if step.get("name") and int(step.get("days", 0)) > 0)
    return levels or tuple(Level(str(step["name"]), int(step["days"])) for step in DEFAULT_DISPUTE_LADDER)


def deadline(ladder: Sequence[Level], level: int, *, started_at: datetime) -> datetime:
    """When a dispute that reached `level` at `started_at` is due to climb."""
    return add_business_days(started_at, ladder[level].days)


def next_level(ladder: Sequence[Level], level: int) -> int | None:
    """The level above, or None at the top."""
    return level + 1 if level + 1 < len(ladder) else None


def is_due(level_deadline_at: datetime | None, now: datetime) -> bool:
    return level_deadline_at is not None and now >= level_deadline_at


def level_name(ladder: Sequence[Level], level: int) -> str:
    return ladder[level].name if 0 <= level < len(ladder) else f"level {level}"
