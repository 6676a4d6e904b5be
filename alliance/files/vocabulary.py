"""What files are for, and which kinds of file are accepted."""

from __future__ import annotations

from enum import StrEnum


class FilePurpose(StrEnum):
    """Why a file was uploaded; the domain that attaches it checks the purpose it expects."""

    ASSET = "asset"  # a version of a library asset (reference architecture, accelerator ...)
    FUND_CLAIM = "fund_claim"  # proof of performance for an MDF claim (invoices, photos, attendee lists)
    PLAN_EVIDENCE = "plan_evidence"  # evidence that a business-plan milestone is done
    LOGO = "logo"  # a partner's logo on its co-branded briefs (images only)
    OTHER = "other"

    @property
    def label(self) -> str:
        return PURPOSE_LABELS[self]


PURPOSE_LABELS = {
    FilePurpose.ASSET: "Library asset",
    FilePurpose.FUND_CLAIM: "Proof of performance",
    FilePurpose.PLAN_EVIDENCE: "Plan evidence",
    FilePurpose.LOGO: "Partner logo",
    FilePurpose.OTHER: "Other",
}
