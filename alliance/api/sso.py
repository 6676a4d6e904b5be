"""Single sign-on connections (program admins: all; partner admins: their own organisation's):
docs/sso.md. The same connection_service calls as the console and the portal."""

from __future__ import annotations

from fastapi import Response

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.sso import connection_service
from alliance.sso import service as sso_service
from alliance.sso.schemas import ConnectionCreate, ConnectionRead, ConnectionUpdate, DomainRead, ManualVerification

router = api_router(tags=["single sign-on"])
MANAGE = allowed(*connection_service.MANAGE)
ADMIN = allowed(Permission.SIGN_IN_MANAGE)


@router.get("/sso/connections", response_model=PageRead[ConnectionRead], openapi_extra=MANAGE)
def list_connections(session: DbSession, actor: CurrentActor, page: PageParams) -> dict[str, object]:
    """Every connection (partner admins: their organisation's), with its domains' verification state."""
    return connection_service.page_details(session, actor, page=page).as_response()


@router.post("/sso/connections", response_model=ConnectionRead, status_code=201, openapi_extra=ADMIN)
def create_connection(data: ConnectionCreate, session: DbSession, actor: CurrentActor) -> ConnectionRead:
    """Set a connection up; its domains start unverified (publish each one's TXT record, then check it)."""
    connection = sso_service.create_connection(session, actor, data=data)
    return connection_service.get_detail(session, actor, connection_id=connection.id)


@router.get("/sso/connections/{connection_id}", response_model=ConnectionRead, openapi_extra=MANAGE)
def get_connection(connection_id: IdPath, session: DbSession, actor: CurrentActor) -> ConnectionRead:
    return connection_service.get_detail(session, actor, connection_id=connection_id)


@router.patch("/sso/connections/{connection_id}", response_model=ConnectionRead, openapi_extra=MANAGE)
def update_connection(connection_id: IdPath, data: ConnectionUpdate, session: DbSession, actor: CurrentActor) -> ConnectionRead:
    """Change the name, domains (the whole list), role mapping, default role, "SSO required", or switch it off or on."""
    return connection_service.update_connection(session, actor, connection_id=connection_id, data=data)


@router.delete(
    "/sso/connections/{connection_id}",
    status_code=204,
    openapi_extra=MANAGE,
    responses={409: {"description": "Users are linked to the connection (the detail names how many): switch it off instead"}},
)
def delete_connection(connection_id: IdPath, session: DbSession, actor: CurrentActor) -> Response:
    connection_service.delete_connection(session, actor, connection_id=connection_id)
    return Response(status_code=204)


@router.post("/sso/connections/{connection_id}/domains/{domain_id}/check", response_model=DomainRead, openapi_extra=MANAGE)
def check_domain(connection_id: IdPath, domain_id: IdPath, session: DbSession, actor: CurrentActor) -> DomainRead:
    """Look the domain's TXT record up in DNS: verified when it carries the domain's txt_value; 422 otherwise."""
    return connection_service.check_domain(session, actor, connection_id=connection_id, domain_id=domain_id)


@router.post("/sso/connections/{connection_id}/domains/{domain_id}/mark-verified", response_model=DomainRead, openapi_extra=ADMIN)
def mark_domain_verified(connection_id: IdPath, domain_id: IdPath, data: ManualVerification, session: DbSession, actor: CurrentActor) -> DomainRead:
    """Vouch for the domain without DNS, with a reason kept in the audit trail (program admins)."""
    return connection_service.mark_domain_verified(session, actor, connection_id=connection_id, domain_id=domain_id, reason=data.reason)
