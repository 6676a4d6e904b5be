"""How a conflict finding reads for each side.

A partner user reads only the kind, score, time and the stored privacy-safe message: nothing that
names or points at the other partner's registration. Vendor staff read the evidence and both sides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alliance.kit.schemas import ReadSchema
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.lifecycle import Status
from alliance.registrations.vocabulary import ConflictCheck, ConflictKind


class PartnerConflictView(ReadSchema):
    kind: ConflictKind
    score: float
    detected_at: datetime
    message: str


class VendorConflictView(ReadSchema):
    id: int
    registration_id: int
    kind: ConflictKind
    step: ConflictCheck
    score: float
    detected_at: datetime
    partner_message: str
    evidence: dict[str, Any]
    # The other side (None for account rules: vendor-direct, another partner's protected account).
    other_registration_id: int | None
    other_partner_id: int | None
    other_partner_name: str | None
    other_title: str | None
    other_kind: RegistrationKind | None
    other_status: Status | None
    other_submitted_at: datetime | None
    other_customer_id: int | None
    other_customer_name: str | None


ConflictView = PartnerConflictView | VendorConflictView
