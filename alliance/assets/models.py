"""The asset library: an asset (vendor-owned, or contributed by a partner and credited to it) with
its entitlement rule as data, its facets (what the library filters by), the product versions it is
validated for, its versions with their files and reviews; usage events and "used in" records are
the partners' own.

Search: SQLite keeps `assets_fts` (an FTS5 table over title, summary, keywords and body, kept by
triggers); PostgreSQL a GIN index over the same weighted tsvector (migrations 0023)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.assets.vocabulary import AssetKind, CertificationHolder, FacetKind, ReferenceStatus, ReviewDecision, UsageAction, VersionStatus
from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, UTCDateTime, register_enum_columns
from alliance.kit import clock

register_enum_columns({AssetKind: 32, VersionStatus: 16, CertificationHolder: 16, FacetKind: 16, UsageAction: 16, ReviewDecision: 20, ReferenceStatus: 16})


class Asset(Aggregate, TimestampMixin, Base):
    """One library asset. Partners see it once a version is published (`current_version_id`);
    a contributing partner sees its own before that."""

    __tablename__ = "assets"
    # What a reader sees (library repository `visible`), counted from the index alone.
    __table_args__ = (Index("ix_assets_visible", "current_version_id", "contributed_by_partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AssetKind] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(1000))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered without raw HTML
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    deployment_pattern: Mapped[str | None] = mapped_column(String(100))
    product_lines: Mapped[list[str]] = mapped_column(default=list)
    verticals: Mapped[list[str]] = mapped_column(default=list)
    technologies: Mapped[list[str]] = mapped_column(default=list)
    tags: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[str] = mapped_column(Text, default="")  # tags, technologies, verticals: what search reads besides the text
    # Entitlement (entitlement.py): empty lists allow every partner type / SI subtype.
    partner_types: Mapped[list[str]] = mapped_column(default=list)
    si_subtypes: Mapped[list[str]] = mapped_column(default=list)
    minimum_tier_rank: Mapped[int | None]
    required_track_id: Mapped[int | None] = mapped_column(ForeignKey("certification_tracks.id", ondelete="SET NULL"))
    certification_holder: Mapped[CertificationHolder] = mapped_column(default=CertificationHolder.PERSON)
    holders_needed: Mapped[int] = mapped_column(default=1)
    # Pre-release: only partners enrolled in this early-access program open it (early_access_service).
    early_access_program_id: Mapped[int | None] = mapped_column(ForeignKey("early_access_programs.id", ondelete="SET NULL"), index=True)
    contributed_by_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"), index=True)
    current_version_id: Mapped[int | None] = mapped_column(ForeignKey("asset_versions.id", use_alter=True, ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # the current version's publication

    versions: Mapped[list[AssetVersion]] = relationship(
        lazy="raise", order_by="AssetVersion.rank.desc()", foreign_keys="AssetVersion.asset_id", cascade="all, delete-orphan"
    )
    facets: Mapped[list[AssetFacet]] = relationship(lazy="raise", cascade="all, delete-orphan")
    validations: Mapped[list[AssetValidation]] = relationship(lazy="raise", cascade="all, delete-orphan", order_by="AssetValidation.version_rank")


class AssetFacet(AggregatePart, Base):
    """One value an asset is filtered by (a product line, vertical, technology or tag)."""

    __tablename__ = "asset_facets"
    root_table, root_column = "assets", "asset_id"
    __table_args__ = (Index("ix_asset_facets_lookup", "facet", "value", "asset_id"),)

    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[FacetKind] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)


class AssetValidation(AggregatePart, Base):
    """A product version the asset is validated for ("data-platform" 9.1)."""

    __tablename__ = "asset_validations"
    root_table, root_column = "assets", "asset_id"
    __table_args__ = (UniqueConstraint("asset_id", "product_line", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    product_line: Mapped[str] = mapped_column(ForeignKey("product_lines.key"))
    version: Mapped[str] = mapped_column(String(20))
    version_rank: Mapped[int]  # lifecycle.release_rank


class AssetVersion(AggregatePart, TimestampMixin, Base):
    """A version (semantic number, release notes, files) in its lifecycle (lifecycle.py)."""

    __tablename__ = "asset_versions"
    root_table, root_column = "assets", "asset_id"
    __table_args__ = (UniqueConstraint("asset_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))  # 1.4.0
    rank: Mapped[int]  # lifecycle.semver_rank
    release_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[VersionStatus] = mapped_column(default=VersionStatus.DRAFT)
    status_reason: Mapped[str | None] = mapped_column(Text)  # why changes were requested, or it was deprecated / retired
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    files: Mapped[list[AssetVersionFile]] = relationship(lazy="raise", cascade="all, delete-orphan", order_by="AssetVersionFile.position")


class AssetVersionFile(AggregatePart, Base):
    """A stored file (alliance.files) of a version; read only through the asset's download route."""

    __tablename__ = "asset_version_files"
    root_table, root_column = "assets", "asset_id"
    __table_args__ = (UniqueConstraint("version_id", "file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("asset_versions.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int]


class AssetReview(AggregatePart, Base):
    """A reviewer's word on a version in review: checklist ticks, a comment, and the decision
    (comment only, changes requested, approved)."""

    __tablename__ = "asset_reviews"
    root_table, root_column = "assets", "asset_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("asset_versions.id", ondelete="CASCADE"))
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[ReviewDecision]
    checklist: Mapped[list[str]] = mapped_column(default=list)  # the checklist items ticked
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class AssetUsage(PartnerOwned, Base):
    """One view or download of an asset version by a partner's person (append only)."""

    __tablename__ = "asset_usage"
    __table_args__ = (Index("ix_asset_usage_asset_time", "asset_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("asset_versions.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[UsageAction]
    occurred_at: Mapped[datetime] = mapped_column(default=clock.now)


class AssetProjectUse(PartnerOwned, Base):
    """ "Used in": the partner used the asset on one of its project registrations."""

    __tablename__ = "asset_project_uses"
    __table_args__ = (UniqueConstraint("asset_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("asset_versions.id", ondelete="SET NULL"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    recorded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)


class LibraryVisit(Base):
    """When a person last opened the library ("what's new since your last visit")."""

    __tablename__ = "asset_library_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_visit_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerReference(Aggregate, PartnerOwned, TimestampMixin, Base):
    """A joint reference story (customer, partner, products and versions, vertical, problem,
    outcome with figures, quote), "customer approved for external use" on a date by a named
    person at the customer, and approved by the vendor. Approved ones in the trailing 24 months
    are the tier metric `customer_references` (tiers.metrics_repository)."""

    __tablename__ = "customer_references"
    __table_args__ = (Index("ix_customer_references_status_decided", "status", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    vertical: Mapped[str | None] = mapped_column(String(100))
    product_lines: Mapped[list[str]] = mapped_column(default=list)
    product_versions: Mapped[str | None] = mapped_column(String(200))  # "Data Platform 9.0, Analytics 12"
    problem: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)  # with figures
    quote: Mapped[str | None] = mapped_column(Text)
    customer_approved_on: Mapped[date | None]  # "customer approved for external use" ...
    customer_approver: Mapped[str | None] = mapped_column(String(200))  # ... by this person at the customer
    status: Mapped[ReferenceStatus] = mapped_column(default=ReferenceStatus.SUBMITTED)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
