from __future__ import annotations

import pytest

PERSON = {"name": "Nia Integrator", "email": "Nia@Northwind.example", "delivery_role": "integration_specialist", "country": "us"}


class TestPeople:
    def test_list_filter_and_sort(self, client, world):
        headers = world.headers("a_user")
        body = client.get(f"/api/v1/partners/{world.a.id}/people?sort=-name", headers=headers).json()
        assert body["total"] == 3
        assert [p["name"] for p in body["items"]] == ["Pat Manager", "Ian Engineer", "Ann Architect"]
        only = client.get(f"/api/v1/partners/{world.a.id}/people?delivery_role=solution_architect", headers=headers).json()
        assert [p["name"] for p in only["items"]] == ["Ann Architect"]

    def test_partner_admin_adds_updates_removes(self, client, world):
        headers = world.headers("a_admin")
        created = client.post(f"/api/v1/partners/{world.a.id}/people", headers=headers, json=PERSON)
        assert created.status_code == 201, created.text
        person = created.json()
        assert person["email"] == "nia@northwind.example" and person["country"] == "US" and person["partner_id"] == world.a.id
        updated = client.patch(f"/api/v1/people/{person['id']}", headers=headers, json={"delivery_role": "solution_architect", "is_active": False})
        assert updated.status_code == 200 and updated.json()["delivery_role"] == "solution_architect"
        assert client.delete(f"/api/v1/people/{person['id']}", headers=headers).status_code == 204
        assert client.get(f"/api/v1/people/{person['id']}", headers=headers).status_code == 404
        actions = [
            e["action"] for e in client.get(f"/api/v1/audit/events?entity_type=person&entity_id={person['id']}", headers=world.headers("admin")).json()["items"]
        ]
        assert actions == ["person.removed", "person.updated", "person.added"]

    def test_duplicate_email_is_conflict(self, client, world):
        headers = world.headers("cam")
        body = {**PERSON, "email": "ann.architect@a.example"}
        response = client.post(f"/api/v1/partners/{world.a.id}/people", headers=headers, json=body)
        assert response.status_code == 409 and response.json()["error"]["details"][0]["field"] == "email"
        # The same email at another partner is fine: people are per partner.
        assert client.post(f"/api/v1/partners/{world.b.id}/people", headers=headers, json=body).status_code == 201

    @pytest.mark.parametrize(
        ("field", "value"),
        [("email", "not-an-email"), ("name", ""), ("delivery_role", "wizard"), ("country", "U"), ("partner_id", 1)],
    )
    def test_bad_input(self, client, world, field, value):
        response = client.post(f"/api/v1/partners/{world.a.id}/people", headers=world.headers("a_admin"), json={**PERSON, field: value})
        assert response.status_code == 422
        assert response.json()["error"]["details"][0]["field"].startswith(field)

    def test_patch_null_required(self, client, world):
        response = client.patch(f"/api/v1/people/{world.a.person_ids[0]}", headers=world.headers("a_admin"), json={"email": None})
        assert response.status_code == 422

    def test_partner_user_and_auditor_read_only(self, client, world):
        for who in ("a_user", "auditor"):
            response = client.post(f"/api/v1/partners/{world.a.id}/people", headers=world.headers(who), json=PERSON)
            assert response.status_code == 403, who
            assert client.delete(f"/api/v1/people/{world.a.person_ids[0]}", headers=world.headers(who)).status_code == 403


class TestSponsors:
    def test_list_both_sides(self, client, world):
        sponsors = client.get(f"/api/v1/partners/{world.a.id}/sponsors", headers=world.headers("a_user")).json()["items"]
        assert {s["side"] for s in sponsors} == {"vendor", "partner"}

    def test_vendor_sponsor_must_be_vendor_user(self, client, world):
        headers = world.headers("admin")
        ok = client.post(
            f"/api/v1/partners/{world.a.id}/sponsors", headers=headers, json={"side": "vendor", "name": "Evan Exec", "user_id": world.users["executive"]}
        )
        assert ok.status_code == 201
        bad = client.post(f"/api/v1/partners/{world.a.id}/sponsors", headers=headers, json={"side": "vendor", "name": "X", "user_id": world.users["a_admin"]})
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "user_id"

    def test_partner_admin_manages_only_partner_side(self, client, world):
        headers = world.headers("a_admin")
        assert client.post(f"/api/v1/partners/{world.a.id}/sponsors", headers=headers, json={"side": "partner", "name": "CEO"}).status_code == 201
        assert client.post(f"/api/v1/partners/{world.a.id}/sponsors", headers=headers, json={"side": "vendor", "name": "X"}).status_code == 403
        assert client.delete(f"/api/v1/sponsors/{world.a.sponsor_ids[0]}", headers=headers).status_code == 403
        assert client.delete(f"/api/v1/sponsors/{world.a.sponsor_ids[1]}", headers=headers).status_code == 204

    def test_bad_side(self, client, world):
        response = client.post(f"/api/v1/partners/{world.a.id}/sponsors", headers=world.headers("admin"), json={"side": "both", "name": "X"})
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "side"
