"""Market development funds: budgets and allocations (program admins), fund requests and claims
with proof of performance (partners), decisions (the channel team), payments, the ledger, ROI."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.db import Database
from alliance.funds import service as fund_service
from alliance.funds.ledger_repository import LedgerRow, ReturnRow
from alliance.funds.models import FundAllocation, FundBudget, FundClaim, FundLedgerEntry, FundRequest
from alliance.funds.repository import CLAIM_SORTS, REQUEST_SORTS, FundFilters
from alliance.funds.schemas import (
    AllocationGenerate,
    AllocationRead,
    AllocationSet,
    BalancesRead,
    BudgetCreate,
    BudgetRead,
    BudgetUpdate,
    BudgetWithdrawal,
    ClaimCreate,
    ClaimListRead,
    ClaimRead,
    ClaimSummaryRead,
    Decision,
    FundRequestCreate,
    FundRequestListRead,
    FundRequestRead,
    LedgerEntryRead,
    Payment,
    ReturnRead,
)
from alliance.funds.service import BudgetView
from alliance.funds.vocabulary import ActivityType, ClaimStatus, RequestStatus
from alliance.http import downloads
from alliance.http.params import IdPath, IdQuery, PageParams, sort_by
from alliance.http.session import get_database
from alliance.identity.permissions import Permission
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.kit.schemas import PageRead

router = api_router(tags=["market development funds"])
Period = Annotated[str | None, Query(max_length=16, description="A fiscal period key: FY2027, FY2027-H1, FY2027-Q3")]


def budget_read(view: BudgetView) -> BudgetRead:
    budget = view.budget
    return BudgetRead(
        id=budget.id,
        program_id=budget.program_id,
        program_name=view.program_name,
        period_key=budget.period_key,
        starts_on=budget.starts_on,
        ends_on=budget.ends_on,
        expires_on=budget.expires_on,
        amount=budget.amount,
        currency=budget.currency,
        allocated=view.allocated,
        unallocated=budget.amount - view.allocated,
        notes=budget.notes,
    )


def allocation_read(row: LedgerRow) -> AllocationRead:
    b = row.balances
    return AllocationRead(
        id=row.allocation_id,
        partner_id=row.partner_id,
        partner_name=row.partner_name,
        period_key=row.period_key,
        expires_on=row.expires_on,
        currency=row.currency,
        balances=BalancesRead(
            allocated=b.allocated, committed=b.committed, claimed=b.claimed, approved=b.approved, paid=b.paid, expired=b.expired, available=b.available
        ),
    )


def return_read(row: ReturnRow) -> ReturnRead:
    return ReturnRead(
        key=row.key,
        label=row.label,
        partner_id=row.partner_id,
        partner_name=row.partner_name,
        currency=row.currency,
        mdf_spent=row.spent,
        registrations=row.registrations,
        pipeline=row.pipeline,
        won_revenue=row.won,
        pipeline_per_unit=row.per_unit(row.pipeline),
        won_per_unit=row.per_unit(row.won),
    )


# --- budgets and allocations ---------------------------------------------------------------------


@router.get("/fund-budgets", response_model=list[BudgetRead], openapi_extra=allowed(Permission.FUNDS_BUDGETS_READ))
def list_budgets(session: DbSession, actor: CurrentActor, program_id: IdQuery = None, period: Period = None) -> list[BudgetRead]:
    """MDF budgets per program and fiscal period, with what is allocated of each."""
    return [budget_read(v) for v in fund_service.list_budgets(session, actor, program_id=program_id, period_key=period)]


@router.post("/fund-budgets", response_model=BudgetRead, status_code=201, openapi_extra=allowed(Permission.FUNDS_MANAGE))
def create_budget(data: BudgetCreate, session: DbSession, actor: CurrentActor) -> BudgetRead:
    """A program's MDF budget for a fiscal period, in the program's currency (one per program and period)."""
    budget = fund_service.create_budget(session, actor, data=data)
    return _budget(session, actor, budget)


@router.patch("/fund-budgets/{budget_id}", response_model=BudgetRead, openapi_extra=allowed(Permission.FUNDS_MANAGE))
def update_budget(budget_id: IdPath, data: BudgetUpdate, session: DbSession, actor: CurrentActor) -> BudgetRead:
    """Change the amount (never below what is allocated) or the grace date, with a reason."""
    budget = fund_service.update_budget(session, actor, budget_id=budget_id, data=data)
    return _budget(session, actor, budget)


@router.get("/fund-budgets/{budget_id}", response_model=BudgetRead, openapi_extra=allowed(Permission.FUNDS_BUDGETS_READ))
def get_budget(budget_id: IdPath, session: DbSession, actor: CurrentActor) -> BudgetRead:
    """One MDF budget with what is allocated of it."""
    return budget_read(fund_service.get_budget(session, actor, budget_id=budget_id))


@router.post("/fund-budgets/{budget_id}/withdrawal", response_model=BudgetRead, openapi_extra=allowed(Permission.FUNDS_MANAGE))
def withdraw_budget(budget_id: IdPath, data: BudgetWithdrawal, session: DbSession, actor: CurrentActor) -> BudgetRead:
    """Take money back out of the budget: an amount of what is not allocated (all of it by default),
    with a reason. 409 when it would leave less than is allocated to partners."""
    budget = fund_service.withdraw_budget(session, actor, budget_id=budget_id, data=data)
    return _budget(session, actor, budget)


def _budget(session: DbSession, actor: CurrentActor, budget: FundBudget) -> BudgetRead:
    return budget_read(fund_service.get_budget(session, actor, budget_id=budget.id))


@router.post(
    "/fund-budgets/{budget_id}/generated-allocations", response_model=list[AllocationRead], status_code=201, openapi_extra=allowed(Permission.FUNDS_MANAGE)
)
def generate_allocations(budget_id: IdPath, data: AllocationGenerate, session: DbSession, actor: CurrentActor) -> list[AllocationRead]:
    """Allocate each active partner of the program whose tier grants MDF its tier's benefit (those without an allocation yet)."""
    created = fund_service.generate_allocations(session, actor, budget_id=budget_id, reason=data.reason)
    return _allocations(session, actor, created)


