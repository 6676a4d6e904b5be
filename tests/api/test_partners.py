from __future__ import annotations

import pytest

NEW_SI = {
    "legal_name": "Contoso Integration Partners Ltd",
    "display_name": "Contoso Integration",
    "website": "https://contoso-integration.example",
    "partner_type": "systems_integrator",
    "si_subtype": "technology",
    "hq_country": "gb",
    "regions": ["EMEA"],
    "specialties": ["security", "data"],
    "consultant_headcount": 240,
}


class TestListPartners:
    def test_anonymous(self, client, world):
        response = client.get("/api/v1/partners")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response.headers["www-authenticate"] == "Bearer"

    def test_bad_token(self, client, world):
        response = client.get("/api/v1/partners", headers={"Authorization": "Bearer alk_nope"})
        assert response.status_code == 401
        assert "invalid" in response.json()["error"]["message"]

    def test_vendor_sees_all_with_total(self, client, world):
        body = client.get("/api/v1/partners?limit=1", headers=world.headers("cam")).json()
        assert body["total"] == 2 and len(body["items"]) == 1 and body["limit"] == 1

    def test_filters(self, client, world):
        headers = world.headers("admin")
        assert [p["id"] for p in client.get("/api/v1/partners?partner_type=reseller", headers=headers).json()["items"]] == [world.b.id]
        assert [p["id"] for p in client.get("/api/v1/partners?region=NA", headers=headers).json()["items"]] == [world.a.id]
        assert [p["id"] for p in client.get("/api/v1/partners?si_subtype=regional", headers=headers).json()["items"]] == [world.a.id]
        assert [p["id"] for p in client.get("/api/v1/partners?q=harbor", headers=headers).json()["items"]] == [world.b.id]
        cam = world.users["cam"]
        assert [p["id"] for p in client.get(f"/api/v1/partners?cam_user_id={cam}", headers=headers).json()["items"]] == [world.a.id]
        assert [p["id"] for p in client.get("/api/v1/partners?tier=registered", headers=headers).json()["items"]] == [world.a.id]

    def test_sort_descending_and_unknown_sort(self, client, world):
        headers = world.headers("admin")
        names = [p["display_name"] for p in client.get("/api/v1/partners?sort=-name", headers=headers).json()["items"]]
        assert names == ["Northwind Consulting", "Blue Harbor"]
        response = client.get("/api/v1/partners?sort=password", headers=headers)
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"] == "sort"

    @pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "region=MARS", "partner_type=bank", "cam_user_id=abc"])
    def test_bad_query(self, client, world, query):
        response = client.get(f"/api/v1/partners?{query}", headers=world.headers("admin"))
        assert response.status_code == 422
        assert response.json()["error"]["details"]

    def test_partner_user_sees_only_own(self, client, world):
        body = client.get("/api/v1/partners", headers=world.headers("b_user")).json()
        assert [p["id"] for p in body["items"]] == [world.b.id] and body["total"] == 1


