"""The MDF ledger's sums and the sweep's statements, set-based: balances per allocation, partner
or program are one GROUP BY; expiry, lapsed commitments and deadline reminders one statement each,
whatever the number of partners."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, case, cast, func, insert, literal, select, update
from sqlalchemy.orm import Session

from alliance.funds.models import FundAllocation, FundBudget, FundClaim, FundLedgerEntry, FundRequest
from alliance.funds.rules import CENT, Balances
from alliance.funds.vocabulary import ClaimStatus, LedgerKind, RequestStatus
from alliance.identity.models import User
from alliance.kit.repository import among, within_scope
from alliance.kit.statements import AnySelect, rowcount
from alliance.kit.tenancy import PartnerScope
from alliance.partners.models import Partner
from alliance.planning.models import BusinessPlan
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration

E = FundLedgerEntry
# Registrations that never became pipeline.
NOT_PIPELINE = (Status.DRAFT.value, Status.REJECTED.value, Status.WITHDRAWN.value)


def _bucket(kind: LedgerKind) -> Any:
    return func.coalesce(func.sum(case((E.kind == kind, E.amount), else_=literal(0))), 0).label(kind.value)


BUCKETS = [_bucket(kind) for kind in LedgerKind]
# allocated − every other bucket, per row of a GROUP BY
AVAILABLE = func.coalesce(func.sum(case((E.kind == LedgerKind.ALLOCATED, E.amount), else_=-E.amount)), 0)


def _balances(row: Any) -> Balances:
    return Balances(**{kind.value: Decimal(getattr(row, kind.value)).quantize(CENT) for kind in LedgerKind})


@dataclass(frozen=True)
class LedgerRow:
    """One allocation's balances: a row of the ledger page and CSV."""

    allocation_id: int
    partner_id: int
    partner_name: str
    period_key: str
    expires_on: date
    currency: str
    balances: Balances


