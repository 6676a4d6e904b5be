from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session

from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate
from alliance.db import Database
from alliance.identity.scope import Actor, Role, scope_for
from tests.factories.world import World


@pytest.fixture
def actors(world: World) -> dict[str, Actor]:
    def actor(name: str, role: Role, partner_id: int | None = None) -> Actor:
        return Actor(user_id=world.users[name], role=role, partner_id=partner_id, label=world.emails[name])

    return {
        "admin": actor("admin", Role.PROGRAM_ADMIN),
        "cam": actor("cam", Role.CAM),
        "auditor": actor("auditor", Role.AUDITOR),
        "ps_lead": actor("ps_lead", Role.PS_LEAD),
        "a_user": actor("a_user", Role.PARTNER_USER, world.a.id),
        "b_admin": actor("b_admin", Role.PARTNER_ADMIN, world.b.id),
    }




@pytest.fixture
def unit(db: Database) -> Callable[..., object]:
    """`with unit(actor) as session:` a committed unit of work in the actor's scope."""

    @contextmanager
    def open_unit(actor: Actor) -> Iterator[Session]:
        with db.session_scope(scope_for(actor)) as session:
            yield session

    return open_unit


@pytest.fixture
def add_customers(unit, actors):  # type: ignore[no-untyped-def]
    """Create customers through the service (as the CAM); returns their ids in order."""

    def add(*customers: dict[str, object]) -> list[int]:
        with unit(actors["cam"]) as session:
            return [customer_service.create_customer(session, actors["cam"], data=CustomerCreate(**c)).id for c in customers]

    return add
