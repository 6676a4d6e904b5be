"""Market development funds, one user act per function: budgets and allocations (program admins),
fund requests and claims (the partner's people), decisions (the channel team), payments (program
admins). Every money movement locks the partner's allocation for the period first (db.Aggregate),
re-reads what it decides on, checks the rule, and appends ledger entries in the same transaction
as the change and its audit event: two approvals of the last available funds, or two claims
against one request, end as one of the two serial orders and never over-commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.files.models import StoredFile
from alliance.files.vocabulary import FilePurpose
from alliance.funds import notice_service as notices
from alliance.funds import rules
from alliance.funds.ledger_repository import LedgerRepository, LedgerRow, ReturnRow
from alliance.funds.models import FundAllocation, FundBudget, FundClaim, FundClaimFile, FundClaimLine, FundLedgerEntry, FundRequest
from alliance.funds.repository import AllocationRepository, BudgetRepository, ClaimRepository, FundFilters, PartnerTerms, RequestRepository
from alliance.funds.rules import Balances
from alliance.funds.schemas import AllocationSet, BudgetCreate, BudgetUpdate, BudgetWithdrawal, ClaimCreate, Decision, FundRequestCreate, Payment
from alliance.funds.vocabulary import ClaimStatus, LedgerKind, RequestStatus
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.kit.pagination import Page, PageRequest, paginate

REQUEST_FIELDS = ("status", "approved_amount", "decision_reason", "claim_deadline", "reimbursement_percent", "decided_by_user_id")
CLAIM_FIELDS = ("status", "approved_amount", "decision_reason", "payment_reference", "paid_on", "decided_by_user_id", "paid_by_user_id")


@dataclass(frozen=True)
class BudgetView:
    budget: FundBudget
    program_name: str
    allocated: Decimal


# --- budgets -------------------------------------------------------------------------------------


def list_budgets(session: Session, actor: Actor, *, program_id: int | None = None, period_key: str | None = None) -> list[BudgetView]:
    require(actor, Permission.FUNDS_BUDGETS_READ)
    return [BudgetView(b, name, allocated) for b, name, allocated in BudgetRepository(session).listed(program_id=program_id, period_key=period_key)]


def get_budget(session: Session, actor: Actor, *, budget_id: int) -> BudgetView:
    require(actor, Permission.FUNDS_BUDGETS_READ)
    found = BudgetRepository(session).listed(program_id=None, period_key=None, budget_id=budget_id)
    if not found:
        raise NotFound(f"MDF budget {budget_id} not found.")
    return BudgetView(*found[0])


def create_budget(session: Session, actor: Actor, *, data: BudgetCreate) -> FundBudget:
    """A program's MDF budget for a fiscal period, in the program's currency (one per program and period)."""
    require(actor, Permission.FUNDS_MANAGE)
    repository = BudgetRepository(session)
    program = repository.program(data.program_id)
    if program is None:
        raise NotFound(f"Program {data.program_id} not found.", details=[{"field": "program_id", "message": "no such program"}])
    period = _period(data.period)
    if repository.for_period(program.id, period.key) is not None:
        raise Conflict(f"{program.name} already has an MDF budget for {period.key}; change that one.")
    expires_on = data.expires_on or period.end
    _require_expiry(expires_on, period.end)
    budget = repository.add(
        FundBudget(
            program_id=program.id,
            period_key=period.key,
            starts_on=period.start,
            ends_on=period.end,
            expires_on=expires_on,
            amount=data.amount,
            currency=program.currency,
            notes=data.notes,
            created_by_user_id=actor.user_id,
        )
    )
    audit.record(
        session,
        actor,
        "fund_budget.created",
        entity_type="fund_budget",
        entity_id=budget.id,
        after={"program_id": program.id, "period_key": period.key, "amount": str(data.amount), "currency": budget.currency, "expires_on": expires_on},
    )
    return budget


def update_budget(session: Session, actor: Actor, *, budget_id: int, data: BudgetUpdate) -> FundBudget:
    """Change a budget's amount (never below what is allocated) or its expiry (grace) date, with a reason."""
    require(actor, Permission.FUNDS_MANAGE)
    repository = BudgetRepository(session)
    budget = repository.get_for_change(budget_id)
    if budget is None:
        raise NotFound(f"MDF budget {budget_id} not found.")
    before = snapshot(budget, ("amount", "expires_on"))
    if data.amount is not None:
        _require_allocated_kept(repository, budget, data.amount)
        budget.amount = data.amount
    if data.expires_on is not None:
        _require_expiry(data.expires_on, budget.ends_on)
        budget.expires_on = data.expires_on
    session.flush()
    audit.record_update(
        session,
        actor,
        "fund_budget.updated",
        entity_type="fund_budget",
        entity_id=budget.id,
        before=before,
        after=snapshot(budget, ("amount", "expires_on")),
        reason=data.reason,
    )
    return budget


