"""Reads of the attribution ledger and the contribution report; the reversal request."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from alliance.kit.schemas import InputSchema, LongText, ReadSchema
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.vocabulary import CreditType


class ReversalRequest(InputSchema):
    reason: LongText = Field(min_length=1, description="Why the entry is reversed; stored on the reversing entry and in the audit trail")


class LedgerLineRead(ReadSchema):
    """What every read of a ledger line shows; the vendor's full line and a partner's drill-down line add to it."""

    id: int
    partner_id: int | None
    credit_type: CreditType
    amount: Decimal
    currency: str
    share_percent: Decimal
    effective_on: date
    recorded_at: datetime
    rule: str
    reverses_entry_id: int | None
    reason: str | None


class AttributionEntryRead(LedgerLineRead):
    """One ledger line as the vendor reads it."""

    registration_id: int
    closing_registration_id: int
    customer_id: int | None
    recorded_by: str


class CurrencyAmountsRead(ReadSchema):
    currency: str
    direct: Decimal
    influenced: Decimal
    services: Decimal
    total: Decimal = Field(description="direct + influenced + services")
    entries: int = Field(description="Ledger lines, reversals included")
    closings: int = Field(description="Won deals and projects the lines come from")


class TotalsRead(CurrencyAmountsRead):
    vendor_direct: Decimal = Field(description="Deals the vendor transacted itself (vendor users only; not part of total)")


class PartnerContributionRead(ReadSchema):
    partner_id: int
    partner_name: str
    amounts: list[CurrencyAmountsRead] = Field(description="One per currency; amounts are never converted")


class ContributionReportRead(ReadSchema):
    period_start: date
    period_end: date
    as_of: datetime
    items: list[PartnerContributionRead]
    total: int = Field(description="Partners with credit in the period, across all pages")
    limit: int
    offset: int
    totals: list[TotalsRead] = Field(description="Per currency, over every partner in the period (not only this page)")


class RegistrationRefRead(ReadSchema):
    id: int
    kind: RegistrationKind
    title: str | None = None
    customer_name: str | None = None


class ContributionEntryRead(LedgerLineRead):
    """A ledger line in a partner's drill-down, with the registration it credits when it is that
    partner's own (a transacting partner credited for another partner's deal sees the amount only)."""

    registration: RegistrationRefRead | None
    closing_registration: RegistrationRefRead | None
