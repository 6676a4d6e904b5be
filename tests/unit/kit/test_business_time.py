"""Business-hours arithmetic: weekends, holidays, partial days, time zones and DST weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from alliance.kit.business_time import (
    Calendar,
    CalendarError,
    add_business_days,
    add_business_hours,
    business_days_between,
    business_hours_between,
)

UTC_CAL = Calendar()
BERLIN = Calendar(time_zone="Europe/Berlin")
NEW_YORK = Calendar(time_zone="America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


class TestAddBusinessHours:
    def test_within_one_day(self):
        assert add_business_hours(utc(2026, 3, 4, 10), 3, UTC_CAL) == utc(2026, 3, 4, 13)

    def test_runs_into_the_next_day(self):
        # Wednesday 15:00 + 4h: 2h today, 2h from Thursday 09:00.
        assert add_business_hours(utc(2026, 3, 4, 15), 4, UTC_CAL) == utc(2026, 3, 5, 11)

    def test_exactly_at_closing(self):
        assert add_business_hours(utc(2026, 3, 4, 9), 8, UTC_CAL) == utc(2026, 3, 4, 17)

    def test_friday_afternoon_skips_the_weekend(self):
        assert add_business_hours(utc(2026, 3, 6, 16), 2, UTC_CAL) == utc(2026, 3, 9, 10)

    def test_weekend_start_begins_monday_morning(self):
        assert add_business_hours(utc(2026, 3, 7, 11), 1, UTC_CAL) == utc(2026, 3, 9, 10)

    def test_before_opening_and_after_closing(self):
        assert add_business_hours(utc(2026, 3, 4, 6), 1, UTC_CAL) == utc(2026, 3, 4, 10)
        assert add_business_hours(utc(2026, 3, 4, 18), 1, UTC_CAL) == utc(2026, 3, 5, 10)

    def test_zero_hours_is_the_next_opening(self):
        assert add_business_hours(utc(2026, 3, 7, 11), 0, UTC_CAL) == utc(2026, 3, 9, 9)
        assert add_business_hours(utc(2026, 3, 4, 11), 0, UTC_CAL) == utc(2026, 3, 4, 11)

    def test_partial_hours_exact(self):
        assert add_business_hours(utc(2026, 3, 4, 9), Decimal("1.25"), UTC_CAL) == utc(2026, 3, 4, 10, 15)
        assert add_business_hours(utc(2026, 3, 4, 9), 0.5, UTC_CAL) == utc(2026, 3, 4, 9, 30)

    def test_holidays_are_skipped(self):
        calendar = Calendar(holidays=frozenset({date(2026, 12, 24), date(2026, 12, 25)}))
        # Wednesday 23 Dec 16:00 + 2h: 1h on the 23rd, then Monday 28th (24th/25th holidays, weekend).
        assert add_business_hours(utc(2026, 12, 23, 16), 2, calendar) == utc(2026, 12, 28, 10)

    def test_from_stored_row_with_iso_holidays(self):
        class Row:
            time_zone, work_days, day_starts, day_ends, holidays = "UTC", [1, 2, 3, 4, 5], time(9), time(17), ["2026-03-09"]

        assert add_business_hours(utc(2026, 3, 6, 16), 2, Calendar.of(Row())) == utc(2026, 3, 10, 10)

    def test_multi_week_span(self):
        # 40 business hours = one full working week.
        assert add_business_hours(utc(2026, 3, 2, 9), 40, UTC_CAL) == utc(2026, 3, 6, 17)
        assert add_business_hours(utc(2026, 3, 2, 9), 41, UTC_CAL) == utc(2026, 3, 9, 10)

    def test_berlin_in_local_hours(self):
        # 08:00 UTC on a winter Wednesday is 09:00 in Berlin.
        assert add_business_hours(utc(2026, 1, 14, 8), 1, BERLIN) == utc(2026, 1, 14, 9)

    def test_same_moment_different_zones(self):
        start = utc(2026, 1, 14, 15)  # 16:00 Berlin, 10:00 New York
        assert add_business_hours(start, 4, BERLIN) == local("Europe/Berlin", 2026, 1, 15, 12)
        assert add_business_hours(start, 4, NEW_YORK) == local("America/New_York", 2026, 1, 14, 14)

    def test_berlin_spring_forward_week(self):
        # Friday 27 March 2026 16:00 CET + 8h: 1h Friday, 7h Monday 30 March in CEST (UTC+2).
        due = add_business_hours(local("Europe/Berlin", 2026, 3, 27, 16), 8, BERLIN)
        assert due == utc(2026, 3, 30, 14)
        assert due == local("Europe/Berlin", 2026, 3, 30, 16)

    def test_new_york_fall_back_week(self):
        # Friday 30 October 2026 16:00 EDT + 2h: Monday 2 November 10:00 EST (UTC-5).
        due = add_business_hours(local("America/New_York", 2026, 10, 30, 16), 2, NEW_YORK)
        assert due == utc(2026, 11, 2, 15)

    def test_weekday_local_not_utc(self):
        # Saturday 02:00 Singapore is still Friday 18:00 UTC: a Singapore calendar waits for Monday.
        singapore = Calendar(time_zone="Asia/Singapore")
        due = add_business_hours(utc(2026, 3, 6, 18), 1, singapore)
        assert due == local("Asia/Singapore", 2026, 3, 9, 10)

    def test_custom_week(self):
        gulf = Calendar(time_zone="Asia/Dubai", work_days=frozenset({1, 2, 3, 4, 5}), day_starts=time(8), day_ends=time(12))
        assert add_business_hours(local("Asia/Dubai", 2026, 3, 6, 11), 2, gulf) == local("Asia/Dubai", 2026, 3, 9, 9)

    def test_naive_start_refused(self):
        with pytest.raises(ValueError):
            add_business_hours(datetime(2026, 3, 4, 10), 1, UTC_CAL)

    def test_negative_refused(self):
        with pytest.raises(ValueError):
            add_business_hours(utc(2026, 3, 4, 10), -1, UTC_CAL)


class TestCalendarValidation:
    def test_unknown_zone(self):
        with pytest.raises(CalendarError, match="time zone"):
            Calendar(time_zone="Mars/Olympus")

    def test_no_working_days(self):
        with pytest.raises(CalendarError):
            Calendar(work_days=frozenset())

    def test_day_must_have_hours(self):
        with pytest.raises(CalendarError):
            Calendar(day_starts=time(17), day_ends=time(9))


class TestBusinessHoursBetween:
    def test_same_day(self):
        assert business_hours_between(utc(2026, 3, 4, 10), utc(2026, 3, 4, 12, 30), UTC_CAL) == 2.5

    def test_across_a_weekend(self):
        assert business_hours_between(utc(2026, 3, 6, 16), utc(2026, 3, 9, 10), UTC_CAL) == 2

    def test_outside_hours_counts_nothing(self):
        assert business_hours_between(utc(2026, 3, 7, 10), utc(2026, 3, 8, 20), UTC_CAL) == 0
        assert business_hours_between(utc(2026, 3, 4, 18), utc(2026, 3, 5, 8), UTC_CAL) == 0

    def test_end_before_start(self):
        assert business_hours_between(utc(2026, 3, 5), utc(2026, 3, 4), UTC_CAL) == 0

    def test_holiday_excluded(self):
        calendar = Calendar(holidays=frozenset({date(2026, 3, 5)}))
        assert business_hours_between(utc(2026, 3, 4, 9), utc(2026, 3, 6, 17), calendar) == 16

    def test_dst_week_in_local_hours(self):
        start = local("Europe/Berlin", 2026, 3, 27, 16)
        assert business_hours_between(start, local("Europe/Berlin", 2026, 3, 30, 16), BERLIN) == 8

    @pytest.mark.parametrize("hours", [0.5, 1, 7.75, 8, 9, 16, 23.5, 40, 100])
    @pytest.mark.parametrize("calendar", [UTC_CAL, BERLIN, NEW_YORK], ids=["utc", "berlin", "new_york"])
    @pytest.mark.parametrize("start", [utc(2026, 3, 27, 15), utc(2026, 10, 30, 20), utc(2026, 3, 7, 12), utc(2026, 3, 4, 3)])
    def test_round_trip(self, hours, calendar, start):
        due = add_business_hours(start, hours, calendar)
        assert business_hours_between(start, due, calendar) == pytest.approx(hours)


class TestPublicHolidays:
    def test_a_country_s_public_holidays_are_days_off(self):
        bavaria = Calendar(time_zone="Europe/Berlin", holiday_country="DE", holiday_subdivision="BY")
        berlin_only_dates = Calendar(time_zone="Europe/Berlin", holidays=frozenset({date(2026, 12, 24)}))
        assert not bavaria.is_working_day(date(2026, 1, 6))  # Epiphany: Bavaria, not Germany-wide
        assert Calendar(time_zone="Europe/Berlin", holiday_country="DE").is_working_day(date(2026, 1, 6))
        assert not bavaria.is_working_day(date(2026, 12, 25))
        assert berlin_only_dates.is_working_day(date(2026, 12, 25)) and not berlin_only_dates.is_working_day(date(2026, 12, 24))

    def test_explicit_dates_add_to_the_country_s(self):
        both = Calendar(holiday_country="US", holidays=frozenset({date(2026, 11, 27)}))
        assert not both.is_working_day(date(2026, 11, 26))  # Thanksgiving
        assert not both.is_working_day(date(2026, 11, 27))  # the company's own day off

    @pytest.mark.parametrize(("country", "subdivision"), [("ZZ", None), ("DE", "XX"), (None, "BY")])
    def test_unknown_region_is_refused(self, country, subdivision):
        with pytest.raises(CalendarError):
            Calendar(holiday_country=country, holiday_subdivision=subdivision)


class TestBusinessDays:
    """The registration review SLA: whole working days, local midnight to midnight."""

    def test_default_is_monday_to_friday_in_utc(self):
        friday = utc(2026, 11, 20, 16)
        assert add_business_days(friday, 2) == utc(2026, 11, 24, 16)
        assert add_business_days(utc(2026, 11, 21, 10), 1) == utc(2026, 11, 24, 10)  # Saturday counts from Monday
        assert business_days_between(friday, utc(2026, 11, 23, 16)) == pytest.approx(1.0)

    def test_across_a_weekend(self):
        thursday = local("Europe/Berlin", 2026, 11, 19, 15)
        assert add_business_days(thursday, 2, BERLIN) == local("Europe/Berlin", 2026, 11, 23, 15)
        # Thursday 15:00 to Monday 15:00: 9/24 + 1 (Friday) + 15/24 = 2 days; the weekend counts nothing.
        assert business_days_between(thursday, local("Europe/Berlin", 2026, 11, 23, 15), BERLIN) == pytest.approx(2.0)

    def test_across_a_public_holiday(self):
        us = Calendar(time_zone="America/New_York", holiday_country="US")
        wednesday = local("America/New_York", 2026, 11, 25, 10)  # Thanksgiving is Thursday the 26th
        assert add_business_days(wednesday, 1, us) == local("America/New_York", 2026, 11, 27, 10)
        assert business_days_between(wednesday, local("America/New_York", 2026, 11, 27, 10), us) == pytest.approx(1.0)
        assert add_business_days(wednesday, 1, NEW_YORK) == local("America/New_York", 2026, 11, 26, 10)

    def test_across_a_dst_change(self):
        # Berlin springs forward on Sunday 29 March 2026: Friday 10:00 CET is 09:00 UTC, and two
        # working days later, Tuesday 10:00 CEST, is 08:00 UTC: the local time of day is kept.
        friday = local("Europe/Berlin", 2026, 3, 27, 10)
        due = add_business_days(friday, 2, BERLIN)
        assert due == utc(2026, 3, 31, 8) and due.astimezone(ZoneInfo("Europe/Berlin")).hour == 10
        # The 23-hour Sunday is a day off; Monday counts as one whole day, not 23/24 or 24/23.
        assert business_days_between(friday, due, BERLIN) == pytest.approx(2.0)
        assert business_days_between(local("Europe/Berlin", 2026, 10, 23, 10), local("Europe/Berlin", 2026, 10, 27, 10), BERLIN) == pytest.approx(2.0)

    def test_nothing_elapses_backwards(self):
        assert business_days_between(utc(2026, 3, 5), utc(2026, 3, 4), UTC_CAL) == 0.0
