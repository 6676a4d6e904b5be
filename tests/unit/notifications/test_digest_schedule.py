"""When a daily digest is due: the last local digest hour at or before now, in the person's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from alliance.notifications.digest_schedule import last_digest_moment

TOKYO, BERLIN, NEW_YORK = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "zone", "expected_day", "expected_moment"),
    [
        # 07:59 in Tokyo: today's digest is not due yet, yesterday's was.
        (datetime(2030, 3, 4, 22, 59, tzinfo=UTC), TOKYO, date(2030, 3, 4), datetime(2030, 3, 3, 23, 0, tzinfo=UTC)),
        # 08:00 in Tokyo on the 5th (still the 4th in UTC).
        (datetime(2030, 3, 4, 23, 0, tzinfo=UTC), TOKYO, date(2030, 3, 5), datetime(2030, 3, 4, 23, 0, tzinfo=UTC)),
        # New York in winter (UTC-5) and in summer (UTC-4).
        (datetime(2030, 1, 15, 13, 0, tzinfo=UTC), NEW_YORK, date(2030, 1, 15), datetime(2030, 1, 15, 13, 0, tzinfo=UTC)),
        (datetime(2030, 7, 15, 12, 30, tzinfo=UTC), NEW_YORK, date(2030, 7, 15), datetime(2030, 7, 15, 12, 0, tzinfo=UTC)),
    ],
)
def test_the_last_local_morning(now: datetime, zone: ZoneInfo, expected_day: date, expected_moment: datetime) -> None:
    assert last_digest_moment(now, zone, 8) == (expected_day, expected_moment)


def test_an_hour_the_clock_change_skips_is_the_end_of_the_gap() -> None:
    # Berlin, 29 March 2026: 02:00 does not exist (01:59 CET is followed by 03:00 CEST = 01:00 UTC).
    assert last_digest_moment(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), BERLIN, 2) == (date(2026, 3, 29), datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    assert last_digest_moment(datetime(2026, 3, 29, 0, 59, tzinfo=UTC), BERLIN, 2)[0] == date(2026, 3, 28)


def test_an_hour_the_clock_change_repeats_is_its_first_time() -> None:
    # Berlin, 25 October 2026: 02:00 happens twice, first at 00:00 UTC (CEST), then 01:00 UTC (CET).
    assert last_digest_moment(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), BERLIN, 2) == (date(2026, 10, 25), datetime(2026, 10, 25, 0, 0, tzinfo=UTC))


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        last_digest_moment(datetime(2030, 1, 1, 8, 0), TOKYO, 8)