@router.post("/fund-allocations", response_model=AllocationRead, openapi_extra=allowed(Permission.FUNDS_MANAGE))
def set_allocation(data: AllocationSet, session: DbSession, actor: CurrentActor) -> AllocationRead:
    """Create or change a partner's allocation for a budget's period, by hand, with a reason."""
    allocation = fund_service.set_allocation(session, actor, data=data)
    return _allocations(session, actor, [allocation])[0]


def _allocations(session: DbSession, actor: CurrentActor, allocations: list[FundAllocation]) -> list[AllocationRead]:
    wanted = {a.id for a in allocations}
    return [allocation_read(row) for row in fund_service.ledger(session, actor) if row.allocation_id in wanted]


@router.get("/fund-allocations", response_model=PageRead[AllocationRead], openapi_extra=allowed(Permission.FUNDS_READ))
def list_allocations(session: DbSession, actor: CurrentActor, page: PageParams, partner_id: IdQuery = None, period: Period = None) -> dict[str, Any]:
    """The MDF ledger: each allocation with its balances (partners: their own), newest period first."""
    rows = fund_service.ledger(session, actor, partner_id=partner_id, period_key=period)
    return _page([allocation_read(row) for row in rows], page)


def _page(items: list[Any], page: PageRequest) -> dict[str, Any]:
    return {"items": items[page.offset : page.offset + page.limit], "total": len(items), "limit": page.limit, "offset": page.offset}


@router.get("/fund-ledger.csv", response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}}}}, openapi_extra=allowed(Permission.FUNDS_READ))
def ledger_csv(
    actor: CurrentActor, database: Annotated[Database, Depends(get_database)], partner_id: IdQuery = None, period: Period = None
) -> StreamingResponse:
    """The MDF ledger as CSV, one row per allocation (partner_id first)."""
    return downloads.fund_ledger_csv(database, actor, partner_id=partner_id, period_key=period, today=clock.today())


