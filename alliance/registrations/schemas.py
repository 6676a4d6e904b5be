"""Registration input per kind (deal, project, influence) and the reads partners and vendor get.

Kind-specific fields are validated here and stored in Registration.details as JSON (dates as ISO
strings); the fields every kind shares are columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, TypeAdapter, field_validator, model_validator

from alliance.customers.schemas import CustomerName
from alliance.kit import clock
from alliance.kit.money import Currency
from alliance.kit.schemas import InputSchema, ReadSchema, RowId, ShortText
from alliance.kit.types import Country, Day, Website
from alliance.partners.schemas import ProductLineKey
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.conflict_schemas import ConflictView
from alliance.registrations.lifecycle import Action, Side, Status
from alliance.registrations.models import Registration
from alliance.registrations.vocabulary import DealStage, ExtensionStatus, RegistrantRole

# Numeric(16, 2): the largest amount the money columns hold.
MAX_MONEY = Decimal("99999999999999.99")

Amount = Annotated[Decimal, Field(gt=0, le=MAX_MONEY, decimal_places=2)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ProductLines = Annotated[list[ProductLineKey], Field(min_length=1, max_length=20, description="Keys of active product lines")]
Names = Annotated[list[ShortText], Field(max_length=20)]

# Fields that are columns (or steer the service), not kind details.
COMMON_FIELDS = frozenset({"kind", "title", "customer", "product_lines", "amount", "currency", "transacting_partner_id", "campaign_code", "submit"})


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def _not_before(value: date, start: date | None, name: str) -> date:
    if start is not None and value < start:
        raise ValueError(f"must be on or after {name}")
    return value


class CustomerRef(InputSchema):
    """A known customer by id (from matching), or the company as typed; matched on submit."""

    customer_id: RowId | None = None
    name: CustomerName | None = None
    website: Website | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code")

    @model_validator(mode="after")
    def _id_or_name(self) -> CustomerRef:
        if self.customer_id is None and self.name is None:
            raise ValueError("give customer_id or the customer's name")
        return self


class _Common(InputSchema):
    title: ShortText
    customer: CustomerRef
    product_lines: ProductLines
    currency: Currency | None = Field(default=None, description="Must be the partner's program currency, which is the default; amounts are never converted")
    campaign_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = Field(
        default=None, description="The campaign code of the MDF activity it came from (MDF-123, on the fund request); counts in that activity's ROI"
    )
    submit: bool = Field(default=False, description="Create and submit in one call")

    _product_lines = field_validator("product_lines")(_unique)


class DealCreate(_Common):
    kind: Literal["deal"]
    amount: Amount = Field(description="Estimated amount")
    expected_close_on: Day
    transacting_partner_id: RowId | None = Field(
        default=None, description="Empty or the registrant itself; the vendor names another transacting partner when it marks the deal won"
    )
    stage: DealStage = DealStage.QUALIFYING

    @field_validator("expected_close_on")
    @classmethod
    def _not_in_past(cls, value: date) -> date:
        if value < clock.today():
            raise ValueError("must not be in the past")
        return value


class Phase(InputSchema):
    name: ShortText
    starts_on: Day
    ends_on: Day

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: date, info: Any) -> date:
        return _not_before(value, info.data.get("starts_on"), "starts_on")


class ProjectCreate(_Common):
    kind: Literal["project"]
    project_name: ShortText
    scope_description: Text
    phases: Annotated[list[Phase], Field(min_length=1, max_length=20)]
    amount: Amount = Field(description="Expected total contract value")
    delivery_starts_on: Day
    delivery_ends_on: Day

    @field_validator("delivery_ends_on")
    @classmethod
    def _ends_after_start(cls, value: date, info: Any) -> date:
        return _not_before(value, info.data.get("delivery_starts_on"), "delivery_starts_on")


class Evidence(InputSchema):
    kind: Literal["meeting", "artefact"]
    on: Day
    description: Text


class InfluenceCreate(_Common):
    kind: Literal["influence"]
    architecture_decision: Text
    candidate_platforms: Names = []
    competitors: Names = []
    registrant_role: RegistrantRole
    decision_expected_on: Day
    evidence: Annotated[list[Evidence], Field(min_length=1, max_length=50)]
    amount: Amount | None = Field(default=None, description="Estimated opportunity value")


RegistrationCreate = Annotated[DealCreate | ProjectCreate | InfluenceCreate, Field(discriminator="kind")]
REGISTRATION_CREATE: TypeAdapter[DealCreate | ProjectCreate | InfluenceCreate] = TypeAdapter(RegistrationCreate)


def close_date_of(data: DealCreate | ProjectCreate | InfluenceCreate) -> date:
    """The date column each kind fills: deal close, project delivery end, influence decision."""
    if isinstance(data, DealCreate):
        return data.expected_close_on
    if isinstance(data, ProjectCreate):
        return data.delivery_ends_on
    return data.decision_expected_on


def details_of(data: DealCreate | ProjectCreate | InfluenceCreate) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude=set(COMMON_FIELDS))


class RegistrationUpdate(InputSchema):
    """Partial change of a draft or info-requested registration; the result is validated again
    as a whole by its kind's schema."""

    title: ShortText | None = None
    customer: CustomerRef | None = None
    product_lines: ProductLines | None = None
    amount: Amount | None = None
    currency: Currency | None = None
    expected_close_on: Day | None = None
    transacting_partner_id: RowId | None = None
    campaign_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    stage: DealStage | None = None
    project_name: ShortText | None = None
    scope_description: Text | None = None
    phases: Annotated[list[Phase], Field(min_length=1, max_length=20)] | None = None
    delivery_starts_on: Day | None = None
    delivery_ends_on: Day | None = None
    architecture_decision: Text | None = None
    candidate_platforms: Names | None = None
    competitors: Names | None = None
    registrant_role: RegistrantRole | None = None
    decision_expected_on: Day | None = None
    evidence: Annotated[list[Evidence], Field(min_length=1, max_length=50)] | None = None


