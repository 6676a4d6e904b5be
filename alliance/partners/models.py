from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.db import Aggregate, Base, PartnerOwned, PartnerRoot, TimestampMixin, register_enum_columns
from alliance.identity.permissions import Permission, roles_with
from alliance.partners.vocabulary import (
    AssetAccessLevel,
    AttributeKind,
    Comparison,
    CreditSplit,
    CriteriaMode,
    DeliveryRole,
    PartnerStatus,
    PartnerType,
    SISubtype,
    SponsorSide,
)

# Vendor roles that can hold a rung of the scope-dispute ladder: those the permission table lets
# decide disputes (the program admin acts for the channel director; the VP channel is usually an
# executive user). Which of them decide at each level is program data.
DISPUTE_DECIDER_ROLES = frozenset(role.value for role in roles_with(Permission.DISPUTES_DECIDE))
DEFAULT_DISPUTE_LADDER: tuple[dict[str, Any], ...] = (
    {"name": "CAM and PS lead", "days": 5, "deciders": ["cam", "ps_lead", "program_admin"]},
    {"name": "Channel director", "days": 5, "deciders": ["program_admin"]},
    {"name": "VP channel", "days": 10, "deciders": ["executive", "program_admin"]},
)

register_enum_columns(
    {
        AssetAccessLevel: 16,
        AttributeKind: 16,
        Comparison: 2,
        CreditSplit: 8,
        CriteriaMode: 3,
        DeliveryRole: 32,
        PartnerStatus: 16,
        PartnerType: 32,
        SISubtype: 32,
        SponsorSide: 8,
    }
)
DEFAULT_DOWNGRADE_GRACE_DAYS = 90
# Market development funds: claims are due this many days after the activity ends, and reimburse
# at most this share of what the partner spent (both copied onto a request when it is approved).
DEFAULT_MDF_CLAIM_DEADLINE_DAYS = 45
DEFAULT_MDF_REIMBURSEMENT_PERCENT = Decimal(100)


class BusinessCalendar(TimestampMixin, Base):
    """Working days and hours in a time zone, with holidays: what co-sell SLA hours and registration
    review SLA days are counted in (alliance.kit.business_time)."""

    __tablename__ = "business_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")  # IANA name, e.g. Europe/Berlin
    work_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1, 2, 3, 4, 5])  # ISO weekdays
    day_starts: Mapped[time] = mapped_column(default=time(9, 0))
    day_ends: Mapped[time] = mapped_column(default=time(17, 0))
    holidays: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates
    # A country (and subdivision) whose public holidays are days off too (the `holidays` package).
    holiday_country: Mapped[str | None] = mapped_column(String(2))
    holiday_subdivision: Mapped[str | None] = mapped_column(String(10))


class Program(TimestampMixin, Base):
    """A partner program: one per partner type (and SI subtype), with ordered tiers."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    partner_type: Mapped[PartnerType]
    si_subtype: Mapped[SISubtype | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    # ISO 4217: every amount of the program (registrations, credit, tier thresholds, MDF) is in it.
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    # Attribution model (registrations.attribution): the share of a won deal's booked amount
    # credited as influenced revenue to each partner of record, and how several partners of
    # record share it ("full": each gets the share; "equal": the share is split between them).
    influence_credit_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(100), server_default="100")
    influence_credit_split: Mapped[CreditSplit] = mapped_column(default=CreditSplit.FULL, server_default=CreditSplit.FULL.value)
    # Scope-dispute escalation ladder: [{"name": "CAM + PS lead", "days": 5}, ...]; a dispute not
    # decided within a level's business days climbs to the next (alliance sweep).
    dispute_ladder: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=lambda: [dict(step) for step in DEFAULT_DISPUTE_LADDER])
    # Days a partner below its tier's criteria keeps the tier before a downgrade is recommended.
    downgrade_grace_days: Mapped[int] = mapped_column(default=DEFAULT_DOWNGRADE_GRACE_DAYS, server_default=str(DEFAULT_DOWNGRADE_GRACE_DAYS))
    # The business calendar the registration review SLA counts in; None: the first calendar, or
    # Monday to Friday in UTC when there is none.
    review_calendar_id: Mapped[int | None] = mapped_column(ForeignKey("business_calendars.id", ondelete="SET NULL"))
    mdf_claim_deadline_days: Mapped[int] = mapped_column(default=DEFAULT_MDF_CLAIM_DEADLINE_DAYS, server_default=str(DEFAULT_MDF_CLAIM_DEADLINE_DAYS))
    mdf_reimbursement_percent: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), default=DEFAULT_MDF_REIMBURSEMENT_PERCENT, server_default=str(DEFAULT_MDF_REIMBURSEMENT_PERCENT)
    )

    # Sales territories: [{"name": "North America", "countries": ["US", "CA"]}, ...], a country in at
    # most one (partners.territories.TerritoryMap); plan-vs-actual splits revenue by them.
    territories: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")

    tiers: Mapped[list[Tier]] = relationship(back_populates="program", order_by="Tier.rank", lazy="raise", cascade="all, delete-orphan")


class Tier(TimestampMixin, Base):
    __tablename__ = "tiers"
    __table_args__ = (UniqueConstraint("program_id", "key"), UniqueConstraint("program_id", "rank"))

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(100))
    rank: Mapped[int]  # 1 is the entry tier; higher is better
    criteria_mode: Mapped[CriteriaMode] = mapped_column(default=CriteriaMode.ALL)
    deal_protection_days: Mapped[int]
    project_protection_days: Mapped[int]
    influence_protection_days: Mapped[int]
    mdf_allocation: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    discount_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    cosell_priority: Mapped[int] = mapped_column(default=3)  # 1 highest
    asset_access_level: Mapped[AssetAccessLevel] = mapped_column(default=AssetAccessLevel.STANDARD)

    program: Mapped[Program] = relationship(back_populates="tiers", lazy="raise")
    criteria: Mapped[list[TierCriterion]] = relationship(back_populates="tier", order_by="TierCriterion.position", lazy="raise", cascade="all, delete-orphan")


class ProductLine(TimestampMixin, Base):
    """The vendor's product lines: what registrations, certifications and routing rules name."""

    __tablename__ = "product_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(default=True)


