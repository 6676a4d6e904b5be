"""Joint business plan input (a plan's items, a version's note, evidence) and what readers get."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from alliance.agreements.signoff import Side, VersionStatus
from alliance.enablement.vocabulary import Level
from alliance.kit.schemas import MAX_ROW_ID, InputSchema, LongText, ReadSchema, ShortText
from alliance.kit.types import Day, Website
from alliance.partners.vocabulary import DeliveryRole
from alliance.planning.vocabulary import InvestmentKind, ItemKind, ItemStatus, PlanAction, PlanStatus, RevenueKind

if TYPE_CHECKING:
    from alliance.planning.service import PlanView

MAX_ITEMS = 100
# Numeric(16, 2) and Numeric(12, 2): the largest values the columns hold.
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("99999999999999.99"), decimal_places=2, description="In the plan's (program) currency")]
Quantity = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2, description="Seats or hours")]
PeriodKey = Annotated[str, Field(min_length=4, max_length=16, description="A fiscal period: FY2027, FY2027-H1 or FY2027-Q3")]


class PlanItemInput(InputSchema):
    """One commitment. Revenue targets take territory, revenue_kind and amount; certification
    targets delivery_role, level and target_count; co-investments investment_kind and amount
    (certification funding, MDF) or quantity (seats, hours); milestones only a title."""

    ref: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = Field(default=None, description="The item this one continues, in an amendment")
    kind: ItemKind
    title: ShortText
    owner_user_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = None
    due_on: Day
    territory: ShortText | None = None
    revenue_kind: RevenueKind | None = None
    amount: Amount | None = None
    delivery_role: DeliveryRole | None = None
    level: Level | None = None
    target_count: Annotated[int, Field(ge=1, le=100_000)] | None = None
    investment_kind: InvestmentKind | None = None
    quantity: Quantity | None = None
    notes: LongText | None = None


class BusinessPlanCreate(InputSchema):
    partner_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = Field(default=None, description="Vendor users name the partner; a partner's own is implied")
    period: PeriodKey
    title: ShortText
    items: Annotated[list[PlanItemInput], Field(max_length=MAX_ITEMS)] = []
    template_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = Field(
        default=None, description="Pre-fill the items from a template of the partner's program"
    )


class TemplateItem(InputSchema):
    """An item of a plan template: its due date is `due_in_days` after the period's start (none:
    the period's last day, and never later)."""

    kind: ItemKind
    title: ShortText
    due_in_days: Annotated[int, Field(ge=0, le=366)] | None = None
    territory: ShortText | None = None
    revenue_kind: RevenueKind | None = None
    amount: Amount | None = None
    delivery_role: DeliveryRole | None = None
    level: Level | None = None
    target_count: Annotated[int, Field(ge=1, le=100_000)] | None = None
    investment_kind: InvestmentKind | None = None
    quantity: Quantity | None = None
    notes: LongText | None = None


class PlanTemplateCreate(InputSchema):
    program_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
    name: ShortText
    items: Annotated[list[TemplateItem], Field(min_length=1, max_length=MAX_ITEMS)]


class PlanTemplateRead(ReadSchema):
    id: int
    program_id: int
    name: str
    items: list[dict[str, object]]


class BusinessPlanDraft(InputSchema):
    """The draft's new content (replaces title and items)."""

    title: ShortText
    items: Annotated[list[PlanItemInput], Field(max_length=MAX_ITEMS)]


class Proposal(InputSchema):
    note: LongText | None = Field(default=None, description="Why this version")


class Amendment(InputSchema):
    items: Annotated[list[PlanItemInput], Field(min_length=1, max_length=MAX_ITEMS)]
    note: LongText = Field(min_length=1, description="Why the agreed plan changes")


