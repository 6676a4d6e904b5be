"""What the library's API takes and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from alliance.assets import lifecycle
from alliance.assets.vocabulary import AssetKind, CertificationHolder, ReferenceStatus, ReviewDecision, UsageAction, VersionAction, VersionStatus
from alliance.kit.schemas import InputSchema, LongText, OptionalText, ReadSchema, RowId, ShortText
from alliance.kit.types import Day
from alliance.partners.vocabulary import PartnerType, SISubtype

Word = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=100)]
Body = Annotated[str, StringConstraints(max_length=200_000)]


class ValidatedVersion(InputSchema):
    product_line: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] = Field(description="MAJOR[.MINOR[.PATCH]], e.g. 9.1")

    @field_validator("version")
    @classmethod
    def _is_version(cls, value: str) -> str:
        lifecycle.release_rank(value)
        return value


class Entitlement(InputSchema):
    """Who may open the asset (empty lists: every partner type / subtype; no tier: any tier)."""

    partner_types: list[PartnerType] = Field(default_factory=list, max_length=4)
    si_subtypes: list[SISubtype] = Field(default_factory=list, max_length=4)
    minimum_tier_rank: int | None = Field(default=None, ge=1, le=10, description="The tier rank needed (1 the entry tier; in each partner's own program)")
    required_track_id: RowId | None = Field(default=None, description="A certification track: holders at its level or above count")
    certification_holder: CertificationHolder = CertificationHolder.PERSON
    holders_needed: int = Field(default=1, ge=1, le=100, description="With certification_holder=partner: how many people of the partner")
    early_access_program_id: RowId | None = Field(default=None, description="A pre-release asset: only partners enrolled in this early-access program open it")


class AssetInput(InputSchema):
    kind: AssetKind
    title: ShortText
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    body: Body = Field(default="", description="Markdown (raw HTML is shown as text)")
    owner_user_id: RowId | None = Field(default=None, description="Vendor: the owner told of flags; default the creator")
    deployment_pattern: OptionalText | None = None
    product_lines: list[Word] = Field(default_factory=list, max_length=10)
    verticals: list[Word] = Field(default_factory=list, max_length=10)
    technologies: list[Word] = Field(default_factory=list, max_length=20)
    tags: list[Word] = Field(default_factory=list, max_length=30)
    validated_versions: list[ValidatedVersion] = Field(default_factory=list, max_length=30)
    entitlement: Entitlement = Field(default_factory=Entitlement)


class VersionInput(InputSchema):
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=20)] = Field(description="Semantic version MAJOR.MINOR.PATCH")
    release_notes: LongText = ""
    file_ids: list[RowId] = Field(default_factory=list, max_length=20, description="Uploaded files (POST /files, purpose asset)")

    @field_validator("number")
    @classmethod
    def _is_semver(cls, value: str) -> str:
        lifecycle.semver_rank(value)
        return value


class VersionTransition(InputSchema):
    action: VersionAction
    reason: LongText | None = None


class ReviewInput(InputSchema):
    decision: ReviewDecision
    checklist: list[Annotated[str, StringConstraints(max_length=200)]] = Field(default_factory=list, max_length=20)
    comment: LongText = ""


class ProjectUseInput(InputSchema):
    registration_id: RowId
    version_id: RowId | None = None


class LockRead(ReadSchema):
    dimension: str
    reason: str
    unlock: str
    link: str | None


class FileRead(ReadSchema):
    file_id: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


class VersionRead(ReadSchema):
    id: int
    number: str
    status: VersionStatus
    status_reason: str | None
    release_notes: str
    published_at: datetime | None
    files: list[FileRead]


class AssetSummaryRead(ReadSchema):
    id: int
    kind: AssetKind
    title: str
    summary: str
    product_lines: list[str]
    verticals: list[str]
    technologies: list[str]
    tags: list[str]
    current_version: str | None = Field(description="The newest published version")
    published_at: datetime | None
    contributed_by: str | None = Field(description="The contributing partner, credited")
    locked: bool
    locks: list[LockRead] = Field(description="What is missing to open it, and the way to unlock it")
    flags: list[str] = Field(description='e.g. "not yet validated for Data Platform 9.0"')
    is_new: bool = Field(description="Published since the reader's previous visit")
    score: float | None = Field(description="Search rank (higher is better)")


class AssetRead(AssetSummaryRead):
    body_html: str = Field(description="The Markdown body rendered (no raw HTML)")
    body: str
    deployment_pattern: str | None
    validated_versions: list[ValidatedVersion]
    entitlement: Entitlement
    versions: list[VersionRead]
    usage: dict[str, int] = Field(description="Views and downloads (partners: their own)")
    used_in: list[str] = Field(description="Registrations it was used on (partners: their own)")


class AdoptionRowRead(ReadSchema):
    partner_type: str
    tier: str
    version: str
    partners: int
    people: int
    views: int
    downloads: int


class AdoptionRead(ReadSchema):
    asset_id: int
    title: str
    rows: list[AdoptionRowRead]
    projects: int


class ReviewRead(ReadSchema):
    id: int
    version_id: int
    author_user_id: int | None
    decision: ReviewDecision
    checklist: list[str]
    comment: str
    created_at: datetime


class ProjectUseRead(ReadSchema):
    id: int
    partner_id: int
    asset_id: int
    registration_id: int
    version_id: int | None
    recorded_at: datetime


class UsageEventRead(ReadSchema):
    action: UsageAction


# The story's problem and outcome: required, and not blank.
StoryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class ReferenceInput(InputSchema):
    customer_name: ShortText
    title: ShortText
    vertical: Word | None = None
    product_lines: list[Word] = Field(default_factory=list, max_length=10)
    product_versions: OptionalText | None = Field(default=None, description='e.g. "Data Platform 9.0, Analytics 12"')
    problem: StoryText
    outcome: StoryText = Field(description="With figures")
    quote: LongText | None = None
    customer_approved_on: Day | None = Field(default=None, description="When the customer approved it for external use")
    customer_approver: OptionalText | None = Field(default=None, description="Who at the customer approved it")


class ReferenceCreate(ReferenceInput):
    partner_id: RowId | None = Field(default=None, description="Vendor staff: the partner (partners: always their own)")


class ReferenceDecision(InputSchema):
    approve: bool
    note: LongText | None = Field(default=None, description="Required to reject: the reason the partner reads")
    customer_approved_on: Day | None = Field(default=None, description="Approving: when the customer approved it for external use (replaces the recorded date)")
    customer_approver: OptionalText | None = Field(default=None, description="Approving: who at the customer approved it (replaces the recorded name)")


class ReferenceStoryFields(ReadSchema):
    """What every reference tells, whoever reads it."""

    id: int
    partner_id: int
    customer_name: str
    title: str
    vertical: str | None
    product_lines: list[str]
    product_versions: str | None
    problem: str
    outcome: str
    quote: str | None


class ReferenceRead(ReferenceStoryFields):
    customer_approved_on: date | None
    customer_approver: str | None
    status: ReferenceStatus
    decided_at: datetime | None
    decision_note: str | None


class ReferenceEntryRead(ReferenceRead):
    """A reference in a list, with names: the partner, who submitted it and who decided it."""

    partner_name: str
    submitted_by: str | None
    decided_by: str | None


class ReferenceStoryRead(ReferenceStoryFields):
    """An approved reference in the library: every partner may use it (names, not ids)."""

    partner_name: str
    customer_approved_on: date = Field(description="When the customer approved it for external use")
    customer_approver: str = Field(description="Who at the customer approved it")
    approved_by: str | None = Field(description="The vendor user who approved it")
    approved_at: datetime | None
