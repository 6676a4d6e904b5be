"""Fixtures every service test shares: the world's users as actors, and units of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from alliance.db import Database
from alliance.identity.scope import Actor, Role, scope_for
from tests.factories.world import STAFF, World

PARTNER_USERS = {
    "a_admin": (Role.PARTNER_ADMIN, "a"),
    "a_user": (Role.PARTNER_USER, "a"),
    "b_admin": (Role.PARTNER_ADMIN, "b"),
    "b_user": (Role.PARTNER_USER, "b"),
}


@pytest.fixture
def actors(world: World) -> dict[str, Actor]:
    """Every user of the world as an actor, by its world name ("admin", "cam", "a_user", ...)."""
    found = {name: Actor(user_id=world.users[name], role=role, partner_id=None, label=world.emails[name]) for name, (role, _) in STAFF.items()}
    for name, (role, key) in PARTNER_USERS.items():
        partner_id = (world.a if key == "a" else world.b).id
        found[name] = Actor(user_id=world.users[name], role=role, partner_id=partner_id, label=world.emails[name])
    return found


@pytest.fixture
def unit(db: Database) -> Callable[..., Any]:
    """`with unit(actor) as session:` a committed unit of work in the actor's scope."""

    @contextmanager
    def open_unit(actor: Actor) -> Iterator[Session]:
        with db.session_scope(scope_for(actor)) as session:
            yield session

    return open_unit
