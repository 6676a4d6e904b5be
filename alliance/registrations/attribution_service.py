"""The attribution ledger: recording a close, reversing an entry, correcting a close, and the
partner contribution report. Entries are never updated or deleted (docs/attribution.md)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.kit.fiscal import PeriodKind
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.partners.repository import PartnerRepository
from alliance.partners.vocabulary import CreditSplit, RegistrationKind
from alliance.registrations import attribution
from alliance.registrations.attribution_repository import (
    AmountsRow,
    AttributionRepository,
    DrillRow,
    ReportWindow,
)
from alliance.registrations.attribution_schemas import ContributionEntryRead, RegistrationRefRead
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import AttributionEntry, Registration
from alliance.registrations.vocabulary import CreditType

ENTRY_FIELDS = (
    "partner_id",
    "registration_id",
    "closing_registration_id",
    "customer_id",
    "credit_type",
    "amount",
    "currency",
    "share_percent",
    "effective_on",
    "recorded_at",
    "rule",
    "reverses_entry_id",
    "reason",
)
ZERO = Decimal("0.00")
FIRST_PAGE = PageRequest()
# The deal's details say who transacted when it was not a partner (see docs/attribution.md).
VENDOR_TRANSACTED_DETAIL = ("transacting", "vendor")


# --- recording ---------------------------------------------------------------------------------


def record_close(
    session: Session, actor: Actor, registration: Registration, *, booked_amount: Decimal, closed_on: date, vendor_transacted: bool | None = None
) -> list[AttributionEntry]:
    """Called after `registration` (deal or project, status already won, closed_on/booked_amount set, flushed) — creates the ledger entries in the caller's transaction and audits them.

    A deal is vendor-transacted when `vendor_transacted` is true, or, when it is None, when its
    details hold {"transacting": "vendor"}; otherwise `transacting_partner_id` (None: the registrant)
    gets the direct credit."""
    require(actor, Permission.ATTRIBUTION_CLOSE)
    if registration.status != Status.WON:
        raise Conflict(
            f"Registration {registration.id} is {registration.status}; only a won registration is credited.",
            details=[{"field": "status", "message": str(registration.status)}],
        )
    repository = AttributionRepository(session)
    if repository.live_entries_of_closing(registration.id):
        raise Conflict(
            f"The close of registration {registration.id} is already in the ledger; correct it instead.",
            details=[{"field": "registration_id", "message": "already credited"}],
        )
    return _record(session, actor, repository, registration, booked_amount=booked_amount, closed_on=closed_on, vendor_transacted=vendor_transacted)


def _record(
    session: Session,
    actor: Actor,
    repository: AttributionRepository,
    registration: Registration,
    *,
    booked_amount: Decimal,
    closed_on: date,
    vendor_transacted: bool | None,
) -> list[AttributionEntry]:
    if vendor_transacted is None:
        key, value = VENDOR_TRANSACTED_DETAIL
        vendor_transacted = (registration.details or {}).get(key) == value
    of_record = [
        attribution.PartnerOfRecord(
            partner_id=row.partner_id,
            registration_id=row.registration_id,
            program_key=row.program_key,
            percent=Decimal(row.percent) if row.percent is not None else attribution.DEFAULT_PERCENT,
            split=CreditSplit(row.split) if row.split else CreditSplit.FULL,
        )
        for row in repository.partners_of_record(registration, closed_on=closed_on)
    ]
    credits = attribution.close_credits(
        kind=RegistrationKind(registration.kind),
        registration_id=registration.id,
        registrant_id=registration.partner_id,
        transacting_partner_id=registration.transacting_partner_id,
        vendor_transacted=vendor_transacted,
        booked_amount=booked_amount,
        partners_of_record=of_record,
    )
    now = clock.now()
    entries = [
        AttributionEntry(
            partner_id=credit.partner_id,
            registration_id=credit.registration_id,
            closing_registration_id=registration.id,
            customer_id=registration.customer_id,
            credit_type=credit.credit_type,
            amount=credit.amount,
            currency=registration.currency,
            share_percent=credit.share_percent,
            effective_on=closed_on,
            recorded_at=now,
            recorded_by=actor.label,
            rule=credit.rule,
        )
        for credit in credits
    ]
    session.add_all(entries)
    session.flush()
    for entry in entries:
        audit.record(
            session,
            actor,
            "attribution.recorded",
            entity_type="attribution_entry",
            entity_id=entry.id,
            partner_id=entry.partner_id,
            after=snapshot(entry, ENTRY_FIELDS),
        )
    return entries


def reverse_entry(session: Session, actor: Actor, *, entry_id: int, reason: str) -> AttributionEntry:
    """A new entry with the opposite amount on the same effective date: reports as of a moment
    before the reversal still show the original. An entry is reversed at most once, and a
    reversal is never reversed (record the close again instead)."""
    require(actor, Permission.ATTRIBUTION_CORRECT)
    reason = _reason(reason)
    repository = AttributionRepository(session)
    original = repository.get(entry_id)
    if original is None:
        raise NotFound(f"Attribution entry {entry_id} not found.")
    return _reverse(session, actor, repository, original, reason)


def _reverse(session: Session, actor: Actor, repository: AttributionRepository, original: AttributionEntry, reason: str) -> AttributionEntry:
    if original.reverses_entry_id is not None:
        raise Conflict(f"Entry {original.id} is itself a reversal and cannot be reversed.", details=[{"field": "entry_id", "message": "is a reversal"}])
    if repository.is_reversed(original.id):
        raise Conflict(f"Entry {original.id} has already been reversed.", details=[{"field": "entry_id", "message": "already reversed"}])
    reversal = AttributionEntry(
        partner_id=original.partner_id,
        registration_id=original.registration_id,
        closing_registration_id=original.closing_registration_id,
        customer_id=original.customer_id,
        credit_type=original.credit_type,
        amount=-original.amount,
        currency=original.currency,
        share_percent=-original.share_percent,
        effective_on=original.effective_on,
        recorded_at=clock.now(),
        recorded_by=actor.label,
        rule=f"reversal of entry {original.id}",
        reverses_entry_id=original.id,
        reason=reason,
    )
    session.add(reversal)
    session.flush()
    audit.record(
        session,
        actor,
        "attribution.reversed",
        entity_type="attribution_entry",
        entity_id=reversal.id,
        partner_id=reversal.partner_id,
        after=snapshot(reversal, ENTRY_FIELDS),
        reason=reason,
    )
    return reversal


def correct_close(
    session: Session, actor: Actor, *, registration_id: int, booked_amount: Decimal, reason: str, closed_on: date | None = None
) -> list[AttributionEntry]:
    """Reverse every live entry of a won registration's close and record it again with the new
    booked amount (and close date): the partners of record are found again as of that date."""
    require(actor, Permission.ATTRIBUTION_CORRECT)
    reason = _reason(reason)
    attribution.check_booked_amount(booked_amount)
    repository = AttributionRepository(session)
    registration = repository.registration(registration_id)
    if registration is None:
        raise NotFound(f"Registration {registration_id} not found.")
    if registration.status != Status.WON:
        raise Conflict(
            f"Registration {registration_id} is {registration.status}; only a won registration has a close to correct.",
            details=[{"field": "status", "message": str(registration.status)}],
        )
    for entry in repository.live_entries_of_closing(registration.id):
        _reverse(session, actor, repository, entry, reason)
    before = {"booked_amount": registration.booked_amount, "closed_on": registration.closed_on}
    registration.booked_amount = booked_amount
    registration.closed_on = closed_on or registration.closed_on or clock.today()
    session.flush()
    audit.record(
        session,
        actor,
        "registration.close_corrected",
        entity_type="registration",
        entity_id=registration.id,
        partner_id=registration.partner_id,
        before=before,
        after={"booked_amount": registration.booked_amount, "closed_on": registration.closed_on},
        reason=reason,
    )
    return _record(session, actor, repository, registration, booked_amount=booked_amount, closed_on=registration.closed_on, vendor_transacted=None)


# --- reading ---------------------------------------------------------------------------------


def list_entries(
    session: Session, actor: Actor, *, registration_id: int | None, credit_type: CreditType | None, partner_id: int | None, page: PageRequest
) -> Page[AttributionEntry]:
    """Ledger lines (vendor users): a registration's when `registration_id` names the credited or the closing one."""
    require(actor, Permission.ATTRIBUTION_LEDGER_READ)
    statement = AttributionRepository(session).listed(registration_id=registration_id, credit_type=credit_type, partner_id=partner_id)
    return paginate(session, statement, page)


