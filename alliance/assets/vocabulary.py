"""Closed vocabularies of the asset library."""

from __future__ import annotations

from enum import StrEnum


class AssetKind(StrEnum):
    REFERENCE_ARCHITECTURE = "reference_architecture"
    SOLUTION_PATTERN = "solution_pattern"
    SOLUTION_ACCELERATOR = "solution_accelerator"  # a code/config package
    DELIVERY_METHODOLOGY = "delivery_methodology"
    DEMO_GUIDE = "demo_guide"  # a demo / PoC environment guide
    COMPLIANCE_KIT = "compliance_kit"  # a vertical compliance kit

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    AssetKind.REFERENCE_ARCHITECTURE: "Reference architecture",
    AssetKind.SOLUTION_PATTERN: "Solution pattern",
    AssetKind.SOLUTION_ACCELERATOR: "Solution accelerator",
    AssetKind.DELIVERY_METHODOLOGY: "Delivery methodology",
    AssetKind.DEMO_GUIDE: "Demo / PoC environment guide",
    AssetKind.COMPLIANCE_KIT: "Vertical compliance kit",
}


class VersionStatus(StrEnum):
    """A version's lifecycle (lifecycle.py): only published and deprecated versions reach partners
    (a deprecated one says so); a retired one is gone from the library."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    DEPRECATED = "deprecated"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


PARTNER_VISIBLE = frozenset({VersionStatus.PUBLISHED, VersionStatus.DEPRECATED})


class VersionAction(StrEnum):
    SUBMIT = "submit"  # draft -> in review
    REQUEST_CHANGES = "request_changes"  # in review -> draft, with a reason
    PUBLISH = "publish"  # in review -> published (the vendor approves)
    DEPRECATE = "deprecate"  # published -> deprecated, with a reason
    RETIRE = "retire"  # published/deprecated -> retired, with a reason


class CertificationHolder(StrEnum):
    """Who must hold an asset's required certification."""

    PERSON = "person"  # the person opening it
    PARTNER = "partner"  # N people of the partner


class UsageAction(StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"


class FacetKind(StrEnum):
    """What an asset is filtered by (one row per value)."""

    PRODUCT_LINE = "product_line"
    VERTICAL = "vertical"
    TECHNOLOGY = "technology"
    TAG = "tag"


class ReviewDecision(StrEnum):
    COMMENT = "comment"
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"  # publishes the version


REVIEW_CHECKLIST = (
    "Architecture validated against the named product versions",
    "Deployment steps reproduced in a clean environment",
    "Security and compliance claims reviewed",
    "No customer data or secrets in the files",
    "Licence and third-party components listed",
)


class ReferenceStatus(StrEnum):
    """A customer reference story: submitted by the partner (or written by the vendor), approved
    or rejected by the vendor. Only approved ones count and are shown as references."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
