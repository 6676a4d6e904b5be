"""Certification reports: lists with effective status, expiring soon, certified delivery capacity."""

from __future__ import annotations

from dataclasses import asdict
from enum import IntEnum
from typing import Annotated, Literal

from fastapi import Query

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.enablement import capacity_service, recert_service
from alliance.enablement.capacity_repository import CertificationFilters
from alliance.enablement.report_schemas import (
    CapacityHistoryRead,
    CapacityRead,
    CertificationRowRead,
    ExpiringRead,
    PortfolioRead,
)
from alliance.enablement.vocabulary import CertificationStatus
from alliance.http.params import IdPath, IdQuery, PageParams
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.kit.types import Day

router = api_router(tags=["certifications"])


class Within(IntEnum):
    """Days ahead the expiring list looks."""

    DAYS_30 = 30
    DAYS_60 = 60
    DAYS_90 = 90


@router.get("/certifications", response_model=PageRead[CertificationRowRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def list_certifications(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    partner_id: IdQuery = None,
    status: CertificationStatus | None = None,
    track_id: IdQuery = None,
    person_id: IdQuery = None,
) -> dict[str, object]:
    """Certifications visible to the caller (partners: their own), newest first. `status` is
    the effective status today."""
    filters = CertificationFilters(partner_id=partner_id, status=status.value if status else None, track_id=track_id, person_id=person_id)
    found = capacity_service.list_certifications(session, actor, filters=filters, page=page)
    return {**found.as_response(), "items": [CertificationRowRead.model_validate(row._mapping) for row in found.items]}


@router.get("/certifications/expiring", response_model=PageRead[ExpiringRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def expiring(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    within: Annotated[Within, Query(description="Days ahead: 30, 60 or 90")] = Within.DAYS_90,
    partner_id: IdQuery = None,
) -> dict[str, object]:
    """Certifications that stop counting in the next 30/60/90 days (validity ends or a
    recertification deadline), soonest first; partner users see their own partner's."""
    return recert_service.expiring(session, actor, within_days=within.value, partner_id=partner_id, page=page).as_response()


@router.get("/partners/{partner_id}/capacity", response_model=CapacityRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def capacity(partner_id: IdPath, session: DbSession, actor: CurrentActor) -> CapacityRead:
    """Certified delivery capacity today: distinct people per role, level and product line."""
    return CapacityRead.model_validate(asdict(capacity_service.current_capacity(session, actor, partner_id=partner_id)))


@router.get("/partners/{partner_id}/capacity/history", response_model=CapacityHistoryRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def capacity_history(
    partner_id: IdPath,
    session: DbSession,
    actor: CurrentActor,
    start: Annotated[Day | None, Query(description="First day (default: twelve months before end)")] = None,
    end: Annotated[Day | None, Query(description="Last day (default: today)")] = None,
) -> CapacityHistoryRead:
    """Certified people per role (and level) at each month end: the build-out curve. Defaults to
    the last twelve months."""
    history = capacity_service.capacity_history(session, actor, partner_id=partner_id, start=start, end=end)
    return CapacityHistoryRead.model_validate(asdict(history))


@router.get("/capacity/portfolio", response_model=PortfolioRead, openapi_extra=allowed(Permission.CAPACITY_PORTFOLIO))
def portfolio(session: DbSession, actor: CurrentActor, group_by: Literal["subtype", "role"] = "subtype") -> PortfolioRead:
    """Vendor users: certified people by role and partner subtype (or certification level)."""
    rows = capacity_service.portfolio_capacity(session, actor, group_by=group_by)
    return PortfolioRead(group_by=group_by, rows=[asdict(row) for row in rows])
