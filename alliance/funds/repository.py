"""Every MDF query but the ledger's sums (ledger_repository); partner-owned reads start from
readable() or are filtered by the session scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from alliance.files.models import StoredFile
from alliance.files.vocabulary import FilePurpose
from alliance.funds.models import FundAllocation, FundBudget, FundClaim, FundClaimFile, FundRequest
from alliance.funds.vocabulary import ClaimStatus, RequestStatus
from alliance.kit.repository import Repository, within_scope
from alliance.kit.sorting import SortColumn, apply_sort
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Program, Tier
from alliance.partners.vocabulary import PartnerStatus
from alliance.planning.models import PlanItem


@dataclass(frozen=True)
class PartnerTerms:
    """What MDF needs of a partner: its name, program, currency and the program's MDF settings."""

    id: int
    name: str
    program_id: int | None
    currency: str
    claim_deadline_days: int
    reimbursement_percent: Decimal
    cam_user_id: int | None


@dataclass(frozen=True)
class FundFilters:
    partner_id: int | None = None
    period_key: str | None = None
    status: str | None = None
    activity_type: str | None = None
    cam_user_id: int | None = None  # only the partners this CAM manages (set by the service, never from input)


REQUEST_SORTS: dict[str, SortColumn] = {
    "submitted_at": FundRequest.submitted_at,
    "starts_on": FundRequest.starts_on,
    "requested_amount": FundRequest.requested_amount,
    "partner": Partner.display_name,
    "status": FundRequest.status,
}
CLAIM_SORTS: dict[str, SortColumn] = {
    "submitted_at": FundClaim.submitted_at,
    "claimed_amount": FundClaim.claimed_amount,
    "partner": Partner.display_name,
    "status": FundClaim.status,
    "paid_on": FundClaim.paid_on,
}


class BudgetRepository(Repository[FundBudget]):
    model = FundBudget

    def for_period(self, program_id: int, period_key: str) -> FundBudget | None:
        return self.session.scalars(select(FundBudget).where(FundBudget.program_id == program_id, FundBudget.period_key == period_key)).first()

    def program(self, program_id: int) -> Program | None:
        return self.session.get(Program, program_id)

    def listed(self, *, program_id: int | None, period_key: str | None, budget_id: int | None = None) -> list[tuple[FundBudget, str, Decimal]]:
        """(budget, program name, allocated to partners), newest period first."""
        allocated = select(FundAllocation.budget_id, func.sum(FundAllocation.amount).label("allocated")).group_by(FundAllocation.budget_id).subquery()
        statement = (
            select(FundBudget, Program.name, func.coalesce(allocated.c.allocated, 0))
            .join(Program, Program.id == FundBudget.program_id)
            .outerjoin(allocated, allocated.c.budget_id == FundBudget.id)
            .order_by(FundBudget.starts_on.desc(), Program.name)
        )
        if program_id is not None:
            statement = statement.where(FundBudget.program_id == program_id)
        if period_key:
            statement = statement.where(FundBudget.period_key == period_key)
        if budget_id is not None:
            statement = statement.where(FundBudget.id == budget_id)
        return [(budget, name, Decimal(total)) for budget, name, total in self.session.execute(statement)]

    def allocated_total(self, budget_id: int, *, except_allocation_id: int | None = None) -> Decimal:
        statement = select(func.coalesce(func.sum(FundAllocation.amount), 0)).where(FundAllocation.budget_id == budget_id)
        if except_allocation_id is not None:
            statement = statement.where(FundAllocation.id != except_allocation_id)
        return Decimal(self.session.scalar(statement) or 0)

    def tier_benefits(self, program_id: int) -> list[tuple[int, int, Decimal]]:
        """(partner id, tier id, the tier's MDF benefit) of the program's active partners whose tier
        grants MDF (the allocations generated for a budget)."""
        statement = (
            select(Partner.id, Tier.id, Tier.mdf_allocation)
            .join(Tier, Tier.id == Partner.tier_id)
            .where(Partner.program_id == program_id, Partner.status == PartnerStatus.ACTIVE, Tier.mdf_allocation > 0)
            .order_by(Partner.id)
        )
        return [(partner_id, tier_id, Decimal(amount)) for partner_id, tier_id, amount in self.session.execute(statement)]


