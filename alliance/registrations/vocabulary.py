"""Closed vocabularies of registrations: deal stages, registrant roles, conflict kinds, credit types."""

from __future__ import annotations

from enum import StrEnum


class DealStage(StrEnum):
    QUALIFYING = "qualifying"
    DISCOVERY = "discovery"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    COMMIT = "commit"


class RegistrantRole(StrEnum):
    """The registrant's part in an architecture engagement (influence registrations)."""

    LEAD_ARCHITECT = "lead_architect"
    ADVISOR = "advisor"
    IMPLEMENTATION_PARTNER = "implementation_partner"
    PROGRAM_MANAGER = "program_manager"
    EVALUATOR = "evaluator"


class ConflictKind(StrEnum):
    SAME_KIND_OVERLAP = "same_kind_overlap"  # rule 1: an earlier active registration of the same kind holds
    INFLUENCE_HOLDS = "influence_holds"  # rule 2: an approved SI influence/project registration stays partner of record
    CROSS_KIND_OVERLAP = "cross_kind_overlap"  # another kind on the same customer and scope, for the CAM to see
    VENDOR_DIRECT = "vendor_direct"  # rule 3: the customer is a vendor-direct account
    SI_PROTECTED = "si_protected"  # rule 3: the customer is protected by another SI


class ConflictCheck(StrEnum):
    SUBMIT = "submit"
    REVIEW = "review"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CreditType(StrEnum):
    DIRECT = "direct"  # the transacting partner of a won deal
    INFLUENCE = "influence"  # partner of record through an approved influence or project registration
    SERVICES = "services"  # the delivering SI of a won project
    VENDOR_DIRECT = "vendor_direct"  # a won deal the vendor transacted itself (no partner)
