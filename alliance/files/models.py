"""One row per upload: who uploaded which content, named how, for what, owned by which partner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import Base, PartnerOwned, register_enum_columns
from alliance.files.vocabulary import FilePurpose
from alliance.kit import clock

register_enum_columns({FilePurpose: 20})


class StoredFile(PartnerOwned, Base):
    """Never changed once written: a new version of a document is a new upload."""

    __tablename__ = "stored_files"
    __table_args__ = (Index("ix_stored_files_sha256", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The vendor's own files (library assets) have no partner: partner users never read them
    # directly, only through the domain that grants them (the library's entitlements).
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)  # type: ignore[assignment]
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[FilePurpose]
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
