"""A QBR package per partner per fiscal quarter, and the commitments both sides made in it.

A draft stores the figures of its last generation (regenerated on demand). Publishing freezes it:
the figures, the chart SVGs and a SHA-256 of both are stored and never change after.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, UTCDateTime, register_enum_columns
from alliance.qbr.vocabulary import CommitmentSide, CommitmentStatus, QbrStatus

register_enum_columns({QbrStatus: 12, CommitmentStatus: 12, CommitmentSide: 8})


class Qbr(Aggregate, PartnerOwned, TimestampMixin, Base):
    __tablename__ = "qbrs"
    __table_args__ = (UniqueConstraint("partner_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_key: Mapped[str] = mapped_column(String(16))  # kit.fiscal quarter key: FY2026-Q4
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    as_of: Mapped[date]  # the data's date: nothing recorded after it changes the figures
    status: Mapped[QbrStatus] = mapped_column(default=QbrStatus.DRAFT)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    generated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    charts: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # name -> SVG, drawn when generated (frozen with the figures)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shared_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    commitments: Mapped[list[QbrCommitment]] = relationship(lazy="raise", order_by="QbrCommitment.position", cascade="all, delete-orphan")


class QbrCommitment(AggregatePart, PartnerOwned, Base):
    """What one side (or both) committed to at a QBR: an owner, a due date and where it stands.
    `carried_from_id`: the same commitment in the previous quarter's package."""

    __tablename__ = "qbr_commitments"
    root_table, root_column = "qbrs", "qbr_id"
    __table_args__ = (UniqueConstraint("qbr_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    qbr_id: Mapped[int] = mapped_column(ForeignKey("qbrs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    side: Mapped[CommitmentSide]
    owner_name: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None]
    status: Mapped[CommitmentStatus] = mapped_column(default=CommitmentStatus.OPEN)
    note: Mapped[str | None] = mapped_column(Text)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("qbr_commitments.id", ondelete="SET NULL"))


class SponsorCadence(Aggregate, PartnerOwned, TimestampMixin, Base):
    """How often the executive sponsors of a strategic partner meet (e.g. every 90 days)."""

    __tablename__ = "sponsor_cadences"
    __table_args__ = (UniqueConstraint("partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    every_days: Mapped[int] = mapped_column(default=90)
    note: Mapped[str | None] = mapped_column(Text)


class SponsorMeeting(PartnerOwned, TimestampMixin, Base):
    """An executive meeting held with a partner, as recorded: who attended, what was said and
    decided, what each side committed to. Append-only (a correction is a new record)."""

    __tablename__ = "sponsor_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    commitments: Mapped[str | None] = mapped_column(Text)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