def withdraw_budget(session: Session, actor: Actor, *, budget_id: int, data: BudgetWithdrawal) -> FundBudget:
    """Take money back out of a budget: an amount of what is not allocated (all of it by default),
    never what partners were allocated, with a reason."""
    require(actor, Permission.FUNDS_MANAGE)
    repository = BudgetRepository(session)
    budget = repository.get_for_change(budget_id)
    if budget is None:
        raise NotFound(f"MDF budget {budget_id} not found.")
    allocated = repository.allocated_total(budget.id)
    withdrawn = data.amount if data.amount is not None else budget.amount - allocated
    if withdrawn <= 0:
        raise Conflict(
            f"Nothing of {budget.period_key}'s budget can be withdrawn: all of its {budget.amount} {budget.currency} is allocated to partners.",
            details=[{"field": "amount", "message": "nothing unallocated", "rule": "budget_below_allocated"}],
        )
    before = snapshot(budget, ("amount",))
    _require_allocated_kept(repository, budget, budget.amount - withdrawn, allocated=allocated)
    budget.amount -= withdrawn
    session.flush()
    audit.record(
        session,
        actor,
        "fund_budget.withdrawn",
        entity_type="fund_budget",
        entity_id=budget.id,
        before=before,
        after=snapshot(budget, ("amount",)) | {"withdrawn": str(withdrawn)},
        reason=data.reason,
    )
    return budget


def _require_allocated_kept(repository: BudgetRepository, budget: FundBudget, amount: Decimal, *, allocated: Decimal | None = None) -> None:
    """A budget never goes below what its partners were allocated (Conflict naming both amounts)."""
    allocated = repository.allocated_total(budget.id) if allocated is None else allocated
    if amount < allocated:
        raise Conflict(
            f"{budget.period_key}'s budget cannot be {amount} {budget.currency}: {allocated} {budget.currency} of it is allocated to partners.",
            details=[{"field": "amount", "message": f"the budget stays at least {allocated} (allocated)", "rule": "budget_below_allocated"}],
        )


def _require_expiry(expires_on: date, period_end: date) -> None:
    if expires_on < period_end:
        raise RuleViolation(
            f"Allocations expire at the period's end ({period_end.isoformat()}) or a later grace date.",
            details=[{"field": "expires_on", "message": f"on or after {period_end.isoformat()}"}],
        )


def _period(key: str) -> fiscal.FiscalPeriod:
    try:
        return fiscal.current().parse(key)
    except ValueError as error:
        raise RuleViolation(f"“{key}” is not a fiscal period.", details=[{"field": "period", "message": str(error)}]) from error


# --- allocations ---------------------------------------------------------------------------------


