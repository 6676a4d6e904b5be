"""Joint business plans: one per partner per fiscal period, its versions (amendments signed by both
sides, the agreed one in force meanwhile), each version's items, and each item's progress.

Progress (status, evidence, the vendor's confirmation) belongs to the plan, not to a version: an
item keeps its `ref` across amendments, so an amendment never loses what was achieved.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.agreements.signoff import Side, VersionStatus
from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, UTCDateTime, register_enum_columns
from alliance.enablement.vocabulary import Level
from alliance.partners.vocabulary import DeliveryRole
from alliance.planning.vocabulary import InvestmentKind, ItemKind, ItemStatus, PlanStatus, RevenueKind

register_enum_columns(
    {PlanStatus: 12, VersionStatus: 12, ItemKind: 24, RevenueKind: 12, InvestmentKind: 32, ItemStatus: 12, Side: 8, DeliveryRole: 32, Level: 16}
)

MONEY = Numeric(16, 2)


class BusinessPlan(Aggregate, PartnerOwned, TimestampMixin, Base):
    """A partner's joint business plan for one fiscal period (year, half or quarter)."""

    __tablename__ = "business_plans"
    __table_args__ = (UniqueConstraint("partner_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    period_key: Mapped[str] = mapped_column(String(16))  # kit.fiscal key: FY2027, FY2027-H1, FY2027-Q3
    starts_on: Mapped[date]
    ends_on: Mapped[date]  # the period's last day, included
    currency: Mapped[str] = mapped_column(String(3))  # the program's, when the plan was started
    status: Mapped[PlanStatus] = mapped_column(default=PlanStatus.DRAFT)
    agreed_version_id: Mapped[int | None] = mapped_column(ForeignKey("business_plan_versions.id", use_alter=True, ondelete="SET NULL"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scorecard: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the final plan-vs-actual, frozen at close

    versions: Mapped[list[BusinessPlanVersion]] = relationship(
        lazy="raise", order_by="BusinessPlanVersion.number", foreign_keys="BusinessPlanVersion.plan_id", cascade="all, delete-orphan"
    )
    progress: Mapped[list[ItemProgress]] = relationship(lazy="raise", order_by="ItemProgress.ref", cascade="all, delete-orphan")


class BusinessPlanVersion(AggregatePart, PartnerOwned, Base):
    """One version of a plan: a draft, then proposed, agreed when both sides signed."""

    __tablename__ = "business_plan_versions"
    root_table, root_column = "business_plans", "plan_id"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("business_plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[VersionStatus] = mapped_column(default=VersionStatus.DRAFT)
    proposed_by_side: Mapped[Side | None]
    proposed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)  # why this version (an amendment's reason)
    partner_signed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    partner_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vendor_signed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    vendor_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[PlanItem]] = relationship(lazy="raise", order_by="PlanItem.position", cascade="all, delete-orphan")


class PlanItem(AggregatePart, PartnerOwned, Base):
    """One commitment of a version. Which columns apply depends on `kind` (rules.validate_items)."""

    __tablename__ = "business_plan_items"
    root_table, root_column = "business_plans", "plan_id"
    __table_args__ = (UniqueConstraint("version_id", "position"), UniqueConstraint("version_id", "ref"))

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("business_plans.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("business_plan_versions.id", ondelete="CASCADE"), index=True)
    ref: Mapped[int]  # the item's number in the plan, kept across versions
    position: Mapped[int]
    kind: Mapped[ItemKind]
    title: Mapped[str] = mapped_column(String(200))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date]
    territory: Mapped[str | None] = mapped_column(String(100))  # revenue targets
    revenue_kind: Mapped[RevenueKind | None]
    amount: Mapped[Decimal | None] = mapped_column(MONEY)  # revenue targets, money co-investments
    currency: Mapped[str | None] = mapped_column(String(3))
    delivery_role: Mapped[DeliveryRole | None]  # certification targets
    level: Mapped[Level | None]
    target_count: Mapped[int | None]
    investment_kind: Mapped[InvestmentKind | None]  # co-investments
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # seats or hours
    notes: Mapped[str | None] = mapped_column(Text)


class ItemProgress(AggregatePart, PartnerOwned, Base):
    """Where a milestone or co-investment stands, for the plan (by item ref). Completion needs
    evidence: a note, a link, a file (the file store, purpose plan_evidence) or a linked record (a
    registration of the partner)."""

    __tablename__ = "business_plan_progress"
    root_table, root_column = "business_plans", "plan_id"
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("business_plans.id", ondelete="CASCADE"))
    ref: Mapped[int]
    status: Mapped[ItemStatus] = mapped_column(default=ItemStatus.NOT_STARTED)
    started_on: Mapped[date | None]
    evidence_note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
    evidence_registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    completed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlanTemplate(TimestampMixin, Base):
    """A program's starting point for new plans (e.g. "Regional SI annual plan"): items whose due
    date is a number of days after the period's start (none: its last day). Program data."""

    __tablename__ = "business_plan_templates"
    __table_args__ = (UniqueConstraint("program_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
