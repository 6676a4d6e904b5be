"""What the pages show about co-sell requests: SLA timers in business hours, and the requests
panel of a registration page (kept apart from cosell.py so that the registration detail page,
web/registrations/detail.py, can import it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from alliance.cosell.plans import service as plan_service
from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.repository import RequestFilters
from alliance.cosell.requests.schemas import RequestView
from alliance.cosell.routing import service as routing_service
from alliance.cosell.vocabulary import RequestStatus, RequestType
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.business_time import business_hours_between
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.registrations import service as registration_service

TYPE_LABELS = {
    RequestType.SOLUTION_ARCHITECT: "Solution architect",
    RequestType.TECHNICAL_SPECIALIST: "Technical specialist",
    RequestType.PROFESSIONAL_SERVICES: "Professional services",
    RequestType.EXECUTIVE_SPONSOR: "Executive sponsor",
    RequestType.ARCHITECTURE_VALIDATION: "Architecture validation",
    RequestType.POC_SUPPORT: "Proof-of-concept support",
}
STATUS_LABELS = {
    RequestStatus.NEW: "New",
    RequestStatus.ACCEPTED: "Accepted",
    RequestStatus.IN_PROGRESS: "In progress",
    RequestStatus.COMPLETED: "Completed",
    RequestStatus.DECLINED: "Declined",
}


@dataclass(frozen=True)
class Sla:
    """The first-response timer of one request, as a badge says it."""

    state: str  # "due", "breached", "met"
    text: str


def sla_of(views: Sequence[RequestView], session: Session, *, now: datetime | None = None) -> dict[int, Sla]:
    """Each request's SLA in its team's business hours: due in N h, breached, or met."""
    now = now or clock.now()
    calendars = routing_service.team_calendars(session, {v.request.team_id for v in views}) if views else {}
    found: dict[int, Sla] = {}
    for v in views:
        r = v.request
        if v.breached:
            found[r.id] = Sla("breached", "Breached")
        elif r.first_responded_at is not None:
            found[r.id] = Sla("met", "Responded in time")
        else:
            calendar = calendars.get(r.team_id)
            hours = business_hours_between(now, r.first_response_due_at, calendar) if calendar else 0.0
            found[r.id] = Sla("due", f"Due in {hours:.1f} business h")
    return found


@dataclass
class RegistrationPanel:
    """The requests on one registration and whether a new one may be filed."""

    requests: Sequence[RequestView]
    sla: dict[int, Sla]
    can_request: bool
    plan_id: int | None = None
    can_start_plan: bool = False
    type_options: list[tuple[str, str]] = field(default_factory=lambda: [(k.value, v) for k, v in TYPE_LABELS.items()])
    status_labels: dict[Any, str] = field(default_factory=lambda: dict(STATUS_LABELS))
    type_labels: dict[Any, str] = field(default_factory=lambda: dict(TYPE_LABELS))


def registration_panel(session: Session, actor: Actor, *, registration_id: int, status: str) -> RegistrationPanel:
    found = request_service.list_requests(
        session,
        actor,
        filters=RequestFilters(registration_id=registration_id),
        page=PageRequest(limit=MAX_LIMIT),
    ).items
    plan = plan_service.plan_for_registration(session, actor, registration_id=registration_id)
    kind = registration_service.get_registration(session, actor, registration_id=registration_id).kind
    return RegistrationPanel(
        requests=found,
        sla=sla_of(found, session),
        can_request=request_service.may_file(actor, registration_status=status),
        plan_id=plan.id if plan else None,
        can_start_plan=plan is None and plan_service.may_start_plan(actor, kind=kind, status=status),
    )
