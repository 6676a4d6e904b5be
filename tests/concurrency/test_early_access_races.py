"""Two decisions on one early-access application at the same moment (threads, real connections,
PostgreSQL): the row lock lets one win; the other reads its result and is refused as already
decided (409). Without the lock both would pass the pending check and both would write."""

from __future__ import annotations

import threading
from typing import Any

import httpx2 as httpx

from tests.factories.early_access import admin_of, partner_admin
from tests.factories.world import World


def _pending_application(world: World) -> int:
    from alliance.assets.early_access import service as early_access_service
    from alliance.assets.early_access.schemas import EarlyAccessApplicationInput, EarlyAccessProgramInput
    from alliance.identity.scope import Actor, PartnerScope, scope_for
    from alliance.partners import product_line_service

    assert world.db is not None
    with world.db.session_scope(PartnerScope.system(reason="test catalog")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test-setup"))
    admin = admin_of(world)
    with world.db.session_scope(scope_for(admin)) as session:
        program = early_access_service.create_program(
            session, admin, data=EarlyAccessProgramInput(product_line="data-platform", version="10", terms="Beta terms")
        )
    partner = partner_admin(world, "a")
    with world.db.session_scope(scope_for(partner)) as session:
        return early_access_service.apply(session, partner, program_id=program.id, data=EarlyAccessApplicationInput(accept_terms=True)).id


def test_accept_and_decline_at_once_one_wins(live_server: str, world: World) -> None:
    application_id = _pending_application(world)
    url = f"{live_server}/api/v1/early-access/applications/{application_id}/decision"
    bodies = {"admin": {"decision": "accept"}, "cam": {"decision": "decline", "reason": "The beta is full"}}
    codes: dict[str, int] = {}
    start = threading.Barrier(2)

    def decide(who: str) -> None:
        with httpx.Client(timeout=30) as client:
            start.wait()
            codes[who] = client.post(url, headers=world.headers(who), json=bodies[who]).status_code

    threads = [threading.Thread(target=decide, args=(who,)) for who in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes.values()) == [200, 409], codes
    with httpx.Client(timeout=30) as client:
        found: Any = client.get(f"{live_server}/api/v1/early-access/applications", headers=world.headers("admin")).json()
    winner = next(who for who, code in codes.items() if code == 200)
    assert found["items"][0]["status"] == ("accepted" if winner == "admin" else "declined")
