"""Program admins adding territories that claim the same country at the same moment (threads, real
connections, PostgreSQL): the program's row lock makes them take turns, so exactly one territory
takes the country and the others are refused (409) with the program unchanged by them. Without the
lock each would check the territories as they were before any of them and all would write."""

from __future__ import annotations

import threading
from typing import Any

import httpx2 as httpx

from tests.factories.world import World

RACERS = 4
SECOND_COUNTRY = ("FR", "IT", "ES", "NL")


def test_territories_claiming_one_country_at_once_one_wins(live_server: str, world: World) -> None:
    program_id = world.program_ids["reseller"]
    url = f"{live_server}/api/v1/programs/{program_id}/territories"
    codes: list[int] = []
    start = threading.Barrier(RACERS)

    def add(index: int) -> None:
        with httpx.Client(timeout=30) as client:
            start.wait()
            codes.append(
                client.post(url, headers=world.headers("admin"), json={"name": f"Region {index}", "countries": ["DE", SECOND_COUNTRY[index]]}).status_code
            )

    threads = [threading.Thread(target=add, args=(index,)) for index in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201] + [409] * (RACERS - 1), codes
    with httpx.Client(timeout=30) as client:
        program: Any = client.get(f"{live_server}/api/v1/programs/{program_id}", headers=world.headers("admin")).json()
    holding_germany = [t["name"] for t in program["territories"] if "DE" in t["countries"]]
    assert len(holding_germany) == 1, program["territories"]
