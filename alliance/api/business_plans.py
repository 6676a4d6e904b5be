"""Joint business plans: a draft per partner per fiscal period, proposed, signed by both sides,
amended; milestones completed with evidence and confirmed by the vendor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query
from fastapi.responses import StreamingResponse

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.db import Database
from alliance.http import downloads
from alliance.http.params import IdPath, IdQuery, PageParams, sort_by
from alliance.http.session import get_database
from alliance.identity.permissions import Permission
from alliance.kit import clock
from alliance.kit.schemas import MAX_ROW_ID, PageRead
from alliance.kit.sorting import checked_sort
from alliance.kit.types import Day
from alliance.planning import actuals_service, closing_service, template_service
from alliance.planning import service as plan_service
from alliance.planning.models import BusinessPlanVersion, ItemProgress, PlanTemplate
from alliance.planning.repository import PLAN_SORTS, PlanFilters
from alliance.planning.schemas import (
    Amendment,
    BusinessPlanCreate,
    BusinessPlanDraft,
    BusinessPlanRead,
    BusinessPlanSummaryRead,
    BusinessPlanVersionRead,
    PlanActualsRead,
    PlanTemplateCreate,
    PlanTemplateRead,
    ProgressInput,
    ProgressRead,
    Proposal,
)
from alliance.planning.vocabulary import PlanStatus

router = api_router(tags=["joint business plans"])
RefPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The item's number in the plan (kept across versions)")]


@router.post("/business-plans", response_model=BusinessPlanRead, status_code=201, openapi_extra=allowed(Permission.BUSINESS_PLANS_SIGN))
def create_plan(data: BusinessPlanCreate, session: DbSession, actor: CurrentActor) -> BusinessPlanRead:
    """Start a draft plan for a partner's fiscal period (one per partner and period)."""
    plan = plan_service.create_plan(
        session, actor, partner_id=data.partner_id, period=data.period, title=data.title, items=data.items, template_id=data.template_id
    )
    return BusinessPlanRead.of(plan_service.view_plan(session, actor, plan_id=plan.id))


@router.get("/business-plans", response_model=PageRead[BusinessPlanSummaryRead], openapi_extra=allowed(Permission.BUSINESS_PLANS_READ))
def list_plans(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    partner_id: IdQuery = None,
    cam_user_id: IdQuery = None,
    period: Annotated[str | None, Query(max_length=16, description="A fiscal period key: FY2027, FY2027-H1, FY2027-Q3")] = None,
    status: Annotated[PlanStatus | None, Query(description="active: agreed and today is in its period")] = None,
    sort: Annotated[str | None, sort_by(PLAN_SORTS)] = None,
) -> dict[str, object]:
    """Plans visible to the caller (partners: their own), most recently changed first unless `sort` says otherwise."""
    filters = PlanFilters(partner_id=partner_id, cam_user_id=cam_user_id, period_key=period, status=status)
    return plan_service.list_plans(session, actor, filters=filters, page=page, sort=sort).as_response()


@router.get(
    "/business-plans.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
    openapi_extra=allowed(Permission.BUSINESS_PLANS_READ),
)
def plans_csv(
    actor: CurrentActor,
    database: Annotated[Database, Depends(get_database)],
    partner_id: IdQuery = None,
    cam_user_id: IdQuery = None,
    period: Annotated[str | None, Query(max_length=16, description="A fiscal period key")] = None,
    status: Annotated[PlanStatus | None, Query()] = None,
    as_of: Annotated[Day | None, Query(description="Measure as of this day (default: today)")] = None,
    sort: Annotated[str | None, sort_by(PLAN_SORTS)] = None,
) -> StreamingResponse:
    """Plans and plan-vs-actual as CSV: one row per item of each plan's version in force (partner_id first), plans in the list's order."""
    filters = PlanFilters(partner_id=partner_id, cam_user_id=cam_user_id, period_key=period, status=status)
    return downloads.business_plans_csv(database, actor, filters, as_of or clock.today(), checked_sort(sort, PLAN_SORTS))


@router.get("/business-plans/{business_plan_id}", response_model=BusinessPlanRead, openapi_extra=allowed(Permission.BUSINESS_PLANS_READ))
def get_plan(business_plan_id: IdPath, session: DbSession, actor: CurrentActor) -> BusinessPlanRead:
    """The plan with its versions, items, progress and what you may do to it."""
    return BusinessPlanRead.of(plan_service.view_plan(session, actor, plan_id=business_plan_id))


@router.put("/business-plans/{business_plan_id}/draft", response_model=BusinessPlanRead, openapi_extra=allowed(Permission.BUSINESS_PLANS_SIGN))
def update_draft(business_plan_id: IdPath, data: BusinessPlanDraft, session: DbSession, actor: CurrentActor) -> BusinessPlanRead:
    """Replace the draft's title and items (before it is proposed)."""
    plan_service.update_draft(session, actor, plan_id=business_plan_id, title=data.title, items=data.items)
    return BusinessPlanRead.of(plan_service.view_plan(session, actor, plan_id=business_plan_id))


