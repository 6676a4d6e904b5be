from __future__ import annotations

from fastapi import APIRouter

from alliance.api.deps import CurrentActor, DbSession
from alliance.http.params import IdPath, PageParams, Search
from alliance.kit.schemas import PageRead
from alliance.partners import program_service
from alliance.partners.models import Program, Tier
from alliance.partners.schemas import MetricRead, ProgramRead, ProgramUpdate, TierRead, TierUpdate
from alliance.partners.vocabulary import PartnerType

router = APIRouter(tags=["programs"])


@router.get("/programs", response_model=PageRead[ProgramRead])
def list_programs(
    session: DbSession, actor: CurrentActor, page: PageParams, partner_type: PartnerType | None = None, active: bool | None = None
) -> dict[str, object]:
    """Programs with their tiers, benefits and advancement criteria (the published program guide)."""
    return program_service.list_programs_page(session, actor, partner_type=partner_type, active=active, page=page).as_response()


@router.get("/programs/{program_id}", response_model=ProgramRead)
def get_program(program_id: IdPath, session: DbSession, actor: CurrentActor) -> Program:
    return program_service.get_program(session, actor, program_id=program_id)


@router.patch("/programs/{program_id}", response_model=ProgramRead)
def update_program(program_id: IdPath, data: ProgramUpdate, session: DbSession, actor: CurrentActor) -> Program:
    program_service.update_program(session, actor, program_id=program_id, data=data)
    session.expire_all()
    return program_service.get_program(session, actor, program_id=program_id)


@router.get("/tiers/{tier_id}", response_model=TierRead)
def get_tier(tier_id: IdPath, session: DbSession, actor: CurrentActor) -> Tier:
    return program_service.get_tier(session, actor, tier_id=tier_id)


@router.patch("/tiers/{tier_id}", response_model=TierRead)
def update_tier(tier_id: IdPath, data: TierUpdate, session: DbSession, actor: CurrentActor) -> Tier:
    """Edit a tier's benefits and criteria; `criteria`, when given, replaces the whole list."""
    return program_service.update_tier(session, actor, tier_id=tier_id, data=data)


@router.get("/metrics", response_model=PageRead[MetricRead])
def list_metrics(actor: CurrentActor, page: PageParams, q: Search = None) -> dict[str, object]:
    """Metric names tier criteria may use."""
    del actor
    metrics = [m for m in program_service.list_metrics() if not q or q.lower() in m.name.lower() or q.lower() in m.label.lower()]
    return {"items": metrics[page.offset : page.offset + page.limit], "total": len(metrics), "limit": page.limit, "offset": page.offset}
