"""What the certification reports answer: lists with effective status, what is ending soon, and
certified delivery capacity."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from alliance.enablement.vocabulary import CertificationStatus, Level, Source
from alliance.kit.schemas import ReadSchema
from alliance.partners.vocabulary import DeliveryRole


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
    level: Level
    product_line: str
    status: CertificationStatus = Field(description="Effective status today (a passed deadline reads lapsed before the sweep stores it)")
    stored_status: CertificationStatus
    issued_on: date
    expires_on: date
    recert_due_on: date | None = Field(validation_alias="effective_due_on", description="The recertification deadline, stored or opened by a release")
    ended_on: date | None
    source: Source
    external_ref: str | None


class ExpiringRead(ReadSchema):
    certification_id: int
    partner_id: int
    partner_name: str
    person_id: int
    person_name: str
    person_email: str
    delivery_role: DeliveryRole
    track_id: int
    track_key: str
    track_name: str
    level: Level
    product_line: str
    status: CertificationStatus
    ends_on: date
    days_left: int
    reason: str = Field(description="'validity ends' or 'recertify for vN'")


class CapacityCellRead(ReadSchema):
    delivery_role: DeliveryRole
    level: Level
    product_line: str
    people: int


class RoleTotalRead(ReadSchema):
    delivery_role: DeliveryRole
    people: int


class CapacityRead(ReadSchema):
    partner_id: int
    on: date
    cells: list[CapacityCellRead]
    roles: list[RoleTotalRead] = Field(description="Distinct people per role across levels and product lines")


class HistoryPointRead(ReadSchema):
    on: date
    delivery_role: DeliveryRole
    level: Level | None
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
    delivery_role: DeliveryRole
    people: int
    partners: int


class PortfolioRead(ReadSchema):
    group_by: str
    rows: list[PortfolioRowRead]
