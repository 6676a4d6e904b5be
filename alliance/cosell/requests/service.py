"""Co-sell resource requests: a partner asks for vendor help on its registration; the request is
routed to a team queue with a first-response SLA in business hours; the vendor accepts, starts,
completes (rating the effect on the deal) or declines it, and assigns a co-sell resource. Every
change is audited; whether the SLA is breached is computed on read and stored by the sweep."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.cosell.models import ResourceRequest
from alliance.cosell.requests import notice_service
from alliance.cosell.requests.repository import REQUEST_SORTS, RequestFilters, ResourceRequestRepository
from alliance.cosell.requests.schemas import RequestView, ResourceRequestCreate
from alliance.cosell.routing import rules as routing_rules
from alliance.cosell.routing import service as routing_service
from alliance.cosell.vocabulary import OPEN_REQUEST_STATUSES, RequestAction, RequestStatus
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.business_time import add_business_hours
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.sorting import apply_sort
from alliance.registrations.lifecycle import Status

REQUESTABLE = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED})
STATE_FIELDS = (
    "status",
    "team_id",
    "rule_id",
    "priority",
    "first_response_due_at",
    "first_responded_at",
    "assignee_user_id",
    "declined_reason",
    "completed_at",
    "outcome_rating",
    "outcome_notes",
)
CREATED_FIELDS = ("registration_id", "request_type", "needed_by", "description", "customer_context", "submitted_at", *STATE_FIELDS)
# action: (statuses it applies to, resulting status, audit action)
TRANSITIONS: dict[RequestAction, tuple[frozenset[RequestStatus], RequestStatus, str]] = {
    RequestAction.ACCEPT: (frozenset({RequestStatus.NEW}), RequestStatus.ACCEPTED, "resource_request.accepted"),
    RequestAction.START: (frozenset({RequestStatus.NEW, RequestStatus.ACCEPTED}), RequestStatus.IN_PROGRESS, "resource_request.started"),
    RequestAction.DECLINE: (frozenset(OPEN_REQUEST_STATUSES), RequestStatus.DECLINED, "resource_request.declined"),
    RequestAction.COMPLETE: (frozenset({RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS}), RequestStatus.COMPLETED, "resource_request.completed"),
}
AUDITED_IDS = 1000


def request_actions(actor: Actor, request: ResourceRequest) -> list[RequestAction]:
    """What the actor may do to the request now: the transitions its status allows, and assigning
    while it is open (responders only)."""
    if not can(actor, Permission.COSELL_REQUESTS_RESPOND):
        return []
    found = [action for action, (sources, _, _) in TRANSITIONS.items() if request.status in sources]
    if request.status in OPEN_REQUEST_STATUSES:
        found.append(RequestAction.ASSIGN)
    return found


def may_file(actor: Actor, *, registration_status: str) -> bool:
    """Whether the actor may ask for co-sell help on a registration in this status."""
    return can(actor, Permission.COSELL_REQUESTS_CREATE) and registration_status in REQUESTABLE


def view(request: ResourceRequest, actor: Actor, *, now: datetime | None = None) -> RequestView:
    now = now or clock.now()
    late = routing_rules.is_breached(due_at=request.first_response_due_at, first_responded_at=request.first_responded_at, now=now)
    return RequestView(request=request, breached=request.breached or late, actions=request_actions(actor, request))


# --- reading -----------------------------------------------------------------------------------


def get_request(session: Session, actor: Actor, *, request_id: int, for_change: bool = False) -> ResourceRequest:
    """Partners read their own requests (another partner's is not found); vendor staff read all.
    `for_change`: locked until commit (db.Aggregate), as every state change reads it."""
    require(actor, Permission.COSELL_READ)
    repository = ResourceRequestRepository(session)
    found = repository.get_for_change(request_id) if for_change else repository.get(request_id)
    if found is None:
        raise NotFound(f"Resource request {request_id} not found.")
    return found


def view_request(session: Session, actor: Actor, *, request_id: int) -> RequestView:
    return view(get_request(session, actor, request_id=request_id), actor)


def list_requests(session: Session, actor: Actor, *, filters: RequestFilters, page: PageRequest, sort: str | None = None) -> Page[RequestView]:
    """Requests matching `filters`, newest first unless `sort` names a REQUEST_SORTS key (- for descending)."""
    require(actor, Permission.COSELL_READ)
    now = clock.now()
    statement = apply_sort(
        ResourceRequestRepository(session).filtered(filters, now=now), sort, REQUEST_SORTS, default="-submitted", tiebreak=ResourceRequest.id.desc()
    )
    found = paginate(session, statement, page)
    return Page(items=[view(r, actor, now=now) for r in found.items], total=found.total, limit=found.limit, offset=found.offset)


def list_breaches(
    session: Session,
    actor: Actor,
    *,
    team_id: int | None,
    page: PageRequest,
    cam_user_id: int | None = None,
    partner_id: int | None = None,
    partner_ids: Collection[int] | None = None,
) -> Page[RequestView]:
    """For managers: requests past their first-response due time without one, and those answered
    late (`cam_user_id`: of the partners that CAM manages; `partner_id`/`partner_ids`: one partner
    or a dashboard view's partners)."""
    require(actor, Permission.COSELL_OVERSIGHT)
    now = clock.now()
    statement = ResourceRequestRepository(session).breaches(now=now, team_id=team_id, cam_user_id=cam_user_id, partner_id=partner_id, partner_ids=partner_ids)
    found = paginate(session, statement, page)
    return Page(items=[view(r, actor, now=now) for r in found.items], total=found.total, limit=found.limit, offset=found.offset)


# --- filing ------------------------------------------------------------------------------------


def create_request(session: Session, actor: Actor, *, registration_id: int, data: ResourceRequestCreate) -> RequestView:
    """A partner user asks for vendor help on its own submitted, in-review or approved
    registration; routed at once to a team queue with its first-response due time."""
    require(actor, Permission.COSELL_REQUESTS_CREATE)
    repository = ResourceRequestRepository(session)
    facts = repository.routing_facts([registration_id]).get(registration_id)
    if facts is None:
        raise NotFound(f"Registration {registration_id} not found.")
    if facts.status not in REQUESTABLE:
        raise Conflict(
            f"A {facts.status} registration cannot take co-sell requests: submitted, in-review and approved ones can.",
            details=[{"field": "status", "message": facts.status}],
        )
    now = clock.now()
    if data.needed_by < now.date():
        raise RuleViolation("needed_by is in the past.", details=[{"field": "needed_by", "message": "must be today or later"}])
    rules, default_team = routing_service.routing_table(session)
    route = routing_rules.route(
        rules,
        routing_rules.Facts.build(
            request_type=data.request_type,
            regions=facts.regions,
            territories=facts.territories,
            verticals=facts.verticals,
            product_lines=facts.product_lines,
            tier_key=facts.tier_key,
            tier_priority=facts.tier_priority,
        ),
        default_team_id=default_team.id,
    )
    calendar = routing_service.team_calendars(session, {route.team_id})[route.team_id]
    request = ResourceRequest(
        partner_id=facts.partner_id,
        registration_id=registration_id,
        request_type=data.request_type,
        status=RequestStatus.NEW,
        needed_by=data.needed_by,
        description=data.description,
        customer_context=data.customer_context,
        requested_by_user_id=actor.user_id,
        team_id=route.team_id,
        rule_id=route.rule_id,
        priority=route.priority,
        submitted_at=now,
        first_response_due_at=add_business_hours(now, route.first_response_hours, calendar),
        breached=False,
    )
    repository.add(request)
    audit.record(
        session,
        actor,
        "resource_request.created",
        entity_type="resource_request",
        entity_id=request.id,
        partner_id=request.partner_id,
        after=snapshot(request, CREATED_FIELDS),
    )
    notice_service.announce_routed(session, actor, request)
    return view(request, actor, now=now)


# --- acting ------------------------------------------------------------------------------------


def act(
    session: Session,
    actor: Actor,
    *,
    request_id: int,
    action: RequestAction | str,
    reason: str | None = None,
    outcome_rating: int | None = None,
    notes: str | None = None,
) -> RequestView:
    """accept, start, decline (with a reason) or complete (with the outcome rating). The first of
    accept, start or decline is the first response the SLA measures."""
    require(actor, Permission.COSELL_REQUESTS_RESPOND)
    if action not in TRANSITIONS:
        raise RuleViolation(
            f"Unknown action '{action}'.", details=[{"field": "action", "message": "accept, start, decline or complete (assign has its own call)"}]
        )
    action = RequestAction(action)
    sources, target, audit_action = TRANSITIONS[action]
    request = get_request(session, actor, request_id=request_id, for_change=True)
    if request.status not in sources:
        raise Conflict(f"A {request.status} request cannot be {action.done.lower()}.", details=[{"field": "status", "message": request.status}])
    if action == RequestAction.DECLINE and not (reason and reason.strip()):
        raise RuleViolation("A reason is required to decline a request.", details=[{"field": "reason", "message": "required"}])
    if action == RequestAction.COMPLETE and outcome_rating is None:
        raise RuleViolation("Rate the effect on the deal (1 to 5) to complete a request.", details=[{"field": "outcome_rating", "message": "required"}])
    now = clock.now()
    before = snapshot(request, STATE_FIELDS)
    request.status = target
    if request.first_responded_at is None:
        request.first_responded_at = now
    if action == RequestAction.DECLINE:
        request.declined_reason = reason
    if action == RequestAction.COMPLETE:
        request.completed_at = now
        request.outcome_rating = outcome_rating
        request.outcome_notes = notes
    session.flush()
    audit.record(
        session,
        actor,
        audit_action,
        entity_type="resource_request",
        entity_id=request.id,
        partner_id=request.partner_id,
        before=before,
        after=snapshot(request, STATE_FIELDS),
        reason=reason if action == RequestAction.DECLINE else notes,
    )
    if action == RequestAction.COMPLETE:
        notice_service.announce_completed(session, actor, request)
    return view(request, actor, now=now)


def assign(session: Session, actor: Actor, *, request_id: int, assignee_user_id: int) -> RequestView:
    """Assign an open request to a vendor co-sell resource."""
    require(actor, Permission.COSELL_REQUESTS_RESPOND)
    request = get_request(session, actor, request_id=request_id, for_change=True)
    if request.status not in OPEN_REQUEST_STATUSES:
        raise Conflict(f"A {request.status} request cannot be reassigned.", details=[{"field": "status", "message": request.status}])
    repository = ResourceRequestRepository(session)
    if not repository.is_assignable(assignee_user_id):
        raise RuleViolation(
            f"User {assignee_user_id} is not an active vendor co-sell resource.",
            details=[{"field": "assignee_user_id", "message": "must be a vendor user with the co-sell resource role"}],
        )
    before = snapshot(request, STATE_FIELDS)
    request.assignee_user_id = assignee_user_id
    session.flush()
    after = snapshot(request, STATE_FIELDS)
    if after != before:
        audit.record(
            session,
            actor,
            "resource_request.assigned",
            entity_type="resource_request",
            entity_id=request.id,
            partner_id=request.partner_id,
            before=before,
            after=after,
        )
        notice_service.announce_assigned(session, actor, request)
    return view(request, actor)


# --- sweep -------------------------------------------------------------------------------------


def sweep_requests(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Store `breached` on every request late by `now`, set-based, with one audit event for the
    sweep, then queue the SLA reminders (due soon, missed) once per request; returns how many
    breached. Idempotent: a second run finds none and queues nothing."""
    require(actor, Permission.COSELL_SWEEP)
    now = now or clock.now()
    ids = ResourceRequestRepository(session).flag_breaches(now=now)
    if ids:
        audit.record(
            session,
            actor,
            "resource_request.sweep_breached",
            entity_type="resource_request_sweep",
            entity_id=now.isoformat(),
            after={"breached": len(ids), "request_ids": ids[:AUDITED_IDS]},
            reason="first-response SLA missed",
        )
        session.expire_all()
    notice_service.remind_sla(session, actor, now=now)
    return len(ids)