class TierCriterion(Base):
    """One advancement criterion as data: metric, comparison, threshold."""

    __tablename__ = "tier_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    metric: Mapped[str] = mapped_column(String(100))
    comparison: Mapped[Comparison]
    threshold: Mapped[Decimal] = mapped_column(Numeric(18, 2))

    tier: Mapped[Tier] = relationship(back_populates="criteria", lazy="raise")


class Partner(Aggregate, PartnerRoot, TimestampMixin, Base):
    __tablename__ = "partners"
    __table_args__ = (
        Index("ix_partners_type_subtype", "partner_type", "si_subtype"),
        Index("ix_partners_display_name", "display_name"),
    )

    legal_name: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    partner_type: Mapped[PartnerType]
    si_subtype: Mapped[SISubtype | None]
    hq_country: Mapped[str] = mapped_column(String(2))
    consultant_headcount: Mapped[int] = mapped_column(default=0)
    enrolled_on: Mapped[date | None]
    status: Mapped[PartnerStatus] = mapped_column(default=PartnerStatus.PROSPECT, index=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"), index=True)
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"), index=True)
    cam_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True)

    program: Mapped[Program | None] = relationship(lazy="raise")
    tier: Mapped[Tier | None] = relationship(lazy="raise")
    attributes: Mapped[list[PartnerAttribute]] = relationship(lazy="raise", cascade="all, delete-orphan", order_by="PartnerAttribute.id")

    def values_of(self, kind: AttributeKind) -> list[str]:
        return [a.value for a in self.attributes if a.kind == kind]

    @property
    def regions(self) -> list[str]:
        return self.values_of(AttributeKind.REGION)

    @property
    def territories(self) -> list[str]:
        return self.values_of(AttributeKind.TERRITORY)

    @property
    def verticals(self) -> list[str]:
        return self.values_of(AttributeKind.VERTICAL)

    @property
    def specialties(self) -> list[str]:
        return self.values_of(AttributeKind.SPECIALTY)


class PartnerAttribute(PartnerOwned, Base):
    """Regions, territories, verticals and specialties as rows, so filters use an index."""

    __tablename__ = "partner_attributes"
    __table_args__ = (
        UniqueConstraint("partner_id", "kind", "value"),
        Index("ix_partner_attributes_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AttributeKind]
    value: Mapped[str] = mapped_column(String(100))


class Person(PartnerOwned, TimestampMixin, Base):
    """A partner's contact or consultant, with the delivery role certifications will attach to."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_partner_role", "partner_id", "delivery_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    delivery_role: Mapped[DeliveryRole]
    country: Mapped[str | None] = mapped_column(String(2))
    is_active: Mapped[bool] = mapped_column(default=True)


class Sponsor(PartnerOwned, TimestampMixin, Base):
    """An executive sponsor of the relationship, on the vendor's or the partner's side, from
    `started_on` until the day before `ended_on` (None: still the sponsor). Ending a sponsorship
    keeps the row, so a QBR shows who the sponsors were on its as-of date."""

    __tablename__ = "sponsors"
    __table_args__ = (Index("ix_sponsors_partner_id_ended_on", "partner_id", "ended_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    side: Mapped[SponsorSide]
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]  # the first day they are no longer the sponsor

    @classmethod
    def current(cls) -> Any:
        """Still the sponsor (a start is never in the future, an end is set when it happens)."""
        return cls.ended_on.is_(None)

    @classmethod
    def on(cls, day: date) -> Any:
        """The sponsor on `day`."""
        return and_(cls.started_on <= day, or_(cls.ended_on.is_(None), cls.ended_on > day))
