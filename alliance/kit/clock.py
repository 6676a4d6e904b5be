"""One source of 'now', so tests can freeze time."""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["UTC", "freeze", "now", "today"]

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    return now().date()


def freeze(moment: datetime | None) -> None:
    """Pin the clock (tests); None releases it."""
    global _frozen
    _frozen = moment
