"""What the early-access API takes and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from alliance.assets.early_access.rules import ApplicationStatus, EarlyAccessDecision
from alliance.kit.schemas import InputSchema, LongText, ReadSchema, RowId

Terms = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50_000)]
Feedback = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class EarlyAccessProgramInput(InputSchema):
    product_line: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] = Field(description="The release, e.g. 10 or 10.0")
    terms: Terms = Field(description="The terms a partner admin accepts when applying")
    minimum_tier_rank: int | None = Field(default=None, ge=1, le=10, description="The tier rank needed (in each partner's own program)")
    required_track_id: RowId | None = Field(default=None, description="A certification track at least one of the partner's people holds")


class EarlyAccessOpenInput(InputSchema):
    is_open: bool = Field(description="Taking applications (enrolled partners keep their access either way)")


class EarlyAccessApplicationInput(InputSchema):
    accept_terms: bool = Field(description="The program's terms are accepted (recorded with the time and the person)")
    note: LongText = Field(default="", description="What the partner means to do with the release")


class EarlyAccessDecisionInput(InputSchema):
    decision: EarlyAccessDecision
    reason: LongText | None = Field(default=None, description="Needed to decline: the partner reads it")


class EarlyAccessFeedbackInput(InputSchema):
    body: Feedback


class EarlyAccessProgramRead(ReadSchema):
    id: int
    name: str
    product_line: str
    version: str
    terms: str
    minimum_tier_rank: int | None
    required_track_id: int | None
    is_open: bool
    pending: int = Field(default=0, description="Applications waiting for a decision (a partner: its own)")
    enrolled: int = Field(default=0, description="Partners enrolled (a partner: itself, 0 or 1)")
    eligibility: list[str] = Field(default_factory=list, description="Partners: what they miss to be eligible, in words (empty: eligible)")
    application_status: ApplicationStatus | None = Field(default=None, description="Partners: their own application's status")


class EarlyAccessApplicationRead(ReadSchema):
    id: int
    program_id: int
    partner_id: int
    status: ApplicationStatus
    note: str
    terms_sha256: str
    terms_accepted_at: datetime
    terms_accepted_by_user_id: int | None
    decided_at: datetime | None
    decided_by_user_id: int | None
    decision_reason: str | None


class EarlyAccessApplicationRowRead(EarlyAccessApplicationRead):
    program: str
    partner: str
    accepted_by: str | None
    decided_by: str | None


class EarlyAccessFeedbackRead(ReadSchema):
    id: int
    program_id: int
    asset_id: int
    partner_id: int
    user_id: int | None
    body: str
    created_at: datetime
