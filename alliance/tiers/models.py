"""Tier recommendations: the engine's proposal for a partner, decided by a program admin."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import Aggregate, Base, PartnerOwned, UTCDateTime, register_enum_columns
from alliance.tiers.vocabulary import FigureStatus, RecommendationAction, RecommendationStatus

register_enum_columns({FigureStatus: 12, RecommendationAction: 12, RecommendationStatus: 12})


class TierRecommendation(Aggregate, PartnerOwned, Base):
    __tablename__ = "tier_recommendations"
    __table_args__ = (Index("ix_tier_recommendations_status", "status", "evaluated_at"), Index("ix_tier_recommendations_partner", "partner_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    current_tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"))
    qualifying_tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"))
    recommended_tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id", ondelete="SET NULL"))
    action: Mapped[RecommendationAction]
    # A downgrade waits out a grace period before it is recommended for decision.
    grace_until: Mapped[date | None]
    # Per criterion: metric, comparison, threshold, value, met, and the gap in words.
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[RecommendationStatus] = mapped_column(default=RecommendationStatus.PENDING)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)


class ReportedFigure(Aggregate, PartnerOwned, Base):
    """A figure the partner reports for one month (managed customers, sub-resellers); the tier
    engine counts the latest confirmed one. One figure per partner, metric and month."""

    __tablename__ = "reported_figures"
    __table_args__ = (
        UniqueConstraint("partner_id", "metric", "period", name="uq_reported_figures_partner_metric_period"),
        Index("ix_reported_figures_status", "status", "reported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(64))
    period: Mapped[date]  # the first day of the month the figure is for
    value: Mapped[int]
    status: Mapped[FigureStatus] = mapped_column(default=FigureStatus.REPORTED)
    note: Mapped[str | None] = mapped_column(Text)
    reported_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
