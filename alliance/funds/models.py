"""Market development funds. A budget per program and fiscal period; an allocation per partner
and budget (the aggregate root every money movement locks); the partner's fund requests, their
claims (cost lines and proof-of-performance files) and the ledger entries that move money between
the buckets (vocabulary.LedgerKind), all parts of the allocation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, UTCDateTime, register_enum_columns
from alliance.funds.vocabulary import ActivityType, ClaimStatus, CostCategory, LedgerKind, ProofKind, RequestStatus
from alliance.kit import clock

register_enum_columns({ActivityType: 20, RequestStatus: 12, ClaimStatus: 12, LedgerKind: 12, ProofKind: 16, CostCategory: 12})

MONEY = Numeric(16, 2)


class FundBudget(Aggregate, TimestampMixin, Base):
    """What a program may allocate to its partners in one fiscal period, in its currency. Unused
    allocations expire after `expires_on` (the period's last day, or a later grace date)."""

    __tablename__ = "fund_budgets"
    __table_args__ = (UniqueConstraint("program_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    period_key: Mapped[str] = mapped_column(String(16))  # kit.fiscal key: FY2027, FY2027-H1, FY2027-Q3
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    expires_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class FundAllocation(Aggregate, PartnerOwned, TimestampMixin, Base):
    """A partner's MDF for one budget's period. `amount` is what was allocated (the ledger's
    `allocated` entries sum to it); every request, claim, payment and expiry of the partner's
    funds in the period locks this row first."""

    __tablename__ = "fund_allocations"
    __table_args__ = (UniqueConstraint("partner_id", "budget_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("fund_budgets.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    from_tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"))  # generated from the tier's MDF benefit

    budget: Mapped[FundBudget] = relationship(lazy="raise")


class FundRequest(AggregatePart, PartnerOwned, TimestampMixin, Base):
    """A partner's plan for an activity and the money it asks for; approved in full or in part."""

    __tablename__ = "fund_requests"
    root_table, root_column = "fund_allocations", "allocation_id"
    __table_args__ = (Index("ix_fund_requests_status_submitted", "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fund_allocations.id", ondelete="CASCADE"), index=True)
    activity_type: Mapped[ActivityType]
    title: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    requested_amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    expected_leads: Mapped[int] = mapped_column(default=0)
    expected_registrations: Mapped[int] = mapped_column(default=0)
    expected_pipeline: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("business_plan_items.id", ondelete="SET NULL"))
    status: Mapped[RequestStatus] = mapped_column(default=RequestStatus.SUBMITTED)
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Set on approval from the program's settings: the terms the partner claims under.
    claim_deadline: Mapped[date | None]
    reimbursement_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    @property
    def campaign_code(self) -> str:
        """What a registration quotes to say it came from this activity (rules.request_id_of_code)."""
        return f"MDF-{self.id}"


class FundClaim(AggregatePart, PartnerOwned, TimestampMixin, Base):
    """What the partner spent on an approved request, with proof; reimbursable up to the
    request's reimbursement percentage of it and what remains of the request's commitment."""

    __tablename__ = "fund_claims"
    root_table, root_column = "fund_allocations", "allocation_id"
    __table_args__ = (Index("ix_fund_claims_status_submitted", "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fund_allocations.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("fund_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[ClaimStatus] = mapped_column(default=ClaimStatus.SUBMITTED)
    claimed_amount: Mapped[Decimal] = mapped_column(MONEY)  # the cost lines' sum
    reimbursable_amount: Mapped[Decimal] = mapped_column(MONEY)  # held from the request's commitment
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    paid_on: Mapped[date | None]
    paid_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    lines: Mapped[list[FundClaimLine]] = relationship(lazy="raise", order_by="FundClaimLine.position", cascade="all, delete-orphan")
    proofs: Mapped[list[FundClaimFile]] = relationship(lazy="raise", order_by="FundClaimFile.id", cascade="all, delete-orphan")


class FundClaimLine(AggregatePart, PartnerOwned, Base):
    __tablename__ = "fund_claim_lines"
    root_table, root_column = "fund_allocations", "allocation_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fund_allocations.id", ondelete="CASCADE"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("fund_claims.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    category: Mapped[CostCategory]
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(MONEY)


class FundClaimFile(AggregatePart, PartnerOwned, Base):
    """A proof of performance: a stored file (alliance.files) attached to a claim."""

    __tablename__ = "fund_claim_files"
    root_table, root_column = "fund_allocations", "allocation_id"
    __table_args__ = (UniqueConstraint("claim_id", "file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fund_allocations.id", ondelete="CASCADE"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("fund_claims.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    kind: Mapped[ProofKind]


class FundLedgerEntry(AggregatePart, PartnerOwned, Base):
    """One movement of money into (positive) or out of (negative) a bucket. Append-only: balances
    are sums (ledger_repository), never stored."""

    __tablename__ = "fund_ledger_entries"
    root_table, root_column = "fund_allocations", "allocation_id"
    __table_args__ = (Index("ix_fund_ledger_entries_partner_kind", "partner_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fund_allocations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LedgerKind]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("fund_requests.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("fund_claims.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
