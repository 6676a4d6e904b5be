"""Who hears of a co-sell request: its routing reaches the people who triage the queues (team
queues have no members yet: vendor users who respond to requests but are not themselves assigned
them, i.e. PS leads and program admins); an assignment reaches the assignee; completion reaches
the partner user who asked. The sweep reminds the assignee (or, unassigned, the triagers) when
the first response is due within hours, and again once it is missed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from alliance.cosell.models import ResourceRequest
from alliance.cosell.requests.repository import ResourceRequestRepository, breached_condition
from alliance.identity.permissions import Permission, role_can, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor, Role
from alliance.kit.statements import AnyRows
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType

# How long before its first response is due a request's people are reminded.
SLA_WARNING = timedelta(hours=4)
# A breach is told once, if the response was due this recently (not the whole history on first run).
BREACH_LOOKBACK = timedelta(days=7)
WHY_TRIAGE = "you triage co-sell request queues"


def triage_roles() -> tuple[Role, ...]:
    return tuple(role for role in roles_with(Permission.COSELL_REQUESTS_RESPOND) if not role_can(role, Permission.COSELL_REQUESTS_ASSIGNEE))


def _notify(session: Session, actor: Actor, request: ResourceRequest, event: EventType, recipients: list[Recipient], **extra: object) -> int:
    facts = ResourceRequestRepository(session).notice_facts(request.id)
    facts |= {"request_type": str(facts["request_type"]).replace("_", " "), "needed_by": facts["needed_by"].isoformat(), "due_at": facts["due_at"].isoformat()}
    # Completion is read by the partner on its registration's co-sell page.
    entity = ("registration", request.registration_id) if event == EventType.COSELL_REQUEST_COMPLETED else ("resource_request", request.id)
    return notification_service.notify(session, actor, event=event, recipients=recipients, entity_type=entity[0], entity_id=entity[1], facts=facts | extra)


def announce_routed(session: Session, actor: Actor, request: ResourceRequest) -> int:
    triagers = UserRepository(session).active_vendor_ids(roles=triage_roles())
    return _notify(session, actor, request, EventType.COSELL_REQUEST_ROUTED, [Recipient(user_id, WHY_TRIAGE) for user_id in triagers])


def announce_assigned(session: Session, actor: Actor, request: ResourceRequest) -> int:
    if request.assignee_user_id is None:
        return 0
    recipients = [Recipient(request.assignee_user_id, "the request was assigned to you")]
    return _notify(session, actor, request, EventType.COSELL_REQUEST_ASSIGNED, recipients, by=actor.label)


def announce_completed(session: Session, actor: Actor, request: ResourceRequest) -> int:
    if request.requested_by_user_id is None:
        return 0
    recipients = [Recipient(request.requested_by_user_id, "you asked for this co-sell help")]
    # Vendor staff appear to partners by role, as in the registration's history.
    return _notify(session, actor, request, EventType.COSELL_REQUEST_COMPLETED, recipients, by=actor.role.label)


def remind_sla(session: Session, actor: Actor, *, now: datetime) -> int:
    """Set-based, once per request: first response due within SLA_WARNING, and missed."""
    repository = ResourceRequestRepository(session)

    def rows(unanswered: ColumnElement[bool]) -> AnyRows:
        return repository.sla_reminders(
            unanswered=unanswered, triage_roles=triage_roles(), why_assignee="the request is assigned to you", why_triage=f"{WHY_TRIAGE} and it has no assignee"
        )

    soon = ResourceRequest.first_response_due_at.between(now, now + SLA_WARNING) & ResourceRequest.breached.is_(False)
    queued = notification_service.notify_each(
        session, actor, event=EventType.COSELL_SLA_IMMINENT, rows=rows(soon), entity_type="resource_request", occurrence="imminent"
    )
    missed = breached_condition(now) & (ResourceRequest.first_response_due_at > now - BREACH_LOOKBACK)
    queued += notification_service.notify_each(
        session, actor, event=EventType.COSELL_SLA_BREACHED, rows=rows(missed), entity_type="resource_request", occurrence="breached"
    )
    return queued
