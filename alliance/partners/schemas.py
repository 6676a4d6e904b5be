from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from alliance.identity.scope import Role
from alliance.kit.money import Currency
from alliance.kit.schemas import InputSchema, OptionalText, ReadSchema, RowId, ShortText
from alliance.kit.types import Country, Day, Email, Website
from alliance.partners import territories as territory_rules
from alliance.partners.models import DISPUTE_DECIDER_ROLES
from alliance.partners.vocabulary import (
    REGIONS,
    AssetAccessLevel,
    Comparison,
    CreditSplit,
    CriteriaMode,
    DeliveryRole,
    PartnerStatus,
    PartnerType,
    SISubtype,
    SponsorSide,
)

# Numeric(14, 2): the largest amount the column holds.
MAX_MONEY = Decimal("999999999999.99")

Tag = Annotated[str, Field(min_length=1, max_length=100)]
TagList = Annotated[list[Tag], Field(max_length=50)]


def _check_regions(regions: list[str] | None) -> list[str] | None:
    if regions is None:
        return None
    bad = [r for r in regions if r not in REGIONS]
    if bad:
        raise ValueError(f"unknown region(s) {', '.join(bad)}; use {', '.join(REGIONS)}")
    return list(dict.fromkeys(regions))


class PartnerCreate(InputSchema):
    legal_name: ShortText
    display_name: ShortText
    website: Website | None = None
    partner_type: PartnerType
    si_subtype: SISubtype | None = None
    hq_country: Country
    regions: TagList = []
    territories: TagList = []
    verticals: TagList = []
    specialties: TagList = []
    consultant_headcount: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    enrolled_on: Day | None = None
    status: PartnerStatus = PartnerStatus.PROSPECT
    program_id: RowId | None = Field(default=None, description="Defaults to the program for the partner's type and subtype")
    tier_id: RowId | None = Field(default=None, description="Defaults to the program's entry tier")
    cam_user_id: RowId | None = None

    _regions = field_validator("regions")(_check_regions)

    @model_validator(mode="after")
    def _subtype_matches_type(self) -> PartnerCreate:
        if self.partner_type == PartnerType.SYSTEMS_INTEGRATOR and self.si_subtype is None:
            raise ValueError("si_subtype is required for a systems integrator (gsi, regional, vertical or technology)")
        if self.partner_type != PartnerType.SYSTEMS_INTEGRATOR and self.si_subtype is not None:
            raise ValueError("si_subtype applies only to systems integrators")
        return self


class PartnerUpdate(InputSchema):
    legal_name: ShortText | None = None
    display_name: ShortText | None = None
    website: Website | None = None
    partner_type: PartnerType | None = None
    si_subtype: SISubtype | None = None
    hq_country: Country | None = None
    regions: TagList | None = None
    territories: TagList | None = None
    verticals: TagList | None = None
    specialties: TagList | None = None
    consultant_headcount: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    enrolled_on: Day | None = None
    status: PartnerStatus | None = None
    program_id: RowId | None = None
    tier_id: RowId | None = None
    cam_user_id: RowId | None = None
    reason: Annotated[str, Field(max_length=1000)] | None = Field(default=None, description="Recorded in the audit trail")

    _regions = field_validator("regions")(_check_regions)


class TierSummary(ReadSchema):
    id: int
    key: str
    name: str
    rank: int


class PartnerRead(ReadSchema):
    id: int
    legal_name: str
    display_name: str
    website: str | None
    partner_type: PartnerType
    si_subtype: SISubtype | None
    hq_country: str
    regions: list[str]
    territories: list[str]
    verticals: list[str]
    specialties: list[str]
    consultant_headcount: int
    enrolled_on: date | None
    status: PartnerStatus
    program_id: int | None
    tier_id: int | None
    tier: TierSummary | None
    cam_user_id: int | None
    created_at: datetime
    updated_at: datetime


