"""The closed vocabularies of the partner domain (types, subtypes, statuses, roles, regions)."""

from __future__ import annotations

from enum import StrEnum


class PartnerType(StrEnum):
    SYSTEMS_INTEGRATOR = "systems_integrator"
    RESELLER = "reseller"
    MSP = "msp"
    DISTRIBUTOR = "distributor"


class SISubtype(StrEnum):
    GSI = "gsi"
    REGIONAL = "regional"
    VERTICAL = "vertical"
    TECHNOLOGY = "technology"


class PartnerStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class DeliveryRole(StrEnum):
    SOLUTION_ARCHITECT = "solution_architect"
    IMPLEMENTATION_ENGINEER = "implementation_engineer"
    INTEGRATION_SPECIALIST = "integration_specialist"
    PROJECT_MANAGER = "project_manager"
    SALES = "sales"
    PRACTICE_LEAD = "practice_lead"


class SponsorSide(StrEnum):
    VENDOR = "vendor"
    PARTNER = "partner"


class AttributeKind(StrEnum):
    REGION = "region"
    TERRITORY = "territory"
    VERTICAL = "vertical"
    SPECIALTY = "specialty"


class RegistrationKind(StrEnum):
    DEAL = "deal"
    PROJECT = "project"
    INFLUENCE = "influence"


class AssetAccessLevel(StrEnum):
    PUBLIC = "public"
    STANDARD = "standard"
    ADVANCED = "advanced"
    STRATEGIC = "strategic"


class CriteriaMode(StrEnum):
    """How a tier combines its criteria."""

    ALL = "all"
    ANY = "any"


class Comparison(StrEnum):
    AT_LEAST = ">="
    MORE_THAN = ">"
    EQUAL = "=="
    AT_MOST = "<="
    LESS_THAN = "<"


class CreditSplit(StrEnum):
    """How several partners of record share a won deal's influence credit."""

    FULL = "full"  # each gets the program's share
    EQUAL = "equal"  # the share is split equally between them


REGIONS = ("NA", "LATAM", "EMEA", "APAC")

TYPE_LABELS = {
    PartnerType.SYSTEMS_INTEGRATOR: "Systems integrator",
    PartnerType.RESELLER: "Reseller",
    PartnerType.MSP: "MSP",
    PartnerType.DISTRIBUTOR: "Distributor",
}
SUBTYPE_LABELS = {
    SISubtype.GSI: "Global SI",
    SISubtype.REGIONAL: "Regional SI",
    SISubtype.VERTICAL: "Vertical SI",
    SISubtype.TECHNOLOGY: "Technology SI",
}
DELIVERY_ROLE_LABELS = {
    DeliveryRole.SOLUTION_ARCHITECT: "Solution architect",
    DeliveryRole.IMPLEMENTATION_ENGINEER: "Implementation engineer",
    DeliveryRole.INTEGRATION_SPECIALIST: "Integration specialist",
    DeliveryRole.PROJECT_MANAGER: "Project manager",
    DeliveryRole.SALES: "Sales",
    DeliveryRole.PRACTICE_LEAD: "Practice lead",
}
