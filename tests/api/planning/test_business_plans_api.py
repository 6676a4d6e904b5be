"""The API journey: a plan drafted, proposed, signed by both sides, amended and signed again;
bad input answers 4xx naming the rule and writes nothing."""

from __future__ import annotations

from datetime import timedelta

from alliance.kit import clock, fiscal
from tests.api.files.test_files_api import upload
from tests.factories.business_plans import MILESTONE_REF, build_business_plans, items


def year():  # type: ignore[no-untyped-def]
    return fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today())


def create(client, world, who="a_admin", **extra):  # type: ignore[no-untyped-def]
    body = {"period": year().key, "title": "FY annual plan", "items": items(year().end), **extra}
    return client.post("/api/v1/business-plans", headers=world.headers(who), json=body)


def test_anonymous(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/business-plans").status_code == 401


def test_journey_proposed_signed_amended_signed_again(client, world) -> None:  # type: ignore[no-untyped-def]
    response = create(client, world)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert (plan["status"], plan["actions"], plan["period_key"]) == ("draft", ["edit", "propose"], year().key)
    plan_id = plan["id"]
    proposed = client.post(f"/api/v1/business-plans/{plan_id}/propose", headers=world.headers("a_admin"), json={"note": "Ready"})
    assert proposed.status_code == 200 and proposed.json()["status"] == "proposed"
    version_id = proposed.json()["id"]
    for who in ("a_admin", "cam"):
        signed = client.post(f"/api/v1/business-plan-versions/{version_id}/sign-off", headers=world.headers(who))
        assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "agreed"
    assert client.get(f"/api/v1/business-plans/{plan_id}", headers=world.headers("a_user")).json()["status"] == "active"

    amended_items = [{**item, "ref": ref} for ref, item in enumerate(items(year().end), start=1)]
    amended_items[0]["amount"] = "750000.00"
    amendment = client.post(
        f"/api/v1/business-plans/{plan_id}/amendments", headers=world.headers("cam"), json={"items": amended_items, "note": "Raise revenue"}
    )
    assert amendment.status_code == 201, amendment.text
    read = client.get(f"/api/v1/business-plans/{plan_id}", headers=world.headers("a_admin")).json()
    assert read["agreed_version_id"] == version_id and "sign" in read["actions"]
    for who in ("a_admin", "cam"):
        client.post(f"/api/v1/business-plan-versions/{amendment.json()['id']}/sign-off", headers=world.headers(who))
    read = client.get(f"/api/v1/business-plans/{plan_id}", headers=world.headers("a_admin")).json()
    assert read["agreed_version_id"] == amendment.json()["id"]
    assert [v["status"] for v in read["versions"]] == ["superseded", "agreed"]

    evidence = {"status": "completed", "evidence_note": "Accelerator published"}
    assert client.put(f"/api/v1/business-plans/{plan_id}/items/{MILESTONE_REF}/progress", headers=world.headers("a_user"), json=evidence).status_code == 200
    assert client.post(f"/api/v1/business-plans/{plan_id}/items/{MILESTONE_REF}/confirm", headers=world.headers("cam")).json()["status"] == "confirmed"
    actuals = client.get(f"/api/v1/business-plans/{plan_id}/actuals", headers=world.headers("a_user")).json()
    assert [i["status"] for i in actuals["items"]][2] == "confirmed" and actuals["items"][0]["target"] == "750000.00"


def test_bad_input_names_the_rule_and_writes_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    bad = items(year().end)
    bad[1].pop("target_count")
    response = create(client, world, items=bad)
    assert response.status_code == 422
    assert any(d["field"] == "items[1].target_count" for d in response.json()["error"]["details"])
    assert client.get("/api/v1/business-plans", headers=world.headers("a_admin")).json()["total"] == 0
    assert create(client, world, period="FY2027-Q5").status_code == 422


def test_other_partner_and_other_cam(client, world) -> None:  # type: ignore[no-untyped-def]
    plan_id = create(client, world).json()["id"]
    assert client.get(f"/api/v1/business-plans/{plan_id}", headers=world.headers("b_admin")).status_code == 404
    assert client.post(f"/api/v1/business-plans/{plan_id}/propose", headers=world.headers("cam2"), json={}).status_code == 403
    assert client.post(f"/api/v1/business-plans/{plan_id}/propose", headers=world.headers("a_user"), json={}).status_code == 403


def test_closing_freezes_the_final_scorecard(client, world) -> None:  # type: ignore[no-untyped-def]
    plan_id = create(client, world).json()["id"]
    version_id = client.post(f"/api/v1/business-plans/{plan_id}/propose", headers=world.headers("a_admin"), json={}).json()["id"]
    assert client.post(f"/api/v1/business-plans/{plan_id}/close", headers=world.headers("cam")).status_code == 409  # not agreed yet
    for who in ("a_admin", "cam"):
        client.post(f"/api/v1/business-plan-versions/{version_id}/sign-off", headers=world.headers(who))
    assert client.post(f"/api/v1/business-plans/{plan_id}/close", headers=world.headers("a_admin")).status_code == 403
    closed = client.post(f"/api/v1/business-plans/{plan_id}/close", headers=world.headers("cam"))
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed" and body["actions"] == []
    assert [i["ref"] for i in body["scorecard"]["items"]] == [1, 2, 3] and body["scorecard"]["items"][1]["target"] == "8"
    assert client.post(f"/api/v1/business-plan-versions/{version_id}/sign-off", headers=world.headers("a_admin")).status_code == 409  # closed
    assert (
        client.post(
            f"/api/v1/business-plans/{plan_id}/amendments", headers=world.headers("a_admin"), json={"items": items(year().end), "note": "x"}
        ).status_code
        == 409
    )


def test_a_program_template_prefills_a_new_plan(client, world) -> None:  # type: ignore[no-untyped-def]
    partner = client.get(f"/api/v1/partners/{world.a.id}", headers=world.headers("admin")).json()
    template = {
        "program_id": partner["program_id"],
        "name": "Regional SI annual plan",
        "items": [
            {
                "kind": "certification_target",
                "title": "Engineers",
                "due_in_days": 180,
                "delivery_role": "implementation_engineer",
                "level": "professional",
                "target_count": 8,
            },
            {"kind": "vertical_milestone", "title": "HIPAA-ready offering"},
        ],
    }
    assert client.post("/api/v1/business-plan-templates", headers=world.headers("cam"), json=template).status_code == 403
    created = client.post("/api/v1/business-plan-templates", headers=world.headers("admin"), json=template)
    assert created.status_code == 201, created.text
    assert [t["name"] for t in client.get("/api/v1/business-plan-templates", headers=world.headers("a_user")).json()] == ["Regional SI annual plan"]
    plan = create(client, world, items=[], template_id=created.json()["id"]).json()
    prefilled = plan["versions"][0]["items"]
    period = year()
    assert [(i["title"], i["due_on"]) for i in prefilled] == [
        ("Engineers", min(period.start + timedelta(days=180), period.end).isoformat()),
        ("HIPAA-ready offering", period.end.isoformat()),
    ]
    other = client.post(
        "/api/v1/business-plans", headers=world.headers("b_admin"), json={"period": year().key, "title": "B", "template_id": created.json()["id"]}
    )
    assert (
        other.status_code == 422 or partner["program_id"] == client.get(f"/api/v1/partners/{world.b.id}", headers=world.headers("admin")).json()["program_id"]
    )


def test_milestone_evidence_a_file_or_a_registration_of_the_partner(client, world) -> None:  # type: ignore[no-untyped-def]
    plans = build_business_plans(world.db, world)
    plan_id = plans["a"]["business_plan_id"]
    url = f"/api/v1/business-plans/{plan_id}/items/{MILESTONE_REF}/progress"
    own = upload(client, world, "a_admin", purpose="plan_evidence").json()["id"]
    other = upload(client, world, "b_admin", purpose="plan_evidence").json()["id"]
    wrong_purpose = upload(client, world, "a_admin").json()["id"]
    for bad, field in ((other, "evidence_file_id"), (wrong_purpose, "evidence_file_id")):
        refused = client.put(url, headers=world.headers("a_admin"), json={"status": "completed", "evidence_file_id": bad})
        assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == field
    foreign = client.put(url, headers=world.headers("cam"), json={"status": "completed", "evidence_registration_id": world.registrations()["b"]})
    assert foreign.status_code == 422 and foreign.json()["error"]["details"][0]["field"] == "evidence_registration_id"
    done = client.put(url, headers=world.headers("a_admin"), json={"status": "completed", "evidence_file_id": own})
    assert done.status_code == 200 and done.json()["evidence_file_id"] == own


def test_plan_list_and_csv_sort(client, db, world) -> None:  # type: ignore[no-untyped-def]
    build_business_plans(db, world)
    admin = world.headers("admin")
    listed = client.get("/api/v1/business-plans?sort=-partner", headers=admin).json()["items"]
    assert [p["partner_name"] for p in listed] == ["Northwind Consulting", "Blue Harbor"]
    assert client.get("/api/v1/business-plans?sort=cam", headers=admin).status_code == 422
    response = client.get("/api/v1/business-plans.csv?sort=bogus", headers=admin)
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "sort"
    lines = client.get("/api/v1/business-plans.csv?sort=partner", headers=admin).text.splitlines()[1:]
    assert [line.split(",")[1] for line in lines] == ["Blue Harbor"] * 3 + ["Northwind Consulting"] * 3
