"""Co-sell: routing configuration (calendars, team queues, rules), resource requests with their
SLA, the breach list and the co-sell report (JSON and CSV)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Query
from fastapi.responses import StreamingResponse

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.cosell.models import BusinessCalendar, CosellTeam, RoutingRule
from alliance.cosell.requests import report_service
from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.repository import RequestFilters
from alliance.cosell.requests.schemas import (
    AssignmentRequest,
    CosellReportRead,
    RequestActionBody,
    ResourceRequestCreate,
    ResourceRequestRead,
)
from alliance.cosell.routing import service as routing_service
from alliance.cosell.routing.schemas import (
    CalendarCreate,
    CalendarRead,
    CalendarUpdate,
    RuleCreate,
    RuleRead,
    RuleUpdate,
    TeamCreate,
    TeamRead,
    TeamUpdate,
)
from alliance.cosell.vocabulary import RequestAction, RequestStatus
from alliance.http import downloads
from alliance.http.params import IdPath, IdQuery, PageParams
from alliance.identity.permissions import Permission
from alliance.kit.pagination import Page
from alliance.kit.schemas import PageRead
from alliance.kit.types import Day

router = api_router(tags=["co-sell"])

GroupByQuery = Annotated[report_service.GroupBy, Query(description="team, request_type or partner")]
StartQuery = Annotated[Day | None, Query(description="First day of submissions (default: 90 days before end)")]
EndQuery = Annotated[Day | None, Query(description="Last day of submissions, included (default: today)")]


# --- routing configuration ---------------------------------------------------------------------


@router.get("/business-calendars", response_model=list[CalendarRead], openapi_extra=allowed(Permission.COSELL_ROUTING_READ))
def list_calendars(session: DbSession, actor: CurrentActor) -> list[BusinessCalendar]:
    return routing_service.list_calendars(session, actor)


@router.post("/business-calendars", response_model=CalendarRead, status_code=201, openapi_extra=allowed(Permission.COSELL_ROUTING_WRITE))
def create_calendar(data: CalendarCreate, session: DbSession, actor: CurrentActor) -> BusinessCalendar:
    return routing_service.create_calendar(session, actor, data=data)


@router.patch("/business-calendars/{calendar_id}", response_model=CalendarRead, openapi_extra=allowed(Permission.COSELL_ROUTING_WRITE))
def update_calendar(calendar_id: IdPath, data: CalendarUpdate, session: DbSession, actor: CurrentActor) -> BusinessCalendar:
    return routing_service.update_calendar(session, actor, calendar_id=calendar_id, data=data)


@router.get("/cosell-teams", response_model=list[TeamRead], openapi_extra=allowed(Permission.COSELL_ROUTING_READ))
def list_teams(session: DbSession, actor: CurrentActor) -> list[CosellTeam]:
    return routing_service.list_teams(session, actor)


@router.post("/cosell-teams", response_model=TeamRead, status_code=201, openapi_extra=allowed(Permission.COSELL_ROUTING_WRITE))
def create_team(data: TeamCreate, session: DbSession, actor: CurrentActor) -> CosellTeam:
    return routing_service.create_team(session, actor, data=data)


@router.patch("/cosell-teams/{team_id}", response_model=TeamRead, openapi_extra=allowed(Permission.COSELL_ROUTING_WRITE))
def update_team(team_id: IdPath, data: TeamUpdate, session: DbSession, actor: CurrentActor) -> CosellTeam:
    return routing_service.update_team(session, actor, team_id=team_id, data=data)


@router.get("/routing-rules", response_model=list[RuleRead], openapi_extra=allowed(Permission.COSELL_ROUTING_READ))
def list_rules(session: DbSession, actor: CurrentActor) -> list[RoutingRule]:
    """Rules in precedence order: the first active rule whose conditions all hold wins."""
    return routing_service.list_rules(session, actor)


@router.post("/routing-rules", response_model=RuleRead, status_code=201, openapi_extra=allowed(Permission.COSELL_ROUTING_WRITE))
def create_rule(data: RuleCreate, session: DbSession, actor: CurrentActor) -> RoutingRule:
    """A rule at `position` (the others move down), or last."""
    return routing_service.create_rule(session, actor, data=data)


@router.patch("/routing-rules/{rule_id}", response_model=RuleRead, openapi_extra=allowed(Permission.COSELL_ROUTING_WRITE))
def update_rule(rule_id: IdPath, data: RuleUpdate, session: DbSession, actor: CurrentActor) -> RoutingRule:
    return routing_service.update_rule(session, actor, rule_id=rule_id, data=data)


# --- requests ----------------------------------------------------------------------------------


def _page(found: Page[Any]) -> dict[str, Any]:
    return {**found.as_response(), "items": [ResourceRequestRead.of(v) for v in found.items]}


@router.post(
    "/registrations/{registration_id}/resource-requests",
    response_model=ResourceRequestRead,
    status_code=201,
    openapi_extra=allowed(Permission.COSELL_REQUESTS_CREATE),
)
def create_request(registration_id: IdPath, data: ResourceRequestCreate, session: DbSession, actor: CurrentActor) -> ResourceRequestRead:
    """Ask for vendor help on your submitted, in-review or approved registration (partner users);
    routed at once to a team queue with its first-response due time."""
    return ResourceRequestRead.of(request_service.create_request(session, actor, registration_id=registration_id, data=data))


@router.get("/resource-requests", response_model=PageRead[ResourceRequestRead], openapi_extra=allowed(Permission.COSELL_READ))
def list_requests(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    team_id: IdQuery = None,
    status: RequestStatus | None = None,
    breached: bool | None = None,
    partner_id: IdQuery = None,
    registration_id: IdQuery = None,
    assignee_user_id: IdQuery = None,
) -> dict[str, Any]:
    """Requests visible to the caller (partners: their own), newest first; `breached` as of now."""
    filters = RequestFilters(
        team_id=team_id,
        status=status,
        breached=breached,
        partner_id=partner_id,
        registration_id=registration_id,
        assignee_user_id=assignee_user_id,
    )
    return _page(request_service.list_requests(session, actor, filters=filters, page=page))


@router.get("/resource-requests/breaches", response_model=PageRead[ResourceRequestRead], openapi_extra=allowed(Permission.COSELL_OVERSIGHT))
def list_breaches(session: DbSession, actor: CurrentActor, page: PageParams, team_id: IdQuery = None, partner_id: IdQuery = None) -> dict[str, Any]:
    """Vendor managers: open requests past due without a first response, and those answered late."""
    return _page(request_service.list_breaches(session, actor, team_id=team_id, page=page, partner_id=partner_id))


@router.get("/resource-requests/{request_id}", response_model=ResourceRequestRead, openapi_extra=allowed(Permission.COSELL_READ))
def get_request(request_id: IdPath, session: DbSession, actor: CurrentActor) -> ResourceRequestRead:
    return ResourceRequestRead.of(request_service.view_request(session, actor, request_id=request_id))


@router.post("/resource-requests/{request_id}/actions/{action}", response_model=ResourceRequestRead, openapi_extra=allowed(Permission.COSELL_REQUESTS_RESPOND))
def act(
    request_id: IdPath,
    action: RequestAction,
    session: DbSession,
    actor: CurrentActor,
    data: Annotated[RequestActionBody | None, Body()] = None,
) -> ResourceRequestRead:
    """accept, start, decline (`reason` required) or complete (`outcome_rating` 1–5 required, `notes`);
    assign has its own route. The request's `actions` say which apply now."""
    data = data or RequestActionBody()
    found = request_service.act(
        session,
        actor,
        request_id=request_id,
        action=action,
        reason=data.reason,
        outcome_rating=data.outcome_rating,
        notes=data.notes,
    )
    return ResourceRequestRead.of(found)


