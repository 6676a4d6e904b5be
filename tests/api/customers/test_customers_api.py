from __future__ import annotations

from datetime import date, timedelta

import pytest

IDENTITY_KEYS = {"customer_id", "external_id", "name", "website", "country", "score", "reasons"}
FUTURE = (date.today() + timedelta(days=200)).isoformat()
ACME = {
    "name": "Acme Analytics, Inc.",
    "website": "https://www.acme-analytics.com",
    "country": "us",
    "external_id": "C-1",
    "industry": "Software",
    "employee_band": "51-200",
}


@pytest.fixture
def acme(client, world) -> dict:  # type: ignore[type-arg]
    """Acme, SI-protected by partner A."""
    headers = world.headers("cam")
    customer = client.post("/api/v1/customers", headers=headers, json=ACME).json()
    change = {"status": "si_protected", "owning_partner_id": world.a.id, "protected_until": FUTURE, "reason": "A developed the account"}
    response = client.post(f"/api/v1/customers/{customer['id']}/ownership", headers=headers, json=change)
    assert response.status_code == 200, response.text
    return response.json()


class TestMatch:
    def test_anonymous(self, client, world):
        assert client.post("/api/v1/customers/match", json={"name": "Acme"}).status_code == 401

    def test_partner_users_get_identity_only(self, client, world, acme):
        for who in ("a_user", "b_user", "b_admin"):
            response = client.post("/api/v1/customers/match", headers=world.headers(who), json={"name": "ACME Analytcs", "country": "US"})
            assert response.status_code == 200
            [candidate] = response.json()["candidates"]
            assert set(candidate) == IDENTITY_KEYS
            assert set(response.json()) == {"candidates"}
            assert candidate["customer_id"] == acme["id"] and candidate["external_id"] == "C-1" and candidate["score"] >= 0.85
            assert "si_protected" not in response.text and "A developed" not in response.text
            assert {r["feature"] for r in candidate["reasons"]} == {"name", "domain", "country"}

    def test_vendor_gets_the_same_shape_best_first(self, client, world, acme):
        client.post("/api/v1/customers", headers=world.headers("cam"), json={"name": "Acme Logistics", "country": "US"})
        body = client.post("/api/v1/customers/match", headers=world.headers("auditor"), json={"name": "Acme Analytics", "min_score": 0}).json()
        assert [c["name"] for c in body["candidates"]] == ["Acme Analytics, Inc.", "Acme Logistics"]
        assert all(set(c) == IDENTITY_KEYS for c in body["candidates"])

    def test_below_threshold_is_not_returned_by_default(self, client, world, acme):
        assert client.post("/api/v1/customers/match", headers=world.headers("a_user"), json={"name": "Acme Robotics"}).json() == {"candidates": []}

    def test_bad_input_names_the_field(self, client, world):
        cases = [
            ({}, "name"),
            ({"name": ""}, "name"),
            ({"name": "!!!"}, "name"),
            ({"name": "Acme", "website": "nope"}, "website"),
            ({"name": "Acme", "country": "XX"}, "country"),
            ({"name": "Acme", "limit": 0}, "limit"),
            ({"name": "Acme", "limit": 51}, "limit"),
            ({"name": "Acme", "min_score": 1.5}, "min_score"),
            ({"name": "Acme", "partner_id": 1}, "partner_id"),
            ({"name": "x" * 201}, "name"),
        ]
        for body, field in cases:
            response = client.post("/api/v1/customers/match", headers=world.headers("a_user"), json=body)
            assert response.status_code == 422, (body, response.text)
            assert field in {d["field"] for d in response.json()["error"]["details"]}, body