KIND_FIELDS: dict[str, frozenset[str]] = {
    RegistrationKind.DEAL: frozenset(DealCreate.model_fields) - {"submit"},
    RegistrationKind.PROJECT: frozenset(ProjectCreate.model_fields) - {"submit"},
    RegistrationKind.INFLUENCE: frozenset(InfluenceCreate.model_fields) - {"submit"},
}


class ActionRequest(InputSchema):
    reason: Reason | None = None


class WonRequest(InputSchema):
    booked_amount: Amount
    currency: Currency | None = Field(default=None, description="The booked amount's currency; must be the registration's (the default)")
    closed_on: Day
    reason: Reason | None = None
    vendor_transacted: bool | None = Field(default=None, description="The vendor sold it directly (no partner transacted)")
    transacting_partner_id: RowId | None = Field(default=None, description="Deals: the active partner that sold it, when not the registrant")


class ExtensionRequest(InputSchema):
    reason: Reason


class ExtensionDecision(InputSchema):
    approve: bool
    reason: Reason | None = Field(default=None, description="Required: the partner reads why in the registration's history")


# --- reads ------------------------------------------------------------------------------------


@dataclass
class RegistrationView:
    """A registration as one caller sees it: status as of today, what they may do next, and the
    conflicts they may read; `partner_name` only for vendor users."""

    registration: Registration
    effective_status: Status
    days_left: int | None
    allowed_actions: list[Action]
    conflicts: list[ConflictView] = field(default_factory=list)
    partner_name: str | None = None
    is_vendor: bool = False
    # Detail reads only: the extension request waiting for a decision, and how many are allowed.
    pending_extension: Any = None
    max_extensions: int | None = None


class VendorFacts(BaseModel):
    partner_name: str | None
    registrant_user_id: int | None
    reviewer_user_id: int | None


# The registration's columns in two runs that the API reads (READ_COLUMNS) and the audit trail
# snapshots (registrations.service.STATE_FIELDS): what the partner registers, and what came of it.
REGISTERED_COLUMNS = (
    "title",
    "customer_id",
    "customer_name",
    "customer_website",
    "customer_country",
    "product_lines",
    "amount",
    "currency",
    "expected_close_on",
    "transacting_partner_id",
    "fund_request_id",
    "details",
)
OUTCOME_COLUMNS = ("decision_reason", "approved_at", "protected_until", "extensions_granted", "closed_on", "booked_amount")
READ_COLUMNS = (
    "id",
    "partner_id",
    "kind",
    "status",
    *REGISTERED_COLUMNS,
    "submitted_at",
    "last_submitted_at",
    "status_changed_at",
    "decided_at",
    *OUTCOME_COLUMNS,
    "created_at",
    "updated_at",
)


