from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints

from alliance.customers.names import normalize_name
from alliance.customers.vocabulary import EmployeeBand, Ownership, parse_employee_band
from alliance.kit.schemas import InputSchema, ReadSchema, RowId, ShortText
from alliance.kit.types import Country, Day, Website

# Column sizes (models.Customer).
MAX_EXTERNAL_ID = 64
MAX_INDUSTRY = 100


def check_name(value: str) -> str:
    if not normalize_name(value).tokens:
        raise ValueError("needs at least one letter or digit")
    return value


def _band_text(value: object) -> object:
    # CRMs export '10,001+' or ' 51 - 200 '; an unknown band is left for the enum to refuse.
    if isinstance(value, str):
        try:
            return parse_employee_band(value.strip())
        except ValueError:
            return value
    return value


CustomerName = Annotated[ShortText, AfterValidator(check_name)]
Band = Annotated[EmployeeBand, BeforeValidator(_band_text)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_EXTERNAL_ID)]
Industry = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_INDUSTRY)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


class CustomerCreate(InputSchema):
    name: CustomerName
    website: Website | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. DE")
    industry: Industry | None = None
    employee_band: Band | None = None
    external_id: ExternalId | None = Field(default=None, description="The customer's id in the CRM; unique")


class CustomerRow(CustomerCreate):
    """A CSV import row: a customer as the API takes it, keyed by its (required) external id."""

    external_id: ExternalId


class CustomerUpdate(InputSchema):
    name: CustomerName | None = None
    website: Website | None = None
    country: Country | None = None
    industry: Industry | None = None
    employee_band: Band | None = None
    external_id: ExternalId | None = None
    reason: Annotated[str, Field(max_length=1000)] | None = Field(default=None, description="Recorded in the audit trail")


class OwnershipChange(InputSchema):
    status: Ownership
    owning_partner_id: RowId | None = Field(default=None, description="The systems integrator protecting the account (si_protected only)")
    protected_until: Day | None = Field(default=None, description="Last day of the protection (si_protected only)")
    reason: Reason = Field(description="Why: recorded on the customer and in the audit trail")


class CustomerRead(ReadSchema):
    id: int
    external_id: str | None
    name: str
    website: str | None
    domain: str | None
    country: str | None
    industry: str | None
    employee_band: EmployeeBand | None
    ownership: Ownership
    owning_partner_id: int | None
    protected_until: date | None
    protection_reason: str | None
    ownership_changed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class MatchQuery(InputSchema):
    name: CustomerName
    website: Website | None = None
    country: Country | None = None
    limit: Annotated[int, Field(ge=1, le=50)] = 10
    min_score: Annotated[float, Field(ge=0, le=1)] | None = Field(default=None, description="Lowest score to return; defaults to the conflict threshold")


class ReasonRead(ReadSchema):
    feature: str = Field(description="name, domain or country")
    verdict: str = Field(description="same, similar, different or unknown")
    similarity: float | None
    detail: str


class MatchCandidateRead(ReadSchema):
    """A customer's identity only: never its ownership or anything a partner registered."""

    customer_id: int
    external_id: str | None
    name: str
    website: str | None
    country: str | None
    score: float = Field(ge=0, le=1)
    reasons: list[ReasonRead]


class MatchResponse(BaseModel):
    candidates: list[MatchCandidateRead] = Field(description="Best first")
