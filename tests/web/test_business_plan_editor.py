"""The plan editor: a draft's items changed, removed and added in the portal, proposed; an
amendment proposed in the console from the agreed plan, keeping item numbers; bad rows answer 422
naming the row and field, nothing written."""

from __future__ import annotations

from alliance.identity.scope import scope_for
from alliance.kit import clock, fiscal
from alliance.planning import service as plan_service
from alliance.planning.schemas import PlanItemInput
from tests.factories.business_plans import build_business_plans, items, signers
from tests.web.client import post, soup


def test_draft_edited_in_the_portal_then_amended_in_the_console(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())
    admin, _ = signers(world, "a")
    with db.session_scope(scope_for(admin)) as session:
        plan_id = plan_service.create_plan(
            session, admin, partner_id=None, period=year.key, title="Draft", items=[PlanItemInput(**i) for i in items(year.end)]
        ).id
    login("a_admin")
    editor = f"/portal/business-plans/{plan_id}/edit"
    page = soup(client.get(editor))
    assert page.select_one("#item-row-2 input[name='items.2.title']")["value"] == "Healthcare data accelerator"
    owners = {o.get_text() for o in page.select("select[name='items.0.owner_user_id'] option")}
    assert "Carl Cam (vendor)" in owners and "Cora Cam (vendor)" not in owners and "Ada Admin (vendor)" not in owners  # its CAM, not the staff list
    form = {"title": "FY plan", "items.0.ref": "1", "items.0.kind": "revenue_target", "items.0.title": "Services revenue, West"}
    form |= {"items.0.due_on": year.end.isoformat(), "items.0.territory": "West", "items.0.revenue_kind": "services", "items.0.amount": "600000"}
    form |= {"items.1.ref": "2", "items.1.kind": "certification_target", "items.1.title": "Engineers", "items.1.remove": "1"}
    form |= {"items.2.ref": "3", "items.2.kind": "solution_milestone", "items.2.title": "Accelerator", "items.2.due_on": year.end.isoformat()}
    bad = form | {"items.4.kind": "certification_target", "items.4.title": "Architects", "items.4.due_on": year.end.isoformat()}
    refused = post(client, f"/portal/business-plans/{plan_id}/draft", bad, token_from=editor)
    assert refused.status_code == 422
    assert soup(refused).select_one("#item-row-4 .error") is not None  # the row typed, not the 3rd kept item
    stranger = post(client, f"/portal/business-plans/{plan_id}/draft", form | {"items.0.owner_user_id": str(world.b.user_id)}, token_from=editor)
    assert stranger.status_code == 422 and "active person of the partner or of the vendor" in soup(stranger).select_one("#item-row-0 .error").get_text()
    form["items.0.owner_user_id"] = str(world.users["cam"])
    added = form | {"items.4.kind": "demo_environment", "items.4.title": "Demo environment", "items.4.due_on": year.end.isoformat()}
    assert post(client, f"/portal/business-plans/{plan_id}/draft", added, token_from=editor).status_code == 303
    plan = client.get(f"/api/v1/business-plans/{plan_id}", headers=world.headers("a_admin")).json()
    assert plan["title"] == "FY plan"
    assert [(i["ref"], i["title"]) for i in plan["versions"][-1]["items"]] == [(1, "Services revenue, West"), (3, "Accelerator"), (4, "Demo environment")]
    assert plan["versions"][-1]["items"][0]["owner_user_id"] == world.users["cam"]
    assert "owner: Carl Cam (vendor)" in soup(client.get(f"/portal/business-plans/{plan_id}")).select_one("#item-1").get_text()
    assert post(client, f"/portal/business-plans/{plan_id}/propose", {"note": "Ready"}, token_from=f"/portal/business-plans/{plan_id}").status_code == 303