class ExtensionRead(ReadSchema):
    id: int
    registration_id: int
    partner_id: int
    status: ExtensionStatus
    requested_at: datetime
    reason: str
    decided_at: datetime | None
    decision_reason: str | None
    previous_until: date | None
    new_until: date | None


class RegistrationRead(BaseModel):
    id: int
    partner_id: int
    kind: RegistrationKind
    status: Status = Field(description="As stored; see effective_status")
    effective_status: Status = Field(description="As of today: an approved registration past its protection reads as expired")
    title: str
    customer_id: int | None
    customer_name: str
    customer_website: str | None
    customer_country: str | None
    product_lines: list[str]
    amount: Decimal | None
    currency: str
    expected_close_on: date | None
    transacting_partner_id: int | None
    fund_request_id: int | None = Field(description="The MDF activity it came from (its campaign code was quoted)")
    details: dict[str, Any]
    submitted_at: datetime | None
    last_submitted_at: datetime | None
    status_changed_at: datetime | None
    decided_at: datetime | None
    decision_reason: str | None
    approved_at: datetime | None
    protected_until: date | None
    days_left: int | None = Field(description="Days of protection left (approved only)")
    extensions_granted: int
    max_extensions: int | None = Field(default=None, description="Extensions allowed in all (detail reads only)")
    pending_extension: ExtensionRead | None = Field(default=None, description="The extension request waiting for a decision (detail reads only)")
    closed_on: date | None
    booked_amount: Decimal | None
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[Action] = Field(description="What the caller may do next (the same list the web pages offer)")
    conflicts: list[ConflictView] = Field(
        description="Conflict findings as the caller may see them (detail reads only): a partner user reads PartnerConflictView, vendor staff VendorConflictView"
    )
    vendor: VendorFacts | None = Field(description="Vendor users only")

    @classmethod
    def of(cls, view: RegistrationView) -> RegistrationRead:
        registration = view.registration
        values = {name: getattr(registration, name) for name in READ_COLUMNS}
        vendor = (
            VendorFacts(partner_name=view.partner_name, registrant_user_id=registration.registrant_user_id, reviewer_user_id=registration.reviewer_user_id)
            if view.is_vendor
            else None
        )
        return cls(
            **values,
            effective_status=view.effective_status,
            days_left=view.days_left,
            allowed_actions=view.allowed_actions,
            conflicts=view.conflicts,
            vendor=vendor,
            max_extensions=view.max_extensions,
            pending_extension=ExtensionRead.model_validate(view.pending_extension) if view.pending_extension is not None else None,
        )


class RegistrationEventRead(ReadSchema):
    at: datetime
    action: str
    from_status: Status | None
    to_status: Status | None
    actor_label: str
    actor_side: Side
    reason: str | None


@dataclass(frozen=True)
class QueueItem:
    registration_id: int
    kind: RegistrationKind
    title: str
    status: Status
    partner_id: int
    partner_name: str
    customer_id: int | None
    customer_name: str
    waiting_since: datetime
    due_at: datetime
    age_business_days: float
    overdue: bool
    waiting_on: str
    conflict_count: int
    actions: list[Action] = field(default_factory=list)  # the decisions the caller may take from the queue


@dataclass(frozen=True)
class PendingExtension:
    id: int
    registration_id: int
    registration_title: str
    partner_id: int
    partner_name: str
    requested_at: datetime
    reason: str
    protected_until: date | None


class QueueItemRead(ReadSchema):
    registration_id: int
    kind: RegistrationKind
    title: str
    status: Status
    partner_id: int
    partner_name: str
    customer_id: int | None
    customer_name: str
    waiting_since: datetime = Field(description="Last submission: the review SLA runs from here")
    due_at: datetime
    age_business_days: float
    overdue: bool
    waiting_on: Literal["vendor", "partner"]
    conflict_count: int
    actions: list[Action] = Field(default_factory=list, description="Decisions the caller may take (approve, request_info, reject)")


class PendingExtensionRead(ReadSchema):
    id: int
    registration_id: int
    registration_title: str
    partner_id: int
    partner_name: str
    requested_at: datetime
    reason: str
    protected_until: date | None


class ReviewQueueRead(BaseModel):
    items: list[QueueItemRead]
    total: int
    limit: int
    offset: int
    extensions: list[PendingExtensionRead] = Field(description="Pending extension requests, oldest first")
    extensions_total: int
