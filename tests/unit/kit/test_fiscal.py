"""The vendor's fiscal calendar: years named by the calendar year they end in, halves and quarters."""

from __future__ import annotations

from datetime import date

import pytest

from alliance.kit.fiscal import FiscalCalendar, PeriodKind

CALENDAR, JULY, FEBRUARY = FiscalCalendar(1), FiscalCalendar(7), FiscalCalendar(2)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 1), (date(2025, 1, 1), date(2025, 3, 31), "FY2025 Q1")),
        (date(2025, 5, 15), (date(2025, 4, 1), date(2025, 6, 30), "FY2025 Q2")),
        (date(2025, 12, 31), (date(2025, 10, 1), date(2025, 12, 31), "FY2025 Q4")),
        (date.max, (date(9999, 10, 1), date.max, "FY9999 Q4")),
    ],
)
def test_calendar_quarters(day: date, expected: tuple[date, date, str]) -> None:
    quarter = CALENDAR.period(PeriodKind.QUARTER, day)
    assert (quarter.start, quarter.end, quarter.label) == expected


def test_a_year_starting_in_july_is_named_by_the_year_it_ends_in() -> None:
    assert JULY.year_of(date(2026, 6, 30)) == 2026 and JULY.year_of(date(2026, 7, 1)) == 2027
    year = JULY.period(PeriodKind.YEAR, date(2026, 12, 1))
    assert (year.start, year.end, year.label) == (date(2026, 7, 1), date(2027, 6, 30), "FY2027")
    quarter = JULY.period(PeriodKind.QUARTER, date(2026, 12, 1))
    assert (quarter.start, quarter.end, quarter.label, quarter.key) == (date(2026, 10, 1), date(2026, 12, 31), "FY2027 Q2", "FY2027-Q2")
    half = JULY.period(PeriodKind.HALF, date(2027, 2, 28))
    assert (half.start, half.end, half.label) == (date(2027, 1, 1), date(2027, 6, 30), "FY2027 H2")


def test_a_quarter_may_span_the_new_year() -> None:
    quarter = FEBRUARY.period(PeriodKind.QUARTER, date(2026, 1, 15))
    assert (quarter.start, quarter.end, quarter.label) == (date(2025, 11, 1), date(2026, 1, 31), "FY2026 Q4")
    assert date(2025, 12, 25) in quarter and date(2026, 2, 1) not in quarter


def test_shift_and_trailing_cross_year_boundaries() -> None:
    quarter = JULY.period(PeriodKind.QUARTER, date(2026, 8, 1))  # FY2027 Q1
    assert JULY.shift(quarter, -1).label == "FY2026 Q4" and JULY.shift(quarter, 4).label == "FY2028 Q1"
    # A QBR: the quarter and the four before it, oldest first.
    assert [p.label for p in JULY.trailing(quarter, 5)] == ["FY2026 Q1", "FY2026 Q2", "FY2026 Q3", "FY2026 Q4", "FY2027 Q1"]
    assert all(
        earlier.end.toordinal() + 1 == later.start.toordinal() for earlier, later in zip(JULY.trailing(quarter, 9), JULY.trailing(quarter, 9)[1:], strict=False)
    )


def test_parse_reads_back_every_key_and_names_the_form_otherwise() -> None:
    for kind in PeriodKind:
        period = JULY.period(kind, date(2026, 12, 1))
        assert JULY.parse(period.key) == period and JULY.parse(period.label.lower()) == period
    with pytest.raises(ValueError, match="write FY2027, FY2027-H1 or FY2027-Q3"):
        JULY.parse("Q3 2027")
    with pytest.raises(ValueError, match="has 4 quarters, not 5"):
        JULY.parse("FY2027-Q5")
    with pytest.raises(ValueError, match="has 2 halves, not 3"):
        JULY.parse("FY2027-H3")


def test_named_recognises_exact_periods_only() -> None:
    assert JULY.named(date(2026, 10, 1), date(2026, 12, 31)).label == "FY2027 Q2"  # type: ignore[union-attr]
    assert JULY.named(date(2026, 7, 1), date(2027, 6, 30)).label == "FY2027"  # type: ignore[union-attr]
    assert JULY.named(date(2026, 10, 1), date(2026, 12, 30)) is None
    assert [p.label for p in JULY.presets(date(2026, 12, 1))] == ["FY2027 Q2", "FY2027 Q1", "FY2027", "FY2026"]


def test_a_start_month_outside_the_year_is_refused() -> None:
    with pytest.raises(ValueError):
        FiscalCalendar(13)
