from __future__ import annotations

from typing import Annotated

from fastapi import Query

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.cosell.models import PlanVersion
from alliance.cosell.plans import service as plan_service
from alliance.cosell.plans.repository import PlanFilters
from alliance.cosell.plans.schemas import (
    CodeliveryPlanRead,
    PlanComparisonRead,
    PlanProposal,
    PlanSummaryRead,
    PlanVersionRead,
)
from alliance.cosell.vocabulary import PlanVersionStatus
from alliance.http.params import IdPath, IdQuery, PageParams
from alliance.identity.permissions import Permission
from alliance.kit.schemas import MAX_ROW_ID, PageRead

router = api_router(tags=["co-delivery plans"])


@router.post("/registrations/{registration_id}/codelivery-plan", response_model=PlanVersionRead, status_code=201, openapi_extra=allowed(Permission.PLANS_SIGN))
def propose_plan(registration_id: IdPath, data: PlanProposal, session: DbSession, actor: CurrentActor) -> PlanVersion:
    """Propose a version of the project's co-delivery plan (partner admins for the partner, PS leads
    and program admins for the vendor); both sides then sign it off."""
    return plan_service.propose_plan(session, actor, registration_id=registration_id, activities=data.activities, note=data.note)


@router.get("/codelivery-plans", response_model=PageRead[PlanSummaryRead], openapi_extra=allowed(Permission.COSELL_READ))
def list_plans(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    customer_id: IdQuery = None,
    registration_id: IdQuery = None,
    partner_id: IdQuery = None,
    status: Annotated[PlanVersionStatus | None, Query(description="Of the latest version: proposed (awaiting sign-off) or agreed")] = None,
) -> dict[str, object]:
    """Plans visible to the caller (partners: their own), most recently changed first."""
    filters = PlanFilters(customer_id=customer_id, registration_id=registration_id, partner_id=partner_id, status=status)
    return plan_service.list_plans(session, actor, filters=filters, page=page).as_response()


@router.get("/codelivery-plans/{plan_id}", response_model=CodeliveryPlanRead, openapi_extra=allowed(Permission.COSELL_READ))
def get_plan(plan_id: IdPath, session: DbSession, actor: CurrentActor) -> CodeliveryPlanRead:
    """The plan with its versions, the open disputes on its activities and what you may do to it."""
    return CodeliveryPlanRead.of(plan_service.view_plan(session, actor, plan_id=plan_id))


@router.get("/codelivery-plans/{plan_id}/compare", response_model=PlanComparisonRead, openapi_extra=allowed(Permission.COSELL_READ))
def compare_versions(
    plan_id: IdPath,
    session: DbSession,
    actor: CurrentActor,
    from_number: Annotated[int | None, Query(alias="from", ge=1, le=MAX_ROW_ID, description="Default: the agreed version, else the one before `to`")] = None,
    to_number: Annotated[int | None, Query(alias="to", ge=1, le=MAX_ROW_ID, description="Default: the latest version")] = None,
) -> PlanComparisonRead:
    """What changed between two versions, activity by activity, in words (by default: what the
    latest version changes against the agreed one)."""
    return plan_service.compare_versions(session, actor, plan_id=plan_id, from_number=from_number, to_number=to_number)


@router.post(
    "/plan-versions/{version_id}/sign-off",
    response_model=PlanVersionRead,
    responses={409: {"description": "Superseded, or an open dispute on one of its activities: details name the dispute and the way forward"}},
    openapi_extra=allowed(Permission.PLANS_SIGN),
)
def sign_off(version_id: IdPath, session: DbSession, actor: CurrentActor) -> PlanVersion:
    """Sign a version for your side; agreed once both sides signed. Signing twice changes nothing;
    while a dispute on one of its activities is open, the version is not signed (409)."""
    return plan_service.sign_version(session, actor, version_id=version_id)
