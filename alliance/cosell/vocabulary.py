"""Closed vocabularies of co-sell and co-delivery."""

from __future__ import annotations

from enum import StrEnum

from alliance.agreements.signoff import Side as Side  # the two sides of every agreement, shared


class RequestType(StrEnum):
    SOLUTION_ARCHITECT = "solution_architect"
    TECHNICAL_SPECIALIST = "technical_specialist"
    PROFESSIONAL_SERVICES = "professional_services"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    ARCHITECTURE_VALIDATION = "architecture_validation"
    POC_SUPPORT = "poc_support"


class RequestStatus(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"


OPEN_REQUEST_STATUSES = frozenset({RequestStatus.NEW, RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS})


class Activity(StrEnum):
    ARCHITECTURE_DESIGN = "architecture_design"
    IMPLEMENTATION = "implementation"
    INTEGRATION = "integration"
    DATA_MIGRATION = "data_migration"
    PROJECT_MANAGEMENT = "project_management"
    TRAINING = "training"
    MANAGED_OPERATIONS = "managed_operations"
    CUSTOM = "custom"


class Lead(StrEnum):
    SI = "si"
    VENDOR_PS = "vendor_ps"
    JOINT = "joint"


class PlanVersionStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for one or both sign-offs
    AGREED = "agreed"  # both sides signed
    SUPERSEDED = "superseded"  # a later version replaced it


class EngagementOutcome(StrEnum):
    """Why a vendor PS engagement was allowed to be staffed."""

    ALLOWED = "allowed"  # the account is not SI-protected, or the agreed plan gives the activity to the vendor
    CONSENTED = "consented"  # the protecting SI recorded its consent
    OVERRIDDEN = "overridden"  # a program admin overrode the rule (a violation on the partner's record)


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


# --- what a user may do to a record, one enum per lifecycle ----------------------------------------
# Services say which of these an actor may take on a record (`*_actions`); pages and the API show
# exactly those, so neither holds a copy of the rules.


class RequestAction(StrEnum):
    ACCEPT = "accept"
    START = "start"
    DECLINE = "decline"
    COMPLETE = "complete"
    ASSIGN = "assign"

    @property
    def label(self) -> str:
        return _REQUEST_ACTION_LABELS[self][0]

    @property
    def done(self) -> str:
        """The past tense: "Accepted"."""
        return _REQUEST_ACTION_LABELS[self][1]


_REQUEST_ACTION_LABELS = {
    RequestAction.ACCEPT: ("Accept", "Accepted"),
    RequestAction.START: ("Start work", "Started"),
    RequestAction.DECLINE: ("Decline", "Declined"),
    RequestAction.COMPLETE: ("Complete", "Completed"),
    RequestAction.ASSIGN: ("Assign", "Assigned"),
}


class PlanAction(StrEnum):
    """On a co-delivery plan: propose its next version, sign its latest, dispute one of its activities."""

    PROPOSE = "propose"
    SIGN = "sign"
    DISPUTE = "dispute"

    @property
    def label(self) -> str:
        return {PlanAction.PROPOSE: "Propose a new version", PlanAction.SIGN: "Sign", PlanAction.DISPUTE: "Dispute an activity"}[self]


class DisputeAction(StrEnum):
    ESCALATE = "escalate"
    DECIDE = "decide"

    @property
    def label(self) -> str:
        return {DisputeAction.ESCALATE: "Escalate", DisputeAction.DECIDE: "Decide"}[self]


class ConsentAction(StrEnum):
    """GIVE is taken on an account the partner protects, REVOKE on a consent."""

    GIVE = "give"
    REVOKE = "revoke"

    @property
    def label(self) -> str:
        return {ConsentAction.GIVE: "Give consent", ConsentAction.REVOKE: "Revoke"}[self]


class EngagementAction(StrEnum):
    """STAFF and OVERRIDE are taken on an account, DISPUTE on a staffed engagement."""

    STAFF = "staff"
    OVERRIDE = "override"
    DISPUTE = "dispute"

    @property
    def label(self) -> str:
        return {EngagementAction.STAFF: "Staff", EngagementAction.OVERRIDE: "Override and staff", EngagementAction.DISPUTE: "Open dispute"}[self]
