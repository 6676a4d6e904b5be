"""Opportunities filed through the ACE-compatible API: each is a registration filed by the
registration services (conflicts, protection and attribution as for any other), plus the payload
as sent and the client token that makes a create idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance.errors import Conflict, NotFound
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.opportunities.models import Opportunity
from alliance.opportunities.repository import OpportunityFilters, OpportunityRepository
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration
from alliance.registrations.schemas import DealCreate

Found = tuple[Opportunity, Registration]


@dataclass(frozen=True)
class OpportunityPage:
    items: list[Found]
    has_more: bool


def create_opportunity(
    session: Session, actor: Actor, *, catalog: str, client_token: str, request_digest: str, payload: dict[str, Any], data: DealCreate
) -> Found:
    """A draft registration for the actor's partner with its opportunity; a client token already
    used answers with the opportunity it created if the request is the same, and 409 if not."""
    registration_service.require_registrant(actor)
    repository = OpportunityRepository(session)
    earlier = repository.by_client_token(catalog, client_token)
    if earlier is not None:
        if earlier[0].request_digest != request_digest:
            raise Conflict("ClientToken was already used for a different request.", details=[{"field": "ClientToken", "message": "reused"}])
        return earlier
    registration = registration_service.create_registration(session, actor, data=data)
    opportunity = Opportunity(
        partner_id=registration.partner_id,
        registration_id=registration.id,
        catalog=catalog,
        client_token=client_token,
        request_digest=request_digest,
        payload=payload,
        created_at=registration.created_at or clock.now(),
    )
    repository.add(opportunity)
    return opportunity, registration


def get_opportunity(session: Session, actor: Actor, *, catalog: str, registration_id: int) -> Found:
    registration_service.require_registrant(actor)
    found = OpportunityRepository(session).find(catalog, registration_id)
    if found is None:
        raise NotFound(f"Opportunity O{registration_id} not found.")
    return found


def list_opportunities(
    session: Session, actor: Actor, *, catalog: str, filters: OpportunityFilters, sort: str, descending: bool, offset: int, limit: int
) -> OpportunityPage:
    """One page of the actor's partner's opportunities, and whether another follows."""
    registration_service.require_registrant(actor)
    rows = OpportunityRepository(session).page(catalog, filters, sort=sort, descending=descending, offset=offset, limit=limit + 1)
    return OpportunityPage(items=rows[:limit], has_more=len(rows) > limit)