def set_allocation(session: Session, actor: Actor, *, data: AllocationSet) -> FundAllocation:
    """Create or change a partner's allocation for a budget's period, by hand, with a reason. The
    budget's allocations never exceed it, and an allocation never drops below what is already
    committed, claimed, approved, paid or expired of it."""
    require(actor, Permission.FUNDS_MANAGE)
    budgets = BudgetRepository(session)
    budget = budgets.get_for_change(data.budget_id)  # root first: the budget, then the allocation
    if budget is None:
        raise NotFound(f"MDF budget {data.budget_id} not found.", details=[{"field": "budget_id", "message": "no such budget"}])
    allocations = AllocationRepository(session)
    terms = _terms(allocations, data.partner_id)
    if terms.program_id != budget.program_id:
        raise RuleViolation(
            f"{terms.name} is not in the program this budget belongs to.",
            details=[{"field": "partner_id", "message": "must be a partner of the budget's program", "rule": "partner_not_in_program"}],
        )
    found = allocations.for_budget(terms.id, budget.id)
    allocation = allocations.get_for_change(found.id) if found is not None else None
    others = budgets.allocated_total(budget.id, except_allocation_id=allocation.id if allocation else None)
    if others + data.amount > budget.amount:
        left = budget.amount - others
        raise RuleViolation(
            f"{data.amount} {budget.currency} is more than the {left} {budget.currency} left unallocated in {budget.period_key}'s budget.",
            details=[{"field": "amount", "message": f"at most {left} (unallocated budget)", "rule": "amount_over_budget"}],
        )
    ledger = LedgerRepository(session)
    if allocation is None:
        allocation = allocations.add(FundAllocation(partner_id=terms.id, budget_id=budget.id, amount=Decimal(0), currency=budget.currency))
        before: dict[str, Any] = {"amount": "0"}
        delta = data.amount
    else:
        before = {"amount": str(allocation.amount)}
        delta = data.amount - allocation.amount
        if delta < 0:
            balances = ledger.balances(allocation.id)
            if -delta > balances.available:
                raise RuleViolation(
                    f"{terms.name}'s allocation cannot drop to {data.amount} {budget.currency}: only {balances.available} of it is unused.",
                    details=[{"field": "amount", "message": f"at least {allocation.amount - balances.available} (in use)", "rule": "allocation_below_used"}],
                )
    if delta == 0:
        return allocation
    allocation.amount = data.amount
    allocation.from_tier_id = None
    allocation.updated_at = clock.now()
    _entry(session, allocation, LedgerKind.ALLOCATED, delta, reason=data.reason)
    audit.record(
        session,
        actor,
        "fund_allocation.set",
        entity_type="fund_allocation",
        entity_id=allocation.id,
        partner_id=terms.id,
        before=before,
        after={"amount": str(data.amount), "budget_id": budget.id, "period_key": budget.period_key},
        reason=data.reason,
    )
    return allocation


def generate_allocations(session: Session, actor: Actor, *, budget_id: int, reason: str) -> list[FundAllocation]:
    """An allocation for every active partner of the budget's program whose tier grants MDF and
    who has none for this budget yet, of the tier's MDF benefit; refused whole when they do not
    all fit in the budget."""
    require(actor, Permission.FUNDS_MANAGE)
    budgets = BudgetRepository(session)
    budget = budgets.get_for_change(budget_id)
    if budget is None:
        raise NotFound(f"MDF budget {budget_id} not found.")
    allocations = AllocationRepository(session)
    have = allocations.partners_with_allocation(budget.id)
    wanted = [(partner_id, tier_id, amount) for partner_id, tier_id, amount in budgets.tier_benefits(budget.program_id) if partner_id not in have]
    total = sum((amount for _p, _t, amount in wanted), Decimal(0))
    left = budget.amount - budgets.allocated_total(budget.id)
    if total > left:
        raise RuleViolation(
            f"The tiers' MDF benefits of {len(wanted)} partners come to {total} {budget.currency}, more than the {left} {budget.currency} left in the budget.",
            details=[{"field": "budget_id", "message": f"raise the budget by {total - left} or allocate by hand", "rule": "amount_over_budget"}],
        )
    created = []
    for partner_id, tier_id, amount in wanted:
        allocation = allocations.add(FundAllocation(partner_id=partner_id, budget_id=budget.id, amount=amount, currency=budget.currency, from_tier_id=tier_id))
        _entry(session, allocation, LedgerKind.ALLOCATED, amount, reason=reason)
        audit.record(
            session,
            actor,
            "fund_allocation.generated",
            entity_type="fund_allocation",
            entity_id=allocation.id,
            partner_id=partner_id,
            after={"amount": str(amount), "budget_id": budget.id, "period_key": budget.period_key, "tier_id": tier_id},
            reason=reason,
        )
        created.append(allocation)
    return created


def ledger(session: Session, actor: Actor, *, partner_id: int | None = None, period_key: str | None = None) -> list[LedgerRow]:
    """Each allocation the actor may read with its balances (partners: their own)."""
    require(actor, Permission.FUNDS_READ)
    return LedgerRepository(session).ledger(partner_id=partner_id, period_key=period_key)


def ledger_entries(session: Session, actor: Actor, *, allocation_id: int) -> list[FundLedgerEntry]:
    require(actor, Permission.FUNDS_READ)
    if AllocationRepository(session).get(allocation_id) is None:
        raise NotFound(f"MDF allocation {allocation_id} not found.")
    return LedgerRepository(session).entries(allocation_id)


