"""Early-access (beta) programs per product release: the terms and eligibility, partners'
applications (terms accepted by whom and when, the vendor's decision) and their feedback on the
pre-release assets gated to the program (assets.early_access_program_id)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alliance.assets.early_access.rules import ApplicationStatus
from alliance.db import Aggregate, Base, PartnerOwned, TimestampMixin, UTCDateTime, register_enum_columns
from alliance.kit import clock

register_enum_columns({ApplicationStatus: 12})


class EarlyAccessProgram(TimestampMixin, Base):
    """The early-access program of one product release ("Data Platform 10")."""

    __tablename__ = "early_access_programs"
    __table_args__ = (UniqueConstraint("product_line", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_line: Mapped[str] = mapped_column(ForeignKey("product_lines.key"))
    version: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))  # rules.program_name
    terms: Mapped[str] = mapped_column(Text)
    minimum_tier_rank: Mapped[int | None]
    required_track_id: Mapped[int | None] = mapped_column(ForeignKey("certification_tracks.id", ondelete="SET NULL"))
    is_open: Mapped[bool] = mapped_column(default=True)  # taking applications
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class EarlyAccessApplication(Aggregate, PartnerOwned, TimestampMixin, Base):
    """A partner's application: the terms it accepted (their SHA-256, when, by whom) and the
    vendor's decision. Accepted: the partner is enrolled."""

    __tablename__ = "early_access_applications"
    __table_args__ = (UniqueConstraint("program_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("early_access_programs.id", ondelete="CASCADE"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(default=ApplicationStatus.PENDING, index=True)
    note: Mapped[str] = mapped_column(Text, default="")  # what the partner means to do with the release
    terms_sha256: Mapped[str] = mapped_column(String(64))
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    terms_accepted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)


class EarlyAccessFeedback(PartnerOwned, Base):
    """An enrolled partner's feedback on a pre-release asset of the program."""

    __tablename__ = "early_access_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("early_access_programs.id", ondelete="CASCADE"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
