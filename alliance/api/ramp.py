"""Ramp analytics (vendor staff): every partner's time from enrolment to its firsts, cohorts by
fiscal enrolment quarter or type, the investment comparison and the stalled partners."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import StreamingResponse

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.downloads import csv_attachment, csv_line
from alliance.http.params import IdQuery
from alliance.identity.permissions import Permission
from alliance.planning import ramp_service
from alliance.planning.ramp_rules import CohortBy
from alliance.planning.ramp_schemas import PartnerRampRead, RampReportRead

router = api_router(tags=["ramp analytics"])
EveryPartner = Annotated[bool, Query(description="A CAM's lists start from their own partners; true lists every partner's")]


def _cam(actor: CurrentActor, cam_user_id: int | None, every_partner: bool) -> int | None:
    if cam_user_id is not None or every_partner:
        return cam_user_id
    return ramp_service.default_cam(actor)


@router.get("/ramp/report", response_model=RampReportRead, openapi_extra=allowed(Permission.RAMP_READ))
def ramp_report(
    session: DbSession,
    actor: CurrentActor,
    cohort_by: Annotated[CohortBy, Query(description="quarter: fiscal enrolment quarter; type: partner type and SI subtype")] = CohortBy.QUARTER,
    cam_user_id: IdQuery = None,
    every_partner: EveryPartner = False,
) -> RampReportRead:
    """Cohort figures over every enrolled partner (median months to each first, shares within 6,
    12, 18 and 24 months), with and without practice investment, and the stalled partners (a
    CAM's own unless cam_user_id names another CAM)."""
    found = ramp_service.report(session, actor, by=cohort_by, cam_user_id=_cam(actor, cam_user_id, every_partner))
    return ramp_service.read_report(found)


@router.get("/ramp/partners", response_model=list[PartnerRampRead], openapi_extra=allowed(Permission.RAMP_READ))
def partner_ramps(session: DbSession, actor: CurrentActor, cam_user_id: IdQuery = None, every_partner: EveryPartner = False) -> list[PartnerRampRead]:
    """Each enrolled partner's firsts and the time to each (a CAM's own partners by default), oldest enrolment first."""
    found = ramp_service.report(session, actor, cam_user_id=_cam(actor, cam_user_id, every_partner))
    return [ramp_service.read_partner(r, today=found.as_of) for r in found.listed]


@router.get("/ramp/partners.csv", response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}}}}, openapi_extra=allowed(Permission.RAMP_READ))
def partner_ramps_csv(session: DbSession, actor: CurrentActor, cam_user_id: IdQuery = None, every_partner: EveryPartner = False) -> StreamingResponse:
    """The partners' ramp as CSV: each first's day and months from enrolment, and where a partner is stalled."""
    found = ramp_service.report(session, actor, cam_user_id=_cam(actor, cam_user_id, every_partner))
    lines = [csv_line(ramp_service.CSV_COLUMNS), *(csv_line(row) for row in ramp_service.csv_rows(found))]
    return csv_attachment(lines, f"partner_ramp_{found.as_of.isoformat()}.csv")