class TestCreatePartner:
    def test_valid_defaults_program_and_entry_tier(self, client, world):
        response = client.post("/api/v1/partners", headers=world.headers("cam"), json=NEW_SI)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["hq_country"] == "GB"
        assert body["program_id"] == world.program_ids["si-technology"]
        assert body["tier"]["key"] == "registered"
        assert body["specialties"] == ["security", "data"]
        events = client.get(f"/api/v1/audit/events?entity_type=partner&entity_id={body['id']}", headers=world.headers("auditor")).json()
        assert events["items"][0]["action"] == "partner.created"
        assert events["items"][0]["actor_label"] == world.emails["cam"]

    def test_si_requires_subtype(self, client, world):
        response = client.post("/api/v1/partners", headers=world.headers("admin"), json={**NEW_SI, "si_subtype": None})
        assert response.status_code == 422
        assert "si_subtype" in response.json()["error"]["details"][0]["message"]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("legal_name", ""),
            ("legal_name", "x" * 201),
            ("hq_country", "USA"),
            ("website", "not a url"),
            ("partner_type", "bank"),
            ("consultant_headcount", -1),
            ("regions", ["MARS"]),
            ("verticals", ["v"] * 51),
            ("enrolled_on", "yesterday"),
            ("surprise", 1),
        ],
    )
    def test_bad_field_named(self, client, world, field, value):
        response = client.post("/api/v1/partners", headers=world.headers("admin"), json={**NEW_SI, field: value})
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert any(d["field"].startswith(field) for d in error["details"]), error

    def test_bad_references_are_rule_violations(self, client, world):
        headers = world.headers("admin")
        for body, field in (
            ({**NEW_SI, "cam_user_id": world.users["auditor"]}, "cam_user_id"),
            ({**NEW_SI, "cam_user_id": 999999}, "cam_user_id"),
            ({**NEW_SI, "program_id": 999999}, "program_id"),
            ({**NEW_SI, "tier_id": world.tier_ids["reseller/gold"]}, "tier_id"),
        ):
            response = client.post("/api/v1/partners", headers=headers, json=body)
            assert response.status_code == 422, response.text
            assert response.json()["error"]["details"][0]["field"] == field
        assert client.get("/api/v1/partners", headers=headers).json()["total"] == 2

    def test_not_json(self, client, world):
        response = client.post("/api/v1/partners", headers={**world.headers("admin"), "content-type": "application/json"}, content=b"{oops")
        assert response.status_code == 422

    @pytest.mark.parametrize("who", ["auditor", "executive", "ps_lead", "a_admin"])
    def test_roles_that_cannot_create(self, client, world, who):
        response = client.post("/api/v1/partners", headers=world.headers(who), json=NEW_SI)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


class TestUpdatePartner:
    def test_cam_updates_profile_and_audit_records_change(self, client, world):
        response = client.patch(
            f"/api/v1/partners/{world.a.id}",
            headers=world.headers("cam"),
            json={"consultant_headcount": 200, "regions": ["NA", "LATAM"], "reason": "QBR update"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["regions"] == ["NA", "LATAM"]
        event = client.get(f"/api/v1/audit/events?entity_type=partner&entity_id={world.a.id}&action=partner.updated", headers=world.headers("admin")).json()[
            "items"
        ][0]
        assert event["before"] == {"consultant_headcount": 180, "regions": ["NA"]}
        assert event["after"] == {"consultant_headcount": 200, "regions": ["NA", "LATAM"]}
        assert event["reason"] == "QBR update"

    def test_tier_change_needs_program_admin(self, client, world):
        gold = world.tier_ids["si-regional/gold"]
        assert client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("cam"), json={"tier_id": gold}).status_code == 403
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("admin"), json={"tier_id": gold, "reason": "met criteria"})
        assert response.status_code == 200 and response.json()["tier"]["key"] == "gold"
        actions = [
            e["action"] for e in client.get(f"/api/v1/audit/events?entity_id={world.a.id}&entity_type=partner", headers=world.headers("admin")).json()["items"]
        ]
        assert "partner.tier_changed" in actions

    def test_tier_of_other_program_refused(self, client, world):
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("admin"), json={"tier_id": world.tier_ids["reseller/gold"]})
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "tier_id"

    def test_partner_admin_self_service(self, client, world):
        headers = world.headers("a_admin")
        assert client.patch(f"/api/v1/partners/{world.a.id}", headers=headers, json={"display_name": "Northwind"}).status_code == 200
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=headers, json={"status": "active", "cam_user_id": None})
        assert response.status_code == 403
        assert "cam_user_id" in response.json()["error"]["message"] and "status" in response.json()["error"]["message"]

    def test_partner_user_cannot_edit(self, client, world):
        assert client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("a_user"), json={"display_name": "X"}).status_code == 403

    def test_null_for_required_field(self, client, world):
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("admin"), json={"display_name": None})
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "display_name"

    def test_changing_type_needs_consistent_subtype(self, client, world):
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("admin"), json={"partner_type": "msp"})
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "si_subtype"
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("admin"), json={"partner_type": "msp", "si_subtype": None})
        assert response.status_code == 200 and response.json()["program_id"] == world.program_ids["msp"]

    def test_missing(self, client, world):
        assert client.patch("/api/v1/partners/999999", headers=world.headers("admin"), json={"display_name": "X"}).status_code == 404
        assert client.get("/api/v1/partners/999999", headers=world.headers("admin")).json()["error"]["code"] == "not_found"
