"""Co-sell request events: routed to the triagers, assigned to the resource, completed to the
partner who asked; the sweep's SLA reminders once per request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.schemas import ResourceRequestCreate
from alliance.identity.scope import Actor, PartnerScope, scope_for
from alliance.kit import clock
from alliance.notifications.vocabulary import EventType
from tests.service.cosell.requests_fixtures import WEDNESDAY

SWEEPER = Actor.system(label="sweep")


def told(outbox, event: EventType) -> list[tuple[int | None, int]]:  # type: ignore[no-untyped-def]
    return sorted((m.entity_id, m.recipient_user_id) for m in outbox() if m.event_type == event)


def sweep(db, moment) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(moment)
    with db.session_scope(PartnerScope.system(reason="test sweep")) as session:
        request_service.sweep_requests(session, SWEEPER, now=moment)


class TestRequestEvents:
    def test_routed_reaches_the_triagers_only(self, file_request, outbox, world):
        request = file_request("a_user").request
        assert told(outbox, EventType.COSELL_REQUEST_ROUTED) == sorted([(request.id, world.users["admin"]), (request.id, world.users["ps_lead"])])
        [message] = [m for m in outbox() if m.event_type == EventType.COSELL_REQUEST_ROUTED][:1]
        facts = message.payload["facts"]
        assert (facts["partner"], facts["request_type"]) == ("Northwind Consulting", "solution architect")
        assert facts["team"] and facts["customer"] and facts["due_at"]

    def test_assigned_reaches_the_resource_not_the_actor(self, file_request, unit, actors, routing, outbox):
        request = file_request("a_user").request
        with unit(actors["ps_lead"]) as session:
            request_service.assign(session, actors["ps_lead"], request_id=request.id, assignee_user_id=routing["resource_id"])
        assert told(outbox, EventType.COSELL_REQUEST_ASSIGNED) == [(request.id, routing["resource_id"])]
        assert outbox()[-1].payload["facts"]["by"] == "ps_lead@vendor.example"

    def test_completed_reaches_the_partner_user_who_asked(self, file_request, unit, resource_actor, outbox, world):
        request = file_request("b_user").request
        for action, extra in (("accept", {}), ("complete", {"outcome_rating": 4})):
            with unit(resource_actor) as session:
                request_service.act(session, resource_actor, request_id=request.id, action=action, **extra)  # type: ignore[arg-type]
        assert told(outbox, EventType.COSELL_REQUEST_COMPLETED) == [(request.registration_id, world.users["b_user"])]
        assert "Northwind" not in str(outbox()[-1].payload)

    def test_a_rolled_back_request_queues_nothing(self, db, actors, world, routing, outbox):
        data = ResourceRequestCreate(request_type="solution_architect", needed_by=clock.today() + timedelta(days=14), description="x", customer_context="y")
        registration_id = world.registrations()["a"]

        def fail_after_the_change() -> None:
            with db.session_scope(scope_for(actors["a_user"])) as session:
                request_service.create_request(session, actors["a_user"], registration_id=registration_id, data=data)
                raise RuntimeError("the request fails after the change")

        with pytest.raises(RuntimeError):
            fail_after_the_change()
        assert told(outbox, EventType.COSELL_REQUEST_ROUTED) == []


class TestSlaReminders:
    def test_imminent_then_breached_each_once_to_the_assignee(self, db, file_request, unit, actors, routing, outbox):
        clock.freeze(WEDNESDAY)
        request = file_request("a_user").request
        due = request.first_response_due_at
        with unit(actors["ps_lead"]) as session:
            request_service.assign(session, actors["ps_lead"], request_id=request.id, assignee_user_id=routing["resource_id"])
        sweep(db, due - timedelta(hours=6))
        assert told(outbox, EventType.COSELL_SLA_IMMINENT) == []
        sweep(db, due - timedelta(hours=1))
        sweep(db, due - timedelta(minutes=30))
        assert told(outbox, EventType.COSELL_SLA_IMMINENT) == [(request.id, routing["resource_id"])]
        sweep(db, due + timedelta(minutes=1))
        sweep(db, due + timedelta(hours=2))
        assert told(outbox, EventType.COSELL_SLA_BREACHED) == [(request.id, routing["resource_id"])]

    def test_unassigned_reminds_the_triagers(self, db, file_request, outbox, world):
        clock.freeze(WEDNESDAY)
        request = file_request("b_user").request
        sweep(db, request.first_response_due_at - timedelta(hours=1))
        assert told(outbox, EventType.COSELL_SLA_IMMINENT) == sorted([(request.id, world.users["admin"]), (request.id, world.users["ps_lead"])])

    def test_an_answered_request_is_not_reminded(self, db, file_request, unit, resource_actor, outbox):
        clock.freeze(WEDNESDAY)
        request = file_request("a_user").request
        with unit(resource_actor) as session:
            request_service.act(session, resource_actor, request_id=request.id, action="accept")
        sweep(db, request.first_response_due_at - timedelta(hours=1))
        sweep(db, request.first_response_due_at + timedelta(hours=1))
        assert told(outbox, EventType.COSELL_SLA_IMMINENT) == told(outbox, EventType.COSELL_SLA_BREACHED) == []
