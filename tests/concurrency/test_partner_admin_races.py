"""The last active partner admin of an organisation cannot be removed, even by two admins removing
each other at the same moment: the partner's row lock serialises changes to its admins, so exactly
one succeeds and the organisation keeps an admin (without the lock, on PostgreSQL, both succeed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest

from alliance.db import Database
from tests.concurrency.harness import Act, Ids, Lifecycle, Runner
from tests.factories.world import World

ROUNDS = 6


@pytest.fixture
def runner(live_server: str, db: Database, world: World) -> Runner:
    return Runner(live_server, world.headers)


@pytest.fixture
def api(live_server: str, world: World) -> Iterator[Any]:
    with httpx.Client(base_url=live_server, timeout=30) as client:

        def call(who: str, method: str, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
            response = client.request(method, path, headers=world.headers(who), json=body)
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
            return response.json()

        yield call


def _lifecycle(api: Any, world: World, acts: list[Act]) -> Lifecycle:
    def arrange() -> Ids:
        # Both of partner A's users are active partner admins again.
        for who in ("a_admin", "a_user"):
            api("admin", "PATCH", f"/api/v1/users/{world.users[who]}", {"role": "partner_admin", "is_active": True})
        return {"a_admin": world.users["a_admin"], "a_user": world.users["a_user"]}

    def observe(ids: Ids) -> Any:
        found = api("admin", "GET", f"/api/v1/users?partner_id={world.a.id}&role=partner_admin&status=active")
        return sorted(user["id"] for user in found["items"])

    return Lifecycle("two partner admins", arrange=arrange, observe=observe, acts=acts)


@pytest.mark.parametrize(
    "change",
    [{"role": "partner_user"}, {"is_active": False}],
    ids=["demote", "deactivate"],
)
def test_two_partner_admins_removing_each_other_at_once_one_wins(runner: Runner, api: Any, world: World, change: dict[str, Any]) -> None:
    acts = [
        Act("a_admin removes a_user", "a_admin", "/api/v1/users/{a_user}", change, method="PATCH"),
        Act("a_user removes a_admin", "a_user", "/api/v1/users/{a_admin}", change, method="PATCH"),
    ]
    lifecycle = _lifecycle(api, world, acts)
    for _ in range(ROUNDS):
        outcome = runner.race(lifecycle, acts)
        # The loser is refused by the rule (409) or, when its own removal committed before its
        # request was authenticated, by its new role (403 partner user, 401 deactivated).
        assert sorted(outcome.codes)[0] == 200 and sorted(outcome.codes)[1] in (401, 403, 409), outcome.codes
        assert len(outcome.state) == 1, f"the organisation kept {outcome.state} as active partner admins"