def test_amendment_from_the_console_keeps_item_numbers(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    plan_id = build_business_plans(db, world)["a"]["business_plan_id"]
    login("cam")
    editor = f"/console/business-plans/{plan_id}/edit"
    page = soup(client.get(editor))
    values = {i["name"]: i.get("value", "") for i in page.select("#plan-items input[name]") if i.get("type") != "checkbox"}
    values |= {s["name"]: (s.select_one("option[selected]") or {"value": ""})["value"] for s in page.select("#plan-items select")}
    values["items.0.amount"] = "750000.00"
    assert post(client, f"/console/business-plans/{plan_id}/amendments", values, token_from=editor).status_code == 422  # the note is required
    response = post(client, f"/console/business-plans/{plan_id}/amendments", values | {"note": "Raise revenue"}, token_from=editor)
    assert response.status_code == 303
    plan = client.get(f"/api/v1/business-plans/{plan_id}", headers=world.headers("admin")).json()
    assert [v["status"] for v in plan["versions"]] == ["agreed", "proposed"]
    assert [i["ref"] for i in plan["versions"][-1]["items"]] == [1, 2, 3] and plan["versions"][-1]["items"][0]["amount"] == "750000.00"


def test_milestone_completed_with_a_file_in_the_portal_and_confirmed_in_the_console(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    plan_id = build_business_plans(db, world)["a"]["business_plan_id"]
    login("a_admin")
    page = f"/portal/business-plans/{plan_id}"
    token = soup(client.get(page)).select_one(f"form[action='{page}/items/3/progress'] input[name=csrf_token]")["value"]
    url = f"{page}/items/3/progress"
    refused = client.post(url, data={"csrf_token": token, "status": "completed"})
    assert refused.status_code == 422 and soup(refused).select_one("#progress-error-3") is not None
    files = {"file": ("accelerator.pdf", b"%PDF-1.7\n" + b"accelerator " * 100, "application/pdf")}
    done = client.post(url, data={"csrf_token": token, "status": "completed", "evidence_note": "Published"}, files=files, follow_redirects=False)
    assert done.status_code == 303, done.text
    link = soup(client.get(page)).select_one("#evidence-file-3")["href"]
    assert link == f"{page}/items/3/evidence"
    download = client.get(link)
    assert download.status_code == 200 and download.content == files["file"][1] and "accelerator.pdf" in download.headers["content-disposition"]
    assert client.get(f"{page}/items/2/evidence").status_code == 404  # no file: the same answer as another partner's
    login("b_admin")
    assert client.get(link).status_code == 404
    login("cam")
    assert client.get(f"/console/business-plans/{plan_id}/items/3/evidence").content == files["file"][1]
    console = f"/console/business-plans/{plan_id}"
    assert post(client, f"{console}/items/3/confirm", {}, token_from=console).status_code == 303
    progress = client.get(f"/api/v1/business-plans/{plan_id}", headers=world.headers("cam")).json()["progress"]
    assert progress[0]["status"] == "confirmed" and progress[0]["evidence_file_id"] is not None


def test_a_plan_started_from_its_programs_template_in_the_portal(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories.business_plans import build_template

    template_id = build_template(db, world)
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())
    login("a_admin")
    page = soup(client.get("/portal/business-plans"))
    assert [o.get_text() for o in page.select("#start-plan-form select[name=template_id] option")][1:] == ["Regional SI annual plan"]
    assert page.select_one("#start-plan-form select[name=partner_id]") is None  # its own organisation's, implied
    refused = post(client, "/portal/business-plans", {"period": "FY20XX", "title": "Plan"}, token_from="/portal/business-plans")
    assert refused.status_code == 422 and "not a fiscal period" in soup(refused).get_text()
    created = post(client, "/portal/business-plans", {"period": year.key, "title": "Our plan", "template_id": str(template_id)})
    assert created.status_code == 303
    plan = soup(client.get(created.headers["location"]))
    assert "Packaged healthcare offering" in plan.get_text() and plan.find(id="plan-status").get_text(strip=True) == "Draft"
    again = post(client, "/portal/business-plans", {"period": year.key, "title": "Twice"}, token_from="/portal/business-plans")
    assert again.status_code == 409
