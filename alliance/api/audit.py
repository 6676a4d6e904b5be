from __future__ import annotations

from typing import Annotated

from fastapi import Query

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.audit import service as audit_service
from alliance.audit.models import AuditEvent
from alliance.audit.repository import AuditFilters
from alliance.audit.schemas import AuditEventRead, ChainVerdictRead
from alliance.http.params import IdPath, IdQuery, PageParams
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.kit.types import Moment

router = api_router(prefix="/audit", tags=["audit"])
Filter = Annotated[str | None, Query(max_length=100)]


@router.get("/events", response_model=PageRead[AuditEventRead], openapi_extra=allowed(Permission.AUDIT_READ))
def list_events(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    entity_type: Filter = None,
    entity_id: Filter = None,
    action: Annotated[str | None, Query(max_length=100, description="Action or action prefix, e.g. partner.")] = None,
    actor_email: Annotated[str | None, Query(max_length=320, alias="actor")] = None,
    partner_id: IdQuery = None,
    since: Annotated[Moment | None, Query(description="Events at or after this moment (a date alone: the start of that day)")] = None,
    until: Annotated[Moment | None, Query(description="Events before this moment (a date alone: the start of that day)")] = None,
) -> dict[str, object]:
    """Newest first. Auditors and program admins only."""
    filters = AuditFilters(entity_type=entity_type, entity_id=entity_id, action=action, actor=actor_email, partner_id=partner_id, since=since, until=until)
    return audit_service.list_events(session, actor, filters=filters, page=page).as_response()


@router.get("/events/{seq}", response_model=AuditEventRead, openapi_extra=allowed(Permission.AUDIT_READ))
def get_event(seq: IdPath, session: DbSession, actor: CurrentActor) -> AuditEvent:
    return audit_service.get_event(session, actor, seq=seq)


@router.get("/verify", response_model=ChainVerdictRead, openapi_extra=allowed(Permission.AUDIT_READ))
def verify(session: DbSession, actor: CurrentActor) -> ChainVerdictRead:
    """Recompute the hash chain over the whole trail."""
    verdict = audit_service.verify_chain(session, actor)
    brk = verdict.first_break
    return ChainVerdictRead(
        ok=verdict.ok,
        checked=verdict.checked,
        first_break_seq=brk.seq if brk else None,
        first_break_kind=brk.kind if brk else None,
        message=brk.message if brk else f"{verdict.checked} events verified; the chain is intact.",
    )