class PersonCreate(InputSchema):
    name: ShortText
    email: Email
    title: OptionalText | None = None
    delivery_role: DeliveryRole
    country: Country | None = None


class PersonUpdate(InputSchema):
    name: ShortText | None = None
    email: Email | None = None
    title: OptionalText | None = None
    delivery_role: DeliveryRole | None = None
    country: Country | None = None
    is_active: bool | None = None


class PersonRead(ReadSchema):
    id: int
    partner_id: int
    name: str
    email: str
    title: str | None
    delivery_role: DeliveryRole
    country: str | None
    is_active: bool


class SponsorCreate(InputSchema):
    side: SponsorSide
    name: ShortText
    title: OptionalText | None = None
    email: Email | None = None
    user_id: RowId | None = Field(default=None, description="The vendor executive's user id (vendor side only)")
    started_on: Day | None = Field(default=None, description="The sponsorship's first day (default: today; not in the future)")


class SponsorEnd(InputSchema):
    ended_on: Day | None = Field(default=None, description="The first day they are no longer the sponsor (default: today)")


class SponsorRead(ReadSchema):
    id: int
    partner_id: int
    side: SponsorSide
    name: str
    title: str | None
    email: str | None
    user_id: int | None
    started_on: date
    ended_on: date | None


class CriterionIn(InputSchema):
    metric: Annotated[str, Field(min_length=1, max_length=100)]
    comparison: Comparison = Comparison.AT_LEAST
    threshold: Annotated[Decimal, Field(ge=0, le=Decimal("1e15"), decimal_places=2)]


class CriterionRead(ReadSchema):
    metric: str
    comparison: Comparison
    threshold: Decimal


class TierBenefits(InputSchema):
    deal_protection_days: Annotated[int, Field(ge=0, le=1095)]
    project_protection_days: Annotated[int, Field(ge=0, le=1095)]
    influence_protection_days: Annotated[int, Field(ge=0, le=1095)]
    mdf_allocation: Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=2)] = Decimal(0)
    discount_percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Decimal(0)
    cosell_priority: Annotated[int, Field(ge=1, le=5)] = 3
    asset_access_level: AssetAccessLevel = AssetAccessLevel.STANDARD


class TierUpdate(InputSchema):
    name: ShortText | None = None
    deal_protection_days: Annotated[int, Field(ge=0, le=1095)] | None = None
    project_protection_days: Annotated[int, Field(ge=0, le=1095)] | None = None
    influence_protection_days: Annotated[int, Field(ge=0, le=1095)] | None = None
    mdf_allocation: Annotated[Decimal, Field(ge=0, le=MAX_MONEY, decimal_places=2)] | None = None
    discount_percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None
    cosell_priority: Annotated[int, Field(ge=1, le=5)] | None = None
    asset_access_level: AssetAccessLevel | None = None
    criteria_mode: CriteriaMode | None = None
    criteria: Annotated[list[CriterionIn], Field(max_length=30)] | None = Field(default=None, description="Replaces all criteria")
    reason: Annotated[str, Field(max_length=1000)] | None = None


class TierRead(ReadSchema):
    id: int
    program_id: int
    key: str
    name: str
    rank: int
    criteria_mode: CriteriaMode
    deal_protection_days: int
    project_protection_days: int
    influence_protection_days: int
    mdf_allocation: Decimal
    discount_percent: Decimal
    cosell_priority: int
    asset_access_level: AssetAccessLevel
    criteria: list[CriterionRead]


def _decider(role: Role) -> Role:
    if role.value not in DISPUTE_DECIDER_ROLES:
        raise ValueError(f"{role.label} cannot decide disputes; one of {', '.join(sorted(DISPUTE_DECIDER_ROLES))} can")
    return role


DeciderRole = Annotated[Role, AfterValidator(_decider)]