@router.get("/fund-allocations/{allocation_id}/entries", response_model=list[LedgerEntryRead], openapi_extra=allowed(Permission.FUNDS_READ))
def ledger_entries(allocation_id: IdPath, session: DbSession, actor: CurrentActor) -> list[FundLedgerEntry]:
    """Every movement of the allocation's money, oldest first."""
    return fund_service.ledger_entries(session, actor, allocation_id=allocation_id)


@router.get("/fund-returns", response_model=PageRead[ReturnRead], openapi_extra=allowed(Permission.FUNDS_READ))
def fund_returns(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    by: Annotated[Literal["activity", "partner"], Query(description="One row per fund request (activity) or per partner")] = "activity",
    partner_id: IdQuery = None,
    period: Period = None,
) -> dict[str, Any]:
    """ROI: registrations quoting the activity's campaign code, their pipeline and won revenue, per unit of MDF spent."""
    rows = fund_service.returns(session, actor, by_partner=by == "partner", partner_id=partner_id, period_key=period)
    return _page([return_read(r) for r in rows], page)


# --- requests ------------------------------------------------------------------------------------


@router.get("/fund-requests", response_model=PageRead[FundRequestListRead], openapi_extra=allowed(Permission.FUNDS_READ))
def list_requests(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    partner_id: IdQuery = None,
    period: Period = None,
    status: Annotated[RequestStatus | None, Query(description="submitted: the review queue")] = None,
    activity_type: Annotated[ActivityType | None, Query()] = None,
    sort: Annotated[str | None, sort_by(REQUEST_SORTS)] = None,
) -> dict[str, Any]:
    """Fund requests (partners: their own), newest first."""
    filters = FundFilters(partner_id=partner_id, period_key=period, status=status, activity_type=activity_type)
    found = fund_service.list_requests(session, actor, filters=filters, page=page, sort=sort)
    items = [
        FundRequestListRead.model_validate(FundRequestRead.model_validate(request).model_dump() | {"partner_name": name, "period_key": key})
        for request, name, key in found.items
    ]
    return {"items": items, "total": found.total, "limit": found.limit, "offset": found.offset}


@router.post("/fund-requests", response_model=FundRequestRead, status_code=201, openapi_extra=allowed(Permission.FUNDS_REQUEST))
def submit_request(data: FundRequestCreate, session: DbSession, actor: CurrentActor) -> FundRequest:
    """Ask for funds for an activity from your allocation for the period (422 naming the rule: over the available balance, no allocation, outside the period)."""
    return fund_service.submit_request(session, actor, data=data)


@router.get("/fund-requests/{fund_request_id}", response_model=FundRequestRead, openapi_extra=allowed(Permission.FUNDS_READ))
def get_request(fund_request_id: IdPath, session: DbSession, actor: CurrentActor) -> FundRequest:
    return fund_service.get_request(session, actor, request_id=fund_request_id)


@router.get("/fund-requests/{fund_request_id}/claims", response_model=list[ClaimRead], openapi_extra=allowed(Permission.FUNDS_READ))
def claims_of_request(fund_request_id: IdPath, session: DbSession, actor: CurrentActor) -> list[FundClaim]:
    return fund_service.claims_of_request(session, actor, request_id=fund_request_id)


@router.post(
    "/fund-requests/{fund_request_id}/decision",
    response_model=FundRequestRead,
    responses={409: {"description": "Already decided"}},
    openapi_extra=allowed(Permission.FUNDS_REVIEW),
)
def decide_request(fund_request_id: IdPath, data: Decision, session: DbSession, actor: CurrentActor) -> FundRequest:
    """Approve (all, or part with a reason) and commit the funds, or reject with a reason."""
    return fund_service.decide_request(session, actor, request_id=fund_request_id, decision=data)