def partner_balances(
    session: Session, actor: Actor, *, partner_ids: Sequence[int] | None = None, period_key: str | None = None
) -> dict[tuple[int, str], Balances]:
    """(partner, currency) → balances over the partner's allocations (partners: their own)."""
    require(actor, Permission.FUNDS_READ)
    return LedgerRepository(session).by_partner(partner_ids, period_key=period_key)


def mdf_spent(session: Session, actor: Actor, *, partner_ids: Sequence[int], starts_on: date, ends_on: date) -> dict[tuple[int, str], Decimal]:
    """(partner, currency) → MDF spent (claims approved or paid) on activities starting between
    the two days: the figure plan-vs-actual shows against an MDF co-investment."""
    require(actor, Permission.FUNDS_READ)
    return LedgerRepository(session).spent_by_partner(partner_ids, starts_on=starts_on, ends_on=ends_on)


def returns(session: Session, actor: Actor, *, by_partner: bool, partner_id: int | None = None, period_key: str | None = None) -> list[ReturnRow]:
    """ROI per activity or per partner: registrations, pipeline and won revenue per unit of MDF."""
    require(actor, Permission.FUNDS_READ)
    return LedgerRepository(session).returns(by_partner=by_partner, partner_id=partner_id, period_key=period_key)


# --- requests ------------------------------------------------------------------------------------


def list_requests(session: Session, actor: Actor, *, filters: FundFilters, page: PageRequest, sort: str | None = None) -> Page[Any]:
    """(request, partner name, period) rows (partners: their own); the review queue is status=submitted."""
    require(actor, Permission.FUNDS_READ)
    repository = RequestRepository(session)
    return paginate(session, repository.listed(replace(filters, cam_user_id=_book(actor)), sort=sort), page, rows=True)


def get_request(session: Session, actor: Actor, *, request_id: int) -> FundRequest:
    require(actor, Permission.FUNDS_READ)
    found = RequestRepository(session).get(request_id)
    if found is None or not _in_book(session, actor, found.partner_id):
        raise NotFound(f"Fund request {request_id} not found.")
    return found


def submit_request(session: Session, actor: Actor, *, data: FundRequestCreate) -> FundRequest:
    """A partner asks for funds for an activity from its allocation for the period; the request
    may not ask for more than is available now (approval checks again)."""
    require(actor, Permission.FUNDS_REQUEST)
    if not actor.is_partner or actor.partner_id is None:
        raise PermissionDenied("Fund requests are made by the partner's people.")
    allocations = AllocationRepository(session)
    period = _period(data.period)
    found = allocations.for_period(actor.partner_id, period.key)
    if found is None:
        raise RuleViolation(
            f"Your organisation has no MDF allocation for {period.key}.",
            details=[{"field": "period", "message": "no allocation for this period", "rule": "no_allocation"}],
        )
    allocation = _lock(session, found.id)
    budget = BudgetRepository(session).get(allocation.budget_id)
    assert budget is not None
    today = clock.today()
    if budget.expires_on < today:
        raise RuleViolation(
            f"The {period.key} allocation expired on {budget.expires_on.isoformat()}.",
            details=[{"field": "period", "message": "expired", "rule": "allocation_expired"}],
        )
    if data.starts_on < budget.starts_on or data.ends_on > budget.expires_on:
        raise RuleViolation(
            f"The activity must take place between {budget.starts_on.isoformat()} and {budget.expires_on.isoformat()}, while the {period.key} allocation lasts.",
            details=[
                {"field": "starts_on", "message": f"{budget.starts_on.isoformat()} to {budget.expires_on.isoformat()}", "rule": "activity_outside_period"}
            ],
        )
    rules.require_available(LedgerRepository(session).balances(allocation.id), data.requested_amount, allocation.currency)
    requests = RequestRepository(session)
    if data.plan_item_id is not None and requests.plan_item_partner(data.plan_item_id) != allocation.partner_id:
        raise RuleViolation(
            f"Business plan item {data.plan_item_id} is not an item of your organisation's plans.",
            details=[{"field": "plan_item_id", "message": "not an item of your business plans"}],
        )
    request = FundRequest(
        partner_id=allocation.partner_id,
        allocation_id=allocation.id,
        activity_type=data.activity_type,
        title=data.title,
        plan=data.plan,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        requested_amount=data.requested_amount,
        currency=allocation.currency,
        expected_leads=data.expected_leads,
        expected_registrations=data.expected_registrations,
        expected_pipeline=data.expected_pipeline,
        plan_item_id=data.plan_item_id,
        status=RequestStatus.SUBMITTED,
        submitted_by_user_id=actor.user_id,
        submitted_at=clock.now(),
    )
    requests.add(request)
    audit.record(
        session,
        actor,
        "fund_request.submitted",
        entity_type="fund_request",
        entity_id=request.id,
        partner_id=request.partner_id,
        after={
            "title": request.title,
            "activity_type": request.activity_type.value,
            "requested_amount": str(request.requested_amount),
            "period_key": period.key,
        },
    )
    notices.request_submitted(session, actor, request, terms=_terms(allocations, request.partner_id))
    return request


