"""Registrations (deal, project, influence), their scope, history, conflicts, extensions, and the
append-only attribution ledger.

Everything here is partner-owned: the session scope filters it for partner users (alliance.db).
A conflict row belongs to the partner whose registration was flagged; the earlier registration it
points at may be another partner's, which is why partner-facing reads never follow that link and
show the stored privacy-safe explanation instead.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, Sandboxable, TimestampMixin, UTCDateTime, register_enum_columns
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.lifecycle import Side, Status
from alliance.registrations.vocabulary import ConflictCheck, ConflictKind, CreditType, ExtensionStatus

register_enum_columns({ConflictCheck: 8, ConflictKind: 24, CreditType: 16, ExtensionStatus: 16, RegistrationKind: 16, Side: 8, Status: 16})

MONEY = Numeric(16, 2)


class Registration(Aggregate, PartnerOwned, Sandboxable, TimestampMixin, Base):
    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("extensions_granted >= 0", name="extensions_not_negative"),
        # Conflict checks: active registrations on a customer.
        Index("ix_registrations_customer_status", "customer_id", "status"),
        # The review queue (oldest first) and the sweep (approved, protection ended).
        Index("ix_registrations_status_submitted", "status", "submitted_at"),
        Index("ix_registrations_status_protected", "status", "protected_until"),
        Index("ix_registrations_partner_status", "partner_id", "status"),
        Index(
            "ix_registrations_transacting_partner",
            "transacting_partner_id",
            postgresql_where=text("transacting_partner_id IS NOT NULL"),
            sqlite_where=text("transacting_partner_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RegistrationKind]
    status: Mapped[Status] = mapped_column(default=Status.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    registrant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The customer as typed, and the customer record it resolved to (on submit at the latest).
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_website: Mapped[str | None] = mapped_column(String(300))
    customer_country: Mapped[str | None] = mapped_column(String(2))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))

    # deal: estimated amount, expected close, transacting partner; project: total contract value,
    # delivery end; influence: the opportunity's estimated value, the decision date.
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    expected_close_on: Mapped[date | None]
    transacting_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    # The fields of each kind (stage, phases, architecture decision, evidence ...), validated by
    # the kind's schema in registrations.schemas before they are stored.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # Order: the first submission's server time decides who was first; resubmissions keep it.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    protected_until: Mapped[date | None]
    extensions_granted: Mapped[int] = mapped_column(default=0)

    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on: Mapped[date | None]
    booked_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    # The MDF activity it came from (the campaign code quoted on the form or in the API): ROI.
    fund_request_id: Mapped[int | None] = mapped_column(ForeignKey("fund_requests.id", ondelete="SET NULL"), index=True)

    products: Mapped[list[RegistrationProduct]] = relationship(lazy="raise", cascade="all, delete-orphan", order_by="RegistrationProduct.product_line")

    @property
    def product_lines(self) -> list[str]:
        return [p.product_line for p in self.products]


class RegistrationProduct(AggregatePart, PartnerOwned, Base):
    """The product lines a registration covers, as rows so that overlap is a join."""

    root_table, root_column = "registrations", "registration_id"

    __tablename__ = "registration_products"

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    product_line: Mapped[str] = mapped_column(String(60), primary_key=True)


class RegistrationEvent(AggregatePart, PartnerOwned, Base):
    """A registration's history as its partner may read it (the audit log holds the same with
    full before/after for the vendor)."""

    __tablename__ = "registration_events"
    # By time: the QBR's stages find the registrations changed after an as-of date (qbr.figures_repository).
    __table_args__ = (Index("ix_registration_events_at", "at"),)
    root_table, root_column = "registrations", "registration_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[Status | None]
    to_status: Mapped[Status | None]
    actor_label: Mapped[str] = mapped_column(String(200))
    actor_side: Mapped[Side]
    reason: Mapped[str | None] = mapped_column(Text)
    # Named on a registration's first history rows, so that they go in the flush that inserts it.
    registration: Mapped[Registration] = relationship(lazy="raise")


class RegistrationConflict(AggregatePart, PartnerOwned, Base):
    """One finding of a conflict check on a registration (partner_id: that registration's partner).

    `other_registration_id` is the earlier registration it overlaps (None for account rules:
    vendor-direct or another SI's protected account). `evidence` holds per-feature facts;
    `partner_message` is the explanation the flagged partner may read: no partner names, no ids."""

    __tablename__ = "registration_conflicts"
    root_table, root_column = "registrations", "registration_id"
    __table_args__ = (Index("ix_registration_conflicts_registration_current", "registration_id", "is_current"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    other_registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    kind: Mapped[ConflictKind]
    step: Mapped[ConflictCheck]  # the check that found it: submit or review
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    partner_message: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A later check replaces the findings of an earlier one; the old rows stay as history.
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class ProtectionExtension(AggregatePart, PartnerOwned, Base):
    __tablename__ = "protection_extensions"
    root_table, root_column = "registrations", "registration_id"
    __table_args__ = (Index("ix_protection_extensions_status", "status", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExtensionStatus] = mapped_column(default=ExtensionStatus.PENDING)
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    previous_until: Mapped[date | None]
    new_until: Mapped[date | None]


class AttributionEntry(PartnerOwned, Base):
    """One line of the append-only, effective-dated attribution ledger.

    Never updated or deleted: a correction is a new entry with the opposite amount that names
    the entry it reverses. `effective_on` is the business date (the close date) that reports
    group by; `recorded_at` is when the ledger learnt it, so a report "as of" a date reads only
    entries recorded by then. partner_id is NULL only for vendor-direct credit, which partner
    users therefore never see (their scope is `partner_id IN (...)`)."""

    __tablename__ = "attribution_entries"
    __table_args__ = (
        CheckConstraint("(credit_type = 'vendor_direct') = (partner_id IS NULL)", name="partner_unless_vendor_direct"),
        Index("ix_attribution_entries_partner_effective", "partner_id", "effective_on"),
        Index("ix_attribution_entries_effective", "effective_on"),
        UniqueConstraint("reverses_entry_id"),
    )

    # Vendor-direct credit belongs to no partner: the ledger's one nullable partner column.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))  # type: ignore[assignment]
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    # The won registration whose close created the entry (for influence credit, registration_id
    # is the partner's influence/project registration and this the deal or project that closed).
    closing_registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    credit_type: Mapped[CreditType]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    share_percent: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    effective_on: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(200))  # how the share was computed, in words
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("attribution_entries.id"))
    reason: Mapped[str | None] = mapped_column(Text)