@router.post("/resource-requests/{request_id}/assignment", response_model=ResourceRequestRead, openapi_extra=allowed(Permission.COSELL_REQUESTS_RESPOND))
def assign(request_id: IdPath, data: AssignmentRequest, session: DbSession, actor: CurrentActor) -> ResourceRequestRead:
    """Assign the request to a vendor co-sell resource."""
    return ResourceRequestRead.of(request_service.assign(session, actor, request_id=request_id, assignee_user_id=data.assignee_user_id))


# --- report ------------------------------------------------------------------------------------


@router.get("/reports/cosell", response_model=CosellReportRead, openapi_extra=allowed(Permission.COSELL_OVERSIGHT))
def cosell_report(
    session: DbSession,
    actor: CurrentActor,
    start: StartQuery = None,
    end: EndQuery = None,
    group_by: GroupByQuery = "team",
) -> report_service.CosellReport:
    """Volume, median first-response business hours, breach rate and outcomes per group."""
    return report_service.cosell_report(session, actor, start=start, end=end, group_by=group_by)


@router.get(
    "/reports/cosell.csv", response_class=StreamingResponse, responses={200: {"content": {"text/csv": {}}}}, openapi_extra=allowed(Permission.COSELL_OVERSIGHT)
)
def cosell_report_csv(
    session: DbSession,
    actor: CurrentActor,
    start: StartQuery = None,
    end: EndQuery = None,
    group_by: GroupByQuery = "team",
) -> StreamingResponse:
    return downloads.cosell_csv(report_service.cosell_report(session, actor, start=start, end=end, group_by=group_by))