def decide_request(session: Session, actor: Actor, *, request_id: int, decision: Decision) -> FundRequest:
    """Approve (all of it, or part of it with a reason) and commit the funds, or reject with a reason."""
    require(actor, Permission.FUNDS_REVIEW)
    request, allocation = _request_for_change(session, request_id)
    if not _in_book(session, actor, request.partner_id):
        raise NotFound(f"Fund request {request_id} not found.")
    rules.require_request_state("approve" if decision.approve else "reject", request.status, request.id)
    before = snapshot(request, REQUEST_FIELDS)
    terms = _terms(AllocationRepository(session), request.partner_id)
    if decision.approve:
        amount = decision.amount if decision.amount is not None else request.requested_amount
        if amount > request.requested_amount:
            raise RuleViolation(
                f"Approve at most the {request.requested_amount} {request.currency} requested.",
                details=[{"field": "amount", "message": f"at most {request.requested_amount}", "rule": "amount_over_requested"}],
            )
        if amount < request.requested_amount and not decision.reason:
            raise RuleViolation("A partial approval says why.", details=[{"field": "reason", "message": "required when approving less than requested"}])
        rules.require_available(LedgerRepository(session).balances(allocation.id), amount, request.currency)
        request.status, request.approved_amount = RequestStatus.APPROVED, amount
        request.claim_deadline = rules.claim_deadline(request.ends_on, terms.claim_deadline_days)
        request.reimbursement_percent = terms.reimbursement_percent
        _entry(session, allocation, LedgerKind.COMMITTED, amount, reason="request approved", request_id=request.id)
    else:
        if not decision.reason:
            raise RuleViolation("A rejection says why.", details=[{"field": "reason", "message": "required to reject"}])
        request.status = RequestStatus.REJECTED
    request.decision_reason, request.decided_by_user_id, request.decided_at = decision.reason, actor.user_id, clock.now()
    session.flush()
    action = (
        "fund_request.rejected"
        if not decision.approve
        else ("fund_request.partially_approved" if request.approved_amount != request.requested_amount else "fund_request.approved")
    )
    audit.record(
        session,
        actor,
        action,
        entity_type="fund_request",
        entity_id=request.id,
        partner_id=request.partner_id,
        before=before,
        after=snapshot(request, REQUEST_FIELDS),
        reason=decision.reason,
    )
    notices.request_decided(session, actor, request, partner=terms.name)
    return request


def withdraw_request(session: Session, actor: Actor, *, request_id: int) -> FundRequest:
    """The partner withdraws a request not yet decided."""
    require(actor, Permission.FUNDS_REQUEST)
    request, _allocation = _request_for_change(session, request_id)
    rules.require_request_state("withdraw", request.status, request.id)
    request.status = RequestStatus.WITHDRAWN
    session.flush()
    audit.record(
        session,
        actor,
        "fund_request.withdrawn",
        entity_type="fund_request",
        entity_id=request.id,
        partner_id=request.partner_id,
        after={"status": request.status.value},
    )
    return request


def _request_for_change(session: Session, request_id: int) -> tuple[FundRequest, FundAllocation]:
    """The request's allocation locked (root first), then the request read afresh."""
    requests = RequestRepository(session)
    allocation_id = requests.allocation_of(request_id)
    if allocation_id is None:
        raise NotFound(f"Fund request {request_id} not found.")
    allocation = _lock(session, allocation_id)
    request = requests.fresh(request_id)
    return request, allocation


