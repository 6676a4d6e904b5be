"""The co-sell lists behind the executive dashboard's numbers: the queue, every scope dispute and
the rules-of-engagement violations, each filtered by partner (a select of names, or the
dashboard's "mine" view), sortable and exported as CSV."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from alliance.kit import clock
from tests.factories.engagements import protected_account
from tests.web.client import post, soup
from tests.web.test_cosell_engagement_pages import LIST, staff_form, staffed_id
from tests.web.test_cosell_pages import cosell  # noqa: F401 (fixture)

A, B = "Northwind Consulting", "Blue Harbor"  # partners A and B of tests/factories/world.py


def rows(client, url: str, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [tr.get_text(" ", strip=True) for tr in soup(client.get(url)).select(f"#{table} tbody tr")]


def csv_lines(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    return response.text.splitlines()


def test_the_queue_filters_by_partner_name_sorts_and_exports(client, login, world, cosell: dict[str, Any]) -> None:  # noqa: F811
    login("admin")
    options = {o.get_text(): o["value"] for o in soup(client.get("/console/cosell")).find("select", {"name": "partner_id"}).find_all("option")}
    assert options[A] == str(world.a.id) and options[B] == str(world.b.id)
    only_a = rows(client, f"/console/cosell?partner_id={world.a.id}", "cosell-queue")
    assert len(only_a) == 1 and A in only_a[0]
    by_partner = rows(client, "/console/cosell?sort=partner", "cosell-queue")
    assert B in by_partner[0] and A in by_partner[1]  # Blue Harbor before Northwind Consulting
    assert rows(client, "/console/cosell?sort=-partner", "cosell-queue") == list(reversed(by_partner))
    assert len(rows(client, "/console/cosell?sort=nonsense", "cosell-queue")) == 2
    lines = csv_lines(client, f"/console/cosell.csv?partner_id={world.b.id}")
    assert lines[0].startswith("id,submitted_at,partner") and len(lines) == 2 and B in lines[1]
    login("cam")  # Carl Cam manages partner A only
    mine = rows(client, "/console/cosell?view=mine", "cosell-queue")
    assert len(mine) == 1 and A in mine[0]


def test_violations_and_disputes_by_partner_with_csv(client, login, world, db) -> None:  # type: ignore[no-untyped-def]
    account = protected_account(db, world, "a")
    login("admin")
    form = staff_form(world, activity="integration", customer_id=str(account.customer_id), override_reason="Customer escalation, SI unavailable")
    assert post(client, LIST, form, token_from=LIST).status_code == 303
    url = f"{LIST}/{staffed_id(client)}"
    assert post(client, f"{url}/disputes", {"subject": "The SI should integrate"}, token_from=url).status_code == 303

    found = rows(client, f"/console/violations?partner_id={world.a.id}", "violations")
    assert len(found) == 1 and A in found[0] and "Tenancy Alpha Hospital" in found[0]
    assert soup(client.get(f"/console/violations?partner_id={world.b.id}")).find(id="violations") is None
    assert len(rows(client, "/console/violations?sort=-customer&from=2000-01-01&to=junk", "violations")) == 1
    lines = csv_lines(client, f"/console/violations.csv?partner_id={world.a.id}")
    assert lines[0] == "id,occurred_at,partner,customer,activity,rule,reason,engagement_id" and len(lines) == 2
    assert "Customer escalation, SI unavailable" in lines[1]

    disputes = rows(client, f"/console/disputes/all?partner_id={world.a.id}&status=open&sort=partner", "disputes")
    assert len(disputes) == 1 and "The SI should integrate" in disputes[0] and "PS engagement: Integration for Tenancy Alpha Hospital" in disputes[0]
    assert soup(client.get(f"/console/disputes/all?partner_id={world.b.id}")).find(id="disputes") is None
    assert soup(client.get("/console/disputes/all?status=resolved")).find(id="disputes") is None
    lines = csv_lines(client, "/console/disputes/all.csv?sort=-opened")
    assert lines[0].startswith("id,opened_at,partner,subject,about,status") and len(lines) == 2
    assert "PS engagement: integration for Tenancy Alpha Hospital" in lines[1] and ",open," in lines[1]

    login("cam")  # the CAM's view of their own partners: A
    assert len(rows(client, "/console/violations?view=mine", "violations")) == 1
    assert len(rows(client, "/console/disputes/all?view=mine", "disputes")) == 1
    login("executive")  # sponsors no partner: the sponsor's view is empty
    assert soup(client.get("/console/violations?view=sponsored")).find(id="violations") is None


def test_breaches_and_registrations_follow_the_dashboard_view(client, login, world, cosell: dict[str, Any]) -> None:  # noqa: F811
    clock.freeze(clock.now() + timedelta(days=10))  # both requests are past their first-response time
    login("admin")
    assert len(rows(client, "/console/cosell/breaches", "cosell-breaches")) == 2
    only_b = rows(client, f"/console/cosell/breaches?partner_id={world.b.id}", "cosell-breaches")
    assert len(only_b) == 1 and B in only_b[0]
    everyone = rows(client, "/console/registrations", "registrations")
    assert any(A in row for row in everyone) and any(B in row for row in everyone)
    login("cam")  # Carl Cam manages partner A only: the dashboard's "mine" links land on A's records
    dashboard = soup(client.get("/console/executive?view=mine"))
    assert dashboard.find("a", href="/console/cosell/breaches?view=mine") is not None
    assert dashboard.select_one("#pipeline-records a")["href"].endswith("&view=mine")
    mine = rows(client, "/console/cosell/breaches?view=mine", "cosell-breaches")
    assert len(mine) == 1 and A in mine[0]
    page = soup(client.get("/console/registrations?view=mine"))
    mine = [tr.get_text(" ", strip=True) for tr in page.select("#registrations tbody tr")]
    assert mine and all(A in row for row in mine) and len(mine) == sum(A in row for row in everyone)
    assert "of my partners" in page.select_one(".page-header").get_text(" ", strip=True)
    assert page.find("input", {"name": "view", "value": "mine"}) is not None  # kept when filtering further
