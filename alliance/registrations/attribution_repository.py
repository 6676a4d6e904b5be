"""Every attribution-ledger query: the partners of record of a close (across partners, as
projections), the ledger lines of a registration, and the contribution report's aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVarTuple

from sqlalchemy import (
    RowMapping,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from alliance.kit import clock
from alliance.kit.pagination import PageRequest, paginate
from alliance.kit.repository import Repository, within_scope
from alliance.partners.models import Partner, Program
from alliance.partners.vocabulary import PartnerStatus, RegistrationKind
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import (
    MONEY,
    AttributionEntry,
    Registration,
    RegistrationProduct,
)
from alliance.registrations.vocabulary import CreditType

# Still of record on the close date: approved and unexpired then. An EXPIRED registration was
# approved until its protection ended, so it counts when that end is on or after the close date
# (a close recorded late, or corrected); a withdrawn, lost or rejected one gave up its claim.
OF_RECORD_STATUSES = (Status.APPROVED, Status.EXPIRED)
INFLUENCING_KINDS = (RegistrationKind.INFLUENCE, RegistrationKind.PROJECT)


@dataclass(frozen=True)
class OfRecordRow:
    partner_id: int
    registration_id: int
    program_key: str | None
    percent: Decimal | None
    split: str | None


@dataclass(frozen=True)
class ReportWindow:
    period_start: date
    period_end: date
    as_of: datetime
    partner_id: int | None = None


@dataclass(frozen=True)
class AmountsRow:
    """One (partner, currency) cell of the report; partner_id None is vendor-direct credit."""

    partner_id: int | None
    partner_name: str | None
    currency: str
    direct: Decimal
    influenced: Decimal
    services: Decimal
    vendor_direct: Decimal
    entries: int
    closings: int


@dataclass(frozen=True)
class DrillRow:
    entry: AttributionEntry
    registration_id: int | None
    registration_kind: str | None
    registration_title: str | None
    customer_name: str | None
    closing_registration_id: int | None
    closing_kind: str | None


Columns = TypeVarTuple("Columns")


def _money(expression: ColumnElement[Any]) -> ColumnElement[Decimal]:
    return type_coerce(func.coalesce(func.sum(expression), 0), MONEY)


def _credit_sum(credit_type: CreditType) -> ColumnElement[Decimal]:
    return _money(case((AttributionEntry.credit_type == credit_type, AttributionEntry.amount), else_=literal(0)))


class AttributionRepository(Repository[AttributionEntry]):
    model = AttributionEntry

    def partners_of_record(self, closing: Registration, *, closed_on: date) -> list[OfRecordRow]:
        """Approved, unexpired influence and project registrations of other partners on the same
        customer with a product line in common with the closing registration, first registered
        first: one set-based query that reads across partners and returns projections only."""
        if closing.customer_id is None:
            return []
        closing_products = aliased(RegistrationProduct)
        own_products = aliased(RegistrationProduct)
        overlap = exists(
            select(own_products.product_line)
            .join(closing_products, closing_products.product_line == own_products.product_line)
            .where(own_products.registration_id == Registration.id, closing_products.registration_id == closing.id)
        )
        end_of_close_day = datetime.combine(closed_on, time.max, tzinfo=clock.UTC)
        statement = (
            select(Registration.partner_id, Registration.id, Program.key, Program.influence_credit_percent, Program.influence_credit_split)
            .join(Partner, Partner.id == Registration.partner_id)
            .outerjoin(Program, Program.id == Partner.program_id)
            .where(
                Registration.customer_id == closing.customer_id,
                Registration.id != closing.id,
                Registration.kind.in_(INFLUENCING_KINDS),
                Registration.status.in_(OF_RECORD_STATUSES),
                Registration.protected_until >= closed_on,
                or_(Registration.approved_at.is_(None), Registration.approved_at <= end_of_close_day),
                Partner.status != PartnerStatus.TERMINATED,
                overlap,
            )
            .order_by(Registration.submitted_at.is_(None), Registration.submitted_at, Registration.id)
            .execution_options(bypass_partner_scope="attribution credits the partners of record of another partner's close")
        )
        return [OfRecordRow(*row) for row in self.session.execute(statement)]

    def live_entries_of_closing(self, closing_registration_id: int) -> list[AttributionEntry]:
        """The close's entries that are neither reversals nor reversed (what a correction undoes)."""
        reversal = aliased(AttributionEntry)
        statement = (
            self.readable()
            .where(
                AttributionEntry.closing_registration_id == closing_registration_id,
                AttributionEntry.reverses_entry_id.is_(None),
                ~exists().where(reversal.reverses_entry_id == AttributionEntry.id),
            )
            .order_by(AttributionEntry.id)
        )
        return list(self.session.scalars(statement))

    def registration(self, registration_id: int) -> Registration | None:
        """A registration in the session's scope (the close a correction works on), locked for the change."""
        statement = select(Registration).where(Registration.id == registration_id)
        return self.lock_first(within_scope(statement, Registration.partner_id, self.scope))

    def is_reversed(self, entry_id: int) -> bool:
        return self.session.scalar(select(AttributionEntry.id).where(AttributionEntry.reverses_entry_id == entry_id).limit(1)) is not None

    def listed(self, *, registration_id: int | None = None, credit_type: CreditType | None = None, partner_id: int | None = None) -> Select[AttributionEntry]:
        """Ledger lines in the order they were written; registration_id matches the credited or
        the closing registration."""
        statement = self.readable()
        if registration_id is not None:
            statement = statement.where(or_(AttributionEntry.registration_id == registration_id, AttributionEntry.closing_registration_id == registration_id))
        if credit_type is not None:
            statement = statement.where(AttributionEntry.credit_type == credit_type)
        if partner_id is not None:
            statement = statement.where(AttributionEntry.partner_id == partner_id)
        return statement.order_by(AttributionEntry.id)

    def _window(self, statement: Select[*Columns], window: ReportWindow) -> Select[*Columns]:
        statement = statement.where(
            AttributionEntry.effective_on >= window.period_start,
            AttributionEntry.effective_on <= window.period_end,
            AttributionEntry.recorded_at <= window.as_of,
        )
        if window.partner_id is not None:
            statement = statement.where(AttributionEntry.partner_id == window.partner_id)
        statement = within_scope(statement, AttributionEntry.partner_id, self.scope)
        return statement

    def contribution_page(self, window: ReportWindow, *, limit: int, offset: int) -> tuple[list[AmountsRow], int]:
        """One page of partners (by name) with their amounts per currency, and how many partners
        have credit in the window: one aggregate query grouped by partner and currency, ranked by
        partner with a window function so that paging counts partners, not currency rows."""
        grouped = self._window(
            select(
                AttributionEntry.partner_id.label("partner_id"),
                Partner.display_name.label("partner_name"),
                AttributionEntry.currency.label("currency"),
                _credit_sum(CreditType.DIRECT).label("direct"),
                _credit_sum(CreditType.INFLUENCE).label("influenced"),
                _credit_sum(CreditType.SERVICES).label("services"),
                func.count(AttributionEntry.id).label("entries"),
                func.count(func.distinct(AttributionEntry.closing_registration_id)).label("closings"),
            ).join(Partner, Partner.id == AttributionEntry.partner_id),
            window,
        ).group_by(AttributionEntry.partner_id, Partner.display_name, AttributionEntry.currency)
        cells = grouped.subquery("cells")
        rank = func.dense_rank().over(order_by=(cells.c.partner_name, cells.c.partner_id)).label("rank")
        ranked = select(cells, rank).subquery("ranked")
        partners = func.max(ranked.c.rank).over().label("partners")
        paged = select(ranked, partners).subquery("paged")
        statement = select(paged).where(paged.c.rank > offset, paged.c.rank <= offset + limit).order_by(paged.c.rank, paged.c.currency)
        rows = list(self.session.execute(statement).mappings())
        total = int(rows[0]["partners"]) if rows else self._partner_count(window)
        return [_amounts(row) for row in rows], total

    def _partner_count(self, window: ReportWindow) -> int:
        """Partners with credit in the window (only needed when the page is past the end)."""
        statement = self._window(select(func.count(func.distinct(AttributionEntry.partner_id))).where(AttributionEntry.partner_id.is_not(None)), window)
        return int(self.session.scalar(statement) or 0)

    def contribution_totals(self, window: ReportWindow) -> list[AmountsRow]:
        """Grand totals per currency over every partner in the window, and vendor-direct credit
        (partner_id None; a partner scope never reads it)."""
        statement = (
            self._window(
                select(
                    AttributionEntry.currency,
                    _credit_sum(CreditType.DIRECT),
                    _credit_sum(CreditType.INFLUENCE),
                    _credit_sum(CreditType.SERVICES),
                    _credit_sum(CreditType.VENDOR_DIRECT),
                    func.count(AttributionEntry.id),
                    func.count(func.distinct(AttributionEntry.closing_registration_id)),
                ),
                window,
            )
            .group_by(AttributionEntry.currency)
            .order_by(AttributionEntry.currency)
        )
        return [
            AmountsRow(None, None, currency, _dec(direct), _dec(influenced), _dec(services), _dec(vendor), int(entries), int(closings))
            for currency, direct, influenced, services, vendor, entries, closings in self.session.execute(statement)
        ]

    def drill_down(self, window: ReportWindow, *, limit: int, offset: int) -> tuple[list[DrillRow], int]:
        """One partner's ledger lines in the window with the registration each credits. The
        registrations are joined for a partner user only when they are that partner's own: a
        transacting partner credited for another partner's deal sees the amount, not the deal."""
        credited = aliased(Registration)
        closing = aliased(Registration)
        credited_on = credited.id == AttributionEntry.registration_id
        closing_on = closing.id == AttributionEntry.closing_registration_id
        if not self.scope.is_internal:
            credited_on = and_(credited_on, credited.partner_id == AttributionEntry.partner_id)
            closing_on = and_(closing_on, closing.partner_id == AttributionEntry.partner_id)
        statement = self._window(
            select(
                AttributionEntry,
                credited.id,
                credited.kind,
                credited.title,
                func.coalesce(credited.customer_name, closing.customer_name),
                closing.id,
                closing.kind,
            )
            .outerjoin(credited, credited_on)
            .outerjoin(closing, closing_on),
            window,
        )
        found = paginate(
            self.session, statement.order_by(AttributionEntry.effective_on, AttributionEntry.id), PageRequest(limit=limit, offset=offset), rows=True
        )
        return [DrillRow(*row) for row in found.items], found.total


def _dec(value: Decimal | float | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _amounts(row: RowMapping) -> AmountsRow:
    return AmountsRow(
        partner_id=row["partner_id"],
        partner_name=row["partner_name"],
        currency=row["currency"],
        direct=_dec(row["direct"]),
        influenced=_dec(row["influenced"]),
        services=_dec(row["services"]),
        vendor_direct=Decimal("0.00"),
        entries=int(row["entries"]),
        closings=int(row["closings"]),
    )