# --- claims --------------------------------------------------------------------------------------


def list_claims(session: Session, actor: Actor, *, filters: FundFilters, page: PageRequest, sort: str | None = None) -> Page[Any]:
    """(claim, partner name, request title, activity type, period) rows (partners: their own)."""
    require(actor, Permission.FUNDS_READ)
    return paginate(session, ClaimRepository(session).listed(replace(filters, cam_user_id=_book(actor)), sort=sort), page, rows=True)


def get_claim(session: Session, actor: Actor, *, claim_id: int) -> FundClaim:
    require(actor, Permission.FUNDS_READ)
    found = ClaimRepository(session).get_loaded(claim_id)
    if found is None or not _in_book(session, actor, found.partner_id):
        raise NotFound(f"Claim {claim_id} not found.")
    return found


def unattached_proofs(session: Session, actor: Actor) -> list[StoredFile]:
    """The partner's proof-of-performance uploads that no claim holds yet (what a new claim attaches)."""
    require(actor, Permission.FUNDS_REQUEST)
    if actor.partner_id is None:
        return []
    return ClaimRepository(session).unattached_proofs(actor.partner_id)


def proofs_of(session: Session, actor: Actor, *, claim: FundClaim) -> list[tuple[FundClaimFile, StoredFile]]:
    """A claim's proofs with their stored files (names, sizes), for its page."""
    require(actor, Permission.FUNDS_READ)
    return ClaimRepository(session).proof_files(claim.id)


def claims_of_request(session: Session, actor: Actor, *, request_id: int) -> list[FundClaim]:
    get_request(session, actor, request_id=request_id)
    return ClaimRepository(session).for_request(request_id)


def submit_claim(session: Session, actor: Actor, *, data: ClaimCreate) -> FundClaim:
    """Claim an approved request's funds with typed cost lines and proof of performance, within the
    claim deadline. It holds what it may be reimbursed (the request's reimbursement percentage of
    the costs, at most what remains of the commitment); nothing left → refused."""
    require(actor, Permission.FUNDS_REQUEST)
    if not actor.is_partner:
        raise PermissionDenied("Claims are filed by the partner's people.")
    request, allocation = _request_for_change(session, data.request_id)
    rules.require_request_state("claim", request.status, request.id)
    assert request.claim_deadline is not None and request.reimbursement_percent is not None  # set on approval
    rules.require_claimable(today=clock.today(), starts_on=request.starts_on, deadline=request.claim_deadline)
    claims = ClaimRepository(session)
    _check_proofs(claims, data, partner_id=request.partner_id)
    claimed = sum((line.amount for line in data.lines), Decimal(0))
    remaining = LedgerRepository(session).request_committed(request.id)
    hold = rules.reimbursable(claimed, percent=request.reimbursement_percent, remaining=remaining)
    if hold <= 0:
        raise Conflict(
            f"Nothing remains to claim on fund request {request.id}: its approved {request.approved_amount} {request.currency} is already claimed.",
            details=[{"field": "request_id", "message": "nothing left to claim", "rule": "nothing_left_to_claim"}],
        )
    claim = FundClaim(
        partner_id=request.partner_id,
        allocation_id=allocation.id,
        request_id=request.id,
        status=ClaimStatus.SUBMITTED,
        claimed_amount=claimed,
        reimbursable_amount=hold,
        currency=request.currency,
        notes=data.notes,
        submitted_by_user_id=actor.user_id,
        submitted_at=clock.now(),
    )
    claim.lines = [
        FundClaimLine(
            partner_id=request.partner_id, allocation_id=allocation.id, position=index, category=line.category, description=line.description, amount=line.amount
        )
        for index, line in enumerate(data.lines, start=1)
    ]
    claim.proofs = [FundClaimFile(partner_id=request.partner_id, allocation_id=allocation.id, file_id=proof.file_id, kind=proof.kind) for proof in data.proofs]
    claims.add(claim)
    _entry(session, allocation, LedgerKind.COMMITTED, -hold, reason="claimed", request_id=request.id, claim_id=claim.id)
    _entry(session, allocation, LedgerKind.CLAIMED, hold, reason="claim submitted", request_id=request.id, claim_id=claim.id)
    audit.record(
        session,
        actor,
        "fund_claim.submitted",
        entity_type="fund_claim",
        entity_id=claim.id,
        partner_id=claim.partner_id,
        after={
            "request_id": request.id,
            "claimed_amount": str(claimed),
            "reimbursable_amount": str(hold),
            "lines": [{"category": line.category.value, "description": line.description, "amount": str(line.amount)} for line in data.lines],
            "file_ids": [proof.file_id for proof in data.proofs],
        },
    )
    notices.claim_submitted(session, actor, claim, terms=_terms(AllocationRepository(session), claim.partner_id), title=request.title)
    return claim