class AllocationRepository(Repository[FundAllocation]):
    model = FundAllocation

    def for_budget(self, partner_id: int, budget_id: int) -> FundAllocation | None:
        statement = self.readable().where(FundAllocation.partner_id == partner_id, FundAllocation.budget_id == budget_id)
        return self.session.scalars(statement).first()

    def for_period(self, partner_id: int, period_key: str) -> FundAllocation | None:
        statement = (
            self.readable()
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .where(FundAllocation.partner_id == partner_id, FundBudget.period_key == period_key)
        )
        return self.session.scalars(statement).first()

    def partners_with_allocation(self, budget_id: int) -> set[int]:
        return set(self.session.scalars(select(FundAllocation.partner_id).where(FundAllocation.budget_id == budget_id)))

    def terms(self, partner_id: int) -> PartnerTerms | None:
        """The partner (when the session may see it) with its program's currency and MDF settings."""
        statement = (
            select(
                Partner.id,
                Partner.display_name,
                Partner.program_id,
                func.coalesce(Program.currency, "USD"),
                func.coalesce(Program.mdf_claim_deadline_days, 45),
                func.coalesce(Program.mdf_reimbursement_percent, 100),
                Partner.cam_user_id,
            )
            .outerjoin(Program, Program.id == Partner.program_id)
            .where(Partner.id == partner_id)
        )
        row = self.session.execute(within_scope(statement, Partner.id, self.scope)).first()
        if row is None:
            return None
        return PartnerTerms(
            id=row[0],
            name=row[1],
            program_id=row[2],
            currency=row[3],
            claim_deadline_days=int(row[4]),
            reimbursement_percent=Decimal(row[5]),
            cam_user_id=row[6],
        )

    def listed(self, filters: FundFilters) -> AnySelect:
        """(allocation, budget, partner name) of the readable allocations, newest period first."""
        statement = (
            self.readable()
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .join(Partner, Partner.id == FundAllocation.partner_id)
            .add_columns(FundBudget, Partner.display_name)
        )
        if filters.partner_id:
            statement = statement.where(FundAllocation.partner_id == filters.partner_id)
        if filters.period_key:
            statement = statement.where(FundBudget.period_key == filters.period_key)
        return statement.order_by(FundBudget.starts_on.desc(), Partner.display_name, FundAllocation.id)

    def add_row(self, row: Any) -> None:
        self.session.add(row)
        self.session.flush()


class RequestRepository(Repository[FundRequest]):
    model = FundRequest

    def listed(self, filters: FundFilters, *, sort: str | None) -> AnySelect:
        """(request, partner name, period key) of the readable requests."""
        statement = (
            self.readable()
            .join(Partner, Partner.id == FundRequest.partner_id)
            .join(FundAllocation, FundAllocation.id == FundRequest.allocation_id)
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .add_columns(Partner.display_name, FundBudget.period_key)
        )
        if filters.partner_id:
            statement = statement.where(FundRequest.partner_id == filters.partner_id)
        if filters.cam_user_id is not None:
            statement = statement.where(Partner.cam_user_id == filters.cam_user_id)
        if filters.period_key:
            statement = statement.where(FundBudget.period_key == filters.period_key)
        if filters.status:
            statement = statement.where(FundRequest.status == RequestStatus(filters.status))
        if filters.activity_type:
            statement = statement.where(FundRequest.activity_type == filters.activity_type)
        return apply_sort(statement, sort, REQUEST_SORTS, default="-submitted_at", tiebreak=FundRequest.id)

    def allocation_of(self, request_id: int) -> int | None:
        """The allocation a readable request draws on (it never changes): what to lock first."""
        return self.session.scalar(self.readable().with_only_columns(FundRequest.allocation_id).where(FundRequest.id == request_id))

    def fresh(self, request_id: int) -> FundRequest:
        """The request read again once its allocation is locked (what another transaction changed)."""
        return self.session.scalars(self.readable().where(FundRequest.id == request_id).execution_options(populate_existing=True)).one()

    def plan_item_partner(self, plan_item_id: int) -> int | None:
        """The partner whose business plan holds the item (None: no such item visible)."""
        statement = select(PlanItem.partner_id).where(PlanItem.id == plan_item_id)
        return self.session.scalar(within_scope(statement, PlanItem.partner_id, self.scope))

    def for_code(self, partner_id: int, request_id: int) -> FundRequest | None:
        """The partner's own approved (or closed) request a campaign code names."""
        statement = self.readable().where(
            FundRequest.id == request_id, FundRequest.partner_id == partner_id, FundRequest.status.in_([RequestStatus.APPROVED, RequestStatus.CLOSED])
        )
        return self.session.scalars(statement).first()