def report_window(actor: Actor, *, period_start: date | None, period_end: date | None, as_of: datetime | None, partner_id: int | None) -> ReportWindow:
    """The report's filters, checked: the current quarter by default, as of now by default; a
    partner user always reads their own partner."""
    require(actor, Permission.PARTNERS_READ)
    # A missing bound comes from the fiscal quarter of the other one (of today when both are missing).
    quarters = fiscal.current()
    start = period_start or quarters.period(PeriodKind.QUARTER, period_end or clock.today()).start
    end = period_end or quarters.period(PeriodKind.QUARTER, period_start or clock.today()).end
    if end < start:
        raise RuleViolation("The period ends before it starts.", details=[{"field": "period_end", "message": "must be on or after period_start"}])
    moment = _utc(as_of) if as_of is not None else clock.now()
    if actor.is_partner:
        if partner_id is not None and partner_id != actor.partner_id:
            raise NotFound(f"Partner {partner_id} not found.")
        partner_id = actor.partner_id if actor.partner_id is not None else -1
    return ReportWindow(period_start=start, period_end=end, as_of=moment, partner_id=partner_id)


def contribution_window(
    session: Session, actor: Actor, *, period_start: date | None, period_end: date | None, as_of: datetime | None, partner_id: int | None
) -> ReportWindow:
    """report_window, and a 404 for a partner filter the actor cannot see."""
    window = report_window(actor, period_start=period_start, period_end=period_end, as_of=as_of, partner_id=partner_id)
    if window.partner_id is not None:
        _partner_name(session, window.partner_id)
    return window