@dataclass(frozen=True)
class ReturnRow:
    """ROI of one activity (or one partner): what it brought per unit of MDF spent."""

    key: int
    label: str
    partner_id: int
    partner_name: str
    currency: str
    spent: Decimal
    registrations: int
    pipeline: Decimal
    won: Decimal

    def per_unit(self, value: Decimal) -> Decimal | None:
        return (value / self.spent).quantize(CENT) if self.spent > 0 else None


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.scope: PartnerScope = session.info["scope"]

    # --- balances ------------------------------------------------------------------------------

    def balances(self, allocation_id: int) -> Balances:
        row = self.session.execute(select(*BUCKETS).where(E.allocation_id == allocation_id)).one()
        return _balances(row)

    def request_committed(self, request_id: int) -> Decimal:
        """What remains of the request's commitment (approved, not under a claim)."""
        total = self.session.scalar(select(func.coalesce(func.sum(E.amount), 0)).where(E.request_id == request_id, E.kind == LedgerKind.COMMITTED))
        return Decimal(total or 0).quantize(CENT)

    def by_partner(self, partner_ids: Collection[int] | None = None, *, period_key: str | None = None) -> dict[tuple[int, str], Balances]:
        """(partner, currency) → the balances of all its allocations (of one period when given)."""
        statement = select(E.partner_id, E.currency, *BUCKETS).group_by(E.partner_id, E.currency)
        if partner_ids is not None:
            statement = statement.where(among(E.partner_id, partner_ids))
        if period_key:
            statement = statement.join(FundAllocation, FundAllocation.id == E.allocation_id).join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            statement = statement.where(FundBudget.period_key == period_key)
        return {(row.partner_id, row.currency): _balances(row) for row in self.session.execute(within_scope(statement, E.partner_id, self.scope))}

    def ledger(self, *, partner_id: int | None, period_key: str | None, sort: str | None = None) -> list[LedgerRow]:
        """Every readable allocation with its balances (one grouped query)."""
        sums = select(E.allocation_id, *BUCKETS).group_by(E.allocation_id).subquery()
        statement = (
            select(
                FundAllocation.id, FundAllocation.partner_id, Partner.display_name, FundBudget.period_key, FundBudget.expires_on, FundAllocation.currency, sums
            )
            .join(Partner, Partner.id == FundAllocation.partner_id)
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .outerjoin(sums, sums.c.allocation_id == FundAllocation.id)
        )
        if partner_id:
            statement = statement.where(FundAllocation.partner_id == partner_id)
        if period_key:
            statement = statement.where(FundBudget.period_key == period_key)
        statement = within_scope(statement, FundAllocation.partner_id, self.scope).order_by(
            FundBudget.starts_on.desc(), Partner.display_name, FundAllocation.id
        )
        found = []
        for row in self.session.execute(statement):
            values = {kind.value: Decimal(getattr(row, kind.value) or 0).quantize(CENT) for kind in LedgerKind}
            found.append(LedgerRow(row[0], row[1], row[2], row[3], row[4], row[5], Balances(**values)))
        return found

    def entries(self, allocation_id: int) -> list[FundLedgerEntry]:
        statement = select(E).where(E.allocation_id == allocation_id).order_by(E.id)
        return list(self.session.scalars(statement))

    def spent_by_partner(
        self, partner_ids: Collection[int] | None, *, starts_on: date, ends_on: date, before: datetime | None = None
    ) -> dict[tuple[int, str], Decimal]:
        """(partner, currency) → MDF spent (claims approved or paid) on activities starting in
        the period: what plan-vs-actual counts as "MDF spent" (as recorded before `before` when given)."""
        statement = (
            select(E.partner_id, E.currency, func.sum(E.amount))
            .join(FundRequest, FundRequest.id == E.request_id)
            .where(
                among(E.partner_id, partner_ids),
                E.kind.in_([LedgerKind.APPROVED, LedgerKind.PAID]),
                FundRequest.starts_on >= starts_on,
                FundRequest.starts_on <= ends_on,
            )
            .group_by(E.partner_id, E.currency)
        )
        if before is not None:
            statement = statement.where(E.occurred_at < before)
        return {(p, c): Decimal(total or 0).quantize(CENT) for p, c, total in self.session.execute(within_scope(statement, E.partner_id, self.scope))}

    def spent_by_plan(self, plan_ids: Collection[int], *, before: datetime) -> dict[tuple[int, str], Decimal]:
        """(plan, currency) → MDF its partner spent (claims approved or paid, recorded before
        `before`) on activities starting within the plan's period: spent_by_partner for many plans,
        each over its own period, in one grouped statement."""
        statement = (
            select(BusinessPlan.id, E.currency, func.sum(E.amount))
            .join(E, E.partner_id == BusinessPlan.partner_id)
            .join(FundRequest, FundRequest.id == E.request_id)
            .where(
                BusinessPlan.id.in_(plan_ids),
                E.kind.in_([LedgerKind.APPROVED, LedgerKind.PAID]),
                E.occurred_at < before,
                FundRequest.starts_on >= BusinessPlan.starts_on,
                FundRequest.starts_on <= BusinessPlan.ends_on,
            )
            .group_by(BusinessPlan.id, E.currency)
        )
        return {(p, c): Decimal(total or 0).quantize(CENT) for p, c, total in self.session.execute(within_scope(statement, E.partner_id, self.scope))}

    # --- the sweep -----------------------------------------------------------------------------

    def _lock(self, allocation_ids: AnySelect) -> list[int]:
        """Lock the allocations `allocation_ids` selects (those another transaction is changing are
        left for the next run); the sweep writes only those."""
        statement = select(FundAllocation.id).where(FundAllocation.id.in_(allocation_ids)).with_for_update(skip_locked=True)
        return list(self.session.scalars(statement))

    def lapse_commitments(self, *, today: date, now: datetime) -> int:
        """Release what remains committed to requests whose claim deadline passed (one INSERT …
        SELECT of negative `committed` entries), and close those requests."""
        remainder = (
            select(E.request_id, E.allocation_id, E.partner_id, E.currency, func.sum(E.amount).label("remaining"))
            .join(FundRequest, FundRequest.id == E.request_id)
            .where(E.kind == LedgerKind.COMMITTED, FundRequest.claim_deadline < today)
            .group_by(E.request_id, E.allocation_id, E.partner_id, E.currency)
            .having(func.sum(E.amount) > 0)
            .subquery()
        )
        locked = self._lock(select(remainder.c.allocation_id))
        released = 0
        if locked:
            rows = select(
                remainder.c.allocation_id,
                remainder.c.partner_id,
                literal(LedgerKind.COMMITTED.value),
                -remainder.c.remaining,
                remainder.c.currency,
                remainder.c.request_id,
                literal("claim deadline passed: the unclaimed commitment is released"),
                literal(now, type_=E.occurred_at.type),
            ).where(remainder.c.allocation_id.in_(locked))
            columns = ["allocation_id", "partner_id", "kind", "amount", "currency", "request_id", "reason", "occurred_at"]
            released = rowcount(self.session.execute(insert(E).from_select(columns, rows)))
        closing = self._lock(select(FundRequest.allocation_id).where(FundRequest.status == RequestStatus.APPROVED, FundRequest.claim_deadline < today))
        if closing:
            self.session.execute(
                update(FundRequest)
                .where(FundRequest.status == RequestStatus.APPROVED, FundRequest.claim_deadline < today, FundRequest.allocation_id.in_(closing))
                .values(status=RequestStatus.CLOSED, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        return released

    def expire_allocations(self, *, today: date, now: datetime) -> int:
        """Expire what is still available on allocations past their budget's expiry (the period's
        end or its grace date): one INSERT … SELECT of `expired` entries. Re-running finds nothing
        left; money released later (a lapsed commitment) expires on the next run."""
        available = (
            select(E.allocation_id, E.partner_id, E.currency, AVAILABLE.label("available"))
            .join(FundAllocation, FundAllocation.id == E.allocation_id)
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .where(FundBudget.expires_on < today)
            .group_by(E.allocation_id, E.partner_id, E.currency)
            .having(AVAILABLE > 0)
            .subquery()
        )
        locked = self._lock(select(available.c.allocation_id))
        if not locked:
            return 0
        rows = select(
            available.c.allocation_id,
            available.c.partner_id,
            literal(LedgerKind.EXPIRED.value),
            available.c.available,
            available.c.currency,
            literal("unused at the end of the period"),
            literal(now, type_=E.occurred_at.type),
        ).where(available.c.allocation_id.in_(locked))
        columns = ["allocation_id", "partner_id", "kind", "amount", "currency", "reason", "occurred_at"]
        return rowcount(self.session.execute(insert(E).from_select(columns, rows)))

    def deadline_reminders(self, *, due_from: date, due_to: date) -> AnySelect:
        """notify_each's rows: one per approved request with money still to claim whose claim
        deadline falls between the two days, to the person who requested it (when active)."""
        remaining = (
            select(E.request_id, func.sum(E.amount).label("remaining"))
            .where(E.kind == LedgerKind.COMMITTED, E.request_id.is_not(None))
            .group_by(E.request_id)
            .having(func.sum(E.amount) > 0)
            .subquery()
        )
        return (
            select(
                FundRequest.submitted_by_user_id.label("recipient_user_id"),
                FundRequest.id.label("entity_id"),
                literal("you requested these market development funds").label("why"),
                cast(FundRequest.claim_deadline, String).label("cycle"),
                FundRequest.title.label("title"),
                Partner.display_name.label("partner"),
                cast(FundRequest.claim_deadline, String).label("claim_deadline"),
                cast(remaining.c.remaining, String).label("remaining"),
                FundRequest.currency.label("currency"),
            )
            .join(remaining, remaining.c.request_id == FundRequest.id)
            .join(Partner, Partner.id == FundRequest.partner_id)
            .join(User, and_(User.id == FundRequest.submitted_by_user_id, User.is_active.is_(True)))
            .where(FundRequest.status == RequestStatus.APPROVED, FundRequest.claim_deadline.between(due_from, due_to))
        )

    # --- return on investment ------------------------------------------------------------------

    def returns(self, *, by_partner: bool, partner_id: int | None, period_key: str | None) -> list[ReturnRow]:
        """Registrations that quote an activity's campaign code, their pipeline (amounts of those
        submitted and not rejected or withdrawn) and won revenue (booked amounts), against the MDF
        spent (claims approved or paid): per activity, or per partner. Two grouped queries joined."""
        spent = (
            select(E.request_id, func.sum(E.amount).label("spent"))
            .where(E.kind.in_([LedgerKind.APPROVED, LedgerKind.PAID]), E.request_id.is_not(None))
            .group_by(E.request_id)
            .subquery()
        )
        pipeline_amount = case((Registration.status.not_in(NOT_PIPELINE), Registration.amount), else_=literal(0))
        won_amount = case((Registration.status == Status.WON.value, Registration.booked_amount), else_=literal(0))
        brought = (
            select(
                Registration.fund_request_id.label("request_id"),
                func.count(Registration.id).label("registrations"),
                func.coalesce(func.sum(pipeline_amount), 0).label("pipeline"),
                func.coalesce(func.sum(won_amount), 0).label("won"),
            )
            .join(FundRequest, and_(FundRequest.id == Registration.fund_request_id, FundRequest.currency == Registration.currency))
            .where(Registration.fund_request_id.is_not(None))
            .group_by(Registration.fund_request_id)
            .subquery()
        )
        key = FundRequest.partner_id if by_partner else FundRequest.id
        label = Partner.display_name if by_partner else func.max(FundRequest.title)
        statement = (
            select(
                key,
                label if by_partner else label.label("label"),
                FundRequest.partner_id if by_partner else func.max(FundRequest.partner_id),
                Partner.display_name,
                FundRequest.currency,
                func.coalesce(func.sum(spent.c.spent), 0),
                func.coalesce(func.sum(brought.c.registrations), 0),
                func.coalesce(func.sum(brought.c.pipeline), 0),
                func.coalesce(func.sum(brought.c.won), 0),
            )
            .join(Partner, Partner.id == FundRequest.partner_id)
            .join(FundAllocation, FundAllocation.id == FundRequest.allocation_id)
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .outerjoin(spent, spent.c.request_id == FundRequest.id)
            .outerjoin(brought, brought.c.request_id == FundRequest.id)
            .where(FundRequest.status.in_([RequestStatus.APPROVED, RequestStatus.CLOSED]))
            .group_by(key, Partner.display_name, FundRequest.currency)
        )
        if partner_id:
            statement = statement.where(FundRequest.partner_id == partner_id)
        if period_key:
            statement = statement.where(FundBudget.period_key == period_key)
        statement = within_scope(statement, FundRequest.partner_id, self.scope).order_by(Partner.display_name, key)
        return [
            ReturnRow(
                key=row[0],
                label=row[1],
                partner_id=row[2],
                partner_name=row[3],
                currency=row[4],
                spent=Decimal(row[5] or 0).quantize(CENT),
                registrations=int(row[6] or 0),
                pipeline=Decimal(row[7] or 0).quantize(CENT),
                won=Decimal(row[8] or 0).quantize(CENT),
            )
            for row in self.session.execute(statement)
        ]


@dataclass
class QuarterFunds:
    """One partner's MDF in one currency for a period, as known at a moment: its allocations
    covering the period, requests approved, claims submitted / approved / paid in it, and the
    return of the activities that started in it (MDF spent, registrations citing them, won revenue)."""

    allocated: Decimal = Decimal(0)
    requests_approved: int = 0
    requests_approved_amount: Decimal = Decimal(0)
    claimed: Decimal = Decimal(0)
    claims_approved: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    registrations: int = 0
    won: Decimal = Decimal(0)


class FundsFiguresRepository:
    """The QBR's MDF reads: one grouped statement per figure family for any number of partners,
    every one cut at `before` (records made at or after it are not yet known)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.scope: PartnerScope = session.info["scope"]
        self.ledger = LedgerRepository(session)

    def _scoped(self, statement: AnySelect, column: Any) -> Any:
        return self.session.execute(within_scope(statement, column, self.scope))

    def quarter(self, partner_ids: Collection[int] | None, *, starts_on: date, ends_on: date, before: datetime) -> dict[tuple[int, str], QuarterFunds]:
        """(partner, currency) → its MDF figures for the period [starts_on, ends_on]."""
        found: dict[tuple[int, str], QuarterFunds] = {}

        def at(partner_id: int, currency: str) -> QuarterFunds:
            return found.setdefault((partner_id, currency), QuarterFunds())

        first = datetime.combine(starts_on, datetime.min.time(), tzinfo=before.tzinfo)
        last = min(before, datetime.combine(ends_on + timedelta(days=1), datetime.min.time(), tzinfo=before.tzinfo))
        allocated = (
            select(E.partner_id, E.currency, func.sum(E.amount))
            .join(FundAllocation, FundAllocation.id == E.allocation_id)
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .where(
                among(E.partner_id, partner_ids),
                E.kind == LedgerKind.ALLOCATED,
                E.occurred_at < before,
                FundBudget.starts_on <= ends_on,
                FundBudget.ends_on >= starts_on,
            )
            .group_by(E.partner_id, E.currency)
        )
        for partner_id, currency, total in self._scoped(allocated, E.partner_id):
            at(partner_id, currency).allocated = Decimal(total or 0).quantize(CENT)
        approved = (
            select(FundRequest.partner_id, FundRequest.currency, func.count(FundRequest.id), func.sum(FundRequest.approved_amount))
            .where(
                among(FundRequest.partner_id, partner_ids),
                FundRequest.status.in_([RequestStatus.APPROVED, RequestStatus.CLOSED]),
                FundRequest.decided_at >= first,
                FundRequest.decided_at < last,
            )
            .group_by(FundRequest.partner_id, FundRequest.currency)
        )
        for partner_id, currency, count, total in self._scoped(approved, FundRequest.partner_id):
            row = at(partner_id, currency)
            row.requests_approved, row.requests_approved_amount = count, Decimal(total or 0).quantize(CENT)

        def in_period(column: Any) -> Any:
            return and_(column >= first, column < last)

        claims = (
            select(
                FundClaim.partner_id,
                FundClaim.currency,
                func.coalesce(func.sum(case((in_period(FundClaim.submitted_at), FundClaim.claimed_amount), else_=literal(0))), 0),
                func.coalesce(
                    func.sum(
                        case(
                            (and_(in_period(FundClaim.decided_at), FundClaim.status.in_([ClaimStatus.APPROVED, ClaimStatus.PAID])), FundClaim.approved_amount),
                            else_=literal(0),
                        )
                    ),
                    0,
                ),
                func.coalesce(
                    func.sum(
                        case(
                            (
                                and_(FundClaim.status == ClaimStatus.PAID, FundClaim.paid_on.between(starts_on, ends_on), FundClaim.paid_on < last.date()),
                                FundClaim.approved_amount,
                            ),
                            else_=literal(0),
                        )
                    ),
                    0,
                ),
            )
            .where(among(FundClaim.partner_id, partner_ids), FundClaim.submitted_at < last)
            .group_by(FundClaim.partner_id, FundClaim.currency)
        )
        for partner_id, currency, claimed, claims_approved, paid in self._scoped(claims, FundClaim.partner_id):
            row = at(partner_id, currency)
            row.claimed, row.claims_approved, row.paid = (Decimal(v or 0).quantize(CENT) for v in (claimed, claims_approved, paid))
        for (partner_id, currency), spent in self.ledger.spent_by_partner(partner_ids, starts_on=starts_on, ends_on=ends_on, before=before).items():
            at(partner_id, currency).spent = spent
        won_amount = case((and_(Registration.status == Status.WON.value, Registration.closed_at < before), Registration.booked_amount), else_=literal(0))
        brought = (
            select(FundRequest.partner_id, FundRequest.currency, func.count(Registration.id), func.coalesce(func.sum(won_amount), 0))
            .join(FundRequest, and_(FundRequest.id == Registration.fund_request_id, FundRequest.currency == Registration.currency))
            .where(
                among(FundRequest.partner_id, partner_ids),
                FundRequest.starts_on.between(starts_on, ends_on),
                Registration.submitted_at < before,
            )
            .group_by(FundRequest.partner_id, FundRequest.currency)
        )
        for partner_id, currency, count, won in self._scoped(brought, FundRequest.partner_id):
            row = at(partner_id, currency)
            row.registrations, row.won = count, Decimal(won or 0).quantize(CENT)
        return found
