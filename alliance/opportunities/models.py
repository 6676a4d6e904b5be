"""Opportunities registered through the ACE-compatible API (alliance.ace): the link from an
`O<digits>` opportunity to the registration it files, with what Alliance has no column for.

The registration is the record (lifecycle, conflicts, protection, attribution); this row keeps the
request as the partner sent it, so GetOpportunity answers with exactly that, and the client token
that makes CreateOpportunity idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import AggregatePart, Base, PartnerOwned, UTCDateTime


class Opportunity(AggregatePart, PartnerOwned, Base):
    __tablename__ = "opportunities"
    root_table, root_column = "registrations", "registration_id"
    __table_args__ = (UniqueConstraint("partner_id", "catalog", "client_token"),)

    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    catalog: Mapped[str] = mapped_column(String(16))
    client_token: Mapped[str] = mapped_column(String(255))
    # sha256 of the create request as sent (canonical JSON): a reused token must carry the same body.
    request_digest: Mapped[str] = mapped_column(String(64))
    # The opportunity as last sent (create or update), without Catalog, ClientToken, Identifier.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
