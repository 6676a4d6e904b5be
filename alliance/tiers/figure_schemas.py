"""Reported figures over the API and the forms: a partner reports, the vendor confirms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator

from alliance.kit.schemas import InputSchema, ReadSchema
from alliance.kit.types import Day

ReportedMetric = Literal["managed_customers", "sub_resellers"]
MAX_FIGURE = 10_000_000


def parse_period(text: str | date) -> date:
    """'2026-11' (or any day of it) → the first day of that month."""
    if isinstance(text, date):
        return text.replace(day=1)
    try:
        year, month = (int(part) for part in str(text).strip()[:7].split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValueError("use the month as YYYY-MM, e.g. 2026-11") from None


class FigureReport(InputSchema):
    metric: ReportedMetric
    period: Day = Field(description="The month the figure is for, as YYYY-MM (stored as its first day)")
    value: Annotated[int, Field(ge=0, le=MAX_FIGURE)]
    note: Annotated[str, Field(max_length=1000)] | None = None

    @field_validator("period", mode="before")
    @classmethod
    def _month(cls, value: object) -> date:
        if not isinstance(value, (str, date)):
            raise ValueError("use the month as YYYY-MM, e.g. 2026-11")
        return parse_period(value)


class FigureDecision(InputSchema):
    confirm: bool
    reason: Annotated[str, Field(max_length=1000)] | None = Field(default=None, description="Required to reject; recorded in the audit trail")


class FigureRead(ReadSchema):
    id: int
    partner_id: int
    partner_name: str | None = None
    metric: str
    metric_label: str
    period: date
    value: int
    status: str
    note: str | None
    reported_at: datetime
    decided_at: datetime | None
    decision_reason: str | None

    @classmethod
    def of(cls, figure: object, *, partner_name: str | None = None, metric_label: str) -> FigureRead:
        values = {name: getattr(figure, name) for name in cls.model_fields if name not in ("partner_name", "metric_label")}
        return cls(partner_name=partner_name, metric_label=metric_label, **values)