class ProgressInput(InputSchema):
    """A milestone's progress: started, or completed with evidence (a note, a link, a file uploaded
    with purpose plan_evidence, a registration of the partner, or a contribution of the partner's
    published in the asset library; at least one)."""

    status: ItemStatus = Field(description="in_progress or completed (the vendor confirms separately)")
    evidence_note: LongText | None = None
    evidence_url: Website | None = None
    evidence_registration_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = None
    evidence_file_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = Field(default=None, description="A file uploaded with purpose plan_evidence")
    evidence_asset_id: Annotated[int, Field(ge=1, le=MAX_ROW_ID)] | None = Field(
        default=None, description="A published asset library contribution of the plan's partner: named in the evidence note"
    )


class PlanItemRead(ReadSchema):
    id: int
    ref: int
    position: int
    kind: ItemKind
    title: str
    owner_user_id: int | None
    due_on: date
    territory: str | None
    revenue_kind: RevenueKind | None
    amount: Decimal | None
    currency: str | None
    delivery_role: DeliveryRole | None
    level: Level | None
    target_count: int | None
    investment_kind: InvestmentKind | None
    quantity: Decimal | None
    notes: str | None


class BusinessPlanVersionRead(ReadSchema):
    id: int
    plan_id: int
    partner_id: int
    number: int
    status: VersionStatus
    proposed_by_side: Side | None
    proposed_by_user_id: int | None
    proposed_at: datetime | None
    note: str | None
    partner_signed_by_user_id: int | None
    partner_signed_at: datetime | None
    vendor_signed_by_user_id: int | None
    vendor_signed_at: datetime | None
    items: list[PlanItemRead]


class ProgressRead(ReadSchema):
    ref: int
    status: ItemStatus
    started_on: date | None
    evidence_note: str | None
    evidence_url: str | None
    evidence_registration_id: int | None
    evidence_file_id: int | None
    completed_by_user_id: int | None
    completed_at: datetime | None
    confirmed_by_user_id: int | None
    confirmed_at: datetime | None


class BusinessPlanSummaryRead(ReadSchema):
    id: int
    partner_id: int
    partner_name: str
    title: str
    period_key: str
    starts_on: date
    ends_on: date
    currency: str
    status: PlanStatus = Field(description="active: agreed and today is in its period")
    agreed_number: int | None
    latest_number: int
    latest_status: VersionStatus
    updated_at: datetime


class BusinessPlanRead(ReadSchema):
    id: int
    partner_id: int
    title: str
    period_key: str
    starts_on: date
    ends_on: date
    currency: str
    status: PlanStatus
    agreed_version_id: int | None
    closed_at: datetime | None
    scorecard: dict[str, object] | None
    versions: list[BusinessPlanVersionRead]
    progress: list[ProgressRead]
    actions: list[PlanAction] = []

    @classmethod
    def of(cls, view: PlanView) -> BusinessPlanRead:
        read = cls.model_validate(view.plan)
        read.status = view.status
        read.actions = view.actions
        return read


class ItemActualRead(ReadSchema):
    """One item against its plan: targets measured (reached, linear expectation, projections),
    milestones by their recorded progress; `at_risk` says why in words and numbers."""

    ref: int
    kind: ItemKind
    title: str
    due_on: date
    owner_user_id: int | None
    territory: str | None = Field(default=None, description="Revenue targets: the territory the item names")
    territory_measured: str | None = Field(
        default=None, description="The program territory the actual is measured in (null: all the partner's credit, the item naming no program territory)"
    )
    status: ItemStatus
    target: Decimal | None
    actual: Decimal | None
    unit: str | None = Field(description="The plan currency for revenue, 'people' for certification targets")
    expected_by_now: Decimal | None
    projected_from_start: Decimal | None
    projected_from_pace: Decimal | None
    percent: int | None
    at_risk: str | None
    risk_rule: str | None


class TerritoryActualRead(ReadSchema):
    """Revenue of one kind in one of the program's sales territories (null: customers outside them
    all, or of unknown country) against the targets the plan sets there."""

    territory: str | None
    revenue_kind: RevenueKind
    target: Decimal
    actual: Decimal
    currency: str


class PlanActualsRead(ReadSchema):
    plan_id: int
    version_number: int
    as_of: date
    items: list[ItemActualRead]
    at_risk: int
    territories: list[TerritoryActualRead] = Field(default=[], description="Targets vs actual per sales territory of the program (when it names any)")
