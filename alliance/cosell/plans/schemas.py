"""Co-delivery plan input (a proposed version's rows) and the reads partners and vendor get."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, field_serializer

from alliance.cosell.vocabulary import Activity, Lead, PlanAction, PlanVersionStatus, Side
from alliance.kit.schemas import InputSchema, LongText, ReadSchema, ShortText

if TYPE_CHECKING:
    from alliance.cosell.plans.service import PlanView

# Numeric(8, 1): the largest estimate the column holds.
MAX_EFFORT_DAYS = Decimal("9999999.9")
EffortDays = Annotated[Decimal, Field(ge=0, le=MAX_EFFORT_DAYS, decimal_places=1, description="Estimated effort in person-days")]
MAX_ROWS = 50
ONE_DECIMAL = Decimal("0.1")


class PlanActivityInput(InputSchema):
    activity: Activity
    label: ShortText | None = Field(default=None, description="The name of a custom row (activity 'custom')")
    lead: Lead
    effort_days: EffortDays | None = None
    notes: LongText | None = None


class PlanProposal(InputSchema):
    activities: Annotated[list[PlanActivityInput], Field(min_length=1, max_length=MAX_ROWS)]
    note: LongText | None = Field(default=None, description="Why this version")


class PlanActivityRead(ReadSchema):
    id: int
    position: int
    activity: Activity
    label: str | None
    lead: Lead
    effort_days: Decimal | None
    notes: str | None

    @field_serializer("effort_days")
    def _one_decimal(self, value: Decimal | None) -> str | None:
        # The column's scale, whether the row was just written or read back.
        return None if value is None else str(value.quantize(ONE_DECIMAL))


class PlanVersionRead(ReadSchema):
    id: int
    plan_id: int
    partner_id: int
    number: int
    status: PlanVersionStatus
    proposed_by_side: Side
    proposed_by_user_id: int | None
    proposed_at: datetime
    note: str | None
    partner_signed_by_user_id: int | None
    partner_signed_at: datetime | None
    vendor_signed_by_user_id: int | None
    vendor_signed_at: datetime | None
    activities: list[PlanActivityRead]


class OpenDisputeRead(ReadSchema):
    """An open scope dispute on one of the plan's activities: while it is open, no version with
    that activity is signed."""

    dispute_id: int
    activity: str = Field(description="The activity's name (a custom row's label)")
    subject: str
    opened_by_side: Side
    opened_at: datetime


class CodeliveryPlanRead(ReadSchema):
    id: int
    partner_id: int
    registration_id: int
    customer_id: int | None
    agreed_version_id: int | None
    created_at: datetime
    updated_at: datetime
    versions: list[PlanVersionRead]
    open_disputes: list[OpenDisputeRead] = Field(default_factory=list)
    actions: list[PlanAction] = Field(default_factory=list, description="What the caller may do to the plan now (sign: its latest version)")

    @classmethod
    def of(cls, view: PlanView) -> CodeliveryPlanRead:
        read = cls.model_validate(view.plan)
        read.actions = view.actions
        read.open_disputes = [
            OpenDisputeRead(
                dispute_id=d.dispute.id,
                activity=d.activity_name,
                subject=d.dispute.subject,
                opened_by_side=d.dispute.opened_by_side,
                opened_at=d.dispute.opened_at,
            )
            for d in view.open_disputes
        ]
        return read


class PlanSummaryRead(ReadSchema):
    """A plan in a list: where its latest version stands and which version is agreed."""

    id: int
    partner_id: int
    registration_id: int
    customer_id: int | None
    agreed_version_id: int | None
    agreed_number: int | None
    latest_number: int
    latest_status: PlanVersionStatus
    updated_at: datetime


class PlanChangeRead(ReadSchema):
    activity: Activity
    name: str
    kind: str = Field(description="added, removed or changed")
    lead_before: Lead | None
    lead_after: Lead | None
    effort_before: Decimal | None
    effort_after: Decimal | None
    notes_before: str | None
    notes_after: str | None
    text: str

    @field_serializer("effort_before", "effort_after")
    def _one_decimal(self, value: Decimal | None) -> str | None:
        return None if value is None else str(value.quantize(ONE_DECIMAL))


class PlanComparisonRead(ReadSchema):
    plan_id: int
    from_number: int
    to_number: int
    changes: list[PlanChangeRead]
