"""What a chart says, independent of how it is drawn."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | float | Decimal


class ChartKind(enum.StrEnum):
    line = "line"  # trends and cohort curves: categories are ordered (months, quarters)
    bar = "bar"  # grouped vertical bars: plan vs actual, counts by category
    stacked_bar = "stacked_bar"  # parts of a whole per category (influence + direct + services)
    horizontal_bar = "horizontal_bar"  # long labels or a funnel (stages top to bottom)


class ValueFormat(enum.StrEnum):
    quantity = "quantity"  # people, deals, milestones
    percent = "percent"  # values are fractions: 0.25 is drawn as 25 %
    money = "money"  # values are amounts in `Chart.currency`
    days = "days"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]  # one per category; None is "no figure", not zero


@dataclass(frozen=True)
class Chart:
    title: str
    kind: ChartKind
    categories: Sequence[str]
    series: Sequence[Series]
    value_format: ValueFormat = ValueFormat.quantity
    currency: str | None = None  # required for money: a chart never mixes currencies
    x_label: str = ""
    y_label: str = ""
    description: str = ""  # one sentence for screen readers beyond the title
    reference: Series | None = field(default=None)  # e.g. a plan line drawn dashed over bars

    def __post_init__(self) -> None:
        if self.value_format is ValueFormat.money and not self.currency:
            raise ValueError(f"chart {self.title!r}: a money chart names its currency")
        for series in [*self.series, *([self.reference] if self.reference else [])]:
            if len(series.values) != len(self.categories):
                raise ValueError(f"chart {self.title!r}: series {series.name!r} has {len(series.values)} values for {len(self.categories)} categories")

    def format_value(self, value: Number | None) -> str:
        if value is None:
            return "–"
        if self.value_format is ValueFormat.percent:
            return f"{float(value) * 100:.0f} %"
        if self.value_format is ValueFormat.money:
            return f"{self.currency} {Decimal(value):,.0f}"
        if self.value_format is ValueFormat.days:
            return f"{float(value):.0f} days"
        return f"{float(value):,.0f}" if float(value).is_integer() else f"{float(value):,.1f}"

    @property
    def header(self) -> list[str]:
        every = [*self.series, *([self.reference] if self.reference else [])]
        return [self.x_label or "", *(series.name for series in every)]

    @property
    def rows(self) -> list[list[str]]:
        """The chart's numbers as a table, formatted as on the chart (same order as `header`)."""
        every = [*self.series, *([self.reference] if self.reference else [])]
        return [[category, *(self.format_value(series.values[index]) for series in every)] for index, category in enumerate(self.categories)]
