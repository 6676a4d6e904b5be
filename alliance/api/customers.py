from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.repository import CustomerFilters
from alliance.customers.schemas import (
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    MatchCandidateRead,
    MatchQuery,
    MatchResponse,
    OwnershipChange,
)
from alliance.customers.vocabulary import Ownership
from alliance.db import Database
from alliance.http.params import IdPath, IdQuery, PageParams, Search, sort_by
from alliance.http.session import get_database
from alliance.identity.permissions import Permission
from alliance.identity.scope import scope_for
from alliance.kit.schemas import PageRead
from alliance.kit.types import Country

router = api_router(prefix="/customers", tags=["customers"])


def read_session(actor: CurrentActor, database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """Matching is a POST for its body but only reads: no write lock (SQLite BEGIN IMMEDIATE)."""
    with database.session_scope(scope_for(actor), write=False) as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session, scope="function")]


@router.post("/match", response_model=MatchResponse, openapi_extra=allowed(Permission.REGISTRATIONS_FILE, Permission.CUSTOMERS_READ))
def match(data: MatchQuery, session: ReadSession, actor: CurrentActor) -> MatchResponse:
    """Known customers that may be this company, best first. Any signed-in user; the answer holds
    each candidate's identity, score and evidence, never its ownership."""
    found = customer_service.find_matches(
        session, actor, name=data.name, website=data.website, country=data.country, limit=data.limit, min_score=data.min_score
    )
    return MatchResponse(candidates=[MatchCandidateRead.model_validate(m) for m in found])


@router.get("", response_model=PageRead[CustomerRead], openapi_extra=allowed(Permission.CUSTOMERS_READ))
def list_customers(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    sort: Annotated[str | None, sort_by(customer_service.CUSTOMER_SORTS)] = None,
    q: Annotated[Search, Query(description="External id, website domain, or the start of the name")] = None,
    country: Annotated[Country | None, Query()] = None,
    ownership: Ownership | None = None,
    owning_partner_id: IdQuery = None,
) -> dict[str, object]:
    """Customer master data (vendor users)."""
    filters = CustomerFilters(q=q, country=country, ownership=ownership, owning_partner_id=owning_partner_id)
    return customer_service.list_customers(session, actor, filters=filters, sort=sort, page=page).as_response()


@router.post("", response_model=CustomerRead, status_code=201, openapi_extra=allowed(Permission.CUSTOMERS_WRITE))
def create_customer(data: CustomerCreate, session: DbSession, actor: CurrentActor) -> Customer:
    return customer_service.create_customer(session, actor, data=data)


@router.get("/{customer_id}", response_model=CustomerRead, openapi_extra=allowed(Permission.CUSTOMERS_READ))
def get_customer(customer_id: IdPath, session: DbSession, actor: CurrentActor) -> Customer:
    return customer_service.get_customer(session, actor, customer_id=customer_id)


@router.patch("/{customer_id}", response_model=CustomerRead, openapi_extra=allowed(Permission.CUSTOMERS_WRITE))
def update_customer(customer_id: IdPath, data: CustomerUpdate, session: DbSession, actor: CurrentActor) -> Customer:
    return customer_service.update_customer(session, actor, customer_id=customer_id, data=data)


@router.post("/{customer_id}/ownership", response_model=CustomerRead, openapi_extra=allowed(Permission.CUSTOMERS_OWNERSHIP))
def change_ownership(customer_id: IdPath, data: OwnershipChange, session: DbSession, actor: CurrentActor) -> Customer:
    """Open, SI-protected (by a systems integrator until a date) or vendor-direct; reason required."""
    return customer_service.change_customer_ownership(session, actor, customer_id=customer_id, change=data)
