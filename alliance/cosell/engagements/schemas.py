"""Consents, vendor PS engagements, rule-of-engagement violations, account protection from a registration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from alliance.cosell.vocabulary import Activity, ConsentAction, EngagementAction, EngagementOutcome
from alliance.kit.schemas import InputSchema, ReadSchema, RowId
from alliance.kit.types import Day

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class ConsentCreate(InputSchema):
    activity: Activity | None = Field(default=None, description="The activity vendor PS may staff; empty: every activity")
    expires_on: Day = Field(description="Last day the consent holds; after today")
    note: Note | None = None


class ConsentRevocation(InputSchema):
    reason: Reason


class ConsentRead(ReadSchema):
    id: int
    partner_id: int
    customer_id: int
    activity: Activity | None
    given_by_user_id: int | None
    given_at: datetime
    expires_on: date
    note: str | None
    revoked_at: datetime | None
    revoked_by_user_id: int | None
    revoke_reason: str | None
    actions: list[ConsentAction] = Field(default_factory=list, description="What the caller may do to the consent now")


class PsEngagementCreate(InputSchema):
    customer_id: RowId
    activity: Activity
    staffed_user_id: RowId = Field(description="The vendor PS person staffed")
    starts_on: Day
    ends_on: Day | None = None
    description: Note | None = None
    override_reason: Reason | None = Field(default=None, description="Program admins only: staff despite the rules of engagement")

    @model_validator(mode="after")
    def _dates_in_order(self) -> PsEngagementCreate:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


class PsEngagementRead(ReadSchema):
    id: int
    customer_id: int
    activity: Activity
    description: str | None
    staffed_user_id: int
    starts_on: date
    ends_on: date | None
    created_by_user_id: int | None
    outcome: EngagementOutcome
    protecting_partner_id: int | None
    consent_id: int | None
    override_reason: str | None
    created_at: datetime
    actions: list[EngagementAction] = Field(default_factory=list, description="What the caller may do to the engagement now")


class RoeViolationRead(ReadSchema):
    id: int
    partner_id: int
    engagement_id: int
    customer_id: int
    activity: Activity
    rule: str
    overridden_by_user_id: int | None
    reason: str
    occurred_at: datetime


class AccountProtectionRequest(InputSchema):
    until: Day | None = Field(default=None, description="Last protected day; default: the registration's protected_until")
    reason: Reason


@dataclass(frozen=True)
class ConsentFilters:
    customer_id: int | None = None
    partner_id: int | None = None
    active_on: date | None = None  # only consents neither revoked nor expired on this day


@dataclass(frozen=True)
class EngagementFilters:
    customer_id: int | None = None
    partner_id: int | None = None  # the protecting partner
    outcome: EngagementOutcome | None = None


@dataclass(frozen=True)
class ViolationFilters:
    partner_id: int | None = None
    partner_ids: tuple[int, ...] | None = None  # a CAM's or sponsor's partners (the executive dashboard's views)
    occurred_from: date | None = None  # QBR periods
    occurred_to: date | None = None
