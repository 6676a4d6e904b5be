"""When a person's daily digest is due: at `hour` o'clock in their time zone, it gathers what was
held for them before that moment. Pure: the caller passes the time, the zone and the hour."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def last_digest_moment(now: datetime, zone: ZoneInfo, hour: int) -> tuple[date, datetime]:
    """The most recent local `hour`:00 at or before `now` (its local day, and the moment in UTC).

    On a day a clock change skips `hour` (it does not exist locally), the moment is the end of the
    gap; on a day it repeats, the earlier of the two (both are zoneinfo's fold=0 reading)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local_now = now.astimezone(zone)
    day = local_now.date()
    moment = _moment(day, zone, hour)
    if moment > now:
        day = day - timedelta(days=1)
        moment = _moment(day, zone, hour)
    return day, moment


def _moment(day: date, zone: ZoneInfo, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