class ClaimRepository(Repository[FundClaim]):
    model = FundClaim

    LOAD = (selectinload(FundClaim.lines), selectinload(FundClaim.proofs))

    def get_loaded(self, claim_id: int) -> FundClaim | None:
        return self.get(claim_id, *self.LOAD)

    def allocation_of(self, claim_id: int) -> int | None:
        return self.session.scalar(self.readable().with_only_columns(FundClaim.allocation_id).where(FundClaim.id == claim_id))

    def fresh(self, claim_id: int) -> FundClaim:
        return self.session.scalars(self.readable().where(FundClaim.id == claim_id).execution_options(populate_existing=True)).one()

    def for_request(self, request_id: int) -> list[FundClaim]:
        return list(self.session.scalars(self.readable().where(FundClaim.request_id == request_id).options(*self.LOAD).order_by(FundClaim.id)))

    def listed(self, filters: FundFilters, *, sort: str | None) -> AnySelect:
        """(claim, partner name, request title, activity type) of the readable claims."""
        statement = (
            self.readable()
            .join(Partner, Partner.id == FundClaim.partner_id)
            .join(FundRequest, FundRequest.id == FundClaim.request_id)
            .join(FundAllocation, FundAllocation.id == FundClaim.allocation_id)
            .join(FundBudget, FundBudget.id == FundAllocation.budget_id)
            .add_columns(Partner.display_name, FundRequest.title, FundRequest.activity_type, FundBudget.period_key)
        )
        if filters.partner_id:
            statement = statement.where(FundClaim.partner_id == filters.partner_id)
        if filters.cam_user_id is not None:
            statement = statement.where(Partner.cam_user_id == filters.cam_user_id)
        if filters.period_key:
            statement = statement.where(FundBudget.period_key == filters.period_key)
        if filters.status:
            statement = statement.where(FundClaim.status == ClaimStatus(filters.status))
        if filters.activity_type:
            statement = statement.where(FundRequest.activity_type == filters.activity_type)
        return apply_sort(statement, sort, CLAIM_SORTS, default="-submitted_at", tiebreak=FundClaim.id)

    def unattached_proofs(self, partner_id: int) -> list[StoredFile]:
        """The partner's proof-of-performance uploads no claim holds yet, newest first."""
        attached = select(FundClaimFile.file_id)
        statement = select(StoredFile).where(StoredFile.partner_id == partner_id, StoredFile.purpose == FilePurpose.FUND_CLAIM, StoredFile.id.not_in(attached))
        return list(self.session.scalars(within_scope(statement, StoredFile.partner_id, self.scope).order_by(StoredFile.id.desc()).limit(50)))

    def proof_files(self, claim_id: int) -> list[tuple[FundClaimFile, StoredFile]]:
        statement = select(FundClaimFile, StoredFile).join(StoredFile, StoredFile.id == FundClaimFile.file_id).where(FundClaimFile.claim_id == claim_id)
        return [(proof, stored) for proof, stored in self.session.execute(statement.order_by(FundClaimFile.id))]

    def files(self, file_ids: Sequence[int]) -> dict[int, StoredFile]:
        """The stored files among `file_ids` the session may read."""
        if not file_ids:
            return {}
        statement = select(StoredFile).where(StoredFile.id.in_(file_ids))
        return {f.id: f for f in self.session.scalars(within_scope(statement, StoredFile.partner_id, self.scope))}
