"""Fixtures of the resource-request tests: default routing, a co-sell resource, a request maker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.schemas import ResourceRequestCreate
from alliance.cosell.routing import service as routing_service
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock

# A Wednesday, 10:00 UTC: 05:00 in New York, 11:00 in Berlin.
WEDNESDAY = datetime(2026, 3, 4, 10, tzinfo=UTC)


@pytest.fixture
def routing(db, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Default calendars, teams and rules; team and rule ids by key/name; a co-sell resource user."""
    operator = Actor.system(label="test-setup")
    with db.session_scope(PartnerScope.system(reason="test routing")) as session:
        routing_service.ensure_default_routing(session, operator)
        teams = {t.key: t.id for t in routing_service.list_teams(session, operator)}
        rules = {r.name: r.id for r in routing_service.list_rules(session, operator)}
        resource = identity_service.create_user(
            session,
            operator,
            data=UserCreate(email="sean@vendor.example", name="Sean Specialist", role=Role.COSELL_RESOURCE),
        )
        resource_id = resource.id
    return {"teams": teams, "rules": rules, "resource_id": resource_id}


@pytest.fixture
def resource_actor(routing) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=routing["resource_id"], role=Role.COSELL_RESOURCE, partner_id=None, label="sean@vendor.example")


@pytest.fixture
def file_request(unit, actors, world, routing) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """`file_request("a_user", request_type=...)`: a request on that partner's submitted deal; returns its view."""
    registrations = world.registrations()

    def make(who: str = "a_user", *, request_type: str = "solution_architect", needed_by: date | None = None) -> Any:
        actor = actors[who]
        data = ResourceRequestCreate(
            request_type=request_type,
            needed_by=needed_by or clock.today() + timedelta(days=14),
            description="Architecture review for the RFP",
            customer_context="Hospital group, 40 sites",
        )
        with unit(actor) as session:
            found = request_service.create_request(session, actor, registration_id=registrations[who[0]], data=data)
            session.expunge(found.request)
            return found

    return make
