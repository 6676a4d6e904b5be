"""Closed vocabularies of co-sell and co-delivery."""

from __future__ import annotations

from enum import StrEnum


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


class Side(StrEnum):
    PARTNER = "partner"
    VENDOR = "vendor"
