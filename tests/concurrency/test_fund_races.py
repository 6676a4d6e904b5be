"""MDF raced against a live server: two approvals of the last available funds, and two claims
against one request, end as one of the two serial orders; nothing is ever over-committed."""

# ruff: noqa: F811

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from alliance.db import Database
from alliance.kit import fiscal
from tests.concurrency.harness import Act, Ids, Lifecycle, Runner
from tests.concurrency.test_lifecycle_races import api, runner  # noqa: F401
from tests.factories.funds import claim_input, program_of, request_input, stored_file, year
from tests.factories.world import World

_quarters = itertools.count(1)


def two_requests_for_the_last_funds(api: Any, world: World) -> Ids:
    """A fresh allocation of 10,000 (a quarter of its own) and two submitted requests of 6,000."""
    index = next(_quarters)
    period = fiscal.current().nth(fiscal.PeriodKind.QUARTER, 2050 + index // 4, index % 4 + 1)
    budget = api("admin", "POST", "/api/v1/fund-budgets", {"program_id": program_of(world.db, world.a.id), "period": period.key, "amount": "10000"}, expect=201)  # type: ignore[arg-type]
    api("admin", "POST", "/api/v1/fund-allocations", {"partner_id": world.a.id, "budget_id": budget["id"], "amount": "10000", "reason": "race"})
    dates = {"period": period.key, "starts_on": period.start.isoformat(), "ends_on": (period.start + timedelta(days=1)).isoformat(), "requested_amount": "6000"}
    first = api("a_user", "POST", "/api/v1/fund-requests", request_input(**dates), expect=201)
    second = api("a_user", "POST", "/api/v1/fund-requests", request_input(**dates), expect=201)
    return {"first": first["id"], "second": second["id"]}


def ledger_state(api: Any, ids: Ids, *request_ids: int) -> Any:
    requests = [api("admin", "GET", f"/api/v1/fund-requests/{r}")["status"] for r in request_ids]
    committed = sorted(
        a["balances"]["committed"] for a in api("admin", "GET", "/api/v1/fund-allocations?limit=500")["items"] if a["balances"]["available"].startswith("-")
    )
    return {"requests": sorted(requests), "overdrawn": committed}


def test_two_approvals_of_the_last_available_funds(runner: Runner, api: Any, world: World) -> None:
    first = Act("CAM approves the first", "cam", "/api/v1/fund-requests/{first}/decision", {"approve": True})
    second = Act("admin approves the second", "admin", "/api/v1/fund-requests/{second}/decision", {"approve": True})
    lifecycle = Lifecycle(
        "two requests, funds for one",
        arrange=lambda: two_requests_for_the_last_funds(api, world),
        observe=lambda ids: ledger_state(api, ids, ids["first"], ids["second"]),
        acts=[first, second],
    )
    outcome = runner.check_pair(lifecycle, first, second)
    assert sorted(outcome.codes) == [200, 422] and outcome.state == {"requests": ["approved", "submitted"], "overdrawn": []}, outcome


_allocated = itertools.count(1)


def approved_request_and_two_proofs(api: Any, world: World, db: Database) -> Ids:
    """An approved request of 5,000 in the current fiscal year's allocation (raised each time) and two proof files."""
    program_id = program_of(db, world.a.id)
    found = api("admin", "GET", f"/api/v1/fund-budgets?program_id={program_id}&period={year().key}")
    budget = (
        found[0] if found else api("admin", "POST", "/api/v1/fund-budgets", {"program_id": program_id, "period": year().key, "amount": "10000000"}, expect=201)
    )
    api(
        "admin",
        "POST",
        "/api/v1/fund-allocations",
        {"partner_id": world.a.id, "budget_id": budget["id"], "amount": str(5000 * next(_allocated)), "reason": "race"},
    )
    request = api("a_user", "POST", "/api/v1/fund-requests", request_input(requested_amount="5000"), expect=201)
    api("cam", "POST", f"/api/v1/fund-requests/{request['id']}/decision", {"approve": True})
    return {"request_id": request["id"], "file_1": stored_file(db, world.a.id), "file_2": stored_file(db, world.a.id)}


def claims_state(api: Any, ids: Ids) -> Any:
    claims = api("admin", "GET", f"/api/v1/fund-requests/{ids['request_id']}/claims")
    return sorted(c["reimbursable_amount"] for c in claims)


def test_two_claims_against_one_request(runner: Runner, api: Any, world: World, db: Database) -> None:
    first = Act(
        "a claim of everything",
        "a_user",
        "/api/v1/fund-claims",
        claim_input(0, 0, amount="5000") | {"request_id": "{request_id}", "proofs": [{"file_id": "{file_1}", "kind": "invoice"}]},
    )
    second = Act(
        "another claim of everything",
        "a_admin",
        "/api/v1/fund-claims",
        claim_input(0, 0, amount="5000") | {"request_id": "{request_id}", "proofs": [{"file_id": "{file_2}", "kind": "photo"}]},
    )
    lifecycle = Lifecycle(
        "approved request", arrange=lambda: approved_request_and_two_proofs(api, world, db), observe=lambda ids: claims_state(api, ids), acts=[first, second]
    )
    outcome = runner.check_pair(lifecycle, first, second)
    assert sorted(outcome.codes) == [201, 409] and outcome.state == ["5000.00"], outcome