@dataclass(frozen=True)
class CurrencyAmounts:
    currency: str
    direct: Decimal
    influenced: Decimal
    services: Decimal
    entries: int
    closings: int
    vendor_direct: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.direct + self.influenced + self.services


@dataclass(frozen=True)
class PartnerContribution:
    partner_id: int
    partner_name: str
    amounts: list[CurrencyAmounts]


@dataclass(frozen=True)
class ContributionReport:
    period_start: date
    period_end: date
    as_of: datetime
    items: list[PartnerContribution]
    total: int
    limit: int
    offset: int
    totals: list[CurrencyAmounts]

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


def contribution_report(
    session: Session,
    actor: Actor,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    as_of: datetime | None = None,
    partner_id: int | None = None,
    page: PageRequest = FIRST_PAGE,
) -> ContributionReport:
    """Direct, influenced and services credit per partner and currency for entries effective in
    the period and recorded by `as_of`, with grand totals. A partner user gets their own row only
    (with no amounts when they have no credit in the period)."""
    window = contribution_window(session, actor, period_start=period_start, period_end=period_end, as_of=as_of, partner_id=partner_id)
    repository = AttributionRepository(session)
    rows, total = repository.contribution_page(window, limit=page.limit, offset=page.offset)
    items = _by_partner(rows)
    if window.partner_id is not None and not items and page.offset == 0:
        items = [PartnerContribution(window.partner_id, _partner_name(session, window.partner_id), [])]
        total = 1
    totals = [_cell(row) for row in repository.contribution_totals(window)]
    return ContributionReport(window.period_start, window.period_end, window.as_of, items, total, page.limit, page.offset, totals)


