"""MDF pages: the console's budgets, ledger and review queues (SLA age), a claim decided and paid
in the console; the portal's balance, a request submitted through its form, a proof uploaded and a
claim filed against it; nothing of another partner's."""

from __future__ import annotations

from tests.factories.funds import build_funds, request_input
from tests.web.client import post, soup

PDF = b"%PDF-1.7\n" + b"invoice " * 40


def test_console_reviews_and_pays_a_claim(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    built = build_funds(db, world)
    login("admin")
    overview = soup(client.get("/console/funds"))
    assert {row.find("td").get_text(strip=True) for row in overview.select("#fund-ledger tbody tr")} == {"Northwind Consulting", "Blue Harbor"}
    assert {row.find("td").get_text(strip=True) for row in overview.select("#fund-returns tbody tr")} == {"Northwind Consulting", "Blue Harbor"}
    assert client.get("/console/funds/ledger.csv").text.splitlines()[0].startswith("partner_id,partner_name,fiscal_period")
    queue = soup(client.get("/console/funds/claims"))
    assert len(queue.select("#fund-claims tbody tr")) == 2 and "0 days" in queue.select_one("#fund-claims tbody tr").get_text()
    claim_id = built["a"]["claim_id"]
    url = f"/console/funds/claims/{claim_id}"
    too_much = post(client, f"{url}/decision", {"approve": "approve", "amount": "9000"}, token_from=url)
    assert too_much.status_code == 422 and "at most 8000.00" in soup(too_much).get_text()
    assert post(client, f"{url}/decision", {"approve": "approve", "amount": "7500", "reason": "Catering over policy"}).status_code == 303
    assert post(client, f"{url}/payment", {"payment_reference": "AP-100", "paid_on": "2000-01-01"}).status_code == 303
    page = soup(client.get(url))
    assert page.find(id="claim-status").get_text(strip=True) == "Paid" and "AP-100" in page.get_text()
    assert "AP-100" in client.get("/console/funds/claims.csv?status=paid").text
    budget = f"/console/funds/budgets/{built['a']['budget_id']}"
    assert soup(client.get("/console/funds")).select_one(f"a[href='{budget}']") is not None
    below = post(client, budget, {"amount": "10", "reason": "Cut"}, token_from=budget)
    assert below.status_code == 409 and "50000.00 USD of it is allocated" in soup(below).get_text()
    over = post(client, f"{budget}/withdrawal", {"amount": "2000000", "reason": "Cut"})
    assert over.status_code == 409 and "-1000000.00 USD" in soup(over).get_text()
    assert post(client, f"{budget}/withdrawal", {"amount": "100", "reason": "Cut"}).status_code == 303
    assert post(client, budget, {"amount": "999000", "expires_on": "", "reason": "Top up"}).status_code == 303
    assert soup(client.get(budget)).find(id="budget-amount").get_text(strip=True).startswith("$999,000")


def test_a_cams_queue_holds_only_their_partners(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    built = build_funds(db, world)
    login("cam")
    queue = soup(client.get("/console/funds/claims"))
    assert [row.find("td").get_text(strip=True) for row in queue.select("#fund-claims tbody tr")] == ["Northwind Consulting"]
    assert client.get(f"/console/funds/claims/{built['b']['claim_id']}").status_code == 404


def test_portal_requests_uploads_a_proof_and_claims(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    built = build_funds(db, world)
    login("a_user")
    page = soup(client.get("/portal/funds"))
    assert "Blue Harbor" not in page.get_text() and len(page.select("#fund-ledger tbody tr")) == 1
    assert [row.find("td").get_text(strip=True) for row in page.select("#fund-returns tbody tr")] == ["A summit"]
    form = {k: str(v) for k, v in request_input(title="Portal webinar", requested_amount="1000").items()}
    created = post(client, "/portal/funds/requests", form, token_from="/portal/funds")
    assert created.status_code == 303
    refused = post(client, "/portal/funds/requests", form | {"requested_amount": "999999"})
    assert refused.status_code == 422 and "available balance" in soup(refused).get_text()
    request_id = built["a"]["fund_request_id"]
    url = f"/portal/funds/requests/{request_id}"
    upload = client.post(f"{url}/proofs", data={"csrf_token": client.csrf_token}, files={"file": ("venue.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert upload.status_code == 303
    bad = client.post(f"{url}/proofs", data={"csrf_token": client.csrf_token}, files={"file": ("agenda.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert bad.status_code == 422 and "not accepted" in bad.text
    proof = soup(client.get(url)).select_one("#claim-form input[name=proof]")["value"]
    claim = post(
        client,
        f"{url}/claims",
        {"proof": proof, f"kind-{proof}": "invoice", "lines.0.category": "venue", "lines.0.description": "Hall", "lines.0.amount": "2500"},
    )
    assert claim.status_code == 303
    detail = soup(client.get(claim.headers["location"]))
    assert detail.find(id="claim-status").get_text(strip=True) == "Submitted" and "venue.pdf" in detail.get_text()
    assert client.get(f"/portal/funds/requests/{built['b']['fund_request_id']}").status_code == 404
    assert client.get(f"/portal/funds/claims/{built['b']['claim_id']}").status_code == 404


def test_console_decides_a_request_in_part_with_a_reason(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    build_funds(db, world)
    login("a_user")
    form = {k: str(v) for k, v in request_input(title="Partner roadshow", requested_amount="4000").items()}
    created = post(client, "/portal/funds/requests", form, token_from="/portal/funds")
    assert created.status_code == 303
    url = created.headers["location"].replace("/portal/", "/console/")
    client.cookies.clear()
    client.csrf_token = None
    login("admin")
    unexplained = post(client, f"{url}/decision", {"approve": "approve", "amount": "3000"}, token_from=url)
    assert unexplained.status_code == 422 and "reason" in soup(unexplained).get_text().lower()
    decided = post(client, f"{url}/decision", {"approve": "approve", "amount": "3000", "reason": "Venue is shared with another partner"})
    assert decided.status_code == 303 and decided.headers["location"] == url
    page = soup(client.get(url))
    assert "Decision recorded." in page.get_text() and "3000" in page.get_text().replace(",", "")
