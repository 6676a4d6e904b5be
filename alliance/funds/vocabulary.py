"""Closed vocabularies of market development funds."""

from __future__ import annotations

from enum import StrEnum


class ActivityType(StrEnum):
    EVENT = "event"
    CAMPAIGN = "campaign"
    TRAINING = "training"
    DEMO_ENVIRONMENT = "demo_environment"
    CO_MARKETING = "co_marketing"

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS[self]


ACTIVITY_LABELS = {
    ActivityType.EVENT: "Event",
    ActivityType.CAMPAIGN: "Campaign",
    ActivityType.TRAINING: "Training",
    ActivityType.DEMO_ENVIRONMENT: "Demo environment",
    ActivityType.CO_MARKETING: "Co-marketing",
}


class RequestStatus(StrEnum):
    """A fund request: submitted for review, then approved (in full or in part), rejected or
    withdrawn; closed once its claim deadline passed (its unclaimed commitment released)."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class ClaimStatus(StrEnum):
    """A claim: submitted with proof of performance, approved (in full or in part) or rejected,
    then paid."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


class LedgerKind(StrEnum):
    """The ledger's buckets. Each entry moves money into (positive) or out of (negative) one;
    the buckets other than `allocated` hold what is currently in that stage, so
    available = allocated − committed − claimed − approved − paid − expired."""

    ALLOCATED = "allocated"  # the partner's allocation for the period (changes by hand: ±)
    COMMITTED = "committed"  # approved requests not yet under a claim
    CLAIMED = "claimed"  # under claims awaiting review
    APPROVED = "approved"  # approved claims awaiting payment
    PAID = "paid"
    EXPIRED = "expired"  # unused at the period's end (or its grace date)


SPENDING_KINDS = (LedgerKind.COMMITTED, LedgerKind.CLAIMED, LedgerKind.APPROVED, LedgerKind.PAID, LedgerKind.EXPIRED)


class ProofKind(StrEnum):
    INVOICE = "invoice"
    PHOTO = "photo"
    ATTENDEE_LIST = "attendee_list"
    OTHER = "other"


class CostCategory(StrEnum):
    VENUE = "venue"
    CATERING = "catering"
    MEDIA = "media"
    AGENCY = "agency"
    TRAVEL = "travel"
    SOFTWARE = "software"
    PRINT = "print"
    OTHER = "other"
