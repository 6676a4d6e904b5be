"""The MDF API end to end: budget → allocation → request → partial approval → claim with an
uploaded proof → approval → payment; the ledger and claims as CSV; bad input answered 422/409
naming the rule with nothing written; a registration quoting the campaign code counts in ROI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from alliance.funds.models import FundClaim, FundLedgerEntry, FundRequest
from alliance.identity.scope import PartnerScope
from tests.factories.funds import claim_input, program_of, request_input, year
from tests.factories.world import deal_input

PDF = b"%PDF-1.7\n" + b"attendee list " * 50


def call(client, world, who: str, method: str, path: str, body: Any = None, expect: int = 200) -> Any:  # type: ignore[no-untyped-def]
    response = client.request(method, f"/api/v1{path}", headers=world.headers(who), json=body)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if "json" in response.headers.get("content-type", "") else response.text


def written(world) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return tuple(int(session.scalar(select(func.count()).select_from(m)) or 0) for m in (FundRequest, FundClaim, FundLedgerEntry))  # type: ignore[return-value]


def test_from_allocation_to_payment(client, world) -> None:  # type: ignore[no-untyped-def]
    budget = call(
        client, world, "admin", "POST", "/fund-budgets", {"program_id": program_of(world.db, world.a.id), "period": year().key, "amount": "100000"}, 201
    )
    allocation = call(
        client, world, "admin", "POST", "/fund-allocations", {"partner_id": world.a.id, "budget_id": budget["id"], "amount": "30000", "reason": "Launch year"}
    )
    assert allocation["balances"]["available"] == "30000.00"
    request = call(client, world, "a_user", "POST", "/fund-requests", request_input(), 201)
    queue = call(client, world, "cam", "GET", "/fund-requests?status=submitted&sort=submitted_at")
    assert [r["id"] for r in queue["items"]] == [request["id"]] and queue["items"][0]["partner_name"] == "Northwind Consulting"
    approved = call(
        client, world, "cam", "POST", f"/fund-requests/{request['id']}/decision", {"approve": True, "amount": "12000", "reason": "Catering not covered"}
    )
    assert (approved["status"], approved["approved_amount"], approved["campaign_code"]) == ("approved", "12000.00", f"MDF-{request['id']}")
    upload = client.post(
        "/api/v1/files", headers=world.headers("a_user"), files={"file": ("attendees.pdf", PDF, "application/pdf")}, data={"purpose": "fund_claim"}
    )
    assert upload.status_code == 201, upload.text
    claim = call(client, world, "a_user", "POST", "/fund-claims", claim_input(request["id"], upload.json()["id"], amount="11000"), 201)
    assert (claim["reimbursable_amount"], claim["proofs"]) == ("11000.00", [{"file_id": upload.json()["id"], "kind": "invoice"}])
    call(client, world, "cam", "POST", f"/fund-claims/{claim['id']}/decision", {"approve": True})
    paid = call(client, world, "admin", "POST", f"/fund-claims/{claim['id']}/payment", {"payment_reference": "AP-2207", "paid_on": year().start.isoformat()})
    assert (paid["status"], paid["payment_reference"]) == ("paid", "AP-2207")
    [mine] = call(client, world, "a_admin", "GET", "/fund-allocations")["items"]
    assert {k: mine["balances"][k] for k in ("allocated", "committed", "paid", "available")} == {
        "allocated": "30000.00",
        "committed": "1000.00",
        "paid": "11000.00",
        "available": "18000.00",
    }
    entries = call(client, world, "a_admin", "GET", f"/fund-allocations/{mine['id']}/entries")
    assert [e["kind"] for e in entries] == ["allocated", "committed", "committed", "claimed", "claimed", "approved", "approved", "paid"]
    ledger = call(client, world, "a_admin", "GET", "/fund-ledger.csv").splitlines()
    assert ledger[0].startswith("partner_id,partner_name,fiscal_period") and ledger[1].split(",")[6:11] == ["1000.00", "0.00", "0.00", "11000.00", "0.00"]
    claims = call(client, world, "admin", "GET", f"/fund-claims.csv?partner_id={world.a.id}").splitlines()
    assert "payment_reference" in claims[0] and "AP-2207" in claims[1]
    world.registrations()  # the product-line catalog
    body = deal_input("Summit follow-up", "Summit Hospital Group", campaign_code=f"mdf-{request['id']}", submit=True)
    registration = call(client, world, "a_user", "POST", "/registrations", body, 201)
    assert registration["fund_request_id"] == request["id"]
    [roi] = call(client, world, "a_admin", "GET", "/fund-returns?by=activity")["items"]
    assert (roi["registrations"], roi["pipeline"], roi["mdf_spent"], roi["pipeline_per_unit"]) == (1, "120000.00", "11000.00", "10.91")


def test_bad_input_names_the_rule_and_writes_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    budget = call(
        client, world, "admin", "POST", "/fund-budgets", {"program_id": program_of(world.db, world.a.id), "period": year().key, "amount": "5000"}, 201
    )
    over_budget = call(
        client, world, "admin", "POST", "/fund-allocations", {"partner_id": world.a.id, "budget_id": budget["id"], "amount": "5000.01", "reason": "x"}, 422
    )
    assert over_budget["error"]["details"][0]["rule"] == "amount_over_budget"
    call(client, world, "admin", "POST", "/fund-allocations", {"partner_id": world.a.id, "budget_id": budget["id"], "amount": "5000", "reason": "x"})
    before = written(world)
    over = call(client, world, "a_user", "POST", "/fund-requests", request_input(requested_amount="5000.01"), 422)
    assert over["error"]["details"][0]["rule"] == "amount_over_balance"
    call(client, world, "a_user", "POST", "/fund-requests", request_input(ends_on="2000-01-01"), 422)
    call(client, world, "a_user", "POST", "/fund-claims", claim_input(999999, 1), 404)
    refused = client.post(
        "/api/v1/files",
        headers=world.headers("a_user"),
        files={"file": ("agenda.html", b"<html><script>x</script>", "text/html")},
        data={"purpose": "fund_claim"},
    )
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "file"
    request = call(client, world, "a_user", "POST", "/fund-requests", request_input(requested_amount="100"), 201)
    call(client, world, "a_user", "POST", f"/fund-requests/{request['id']}/decision", {"approve": True}, 403)
    call(client, world, "cam", "POST", f"/fund-requests/{request['id']}/decision", {"approve": False, "reason": "No plan"})
    again = call(client, world, "cam", "POST", f"/fund-requests/{request['id']}/decision", {"approve": True}, 409)
    assert "rejected" in again["error"]["message"]
    assert written(world)[2] == before[2]