class TestVendorRoutes:
    def test_create_read_update(self, client, world):
        headers = world.headers("cam")
        created = client.post("/api/v1/customers", headers=headers, json=ACME)
        assert created.status_code == 201, created.text
        body = created.json()
        assert (body["country"], body["domain"], body["ownership"], body["owning_partner_id"]) == ("US", "acme-analytics.com", "open", None)
        customer_id = body["id"]
        assert client.get(f"/api/v1/customers/{customer_id}", headers=world.headers("auditor")).json()["name"] == ACME["name"]
        patched = client.patch(f"/api/v1/customers/{customer_id}", headers=headers, json={"name": "Acme Insights", "reason": "renamed"})
        assert patched.status_code == 200 and patched.json()["name"] == "Acme Insights"
        events = client.get(f"/api/v1/audit/events?entity_type=customer&entity_id={customer_id}", headers=world.headers("auditor")).json()["items"]
        assert [e["action"] for e in events] == ["customer.updated", "customer.created"]

    def test_list_paginated_filtered_sorted(self, client, world, acme):
        headers = world.headers("admin")
        client.post("/api/v1/customers", headers=headers, json={"name": "Zentrix", "country": "DE"})
        client.post("/api/v1/customers", headers=headers, json={"name": "Blue River", "country": "DE"})
        body = client.get("/api/v1/customers?limit=2&sort=-name", headers=headers).json()
        assert body["total"] == 3 and [c["name"] for c in body["items"]] == ["Zentrix", "Blue River"]
        assert [c["name"] for c in client.get("/api/v1/customers?country=de&sort=name", headers=headers).json()["items"]] == ["Blue River", "Zentrix"]
        assert [c["id"] for c in client.get(f"/api/v1/customers?owning_partner_id={world.a.id}", headers=headers).json()["items"]] == [acme["id"]]
        assert [c["id"] for c in client.get("/api/v1/customers?ownership=si_protected", headers=headers).json()["items"]] == [acme["id"]]
        assert [c["name"] for c in client.get("/api/v1/customers?q=blue", headers=headers).json()["items"]] == ["Blue River"]

    def test_ownership_is_returned_to_vendors(self, client, world, acme):
        assert (acme["ownership"], acme["owning_partner_id"], acme["protected_until"], acme["protection_reason"]) == (
            "si_protected",
            world.a.id,
            FUTURE,
            "A developed the account",
        )
        events = client.get(f"/api/v1/audit/events?action=customer.ownership_changed&entity_id={acme['id']}", headers=world.headers("auditor")).json()["items"]
        assert events[0]["before"]["ownership"] == "open" and events[0]["after"]["ownership"] == "si_protected"

    def test_ownership_bad_input(self, client, world, acme):
        cases = [
            ({"status": "si_protected", "protected_until": FUTURE, "reason": "because"}, "owning_partner_id"),
            ({"status": "open"}, "reason"),
            ({"status": "open", "reason": ""}, "reason"),
            ({"status": "mine", "reason": "x" * 5}, "status"),
            ({"status": "si_protected", "owning_partner_id": 99999999999, "protected_until": FUTURE, "reason": "because"}, "owning_partner_id"),
            ({"status": "si_protected", "owning_partner_id": 1, "protected_until": "yesterday", "reason": "because"}, "protected_until"),
        ]
        for body, field in cases:
            response = client.post(f"/api/v1/customers/{acme['id']}/ownership", headers=world.headers("cam"), json=body)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["error"]["details"][0]["field"] == field, body

    def test_duplicate_external_id_is_a_conflict(self, client, world, acme):
        response = client.post("/api/v1/customers", headers=world.headers("cam"), json={"name": "Other", "external_id": "C-1"})
        assert response.status_code == 409 and response.json()["error"]["details"][0]["field"] == "external_id"

    def test_partner_users_are_refused(self, client, world, acme):
        routes = [
            ("GET", "/api/v1/customers", None),
            ("POST", "/api/v1/customers", {"name": "Mole"}),
            ("GET", "/api/v1/customers/{id}", None),
            ("PATCH", "/api/v1/customers/{id}", {"name": "Mole"}),
            ("POST", "/api/v1/customers/{id}/ownership", {"status": "open", "reason": "mine now"}),
        ]
        for who in ("a_user", "a_admin"):
            for method, path, body in routes:
                response = client.request(method, path.format(id=acme["id"]), headers=world.headers(who), json=body)
                assert response.status_code == 403, (who, method, path)
        assert client.get(f"/api/v1/customers/{acme['id']}", headers=world.headers("admin")).json()["ownership"] == "si_protected"

    def test_read_only_vendor_roles_cannot_write(self, client, world, acme):
        assert client.get(f"/api/v1/customers/{acme['id']}", headers=world.headers("executive")).status_code == 200
        assert client.patch(f"/api/v1/customers/{acme['id']}", headers=world.headers("auditor"), json={"name": "X"}).status_code == 403

    def test_bad_ids_and_queries(self, client, world):
        for url in (
            "/api/v1/customers/0",
            "/api/v1/customers/99999999999",
            "/api/v1/customers?owning_partner_id=0",
            "/api/v1/customers?limit=501",
            "/api/v1/customers?sort=secret",
            "/api/v1/customers?country=XX",
            "/api/v1/customers?ownership=mine",
        ):
            assert client.get(url, headers=world.headers("admin")).status_code == 422, url
        assert client.patch("/api/v1/customers/1", headers=world.headers("admin"), json={"website": "nope"}).status_code == 422
        assert client.get("/api/v1/customers/12345", headers=world.headers("admin")).status_code == 404
