"""The vendor's fiscal calendar: every report that says "year", "half" or "quarter" means the
fiscal one. A fiscal year starts on the first day of `ALLIANCE_FISCAL_YEAR_START_MONTH` and is
named by the calendar year it ends in (a year starting in July 2026 is FY2027), the convention of
most vendors whose year does not start in January. Pure, apart from `current()` reading the setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from alliance.config import get_settings


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"

    @property
    def months(self) -> int:
        return {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3}[self]


_LABEL = re.compile(r"^FY(?P<year>\d{4})(?:[- ]?(?P<kind>[HQ])(?P<number>\d{1,2}))?$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class FiscalPeriod:
    start: date
    end: date  # the last day, included
    kind: PeriodKind
    year: int  # the fiscal year's name: the calendar year it ends in
    number: int  # 1 for a year; 1-2 for a half; 1-4 for a quarter

    @property
    def label(self) -> str:
        """FY2027, FY2027 H1, FY2027 Q3."""
        if self.kind == PeriodKind.YEAR:
            return f"FY{self.year}"
        return f"FY{self.year} {'H' if self.kind == PeriodKind.HALF else 'Q'}{self.number}"

    @property
    def key(self) -> str:
        """The label as a URL or CSV value: FY2027, FY2027-H1, FY2027-Q3 (`FiscalCalendar.parse` reads it back)."""
        return self.label.replace(" ", "-")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class FiscalCalendar:
    start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError("a fiscal year starts in month 1 to 12")

    def year_of(self, day: date) -> int:
        """The fiscal year `day` falls in, named by the calendar year it ends in."""
        if self.start_month == 1:
            return day.year
        return day.year + 1 if day.month >= self.start_month else day.year

    def year_start(self, fiscal_year: int) -> date:
        return date(fiscal_year if self.start_month == 1 else fiscal_year - 1, self.start_month, 1)

    def period(self, kind: PeriodKind, day: date) -> FiscalPeriod:
        """The fiscal year, half or quarter holding `day`."""
        fiscal_year = self.year_of(day)
        start_of_year = self.year_start(fiscal_year)
        months_in = (day.year - start_of_year.year) * 12 + day.month - start_of_year.month
        number = months_in // kind.months + 1
        return self._period(kind, fiscal_year, number)

    def nth(self, kind: PeriodKind, fiscal_year: int, number: int) -> FiscalPeriod:
        """Fiscal year `fiscal_year`'s `number`th half or quarter (1 for the year itself)."""
        if not 1 <= number <= 12 // kind.months:
            plural = {PeriodKind.YEAR: "year", PeriodKind.HALF: "halves", PeriodKind.QUARTER: "quarters"}[kind]
            raise ValueError(f"a fiscal year has {12 // kind.months} {plural}, not {number}")
        return self._period(kind, fiscal_year, number)

    def shift(self, period: FiscalPeriod, by: int) -> FiscalPeriod:
        """The period `by` periods of the same kind later (earlier when negative)."""
        per_year = 12 // period.kind.months
        index = period.year * per_year + period.number - 1 + by
        return self._period(period.kind, index // per_year, index % per_year + 1)

    def trailing(self, period: FiscalPeriod, count: int) -> list[FiscalPeriod]:
        """`count` periods ending with `period`, oldest first (a QBR's quarter and the four before it: 5)."""
        return [self.shift(period, offset) for offset in range(1 - count, 1)]

    def named(self, start: date, end: date) -> FiscalPeriod | None:
        """The fiscal quarter, half or year that runs exactly from `start` to `end`, if one does."""
        for kind in (PeriodKind.QUARTER, PeriodKind.HALF, PeriodKind.YEAR):
            period = self.period(kind, start)
            if (period.start, period.end) == (start, end):
                return period
        return None

    def presets(self, today: date) -> list[FiscalPeriod]:
        """The periods a report offers at a click: this and last quarter, this and last year."""
        quarter, year = self.period(PeriodKind.QUARTER, today), self.period(PeriodKind.YEAR, today)
        return [quarter, self.shift(quarter, -1), year, self.shift(year, -1)]

    def parse(self, text: str) -> FiscalPeriod:
        """FY2027, FY2027-H1 or FY2027 Q3 (any case); ValueError naming the form otherwise."""
        found = _LABEL.match(text.strip())
        if not found:
            raise ValueError(f"{text!r} is not a fiscal period: write FY2027, FY2027-H1 or FY2027-Q3")
        year, kind_letter, number = int(found["year"]), (found["kind"] or "").upper(), int(found["number"] or 1)
        kind = {"": PeriodKind.YEAR, "H": PeriodKind.HALF, "Q": PeriodKind.QUARTER}[kind_letter]
        if not 1900 < year < 9999:
            raise ValueError(f"{text!r}: fiscal years run from FY1901 to FY9998")
        return self.nth(kind, year, number)

    def _period(self, kind: PeriodKind, fiscal_year: int, number: int) -> FiscalPeriod:
        start = _add_months(self.year_start(fiscal_year), (number - 1) * kind.months)
        try:
            end = _add_months(start, kind.months) - timedelta(days=1)
        except ValueError:  # the period ends with the calendar (9999-12-31)
            end = date.max
        return FiscalPeriod(start=start, end=end, kind=kind, year=fiscal_year, number=number)


def _add_months(day: date, months: int) -> date:
    """The first of a month `months` after `day`'s month (`day` is a first of month)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def current() -> FiscalCalendar:
    """The deployment's fiscal calendar (ALLIANCE_FISCAL_YEAR_START_MONTH)."""
    return FiscalCalendar(start_month=get_settings().fiscal_year_start_month)