def _check_proofs(claims: ClaimRepository, data: ClaimCreate, *, partner_id: int) -> None:
    ids = [proof.file_id for proof in data.proofs]
    found = claims.files(ids)
    problems = []
    for index, file_id in enumerate(ids):
        stored = found.get(file_id)
        if stored is None or stored.partner_id != partner_id:
            problems.append({"field": f"proofs[{index}].file_id", "message": f"file {file_id} is not one of your organisation's uploads"})
        elif stored.purpose != FilePurpose.FUND_CLAIM:
            problems.append({"field": f"proofs[{index}].file_id", "message": f"file {file_id} was uploaded as {stored.purpose.value}, not as fund_claim"})
        elif ids.index(file_id) != index:
            problems.append({"field": f"proofs[{index}].file_id", "message": f"file {file_id} is attached twice"})
    if problems:
        raise RuleViolation("The proof of performance is not valid.", details=problems)


def decide_claim(session: Session, actor: Actor, *, claim_id: int, decision: Decision) -> FundClaim:
    """Approve a claim (up to what it holds: the reimbursement percentage of its costs, capped by
    the approved request; less with a reason) or reject it with a reason. What is not approved
    returns to the request's commitment (claimable again until its deadline)."""
    require(actor, Permission.FUNDS_REVIEW)
    claim, allocation = _claim_for_change(session, claim_id)
    if not _in_book(session, actor, claim.partner_id):
        raise NotFound(f"Claim {claim_id} not found.")
    rules.require_claim_state("approve" if decision.approve else "reject", claim.status, claim.id)
    before = snapshot(claim, CLAIM_FIELDS)
    hold = claim.reimbursable_amount
    if decision.approve:
        amount = decision.amount if decision.amount is not None else hold
        if amount > hold:
            raise RuleViolation(
                f"Approve at most {hold} {claim.currency}: the reimbursable share of the costs, capped by the approved request.",
                details=[{"field": "amount", "message": f"at most {hold}", "rule": "amount_over_reimbursable"}],
            )
        if amount < hold and not decision.reason:
            raise RuleViolation("A partial approval says why.", details=[{"field": "reason", "message": "required when approving less than claimed"}])
        claim.status, claim.approved_amount = ClaimStatus.APPROVED, amount
        returned = hold - amount
    else:
        if not decision.reason:
            raise RuleViolation("A rejection says why.", details=[{"field": "reason", "message": "required to reject"}])
        claim.status, amount, returned = ClaimStatus.REJECTED, Decimal(0), hold
    _entry(session, allocation, LedgerKind.CLAIMED, -hold, reason="claim decided", request_id=claim.request_id, claim_id=claim.id)
    if amount > 0:
        _entry(session, allocation, LedgerKind.APPROVED, amount, reason="claim approved", request_id=claim.request_id, claim_id=claim.id)
    if returned > 0:
        _entry(session, allocation, LedgerKind.COMMITTED, returned, reason="not approved: back to the request", request_id=claim.request_id, claim_id=claim.id)
    claim.decision_reason, claim.decided_by_user_id, claim.decided_at = decision.reason, actor.user_id, clock.now()
    session.flush()
    partial = decision.approve and amount < hold
    action = "fund_claim.rejected" if not decision.approve else ("fund_claim.partially_approved" if partial else "fund_claim.approved")
    audit.record(
        session,
        actor,
        action,
        entity_type="fund_claim",
        entity_id=claim.id,
        partner_id=claim.partner_id,
        before=before,
        after=snapshot(claim, CLAIM_FIELDS),
        reason=decision.reason,
    )
    notices.claim_decided(session, actor, claim, partner=_terms(AllocationRepository(session), claim.partner_id).name)
    return claim


