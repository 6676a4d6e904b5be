"""Web tests log in through the real login form, as a browser would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.factories.world import PASSWORD, World
from tests.web.client import csrf_token


@pytest.fixture
def login(client: TestClient, world: World) -> Callable[[str], TestClient]:
    def log_in(who: str) -> TestClient:
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"email": world.emails[who], "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303, response.text
        client.csrf_token = None  # type: ignore[attr-defined]  # a new session has a new token
        return client

    return log_in
