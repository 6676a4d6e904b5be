from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from alliance.customers.records import MAX_EXTERNAL_ID, MAX_INDUSTRY, MAX_WEBSITE, check_name, check_website
from alliance.customers.vocabulary import EmployeeBand, Ownership, parse_country
from alliance.kit.schemas import InputSchema, ReadSchema, RowId, ShortText

CustomerName = Annotated[ShortText, AfterValidator(check_name)]
Website = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_WEBSITE), AfterValidator(check_website)]
Country = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2), AfterValidator(parse_country)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_EXTERNAL_ID)]
Industry = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_INDUSTRY)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=1000)]


class CustomerCreate(InputSchema):
    name: CustomerName
    website: Website | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. DE")
    industry: Industry | None = None
    employee_band: EmployeeBand | None = None
    external_id: ExternalId | None = Field(default=None, description="The customer's id in the CRM; unique")


class CustomerUpdate(InputSchema):
    name: CustomerName | None = None
    website: Website | None = None
    country: Country | None = None
    industry: Industry | None = None
    employee_band: EmployeeBand | None = None
    external_id: ExternalId | None = None
    reason: Annotated[str, Field(max_length=1000)] | None = Field(default=None, description="Recorded in the audit trail")


class OwnershipChange(InputSchema):
    status: Ownership
    owning_partner_id: RowId | None = Field(default=None, description="The systems integrator protecting the account (si_protected only)")
    protected_until: date | None = Field(default=None, description="Last day of the protection (si_protected only)")
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
