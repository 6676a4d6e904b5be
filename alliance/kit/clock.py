"""One source of 'now', so tests can freeze time; and the zone of dates and times given without one."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from alliance.config import get_settings

__all__ = ["UTC", "freeze", "now", "today", "use_zone", "zone"]

_frozen: datetime | None = None
_zone: ZoneInfo | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    return now().date()


def freeze(moment: datetime | None) -> None:
    """Pin the clock (tests); None releases it."""
    global _frozen
    _frozen = moment


def zone() -> ZoneInfo:
    """Where a date, or a date and time without an offset, is read: the time_zone setting."""
    return _zone or ZoneInfo(get_settings().time_zone)


def use_zone(name: str | None) -> None:
    """Read offset-less input in another zone (tests); None returns to the setting."""
    global _zone
    _zone = ZoneInfo(name) if name else None