def pay_claim(session: Session, actor: Actor, *, claim_id: int, payment: Payment) -> FundClaim:
    """Record that an approved claim was paid (reference, date)."""
    require(actor, Permission.FUNDS_PAY)
    claim, allocation = _claim_for_change(session, claim_id)
    rules.require_claim_state("pay", claim.status, claim.id)
    if payment.paid_on > clock.today():
        raise RuleViolation("A payment is recorded once it is made.", details=[{"field": "paid_on", "message": "must not be in the future"}])
    before = snapshot(claim, CLAIM_FIELDS)
    assert claim.approved_amount is not None
    claim.status, claim.payment_reference, claim.paid_on, claim.paid_by_user_id = ClaimStatus.PAID, payment.payment_reference, payment.paid_on, actor.user_id
    _entry(session, allocation, LedgerKind.APPROVED, -claim.approved_amount, reason="paid", request_id=claim.request_id, claim_id=claim.id)
    _entry(
        session,
        allocation,
        LedgerKind.PAID,
        claim.approved_amount,
        reason=f"paid: {payment.payment_reference}"[:200],
        request_id=claim.request_id,
        claim_id=claim.id,
    )
    session.flush()
    audit.record(
        session,
        actor,
        "fund_claim.paid",
        entity_type="fund_claim",
        entity_id=claim.id,
        partner_id=claim.partner_id,
        before=before,
        after=snapshot(claim, CLAIM_FIELDS),
    )
    notices.claim_paid(session, actor, claim, partner=_terms(AllocationRepository(session), claim.partner_id).name)
    return claim


def _claim_for_change(session: Session, claim_id: int) -> tuple[FundClaim, FundAllocation]:
    claims = ClaimRepository(session)
    allocation_id = claims.allocation_of(claim_id)
    if allocation_id is None:
        raise NotFound(f"Claim {claim_id} not found.")
    allocation = _lock(session, allocation_id)
    claim = claims.fresh(claim_id)
    return claim, allocation


# --- the sweep -----------------------------------------------------------------------------------


def sweep_funds(session: Session, actor: Actor, *, today: date) -> int:
    """Release commitments whose claim deadline passed, then expire what is unused on allocations
    past their period's end (or grace date), then remind claim deadlines: set-based statements."""
    require(actor, Permission.FUNDS_SWEEP)
    repository = LedgerRepository(session)
    now = clock.now()
    changed = repository.lapse_commitments(today=today, now=now)
    changed += repository.expire_allocations(today=today, now=now)
    return changed + notices.remind_claim_deadlines(session, actor, today=today)


# --- helpers -------------------------------------------------------------------------------------


def _lock(session: Session, allocation_id: int) -> FundAllocation:
    allocation = AllocationRepository(session).get_for_change(allocation_id)
    if allocation is None:
        raise NotFound(f"MDF allocation {allocation_id} not found.")
    return allocation


def _book(actor: Actor) -> int | None:
    """The CAM whose partners are all a vendor user reaches of requests and claims (None: every
    partner's; partners are kept to their own by the session scope)."""
    return None if actor.is_partner or can(actor, Permission.FUNDS_ANY_PARTNER) else actor.user_id


def _in_book(session: Session, actor: Actor, partner_id: int) -> bool:
    book = _book(actor)
    if book is None:
        return True
    terms = AllocationRepository(session).terms(partner_id)
    return terms is not None and terms.cam_user_id == book


def _terms(allocations: AllocationRepository, partner_id: int) -> PartnerTerms:
    terms = allocations.terms(partner_id)
    if terms is None:
        raise NotFound(f"Partner {partner_id} not found.", details=[{"field": "partner_id", "message": "no such partner"}])
    return terms


def _entry(
    session: Session, allocation: FundAllocation, kind: LedgerKind, amount: Decimal, *, reason: str, request_id: int | None = None, claim_id: int | None = None
) -> None:
    session.add(
        FundLedgerEntry(
            partner_id=allocation.partner_id,
            allocation_id=allocation.id,
            kind=kind,
            amount=amount,
            currency=allocation.currency,
            request_id=request_id,
            claim_id=claim_id,
            reason=reason,
            occurred_at=clock.now(),
        )
    )
    session.flush()


def allocation_of(session: Session, actor: Actor, *, allocation_id: int) -> FundAllocation:
    require(actor, Permission.FUNDS_READ)
    found = AllocationRepository(session).get(allocation_id)
    if found is None:
        raise NotFound(f"MDF allocation {allocation_id} not found.")
    return found
