"""End customers: vendor master data, never partner-owned.

A partner user may learn a customer's identity (name, website, country, CRM id) through matching,
but never its ownership: that is why Customer is not PartnerOwned and every read of it outside
matching is a vendor permission.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.customers.vocabulary import EmployeeBand, Ownership
from alliance.db import Base, TimestampMixin, UTCDateTime, register_enum_columns

register_enum_columns({EmployeeBand: 16, Ownership: 16})

# Prefix ranges on the compact name need byte order; PostgreSQL databases often use a
# language collation, so these columns say "C" there (SQLite compares bytes already).
ByteOrdered = String(200).with_variant(String(200, collation="C"), "postgresql")


class Customer(TimestampMixin, Base):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(
            "(ownership = 'si_protected' AND owning_partner_id IS NOT NULL AND protected_until IS NOT NULL)"
            " OR (ownership <> 'si_protected' AND owning_partner_id IS NULL AND protected_until IS NULL)",
            name="ownership_consistent",
        ),
        # Whole-name lookups and the one-typo prefix/suffix ranges (see matching.typo_probe): the
        # length first, so a range scan reads only names of about the right length.
        Index("ix_customers_name_len_compact", "name_len", "name_compact"),
        Index("ix_customers_name_len_reversed", "name_len", "name_reversed"),
        Index("ix_customers_domain", "domain", sqlite_where=text("domain IS NOT NULL"), postgresql_where=text("domain IS NOT NULL")),
        # Nearly every customer is open: the ownership indexes hold only the others.
        Index(
            "ix_customers_owning_partner_id",
            "owning_partner_id",
            sqlite_where=text("owning_partner_id IS NOT NULL"),
            postgresql_where=text("owning_partner_id IS NOT NULL"),
        ),
        Index("ix_customers_ownership", "ownership", sqlite_where=text("ownership <> 'open'"), postgresql_where=text("ownership <> 'open'")),
        Index("ix_customers_country", "country"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(253))
    country: Mapped[str | None] = mapped_column(String(2))
    industry: Mapped[str | None] = mapped_column(String(100))
    employee_band: Mapped[EmployeeBand | None]

    # Matching keys derived from the name (alliance.customers.names): kept in step by the service.
    name_key: Mapped[str] = mapped_column(String(200))
    name_compact: Mapped[str] = mapped_column(ByteOrdered)
    name_reversed: Mapped[str] = mapped_column(ByteOrdered)
    name_len: Mapped[int] = mapped_column(SmallInteger)

    ownership: Mapped[Ownership] = mapped_column(default=Ownership.OPEN)
    owning_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    protected_until: Mapped[date | None]
    protection_reason: Mapped[str | None] = mapped_column(Text)
    ownership_changed_at: Mapped[datetime | None]


class CustomerNameKey(Base):
    """Blocking keys ('t:word', 'p:word|word') of each customer's name, found by an index on key.

    Rows are replaced key by key when a name changes (the service knows the old keys), so the
    primary key (key, customer_id) is the only index needed."""

    __tablename__ = "customer_name_keys"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)


class CustomerDuplicateFlag(Base):
    """An imported customer that is likely the same company as an older one (same website
    domain): imported, but listed on the console for someone to merge."""

    __tablename__ = "customer_duplicate_flags"
    __table_args__ = (Index("ix_customer_duplicate_flags_open", "resolved_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), unique=True)
    duplicate_of_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(300))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