def contribution_rows(
    session: Session, actor: Actor, *, window: ReportWindow, batch: int = 500
) -> Iterator[tuple[PartnerContribution, CurrencyAmounts | None]]:
    """Every (partner, currency) row of the report, page by page (the CSV export)."""
    require(actor, Permission.PARTNERS_READ)
    offset = 0
    while True:
        report = contribution_report(
            session,
            actor,
            period_start=window.period_start,
            period_end=window.period_end,
            as_of=window.as_of,
            partner_id=window.partner_id,
            page=PageRequest(limit=batch, offset=offset),
        )
        for item in report.items:
            if not item.amounts:
                yield item, None
            for amounts in item.amounts:
                yield item, amounts
        if not report.has_next:
            return
        offset += batch


def contribution_entries(
    session: Session,
    actor: Actor,
    *,
    partner_id: int,
    period_start: date | None = None,
    period_end: date | None = None,
    as_of: datetime | None = None,
    page: PageRequest = FIRST_PAGE,
) -> Page[ContributionEntryRead]:
    """One partner's ledger lines behind the report (404 for a partner the actor cannot see)."""
    window = contribution_window(session, actor, period_start=period_start, period_end=period_end, as_of=as_of, partner_id=partner_id)
    rows, total = AttributionRepository(session).drill_down(window, limit=page.limit, offset=page.offset)
    return Page(items=[_entry_view(row) for row in rows], total=total, limit=page.limit, offset=page.offset)


# --- helpers ---------------------------------------------------------------------------------


def _by_partner(rows: list[AmountsRow]) -> list[PartnerContribution]:
    items: dict[int, PartnerContribution] = {}
    for row in rows:
        assert row.partner_id is not None
        item = items.setdefault(row.partner_id, PartnerContribution(row.partner_id, row.partner_name or "", []))
        item.amounts.append(_cell(row))
    return list(items.values())


def _cell(row: AmountsRow) -> CurrencyAmounts:
    return CurrencyAmounts(row.currency, row.direct, row.influenced, row.services, row.entries, row.closings, row.vendor_direct)


def _entry_view(row: DrillRow) -> ContributionEntryRead:
    entry = row.entry
    registration = (
        RegistrationRefRead(id=row.registration_id, kind=row.registration_kind, title=row.registration_title, customer_name=row.customer_name)
        if row.registration_id
        else None
    )
    closing = None
    if row.closing_registration_id and row.closing_registration_id != row.registration_id:
        closing = RegistrationRefRead(id=row.closing_registration_id, kind=row.closing_kind, customer_name=row.customer_name)
    return ContributionEntryRead(
        id=entry.id,
        partner_id=entry.partner_id,
        credit_type=entry.credit_type,
        amount=entry.amount,
        currency=entry.currency,
        share_percent=entry.share_percent,
        effective_on=entry.effective_on,
        recorded_at=entry.recorded_at,
        rule=entry.rule,
        reverses_entry_id=entry.reverses_entry_id,
        reason=entry.reason,
        registration=registration,
        closing_registration=closing,
    )


def _partner_name(session: Session, partner_id: int) -> str:
    partner = PartnerRepository(session).get(partner_id)
    if partner is None:
        raise NotFound(f"Partner {partner_id} not found.")
    return partner.display_name


def _utc(moment: datetime) -> datetime:
    try:
        return moment.replace(tzinfo=clock.UTC) if moment.tzinfo is None else moment.astimezone(clock.UTC)
    except (OverflowError, ValueError):
        raise RuleViolation("as_of is out of range.", details=[{"field": "as_of", "message": "out of range"}]) from None


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise RuleViolation("A reason is required.", details=[{"field": "reason", "message": "required"}])
    return text
