from __future__ import annotations

from typing import Any

import pytest

from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope
from alliance.partners import product_line_service
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration
from alliance.registrations.schemas import REGISTRATION_CREATE
from tests.factories.world import World, deal_input


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
