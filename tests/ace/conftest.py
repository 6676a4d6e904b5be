"""boto3 clients pointed at a live test server: a partner user's API token is both the access key
id and the secret."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.factories.ace import ace_client
from tests.factories.world import World


@pytest.fixture
def ace(live_server: str, world: World) -> Callable[..., Any]:
    """`ace("a_user")`: a client for that user of the test world (`validate=False` skips boto3's own checks)."""
    world.registrations()  # the product-line catalog

    def make(who: str, *, secret: str | None = None, validate: bool = True) -> Any:
        return ace_client(live_server, world.tokens[who], secret=secret, validate=validate)

    return make
