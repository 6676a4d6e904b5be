"""MDF input (budgets, allocations, requests, decisions, claims, payments) and what readers get."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from alliance.funds.vocabulary import ActivityType, ClaimStatus, CostCategory, LedgerKind, ProofKind, RequestStatus
from alliance.kit.schemas import InputSchema, LongText, ReadSchema, RowId, ShortText
from alliance.kit.types import Day

# Numeric(16, 2): the largest value the columns hold.
CENT = Decimal("0.01")
# Stored and answered with two decimals whatever was typed (12000 is 12000.00).
Amount = Annotated[
    Decimal, Field(gt=0, le=Decimal("99999999999999.99"), decimal_places=2, description="In the program currency"), AfterValidator(lambda v: v.quantize(CENT))
]
AllocationAmount = Annotated[
    Decimal, Field(ge=0, le=Decimal("99999999999999.99"), decimal_places=2, description="In the program currency"), AfterValidator(lambda v: v.quantize(CENT))
]
PeriodKey = Annotated[str, Field(min_length=4, max_length=16, description="A fiscal period: FY2027, FY2027-H1 or FY2027-Q3")]
Reason = Annotated[str, Field(min_length=1, max_length=200, description="Why (kept in the audit trail and on the ledger)")]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
MAX_LINES = 50
MAX_PROOFS = 20


class BudgetCreate(InputSchema):
    program_id: RowId
    period: PeriodKey
    amount: AllocationAmount
    expires_on: Day | None = Field(default=None, description="Grace date: unused allocations expire after it (default: the period's last day)")
    notes: LongText | None = None


class BudgetUpdate(InputSchema):
    amount: AllocationAmount | None = None
    expires_on: Day | None = None
    reason: Reason | None = None


class BudgetWithdrawal(InputSchema):
    """Money taken back out of a budget: `amount` of its unallocated part (none: all of it)."""

    amount: AllocationAmount | None = Field(default=None, description="How much to withdraw (default: everything not allocated)")
    reason: Reason


class AllocationSet(InputSchema):
    """A partner's allocation for a budget's period, set by hand (created or changed)."""

    partner_id: RowId
    budget_id: RowId
    amount: AllocationAmount
    reason: Reason


class AllocationGenerate(InputSchema):
    reason: Reason = "From the partner's tier MDF benefit"


class FundRequestCreate(InputSchema):
    period: PeriodKey = Field(description="The fiscal period whose allocation pays for it")
    activity_type: ActivityType
    title: ShortText
    plan: Annotated[str, Field(min_length=1, max_length=5000, description="What the activity is, for whom, and how it will be run")]
    starts_on: Day
    ends_on: Day
    requested_amount: Amount
    expected_leads: Count = 0
    expected_registrations: Count = 0
    expected_pipeline: AllocationAmount = Decimal(0)
    plan_item_id: RowId | None = Field(default=None, description="The joint business plan item it serves")

    @model_validator(mode="after")
    def _ends_after_start(self) -> FundRequestCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must be on or after starts_on")
        return self


class Decision(InputSchema):
    approve: bool
    amount: Amount | None = Field(default=None, description="Approving less than asked (a partial approval) needs a reason; default: all of it")
    reason: Reason | None = Field(default=None, description="Required to reject or to approve in part")


class ClaimLineInput(InputSchema):
    category: CostCategory
    description: ShortText
    amount: Amount


class ProofInput(InputSchema):
    file_id: RowId = Field(description="A file uploaded with purpose fund_claim (POST /api/v1/files)")
    kind: ProofKind


class ClaimCreate(InputSchema):
    request_id: RowId
    lines: Annotated[list[ClaimLineInput], Field(min_length=1, max_length=MAX_LINES)]
    proofs: Annotated[list[ProofInput], Field(min_length=1, max_length=MAX_PROOFS, description="Proof of performance: invoices, photos, attendee lists")]
    notes: LongText | None = None


class Payment(InputSchema):
    payment_reference: Annotated[str, Field(min_length=1, max_length=100)]
    paid_on: Day


class BalancesRead(ReadSchema):
    allocated: Decimal
    committed: Decimal
    claimed: Decimal
    approved: Decimal
    paid: Decimal
    expired: Decimal
    available: Decimal


class BudgetRead(ReadSchema):
    id: int
    program_id: int
    program_name: str
    period_key: str
    starts_on: date
    ends_on: date
    expires_on: date
    amount: Decimal
    currency: str
    allocated: Decimal = Field(description="Allocated to partners")
    unallocated: Decimal
    notes: str | None


class AllocationRead(ReadSchema):
    id: int
    partner_id: int
    partner_name: str
    period_key: str
    expires_on: date
    currency: str
    balances: BalancesRead = Field(description="allocated, committed, claimed (pending review), approved (unpaid), paid, expired, available")


class FundRequestRead(ReadSchema):
    id: int
    partner_id: int
    allocation_id: int
    campaign_code: str = Field(description="Registrations quote it to be counted in this activity's ROI")
    activity_type: ActivityType
    title: str
    plan: str
    starts_on: date
    ends_on: date
    requested_amount: Decimal
    currency: str
    expected_leads: int
    expected_registrations: int
    expected_pipeline: Decimal
    plan_item_id: int | None
    status: RequestStatus
    submitted_by_user_id: int | None
    submitted_at: datetime
    decided_by_user_id: int | None
    decided_at: datetime | None
    approved_amount: Decimal | None
    decision_reason: str | None
    claim_deadline: date | None
    reimbursement_percent: Decimal | None


class FundRequestListRead(FundRequestRead):
    partner_name: str
    period_key: str


class ClaimLineRead(ReadSchema):
    position: int
    category: CostCategory
    description: str
    amount: Decimal


class ProofRead(ReadSchema):
    file_id: int
    kind: ProofKind


class ClaimSummaryRead(ReadSchema):
    id: int
    partner_id: int
    request_id: int
    status: ClaimStatus
    claimed_amount: Decimal
    reimbursable_amount: Decimal = Field(description="Held from the request's commitment: the most that can be approved")
    currency: str
    notes: str | None
    submitted_by_user_id: int | None
    submitted_at: datetime
    decided_by_user_id: int | None
    decided_at: datetime | None
    approved_amount: Decimal | None
    decision_reason: str | None
    payment_reference: str | None
    paid_on: date | None


class ClaimRead(ClaimSummaryRead):
    lines: list[ClaimLineRead]
    proofs: list[ProofRead]


class ClaimListRead(ClaimSummaryRead):
    partner_name: str
    request_title: str
    activity_type: ActivityType
    period_key: str


class LedgerEntryRead(ReadSchema):
    id: int
    allocation_id: int
    partner_id: int
    kind: LedgerKind
    amount: Decimal
    currency: str
    request_id: int | None
    claim_id: int | None
    reason: str
    occurred_at: datetime


class ReturnRead(ReadSchema):
    key: int = Field(description="The fund request (per activity) or the partner (per partner)")
    label: str
    partner_id: int
    partner_name: str
    currency: str
    mdf_spent: Decimal
    registrations: int
    pipeline: Decimal
    won_revenue: Decimal
    pipeline_per_unit: Decimal | None = Field(description="Pipeline per unit of MDF spent")
    won_per_unit: Decimal | None = Field(description="Won revenue per unit of MDF spent")
