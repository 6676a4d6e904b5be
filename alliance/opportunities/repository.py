"""Queries of opportunities: each joined to its registration, inside the session's partner scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from alliance.kit.repository import Repository, within_scope
from alliance.opportunities.models import Opportunity
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration
from alliance.registrations.repository import REGISTRATION_LOAD


@dataclass(frozen=True)
class OpportunityFilters:
    """ListOpportunities' filters in Alliance terms; an empty collection filters nothing."""

    registration_ids: frozenset[int] = frozenset()
    statuses: frozenset[Status] = frozenset()
    deal_stages: frozenset[str] = frozenset()
    customer_names: frozenset[str] = frozenset()
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    close_after: date | None = None
    close_before: date | None = None
    # Stages read from the status (won, lost) rather than the stored deal stage.
    stage_statuses: frozenset[Status] = field(default_factory=frozenset)


SORTS: dict[str, Any] = {
    "LastModifiedDate": Registration.updated_at,
    "Identifier": Registration.id,
    "CustomerCompanyName": Registration.customer_name,
    "CreatedDate": Opportunity.created_at,
    "TargetCloseDate": Registration.expected_close_on,
}


class OpportunityRepository(Repository[Opportunity]):
    model = Opportunity

    def _joined(self, catalog: str) -> Select[Opportunity, Registration]:
        statement = select(Opportunity, Registration).join(Registration, Registration.id == Opportunity.registration_id)
        statement = within_scope(statement, Opportunity.partner_id, self.scope)
        return statement.where(Opportunity.catalog == catalog).options(*REGISTRATION_LOAD)

    def find(self, catalog: str, registration_id: int) -> tuple[Opportunity, Registration] | None:
        row = self.session.execute(self._joined(catalog).where(Opportunity.registration_id == registration_id)).first()
        return None if row is None else (row[0], row[1])

    def by_client_token(self, catalog: str, client_token: str) -> tuple[Opportunity, Registration] | None:
        row = self.session.execute(self._joined(catalog).where(Opportunity.client_token == client_token)).first()
        return None if row is None else (row[0], row[1])

    def page(
        self, catalog: str, filters: OpportunityFilters, *, sort: str, descending: bool, offset: int, limit: int
    ) -> list[tuple[Opportunity, Registration]]:
        statement = self._joined(catalog)
        for condition in _conditions(filters):
            statement = statement.where(condition)
        column = SORTS[sort]
        order = [column.desc(), Registration.id.desc()] if descending else [column.asc(), Registration.id.asc()]
        rows = self.session.execute(statement.order_by(*order).offset(offset).limit(limit)).all()
        return [(row[0], row[1]) for row in rows]


def _conditions(filters: OpportunityFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.registration_ids:
        conditions.append(Registration.id.in_(filters.registration_ids))
    if filters.statuses:
        conditions.append(Registration.status.in_(filters.statuses))
    if filters.deal_stages or filters.stage_statuses:
        open_stage = Registration.details["stage"].as_string().in_(filters.deal_stages) & Registration.status.not_in((Status.WON, Status.LOST))
        conditions.append(open_stage | Registration.status.in_(filters.stage_statuses) if filters.stage_statuses else open_stage)
    if filters.customer_names:
        conditions.append(func.lower(Registration.customer_name).in_({name.lower() for name in filters.customer_names}))
    if filters.modified_after is not None:
        conditions.append(Registration.updated_at > filters.modified_after)
    if filters.modified_before is not None:
        conditions.append(Registration.updated_at < filters.modified_before)
    if filters.created_after is not None:
        conditions.append(Opportunity.created_at > filters.created_after)
    if filters.created_before is not None:
        conditions.append(Opportunity.created_at < filters.created_before)
    if filters.close_after is not None:
        conditions.append(Registration.expected_close_on > filters.close_after)
    if filters.close_before is not None:
        conditions.append(Registration.expected_close_on < filters.close_before)
    return conditions
