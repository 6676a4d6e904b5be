"""Joint business plan pages: the portal's plan with progress bars and at-risk items, signing on
both sides, the console's list by CAM and status, the CSV export."""

from __future__ import annotations

from tests.factories.business_plans import build_business_plans
from tests.web.client import post, soup


def test_signing_in_the_portal_then_the_console_agrees_the_plan(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    plan_id = build_business_plans(db, world, agree=False)["a"]["business_plan_id"]
    login("cam")
    page = client.get(f"/console/business-plans/{plan_id}")
    assert page.status_code == 200 and soup(page).find(id="plan-status").get_text(strip=True) == "Proposed"
    response = post(client, f"/console/business-plans/{plan_id}/sign", {}, token_from=f"/console/business-plans/{plan_id}")
    assert response.status_code == 303
    page = soup(client.get(f"/console/business-plans/{plan_id}"))
    assert page.find(id="plan-status").get_text(strip=True) == "Active"
    assert page.find(id="version-1").find_all("td")[3].get_text(strip=True).startswith("Signed")


def test_portal_shows_progress_and_at_risk_items_of_its_own_plan_only(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    built = build_business_plans(db, world)
    login("a_user")
    listing = soup(client.get("/portal/business-plans"))
    assert [a.get_text(strip=True) for a in listing.select("#business-plans tbody a")] == ["A annual plan"]
    page = soup(client.get(f"/portal/business-plans/{built['a']['business_plan_id']}"))
    bars = page.select("#progress .bar[role=progressbar]")
    assert len(bars) == 3 and all(bar["aria-valuenow"] == "0" for bar in bars[:2])
    assert page.find(id="item-2").find(class_="gap-numbers").get_text(" ", strip=True) == "0 / 8 people"
    assert client.get(f"/portal/business-plans/{built['b']['business_plan_id']}").status_code == 404
    lines = client.get("/portal/business-plans.csv").text.splitlines()
    assert lines[0].startswith("partner_id,partner_name,plan_id") and len(lines) == 4
    assert all(line.split(",")[0] == str(world.a.id) for line in lines[1:])


def test_console_lists_plans_by_cam_and_status(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    build_business_plans(db, world)
    login("admin")
    rows = soup(client.get(f"/console/business-plans?cam_user_id={world.users['cam2']}&status=active")).select("#business-plans tbody tr")
    assert [r.find_all("td")[1].get_text(strip=True) for r in rows] == ["B annual plan"]
    assert soup(client.get("/console/business-plans?status=draft")).find(class_="empty") is not None


def test_console_picks_the_cam_by_name_and_sorts_and_exports_in_that_order(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    build_business_plans(db, world)
    login("cam")
    picker = soup(client.get("/console/business-plans")).find("select", {"name": "cam_user_id"})
    options = {o.get_text(strip=True): o["value"] for o in picker.find_all("option")}
    assert options["Cora Cam"] == str(world.users["cam2"]) and options["Carl Cam (me)"] == str(world.users["cam"])
    assert "Any CAM" in options and not any(text.isdigit() for text in options)
    page = soup(client.get(f"/console/business-plans?cam_user_id={world.users['cam2']}"))
    assert page.find("select", {"name": "cam_user_id"}).find("option", selected=True).get_text(strip=True) == "Cora Cam"
    assert [r.find_all("td")[0].get_text(strip=True) for r in page.select("#business-plans tbody tr")] == ["Blue Harbor"]

    def partners(sort: str) -> list[str]:
        rows = soup(client.get(f"/console/business-plans?sort={sort}")).select("#business-plans tbody tr")
        return [r.find_all("td")[0].get_text(strip=True) for r in rows]

    assert partners("partner") == ["Blue Harbor", "Northwind Consulting"]
    assert partners("-partner") == ["Northwind Consulting", "Blue Harbor"]
    assert partners("-title") == ["Blue Harbor", "Northwind Consulting"]  # B annual plan, A annual plan
    assert partners("nonsense") == partners("-updated")
    page = soup(client.get("/console/business-plans?sort=-partner"))
    assert page.find("th", attrs={"aria-sort": "descending"}).get_text(strip=True).startswith("Partner")
    export = page.find("a", string="Export CSV")["href"]
    assert "sort=-partner" in export
    lines = client.get(export).text.splitlines()[1:]
    assert [line.split(",")[1] for line in lines] == ["Northwind Consulting"] * 3 + ["Blue Harbor"] * 3
    assert [line.split(",")[1] for line in client.get(f"/console/business-plans.csv?cam_user_id={world.users['cam']}").text.splitlines()[1:]] == [
        "Northwind Consulting"
    ] * 3
