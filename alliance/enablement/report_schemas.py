"""What the certification reports answer: lists with effective status, what is ending soon, and
certified delivery capacity."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from alliance.kit.schemas import ReadSchema


class CertificationRowRead(ReadSchema):
    id: int
    partner_id: int
    partner_name: str
    person_id: int
    person_name: str
    person_email: str
    track_id: int
    track_key: str
    track_name: str
    level: str
    product_line: str
    status: str = Field(description="Effective status today (a passed deadline reads lapsed before the sweep stores it)")
    stored_status: str
    issued_on: date
    expires_on: date
    recert_due_on: date | None = Field(validation_alias="effective_due_on", description="The recertification deadline, stored or opened by a release")
    ended_on: date | None
    source: str
    external_ref: str | None


class ExpiringRead(ReadSchema):
    certification_id: int
    partner_id: int
    partner_name: str
    person_id: int
    person_name: str
    person_email: str
    delivery_role: str
    track_id: int
    track_key: str
    track_name: str
    level: str
    product_line: str
    status: str
    ends_on: date
    days_left: int
    reason: str = Field(description="'validity ends' or 'recertify for vN'")


class CapacityCellRead(ReadSchema):
    delivery_role: str
    level: str
    product_line: str
    people: int


class RoleTotalRead(ReadSchema):
    delivery_role: str
    people: int


class CapacityRead(ReadSchema):
    partner_id: int
    on: date
    cells: list[CapacityCellRead]
    roles: list[RoleTotalRead] = Field(description="Distinct people per role across levels and product lines")


class HistoryPointRead(ReadSchema):
    on: date
    delivery_role: str
    level: str | None
    people: int


class CapacityHistoryRead(ReadSchema):
    partner_id: int
    start: date
    end: date
    days: list[date]
    by_level: list[HistoryPointRead]
    by_role: list[HistoryPointRead]


class PortfolioRowRead(ReadSchema):
    group: str
    delivery_role: str
    people: int
    partners: int


class PortfolioRead(ReadSchema):
    group_by: str
    rows: list[PortfolioRowRead]