@router.post("/business-plans/{business_plan_id}/propose", response_model=BusinessPlanVersionRead, openapi_extra=allowed(Permission.BUSINESS_PLANS_SIGN))
def propose_plan(business_plan_id: IdPath, data: Proposal, session: DbSession, actor: CurrentActor) -> BusinessPlanVersion:
    """Propose the draft; both sides then sign it."""
    return plan_service.propose_plan(session, actor, plan_id=business_plan_id, note=data.note)


@router.post(
    "/business-plans/{business_plan_id}/amendments",
    response_model=BusinessPlanVersionRead,
    status_code=201,
    openapi_extra=allowed(Permission.BUSINESS_PLANS_SIGN),
)
def amend_plan(business_plan_id: IdPath, data: Amendment, session: DbSession, actor: CurrentActor) -> BusinessPlanVersion:
    """Propose a new version; the agreed version stays in force until both sides sign this one."""
    return plan_service.amend_plan(session, actor, plan_id=business_plan_id, items=data.items, note=data.note)


@router.post(
    "/business-plan-versions/{business_version_id}/sign-off",
    response_model=BusinessPlanVersionRead,
    responses={409: {"description": "A draft, a superseded version, or a closed plan"}},
    openapi_extra=allowed(Permission.BUSINESS_PLANS_SIGN),
)
def sign_off(business_version_id: IdPath, session: DbSession, actor: CurrentActor) -> BusinessPlanVersion:
    """Sign a proposed version for your side; agreed once both sides signed. Signing twice changes nothing."""
    return plan_service.sign_version(session, actor, version_id=business_version_id)


@router.put("/business-plans/{business_plan_id}/items/{ref}/progress", response_model=ProgressRead, openapi_extra=allowed(Permission.BUSINESS_PLANS_PROGRESS))
def record_progress(business_plan_id: IdPath, ref: RefPath, data: ProgressInput, session: DbSession, actor: CurrentActor) -> ItemProgress:
    """Start a milestone, or mark it completed with evidence (a note, a link or a won registration)."""
    return plan_service.record_progress(session, actor, plan_id=business_plan_id, ref=ref, data=data)


@router.post("/business-plans/{business_plan_id}/items/{ref}/confirm", response_model=ProgressRead, openapi_extra=allowed(Permission.BUSINESS_PLANS_CONFIRM))
def confirm_item(business_plan_id: IdPath, ref: RefPath, session: DbSession, actor: CurrentActor) -> ItemProgress:
    """Confirm a completed milestone's evidence (vendor)."""
    return plan_service.confirm_item(session, actor, plan_id=business_plan_id, ref=ref)


@router.get("/business-plans/{business_plan_id}/actuals", response_model=PlanActualsRead, openapi_extra=allowed(Permission.BUSINESS_PLANS_READ))
def plan_vs_actual(
    business_plan_id: IdPath,
    session: DbSession,
    actor: CurrentActor,
    as_of: Annotated[Day | None, Query(description="Measure as of this day (default: today)")] = None,
) -> PlanActualsRead:
    """Plan vs actual of the version in force: certified people from enablement, revenue from the
    attribution ledger, milestones by their evidence; each at-risk item says why."""
    return actuals_service.read(actuals_service.plan_vs_actual(session, actor, plan_id=business_plan_id, as_of=as_of))


@router.post("/business-plans/{business_plan_id}/close", response_model=BusinessPlanRead, openapi_extra=allowed(Permission.BUSINESS_PLANS_CONFIRM))
def close_plan(business_plan_id: IdPath, session: DbSession, actor: CurrentActor) -> BusinessPlanRead:
    """Close an agreed plan; its final scorecard (plan vs actual) is frozen on it."""
    closing_service.close_plan(session, actor, plan_id=business_plan_id)
    return BusinessPlanRead.of(plan_service.view_plan(session, actor, plan_id=business_plan_id))


@router.get("/business-plan-templates", response_model=list[PlanTemplateRead], openapi_extra=allowed(Permission.BUSINESS_PLANS_READ))
def list_templates(session: DbSession, actor: CurrentActor, program_id: IdQuery = None) -> list[PlanTemplate]:
    """Plan templates of the programs (program data every partner may read)."""
    return template_service.list_templates(session, actor, program_id=program_id)


@router.post("/business-plan-templates", response_model=PlanTemplateRead, status_code=201, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def create_template(data: PlanTemplateCreate, session: DbSession, actor: CurrentActor) -> PlanTemplate:
    """A program's plan template: items due a number of days after the period's start (none: its last day)."""
    return template_service.create_template(session, actor, data=data)
