from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.partners import product_line_service
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration
from alliance.registrations.schemas import REGISTRATION_CREATE
from tests.factories.world import World, deal_input


@pytest.fixture
def actors(world: World) -> dict[str, Actor]:
    def actor(name: str, role: Role, partner_id: int | None = None) -> Actor:
        return Actor(user_id=world.users[name], role=role, partner_id=partner_id, label=world.emails[name])

    return {
        "admin": actor("admin", Role.PROGRAM_ADMIN),
        "cam": actor("cam", Role.CAM),
        "auditor": actor("auditor", Role.AUDITOR),
        "executive": actor("executive", Role.EXECUTIVE),
        "a_user": actor("a_user", Role.PARTNER_USER, world.a.id),
        "a_admin": actor("a_admin", Role.PARTNER_ADMIN, world.a.id),
        "b_user": actor("b_user", Role.PARTNER_USER, world.b.id),
    }


@pytest.fixture
def unit(db: Database) -> Callable[..., Any]:
    """`with unit(actor) as session:` a committed unit of work in the actor's scope."""

    @contextmanager
    def open_unit(actor: Actor) -> Iterator[Session]:
        with db.session_scope(scope_for(actor)) as session:
            yield session

    return open_unit


@pytest.fixture
def catalog(db: Database, world: World) -> None:
    with db.session_scope(PartnerScope.system(reason="test catalog")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test"))


@pytest.fixture
def register(unit, actors, catalog):  # type: ignore[no-untyped-def]
    """Create a registration as `who` from a create body (deal by default); returns its id."""

    def create(who: str = "a_user", body: dict[str, Any] | None = None, **extra: Any) -> int:
        data = REGISTRATION_CREATE.validate_python({**(body or deal_input("Deal", "Acme Analytics")), **extra})
        with unit(actors[who]) as session:
            return registration_service.create_registration(session, actors[who], data=data).id

    return create


@pytest.fixture
def act(unit, actors):  # type: ignore[no-untyped-def]
    """Take actions in order, each as (who, action[, reason]) in its own transaction."""

    def run(registration_id: int, *steps: tuple[str, ...]) -> Registration:
        registration = None
        for who, action, *reason in steps:
            with unit(actors[who]) as session:
                registration = registration_service.act(
                    session, actors[who], registration_id=registration_id, action=action, reason=reason[0] if reason else None
                )
        assert registration is not None
        return registration

    return run


APPROVE = (("a_user", "submit"), ("cam", "start_review"), ("cam", "approve", "Qualified opportunity"))
