"""The scope-dispute escalation ladder. Pure: a level's deadline, the next level, whether due.

A ladder is program data, [{"name": "CAM and PS lead", "days": 5, "deciders": ["cam", ...]}, ...]:
each level has its business days to decide from the moment the dispute reached it, and the vendor
roles that may decide there. A dispute not decided by then climbs one level; at the top it stays,
and is reported overdue. A level saved before deciders were program data gets the historical
rights: the first level's CAM, PS lead or program admin, a program admin above.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from alliance.kit.business_time import add_business_days
from alliance.partners.models import DEFAULT_DISPUTE_LADDER, DISPUTE_DECIDER_ROLES

# A ladder saved without deciders takes the default ladder's: its first level, or the one above.
FIRST_LEVEL_DECIDERS = frozenset(DEFAULT_DISPUTE_LADDER[0]["deciders"])
UPPER_LEVEL_DECIDERS = frozenset(DEFAULT_DISPUTE_LADDER[1]["deciders"])
# In the order a sentence names them.
DECIDER_LABELS = {"cam": "CAM", "ps_lead": "PS lead", "executive": "executive", "program_admin": "program admin"}


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    days: int  # business days to decide at this level
    deciders: frozenset[str]  # role values that may decide at this level


def ladder_of(raw: Sequence[dict[str, Any]] | None) -> tuple[Level, ...]:
    """A program's ladder; the default one when the program has none (or an unusable one)."""
    steps = [step for step in raw or () if step.get("name") and int(step.get("days", 0)) > 0] or list(DEFAULT_DISPUTE_LADDER)
    return tuple(Level(str(step["name"]), int(step["days"]), _deciders(step, index)) for index, step in enumerate(steps))


def _deciders(step: dict[str, Any], index: int) -> frozenset[str]:
    named = frozenset(str(role) for role in step.get("deciders") or ()) & DISPUTE_DECIDER_ROLES
    return named or (FIRST_LEVEL_DECIDERS if index == 0 else UPPER_LEVEL_DECIDERS)


def deciders_at(ladder: Sequence[Level], level: int) -> frozenset[str]:
    """Who decides a dispute at `level`; past the top (the ladder was shortened), the top's."""
    return ladder[min(level, len(ladder) - 1)].deciders


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


def deciders_in_words(roles: frozenset[str]) -> str:
    """'a CAM, PS lead or program admin', 'an executive or program admin'."""
    labels = [label for role, label in DECIDER_LABELS.items() if role in roles]
    article = "an" if labels[0][0] in "aeiou" else "a"
    return f"{article} " + (", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0])
