"""Business time (pure), the one engine for every SLA: in a calendar's time zone, working days,
hours and holidays (its own dates and, when it names a country, that country's public holidays from
the `holidays` package).

Business hours (co-sell first responses) count the calendar's opening hours; business days (the
registration review SLA, dispute escalation) count whole working days, midnight to midnight local
time, so a 23- or 25-hour day across a daylight-saving change is still one day.

Arithmetic runs in UTC: subtracting two aware datetimes that share a zoneinfo tzinfo compares wall
clocks and would be an hour off across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays as public_holidays

from alliance.kit.types import parse_time_zone

# A calendar whose holidays cover more than this many days in a row is refused rather than looped on.
MAX_SCAN_DAYS = 3_660


class CalendarError(ValueError):
    """A calendar that cannot count business hours (unknown zone, no working days, empty day)."""


@dataclass(frozen=True)
class Calendar:
    time_zone: str = "UTC"
    work_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO weekdays, Monday = 1
    day_starts: time = time(9, 0)
    day_ends: time = time(17, 0)
    holidays: frozenset[date] = frozenset()
    holiday_country: str | None = None  # ISO 3166-1 alpha-2: its public holidays are days off too
    holiday_subdivision: str | None = None  # e.g. BY (Bavaria) with DE, CA with US

    def __post_init__(self) -> None:
        check_time_zone(self.time_zone)
        check_holiday_region(self.holiday_country, self.holiday_subdivision)
        if not self.work_days or not set(self.work_days) <= set(range(1, 8)):
            raise CalendarError("work_days must name at least one ISO weekday (1 = Monday … 7 = Sunday).")
        if self.day_starts >= self.day_ends:
            raise CalendarError("The working day must start before it ends.")

    @classmethod
    def of(cls, row: Any) -> Calendar:
        """From a stored BusinessCalendar (or anything with its attributes)."""
        return cls(
            time_zone=row.time_zone,
            work_days=frozenset(int(d) for d in row.work_days),
            day_starts=row.day_starts,
            day_ends=row.day_ends,
            holidays=frozenset(_as_date(h) for h in row.holidays or ()),
            holiday_country=getattr(row, "holiday_country", None),
            holiday_subdivision=getattr(row, "holiday_subdivision", None),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: date) -> bool:
        if day.isoweekday() not in self.work_days or day in self.holidays:
            return False
        return self.holiday_country is None or day not in _public_holidays(self.holiday_country, self.holiday_subdivision)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """Local midnight to the next local midnight, in UTC (23 or 25 hours across a DST change)."""
        zone = self.zone
        return (
            datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC),
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC),
        )

    def hours_of(self, day: date) -> tuple[datetime, datetime]:
        """Opening and closing of a local day, in UTC."""
        zone = self.zone
        return (
            datetime.combine(day, self.day_starts, tzinfo=zone).astimezone(UTC),
            datetime.combine(day, self.day_ends, tzinfo=zone).astimezone(UTC),
        )


def check_time_zone(name: str) -> None:
    try:
        parse_time_zone(name)
    except ValueError as error:
        raise CalendarError(f"{error}.") from None


def check_holiday_region(country: str | None, subdivision: str | None) -> None:
    if country is None:
        if subdivision is not None:
            raise CalendarError("A holiday subdivision needs its country.")
        return
    try:
        _public_holidays(country, subdivision)
    except NotImplementedError:  # how the holidays library says it has no calendar for a region
        where = f"{country}-{subdivision}" if subdivision else country
        raise CalendarError(f"No public-holiday calendar is known for {where!r} (a country such as DE, or DE with subdivision BY).") from None


@cache
def _public_holidays(country: str, subdivision: str | None) -> public_holidays.HolidayBase:
    # One object per region: it computes each year's holidays the first time a day of it is asked.
    return public_holidays.country_holidays(country, subdiv=subdivision)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Business-hours arithmetic needs an aware datetime.")
    return moment.astimezone(UTC)


def _to_timedelta(hours: Decimal | float) -> timedelta:
    # Through Decimal so 7.5 or Decimal("0.25") hours are exact to the microsecond.
    microseconds = Decimal(str(hours)) * 3_600_000_000
    if microseconds < 0:
        raise ValueError("Business hours cannot be negative.")
    return timedelta(microseconds=int(microseconds))


def _working_days_from(calendar: Calendar, first: date) -> Iterator[date]:
    day = first
    for _ in range(MAX_SCAN_DAYS):
        if calendar.is_working_day(day):
            yield day
        day += timedelta(days=1)
    raise CalendarError(f"No working day within {MAX_SCAN_DAYS} days of {first.isoformat()}.")


def add_business_hours(start: datetime, hours: Decimal | float, calendar: Calendar) -> datetime:
    """The moment (UTC) `hours` business hours after `start`. A start outside working hours
    counts from the next opening; zero hours is that opening."""
    cursor = _aware(start)
    remaining = _to_timedelta(hours)
    local_day = cursor.astimezone(calendar.zone).date()
    for day in _working_days_from(calendar, local_day):
        opens, closes = calendar.hours_of(day)
        if cursor >= closes:
            continue
        cursor = max(cursor, opens)
        available = closes - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
    raise AssertionError("unreachable: _working_days_from raises when it runs out")


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Business time from `start` to `end` (zero when `end` is not after `start`)."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return timedelta(0)
    zone = calendar.zone
    total = timedelta(0)
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        if calendar.is_working_day(day):
            opens, closes = calendar.hours_of(day)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def business_hours_between(start: datetime, end: datetime, calendar: Calendar) -> float:
    """Business hours from `start` to `end`, for first-response times and SLA age."""
    return business_time_between(start, end, calendar).total_seconds() / 3600


# What a review SLA counts in when its program names no calendar: Monday to Friday, UTC, no holidays.
WEEKDAYS_UTC = Calendar()


def add_business_days(start: datetime, business_days: int, calendar: Calendar = WEEKDAYS_UTC) -> datetime:
    """The moment (UTC) `business_days` working days after `start`, at the same local time of day;
    a start on a day off counts from the next working day at that time."""
    local = _aware(start).astimezone(calendar.zone)
    days = _working_days_from(calendar, local.date())
    day = next(days)
    for _ in range(business_days):
        day = next(days)
    return datetime.combine(day, local.time(), tzinfo=calendar.zone).astimezone(UTC)


def business_days_between(start: datetime, end: datetime, calendar: Calendar = WEEKDAYS_UTC) -> float:
    """Elapsed business time in days: each working day's share of [start, end), days off count nothing."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return 0.0
    zone = calendar.zone
    total = 0.0
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        if calendar.is_working_day(day):
            opens, closes = calendar.day_bounds(day)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta(0):
                total += overlap / (closes - opens)
        day += timedelta(days=1)
    return total
