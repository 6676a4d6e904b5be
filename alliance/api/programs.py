from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Response

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, PageParams, Search
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.partners import program_service, territory_service
from alliance.partners.models import Program, Tier
from alliance.partners.schemas import MetricRead, ProgramRead, ProgramUpdate, Territory, TerritoryRead, TierRead, TierUpdate
from alliance.partners.vocabulary import PartnerType

router = api_router(tags=["programs"])
TerritoryName = Annotated[str, Path(min_length=1, max_length=100, description="The territory's name (case and spacing aside)")]


@router.get("/programs", response_model=PageRead[ProgramRead], openapi_extra=allowed(Permission.PROGRAMS_READ))
def list_programs(
    session: DbSession, actor: CurrentActor, page: PageParams, partner_type: PartnerType | None = None, active: bool | None = None
) -> dict[str, object]:
    """Programs with their tiers, benefits and advancement criteria (the published program guide)."""
    return program_service.list_programs_page(session, actor, partner_type=partner_type, active=active, page=page).as_response()


@router.get("/programs/{program_id}", response_model=ProgramRead, openapi_extra=allowed(Permission.PROGRAMS_READ))
def get_program(program_id: IdPath, session: DbSession, actor: CurrentActor) -> Program:
    return program_service.get_program(session, actor, program_id=program_id)


@router.patch("/programs/{program_id}", response_model=ProgramRead, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def update_program(program_id: IdPath, data: ProgramUpdate, session: DbSession, actor: CurrentActor) -> Program:
    program_service.update_program(session, actor, program_id=program_id, data=data)
    session.expire_all()
    return program_service.get_program(session, actor, program_id=program_id)


@router.post("/programs/{program_id}/territories", status_code=201, response_model=TerritoryRead, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def add_territory(program_id: IdPath, data: Territory, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Add a sales territory; 409 when its name or one of its countries is another territory's."""
    program = territory_service.add_territory(session, actor, program_id=program_id, data=data)
    return dict(program.territories[-1])


@router.put("/programs/{program_id}/territories/{name:path}", response_model=TerritoryRead, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def change_territory(program_id: IdPath, name: TerritoryName, data: Territory, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Rename a territory and set its countries (the whole list). A rename is 409 while open plans'
    revenue targets name the territory (the error names the plans)."""
    program = territory_service.change_territory(session, actor, program_id=program_id, name=name, data=data)
    return next(dict(t) for t in program.territories if t["name"] == " ".join(data.name.split()))


@router.delete("/programs/{program_id}/territories/{name:path}", status_code=204, response_class=Response, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def delete_territory(program_id: IdPath, name: TerritoryName, session: DbSession, actor: CurrentActor) -> Response:
    """Delete a territory; 409 naming the plans while open plans' revenue targets name it."""
    territory_service.delete_territory(session, actor, program_id=program_id, name=name)
    return Response(status_code=204)


@router.get("/tiers/{tier_id}", response_model=TierRead, openapi_extra=allowed(Permission.PROGRAMS_READ))
def get_tier(tier_id: IdPath, session: DbSession, actor: CurrentActor) -> Tier:
    return program_service.get_tier(session, actor, tier_id=tier_id)


@router.patch("/tiers/{tier_id}", response_model=TierRead, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def update_tier(tier_id: IdPath, data: TierUpdate, session: DbSession, actor: CurrentActor) -> Tier:
    """Edit a tier's benefits and criteria; `criteria`, when given, replaces the whole list."""
    return program_service.update_tier(session, actor, tier_id=tier_id, data=data)


@router.get("/metrics", response_model=PageRead[MetricRead], openapi_extra=allowed(Permission.PROGRAMS_READ))
def list_metrics(actor: CurrentActor, page: PageParams, q: Search = None) -> dict[str, object]:
    """Metric names tier criteria may use."""
    del actor
    metrics = [m for m in program_service.list_metrics() if not q or q.lower() in m.name.lower() or q.lower() in m.label.lower()]
    return {"items": metrics[page.offset : page.offset + page.limit], "total": len(metrics), "limit": page.limit, "offset": page.offset}
