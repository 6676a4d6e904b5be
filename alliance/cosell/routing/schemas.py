"""Business calendars, team queues and routing rules: what the program admin sends and reads."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from alliance.cosell.vocabulary import RequestType
from alliance.kit.schemas import InputSchema, ReadSchema, RowId, ShortText
from alliance.kit.types import Country, Day, WallTime

Subdivision = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=10)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
Condition = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Hours = Annotated[Decimal, Field(gt=0, le=9999, max_digits=6, decimal_places=2)]
WorkDay = Annotated[int, Field(ge=1, le=7)]


def _priority_keys(value: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
    if value is None:
        return None
    for key in value:
        if key not in {"1", "2", "3", "4", "5"}:
            raise ValueError(f"priority_hours keys are tier co-sell priorities 1 to 5, not {key!r}")
    return value


class CalendarFields(InputSchema):
    @field_validator("work_days", check_fields=False)
    @classmethod
    def _days(cls, value: list[int] | None) -> list[int] | None:
        return sorted(set(value)) if value is not None else None


class CalendarCreate(CalendarFields):
    key: Key
    name: ShortText
    time_zone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] = "UTC"
    work_days: list[WorkDay] = Field(min_length=1, max_length=7, default_factory=lambda: [1, 2, 3, 4, 5])
    day_starts: WallTime = time(9, 0)
    day_ends: WallTime = time(17, 0)
    holidays: list[Day] = Field(max_length=400, default_factory=list)
    holiday_country: Country | None = Field(default=None, description="Its public holidays (the holidays package) are days off too")
    holiday_subdivision: Subdivision | None = Field(default=None, description="A state or province of holiday_country, e.g. BY for Bavaria")

    @model_validator(mode="after")
    def _day(self) -> CalendarCreate:
        if self.day_starts >= self.day_ends:
            raise ValueError("day_starts must be before day_ends")
        return self


class CalendarUpdate(CalendarFields):
    name: ShortText | None = None
    time_zone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None = None
    work_days: Annotated[list[WorkDay], Field(min_length=1, max_length=7)] | None = None
    day_starts: WallTime | None = None
    day_ends: WallTime | None = None
    holidays: Annotated[list[Day], Field(max_length=400)] | None = None
    holiday_country: Country | None = None
    holiday_subdivision: Subdivision | None = None


class CalendarRead(ReadSchema):
    id: int
    key: str
    name: str
    time_zone: str
    work_days: list[int]
    day_starts: WallTime
    day_ends: WallTime
    holidays: list[date]
    holiday_country: str | None
    holiday_subdivision: str | None
    updated_at: datetime


class TeamCreate(InputSchema):
    key: Key
    name: ShortText
    calendar_id: RowId
    is_default: bool = False


class TeamUpdate(InputSchema):
    name: ShortText | None = None
    calendar_id: RowId | None = None
    is_default: bool | None = None


class TeamRead(ReadSchema):
    id: int
    key: str
    name: str
    calendar_id: int
    is_default: bool


class RuleCreate(InputSchema):
    name: ShortText
    team_id: RowId
    position: Annotated[int, Field(ge=1, le=100_000)] | None = None  # None: last
    request_type: RequestType | None = None
    region: Condition | None = None
    territory: Condition | None = None
    vertical: Condition | None = None
    product_line: Condition | None = None
    tier_key: Condition | None = None
    first_response_hours: Hours
    priority_hours: Annotated[dict[str, Hours], Field(default_factory=dict)]
    is_active: bool = True

    _keys = field_validator("priority_hours")(_priority_keys)


class RuleUpdate(InputSchema):
    """Unset fields stay; a condition sent as null is cleared (matches anything)."""

    name: ShortText | None = None
    team_id: RowId | None = None
    position: Annotated[int, Field(ge=1, le=100_000)] | None = None
    request_type: RequestType | None = None
    region: Condition | None = None
    territory: Condition | None = None
    vertical: Condition | None = None
    product_line: Condition | None = None
    tier_key: Condition | None = None
    first_response_hours: Hours | None = None
    priority_hours: dict[str, Hours] | None = None
    is_active: bool | None = None

    _keys = field_validator("priority_hours")(_priority_keys)


class RuleRead(ReadSchema):
    id: int
    position: int
    name: str
    request_type: RequestType | None
    region: str | None
    territory: str | None
    vertical: str | None
    product_line: str | None
    tier_key: str | None
    team_id: int
    first_response_hours: Decimal
    priority_hours: dict[str, Decimal]
    is_active: bool