class DisputeLevel(InputSchema):
    """One rung of the scope-dispute escalation ladder."""

    name: ShortText
    days: Annotated[int, Field(ge=1, le=60, description="Business days to decide at this level before the dispute climbs")]
    deciders: Annotated[list[DeciderRole], Field(min_length=1, max_length=4, description="Vendor roles that may decide at this level")]

    @field_validator("deciders")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


DisputeLadder = Annotated[list[DisputeLevel], Field(min_length=1, max_length=6)]
GraceDays = Annotated[int, Field(ge=0, le=365, description="Days below the tier's criteria before a downgrade is recommended")]
ClaimDeadlineDays = Annotated[int, Field(ge=0, le=365, description="MDF claims are due this many days after the activity ends")]
ReimbursementPercent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2, description="MDF claims reimburse at most this share of the costs")]


class Territory(InputSchema):
    """A sales territory of the program: the customer countries it covers."""

    name: Annotated[str, Field(min_length=1, max_length=100)]
    countries: Annotated[list[Country], Field(min_length=1, max_length=250)]


def _territories(value: list[Territory]) -> list[Territory]:
    found = territory_rules.problems([t.model_dump() for t in value])
    if found:
        raise ValueError("; ".join(f"{p['field']}: {p['message']}" for p in found))
    return value


TerritoryList = Annotated[
    list[Territory],
    Field(max_length=100, description="Sales territories, each a set of customer countries (a country in at most one)"),
    AfterValidator(_territories),
]


class ProgramUpdate(InputSchema):
    name: ShortText | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    is_active: bool | None = None
    currency: Currency | None = Field(default=None, description="Refused (409) while the program's partners have amounts recorded")
    influence_credit_percent: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = Field(
        default=None, description="Share of a won deal's booked amount credited as influence to each partner of record (docs/attribution.md)"
    )
    influence_credit_split: CreditSplit | None = Field(default=None, description="full: each partner of record gets the share; equal: they share it")
    downgrade_grace_days: GraceDays | None = None
    mdf_claim_deadline_days: ClaimDeadlineDays | None = None
    mdf_reimbursement_percent: ReimbursementPercent | None = None
    dispute_ladder: DisputeLadder | None = Field(default=None, description="Scope-dispute escalation levels, lowest first")
    territories: TerritoryList | None = Field(default=None, description="Plan-vs-actual splits revenue by the won customer's country in them")
    review_calendar_id: RowId | None = Field(
        default=None, description="Business calendar the registration review SLA counts in; null: the first calendar (Monday to Friday in UTC when none)"
    )


class DisputeLevelRead(ReadSchema):
    name: str
    days: int
    deciders: list[str]


class TerritoryRead(ReadSchema):
    name: str
    countries: list[str]


class ProgramRead(ReadSchema):
    id: int
    key: str
    name: str
    description: str | None
    partner_type: PartnerType
    si_subtype: SISubtype | None
    is_active: bool
    currency: str = Field(description="ISO 4217: registrations, credit, thresholds and MDF of the program are in it")
    influence_credit_percent: Decimal
    influence_credit_split: CreditSplit
    downgrade_grace_days: int
    mdf_claim_deadline_days: int
    mdf_reimbursement_percent: Decimal
    dispute_ladder: list[DisputeLevelRead]
    territories: list[TerritoryRead] = []
    review_calendar_id: int | None
    tiers: list[TierRead]


class MetricRead(ReadSchema):
    name: str
    label: str
    unit: str


ProductLineKey = Annotated[str, Field(min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
ProductLineName = Annotated[str, Field(min_length=1, max_length=100)]


class ProductLineCreate(InputSchema):
    key: ProductLineKey = Field(description="Lowercase letters, digits, - and _; never changes")
    name: ProductLineName
    is_active: bool = True


class ProductLineUpdate(InputSchema):
    name: ProductLineName | None = None
    is_active: bool | None = None
    reason: Annotated[str, Field(max_length=1000)] | None = None


class ProductLineRead(ReadSchema):
    id: int
    key: str
    name: str
    is_active: bool
