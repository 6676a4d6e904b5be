"""Closed vocabularies of joint business plans."""

from __future__ import annotations

from enum import StrEnum


class PlanStatus(StrEnum):
    """A joint business plan's lifecycle. `active` is never stored: an agreed plan is active while
    today is in its fiscal period (`rules.effective_status`)."""

    DRAFT = "draft"  # being written; no version proposed yet
    PROPOSED = "proposed"  # a version awaits both signatures, none agreed yet
    AGREED = "agreed"  # a version both sides signed is in force
    ACTIVE = "active"
    CLOSED = "closed"  # final scorecard taken


class ItemKind(StrEnum):
    REVENUE_TARGET = "revenue_target"
    CERTIFICATION_TARGET = "certification_target"
    SOLUTION_MILESTONE = "solution_milestone"
    DEMO_ENVIRONMENT = "demo_environment"
    VERTICAL_MILESTONE = "vertical_milestone"
    CO_INVESTMENT = "co_investment"

    @property
    def label(self) -> str:
        return ITEM_KIND_LABELS[self]

    @property
    def is_milestone(self) -> bool:
        """Completed with evidence and confirmed by the vendor (targets are computed instead)."""
        return self in MILESTONE_KINDS


ITEM_KIND_LABELS = {
    ItemKind.REVENUE_TARGET: "Revenue target",
    ItemKind.CERTIFICATION_TARGET: "Certification target",
    ItemKind.SOLUTION_MILESTONE: "Solution development milestone",
    ItemKind.DEMO_ENVIRONMENT: "Demo / PoC environment",
    ItemKind.VERTICAL_MILESTONE: "Vertical program milestone",
    ItemKind.CO_INVESTMENT: "Vendor co-investment",
}
MILESTONE_KINDS = frozenset({ItemKind.SOLUTION_MILESTONE, ItemKind.DEMO_ENVIRONMENT, ItemKind.VERTICAL_MILESTONE, ItemKind.CO_INVESTMENT})


class RevenueKind(StrEnum):
    DIRECT = "direct"
    INFLUENCED = "influenced"
    SERVICES = "services"


class InvestmentKind(StrEnum):
    CERTIFICATION_SEATS = "certification_seats"
    CERTIFICATION_FUNDING = "certification_funding"
    MDF = "mdf"
    SE_HOURS = "se_hours"
    ARCHITECT_HOURS = "architect_hours"
    EXECUTIVE_SPONSOR_HOURS = "executive_sponsor_hours"

    @property
    def is_money(self) -> bool:
        return self in (InvestmentKind.CERTIFICATION_FUNDING, InvestmentKind.MDF)


class ItemStatus(StrEnum):
    """Progress of a milestone or co-investment; targets' progress is computed, never typed."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"  # evidence given, awaiting the vendor's confirmation
    CONFIRMED = "confirmed"  # the vendor confirmed the evidence


class PlanAction(StrEnum):
    """What a user may do to a joint business plan now (services answer; pages and the API show it)."""

    EDIT = "edit"
    PROPOSE = "propose"
    SIGN = "sign"
    AMEND = "amend"
    CLOSE = "close"
