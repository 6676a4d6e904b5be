"""Certification catalog (vendor data) and each partner person's learning, exams, labs and
certifications (partner-owned: the session scope filters them for partner users).

Certified delivery capacity is not stored separately: a certification counts on a date when it
was issued on or before it and had not ended (expired, lapsed, renewed or revoked) by then, so
the capacity history is a query over this table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, UTCDateTime, register_enum_columns
from alliance.enablement.vocabulary import CertificationStatus, LabGrading, LabStatus, Level, Source
from alliance.partners.vocabulary import DeliveryRole

register_enum_columns({CertificationStatus: 16, DeliveryRole: 32, LabGrading: 12, LabStatus: 8, Level: 16, Source: 16})


class CertificationTrack(TimestampMixin, Base):
    """What a person certifies in: a delivery role at a level, on a product line and version,
    optionally a vertical/compliance methodology; its learning path, exam, lab and policies."""

    __tablename__ = "certification_tracks"
    __table_args__ = (
        CheckConstraint("exam_pass_mark BETWEEN 0 AND 100", name="pass_mark_percent"),
        CheckConstraint("exam_max_attempts >= 1", name="attempts_positive"),
        Index("ix_certification_tracks_role_level", "delivery_role", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    delivery_role: Mapped[DeliveryRole]
    level: Mapped[Level]
    product_line: Mapped[str] = mapped_column(ForeignKey("product_lines.key"))
    product_version: Mapped[str] = mapped_column(String(20))  # the major version it certifies, e.g. "8"
    vertical: Mapped[str | None] = mapped_column(String(60))  # a vertical/compliance methodology track
    prerequisite_track_id: Mapped[int | None] = mapped_column(ForeignKey("certification_tracks.id"))
    validity_days: Mapped[int] = mapped_column(default=730)
    exam_pass_mark: Mapped[int] = mapped_column(default=70)  # percent
    exam_max_attempts: Mapped[int] = mapped_column(default=3)
    exam_cooldown_days: Mapped[int] = mapped_column(default=14)
    # Technical tracks have a hands-on lab; None means no lab is required.
    lab_grading: Mapped[LabGrading | None]
    lab_rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"criterion", "max_points"}]
    lab_pass_mark: Mapped[int | None]  # percent of the rubric's points
    # The shared key a lab environment signs its results with (HMAC-SHA256); environment labs only.
    lab_secret: Mapped[str | None] = mapped_column(String(128))
    # Release policy: certifications more than `recert_versions_behind` major versions behind the
    # latest release of the product line must recertify within `recert_within_days`.
    recert_versions_behind: Mapped[int | None]
    recert_within_days: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)

    modules: Mapped[list[TrackModule]] = relationship(lazy="raise", cascade="all, delete-orphan", order_by="TrackModule.position")


class TrackModule(Base):
    """One step of a track's learning path."""

    __tablename__ = "track_modules"
    __table_args__ = (UniqueConstraint("track_id", "position"), UniqueConstraint("track_id", "key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("certification_tracks.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))  # stable id for imports from the learning system
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=True)


class ProductRelease(TimestampMixin, Base):
    __tablename__ = "product_releases"
    __table_args__ = (UniqueConstraint("product_line", "version"), Index("ix_product_releases_line_major", "product_line", "major"))

    id: Mapped[int] = mapped_column(primary_key=True)
    product_line: Mapped[str] = mapped_column(ForeignKey("product_lines.key"))
    version: Mapped[str] = mapped_column(String(20))  # "8.2"
    major: Mapped[int]  # 8
    released_on: Mapped[date]


class ModuleCompletion(PartnerOwned, Base):
    __tablename__ = "module_completions"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("track_modules.id", ondelete="CASCADE"), primary_key=True)
    completed_on: Mapped[date]
    source: Mapped[Source]


class ExamAttempt(PartnerOwned, Base):
    __tablename__ = "exam_attempts"
    __table_args__ = (Index("ix_exam_attempts_person_track", "person_id", "track_id", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("certification_tracks.id"))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[int]  # percent
    passed: Mapped[bool]
    source: Mapped[Source]
    # The learning system's id of the attempt: re-importing the same export changes nothing.
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)


class LabSubmission(Aggregate, PartnerOwned, TimestampMixin, Base):
    __tablename__ = "lab_submissions"
    __table_args__ = (
        Index("ix_lab_submissions_person_track", "person_id", "track_id"),
        Index("ix_lab_submissions_status", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("certification_tracks.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[LabStatus] = mapped_column(default=LabStatus.PENDING)
    evidence: Mapped[str | None] = mapped_column(Text)  # what the candidate handed in (link, notes)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    grader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[Source]
    score: Mapped[int | None]  # percent
    rubric_scores: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    # Environment posts: the signed request's nonce, unique so a replayed post is refused.
    nonce: Mapped[str | None] = mapped_column(String(100), unique=True)
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)


class Certification(AggregatePart, PartnerOwned, TimestampMixin, Base):
    __tablename__ = "certifications"
    # A person's certifications change under the person's lock: awards, renewals and lapses of one person run one at a time.
    root_table, root_column = "people", "person_id"
    __table_args__ = (
        Index("ix_certifications_partner_status", "partner_id", "status"),
        Index("ix_certifications_person_track", "person_id", "track_id"),
        Index("ix_certifications_track_status", "track_id", "status"),
        Index("ix_certifications_expires", "status", "expires_on"),
        Index("ix_certifications_recert_due", "status", "recert_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("certification_tracks.id"))
    status: Mapped[CertificationStatus] = mapped_column(default=CertificationStatus.ACTIVE)
    issued_on: Mapped[date]
    expires_on: Mapped[date]
    # A release opened a recertification window: renew by this date or the certification lapses.
    recert_due_on: Mapped[date | None]
    recert_release_id: Mapped[int | None] = mapped_column(ForeignKey("product_releases.id"))
    ended_on: Mapped[date | None]  # when it stopped counting (expired, lapsed, renewed, revoked)
    source: Mapped[Source]
    external_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
