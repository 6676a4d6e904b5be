"""Co-branded solution briefs: the vendor's brief templates (HTML with placeholders, for some
partner types and subtypes, standing alone or attached to a library asset), a partner's logo
(a stored image), and who previewed and downloaded which brief."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.assets.vocabulary import UsageAction
from alliance.db import Aggregate, Base, PartnerOwned, TimestampMixin
from alliance.kit import clock


class BriefTemplate(Aggregate, TimestampMixin, Base):
    """A brief template: its HTML is rendered in a sandboxed Jinja2 environment with the reading
    partner's facts merged in (http.brief_document.PLACEHOLDERS)."""

    __tablename__ = "brief_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(1000), default="")
    body_html: Mapped[str] = mapped_column(Text)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"), index=True)
    # Empty lists: every partner type / SI subtype may use it (as assets' entitlement).
    partner_types: Mapped[list[str]] = mapped_column(default=list)
    si_subtypes: Mapped[list[str]] = mapped_column(default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PartnerLogo(PartnerOwned, Base):
    """The partner's logo for its briefs: one per partner, an image from the file store."""

    __tablename__ = "partner_logos"
    __table_args__ = (Index("uq_partner_logos_partner_id", "partner_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.now)


class BriefUsage(PartnerOwned, Base):
    """One preview (view) or PDF download of a brief by a partner's person (append only)."""

    __tablename__ = "brief_usage"
    __table_args__ = (Index("ix_brief_usage_template_partner", "template_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("brief_templates.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[UsageAction]
    occurred_at: Mapped[datetime] = mapped_column(default=clock.now)