@router.post("/fund-requests/{fund_request_id}/withdrawal", response_model=FundRequestRead, openapi_extra=allowed(Permission.FUNDS_REQUEST))
def withdraw_request(fund_request_id: IdPath, session: DbSession, actor: CurrentActor) -> FundRequest:
    """Withdraw a request not yet decided."""
    return fund_service.withdraw_request(session, actor, request_id=fund_request_id)


# --- claims --------------------------------------------------------------------------------------


@router.get("/fund-claims", response_model=PageRead[ClaimListRead], openapi_extra=allowed(Permission.FUNDS_READ))
def list_claims(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    partner_id: IdQuery = None,
    period: Period = None,
    status: Annotated[ClaimStatus | None, Query(description="submitted: the review queue; approved: awaiting payment")] = None,
    activity_type: Annotated[ActivityType | None, Query()] = None,
    sort: Annotated[str | None, sort_by(CLAIM_SORTS)] = None,
) -> dict[str, Any]:
    filters = FundFilters(partner_id=partner_id, period_key=period, status=status, activity_type=activity_type)
    found = fund_service.list_claims(session, actor, filters=filters, page=page, sort=sort)
    items = [
        ClaimListRead.model_validate(
            ClaimSummaryRead.model_validate(claim).model_dump() | {"partner_name": name, "request_title": title, "activity_type": kind, "period_key": key}
        )
        for claim, name, title, kind, key in found.items
    ]
    return {"items": items, "total": found.total, "limit": found.limit, "offset": found.offset}


@router.get("/fund-claims.csv", response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}}}}, openapi_extra=allowed(Permission.FUNDS_READ))
def claims_csv(
    actor: CurrentActor,
    database: Annotated[Database, Depends(get_database)],
    partner_id: IdQuery = None,
    period: Period = None,
    status: Annotated[ClaimStatus | None, Query()] = None,
    activity_type: Annotated[ActivityType | None, Query()] = None,
) -> StreamingResponse:
    """Claims as CSV, one row per claim (partner_id first; finance-friendly column names)."""
    filters = FundFilters(partner_id=partner_id, period_key=period, status=status, activity_type=activity_type)
    return downloads.fund_claims_csv(database, actor, filters=filters, sort=None, today=clock.today())


@router.post("/fund-claims", response_model=ClaimRead, status_code=201, openapi_extra=allowed(Permission.FUNDS_REQUEST))
def submit_claim(data: ClaimCreate, session: DbSession, actor: CurrentActor) -> FundClaim:
    """Claim an approved request's funds: typed cost lines and proof-of-performance files (uploaded with purpose fund_claim), within the claim deadline."""
    claim = fund_service.submit_claim(session, actor, data=data)
    return fund_service.get_claim(session, actor, claim_id=claim.id)


@router.get("/fund-claims/{claim_id}", response_model=ClaimRead, openapi_extra=allowed(Permission.FUNDS_READ))
def get_claim(claim_id: IdPath, session: DbSession, actor: CurrentActor) -> FundClaim:
    return fund_service.get_claim(session, actor, claim_id=claim_id)


@router.post(
    "/fund-claims/{claim_id}/decision",
    response_model=ClaimRead,
    responses={409: {"description": "Already decided"}},
    openapi_extra=allowed(Permission.FUNDS_REVIEW),
)
def decide_claim(claim_id: IdPath, data: Decision, session: DbSession, actor: CurrentActor) -> FundClaim:
    """Approve (up to the reimbursable amount; less with a reason) or reject with a reason."""
    fund_service.decide_claim(session, actor, claim_id=claim_id, decision=data)
    return fund_service.get_claim(session, actor, claim_id=claim_id)


@router.post("/fund-claims/{claim_id}/payment", response_model=ClaimRead, openapi_extra=allowed(Permission.FUNDS_PAY))
def pay_claim(claim_id: IdPath, data: Payment, session: DbSession, actor: CurrentActor) -> FundClaim:
    """Record an approved claim's payment (reference and date)."""
    fund_service.pay_claim(session, actor, claim_id=claim_id, payment=data)
    return fund_service.get_claim(session, actor, claim_id=claim_id)
