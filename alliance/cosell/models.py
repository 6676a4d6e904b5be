"""Co-sell resource requests with routing and SLAs; co-delivery plans with versions and double
sign-off; vendor PS engagements checked against the rules of engagement, consents, violations;
scope disputes with their escalation.

Partner-owned rows (requests, plans, consents, violations, disputes) are filtered by the session
scope for partner users. Routing configuration and PS engagements are the vendor's: a partner
reads only the engagements on accounts it protected when they were staffed (the engagement
repository filters them; the session cannot, since they are not partner-owned).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.cosell.vocabulary import Activity, DisputeStatus, EngagementOutcome, Lead, PlanVersionStatus, RequestStatus, RequestType, Side
from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, UTCDateTime, register_enum_columns

# Business calendars are program data (a program's review SLA names one); co-sell teams use them too.
from alliance.partners.models import BusinessCalendar as BusinessCalendar

register_enum_columns({Activity: 24, DisputeStatus: 10, EngagementOutcome: 12, Lead: 10, PlanVersionStatus: 12, RequestStatus: 16, RequestType: 32, Side: 8})


class CosellTeam(TimestampMixin, Base):
    """A vendor team queue that takes co-sell requests (e.g. "EMEA solution architects")."""

    __tablename__ = "cosell_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    calendar_id: Mapped[int] = mapped_column(ForeignKey("business_calendars.id"))
    is_default: Mapped[bool] = mapped_column(default=False)  # where requests no rule matches go


class RoutingRule(TimestampMixin, Base):
    """Routing as data: the first active rule (by position) whose conditions all hold wins; an
    empty condition matches anything."""

    __tablename__ = "routing_rules"
    __table_args__ = (Index("ix_routing_rules_active_position", "is_active", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    request_type: Mapped[RequestType | None]
    region: Mapped[str | None] = mapped_column(String(60))
    territory: Mapped[str | None] = mapped_column(String(60))
    vertical: Mapped[str | None] = mapped_column(String(60))
    product_line: Mapped[str | None] = mapped_column(String(60))
    tier_key: Mapped[str | None] = mapped_column(String(60))
    team_id: Mapped[int] = mapped_column(ForeignKey("cosell_teams.id"))
    first_response_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))  # business hours
    # Faster first response for higher tier priority: {"1": 4, "2": 8} (tier cosell_priority → hours).
    priority_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)


class ResourceRequest(Aggregate, PartnerOwned, TimestampMixin, Base):
    __tablename__ = "resource_requests"
    __table_args__ = (
        CheckConstraint("outcome_rating IS NULL OR outcome_rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_resource_requests_team_status", "team_id", "status"),
        Index("ix_resource_requests_status_due", "status", "first_response_due_at"),
        Index("ix_resource_requests_assignee_status", "assignee_user_id", "status"),
        Index("ix_resource_requests_registration", "registration_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    request_type: Mapped[RequestType]
    status: Mapped[RequestStatus] = mapped_column(default=RequestStatus.NEW)
    needed_by: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    customer_context: Mapped[str | None] = mapped_column(Text)
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Routing: the team queue, the rule that chose it (None: the default queue), the SLA.
    team_id: Mapped[int] = mapped_column(ForeignKey("cosell_teams.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rules.id", ondelete="SET NULL"))
    priority: Mapped[int] = mapped_column(default=3)  # the partner tier's cosell_priority when routed
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached: Mapped[bool] = mapped_column(default=False)  # materialised by the sweep; computed on read too
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declined_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_rating: Mapped[int | None]  # effect on the deal, 1 (none) to 5 (decisive)
    outcome_notes: Mapped[str | None] = mapped_column(Text)


class CodeliveryPlan(Aggregate, PartnerOwned, TimestampMixin, Base):
    """Who leads what on a project registration; its versions hold the rows."""

    __tablename__ = "codelivery_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    agreed_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id", use_alter=True, ondelete="SET NULL"))

    versions: Mapped[list[PlanVersion]] = relationship(
        lazy="raise", order_by="PlanVersion.number", foreign_keys="PlanVersion.plan_id", cascade="all, delete-orphan"
    )


class PlanVersion(AggregatePart, PartnerOwned, Base):
    """One version of a plan: agreed when both the partner admin and the vendor PS lead signed."""

    __tablename__ = "plan_versions"
    root_table, root_column = "codelivery_plans", "plan_id"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("codelivery_plans.id", ondelete="CASCADE"))
    number: Mapped[int]
    status: Mapped[PlanVersionStatus] = mapped_column(default=PlanVersionStatus.PROPOSED)
    proposed_by_side: Mapped[Side]
    proposed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)  # why this version (e.g. the dispute decision it records)
    partner_signed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    partner_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vendor_signed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    vendor_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activities: Mapped[list[PlanActivity]] = relationship(lazy="raise", order_by="PlanActivity.position", cascade="all, delete-orphan")


class PlanActivity(PartnerOwned, Base):
    __tablename__ = "plan_activities"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    activity: Mapped[Activity]
    label: Mapped[str | None] = mapped_column(String(200))  # the name of a custom row
    lead: Mapped[Lead]
    effort_days: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    notes: Mapped[str | None] = mapped_column(Text)


class EngagementConsent(Aggregate, PartnerOwned, TimestampMixin, Base):
    """A protecting SI's consent to vendor PS working on its account: an activity (or all), until a date."""

    __tablename__ = "engagement_consents"
    __table_args__ = (Index("ix_engagement_consents_customer", "customer_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    activity: Mapped[Activity | None]  # None: every activity
    given_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class PsEngagement(Aggregate, TimestampMixin, Base):
    """Vendor PS people staffed onto a customer account for an activity (vendor data)."""

    __tablename__ = "ps_engagements"
    __table_args__ = (Index("ix_ps_engagements_customer", "customer_id", "activity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    activity: Mapped[Activity]
    description: Mapped[str | None] = mapped_column(Text)
    staffed_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[EngagementOutcome]
    protecting_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("engagement_consents.id", ondelete="SET NULL"))
    override_reason: Mapped[str | None] = mapped_column(Text)


class RoeViolation(PartnerOwned, Base):
    """A rule-of-engagement override, reported on the protecting partner's record and in QBR data."""

    __tablename__ = "roe_violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("ps_engagements.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    activity: Mapped[Activity]
    rule: Mapped[str] = mapped_column(Text)  # the rule that was overridden, in words
    overridden_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScopeDispute(Aggregate, PartnerOwned, TimestampMixin, Base):
    """A disagreement on who leads a plan activity or an engagement, climbing the program's
    escalation ladder until decided."""

    __tablename__ = "scope_disputes"
    __table_args__ = (Index("ix_scope_disputes_status_deadline", "status", "level_deadline_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("codelivery_plans.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("plan_activities.id", ondelete="SET NULL"))
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("ps_engagements.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(Text)
    opened_by_side: Mapped[Side]
    opened_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[DisputeStatus] = mapped_column(default=DisputeStatus.OPEN)
    level: Mapped[int] = mapped_column(default=0)  # index into the program's escalation ladder
    level_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"level", "at", "by"}]
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_lead: Mapped[Lead | None]
    decision_split: Mapped[str | None] = mapped_column(Text)
    rationale: Mapped[str | None] = mapped_column(Text)
    resulting_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id", ondelete="SET NULL"))
