from __future__ import annotations

import pytest


class TestMe:
    def test_me(self, client, world):
        body = client.get("/api/v1/me", headers=world.headers("a_user")).json()
        assert body["email"] == world.emails["a_user"] and body["partner_id"] == world.a.id and body["role"] == "partner_user"
        assert "password_hash" not in body


class TestUsers:
    def test_admin_creates_vendor_user(self, client, world):
        response = client.post(
            "/api/v1/users",
            headers=world.headers("admin"),
            json={"email": "New.Cam@Vendor.example", "name": "New Cam", "role": "cam", "password": "long-enough-pw"},
        )
        assert response.status_code == 201, response.text
        assert response.json()["email"] == "new.cam@vendor.example"

    def test_partner_admin_creates_own_users_only(self, client, world):
        headers = world.headers("a_admin")
        ok = client.post("/api/v1/users", headers=headers, json={"email": f"dev@partner{world.a.id}.example", "name": "Dev", "role": "partner_user"})
        assert ok.status_code == 201 and ok.json()["partner_id"] == world.a.id
        assert client.post("/api/v1/users", headers=headers, json={"email": "x@a.example", "name": "X", "role": "program_admin"}).status_code == 403

    def test_a_partner_admin_learns_nothing_of_addresses_outside_its_organisation(self, client, world):
        """Issue 16: POST /users answered 409 for an address held anywhere (an oracle of accounts)."""
        headers = world.headers("a_admin")
        answers = []
        for email in (world.emails["b_user"], world.emails["cam"], "nobody@partner2.example", "nobody@elsewhere.example"):
            response = client.post("/api/v1/users", headers=headers, json={"email": email, "name": "Probe", "role": "partner_user"})
            assert response.status_code == 422, response.text
            answers.append(response.json())
        assert all(answer == answers[0] for answer in answers) and answers[0]["error"]["details"][0]["field"] == "email"
        own = client.post("/api/v1/users", headers=headers, json={"email": world.emails["a_user"], "name": "Again", "role": "partner_user"})
        assert own.status_code == 409 and world.emails["a_user"] not in own.text

    def test_duplicate_email(self, client, world):
        response = client.post("/api/v1/users", headers=world.headers("admin"), json={"email": world.emails["b_user"], "name": "Dup", "role": "cam"})
        assert response.status_code == 409 and response.json()["error"]["details"][0]["field"] == "email"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"email": "x@vendor.example", "name": "X", "role": "partner_user"}, "partner_id"),
            ({"email": "x@vendor.example", "name": "X", "role": "cam", "partner_id": 1}, "partner_id"),
            ({"email": "x@vendor.example", "name": "X", "role": "overlord"}, "role"),
            ({"email": "nope", "name": "X", "role": "cam"}, "email"),
            ({"email": "x@vendor.example", "name": "X", "role": "cam", "password": "short"}, "password"),
        ],
    )
    def test_bad_input(self, client, world, body, field):
        response = client.post("/api/v1/users", headers=world.headers("admin"), json=body)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["field"] == field

    def test_role_cannot_cross_sides(self, client, world):
        response = client.patch(f"/api/v1/users/{world.users['a_user']}", headers=world.headers("admin"), json={"role": "program_admin"})
        assert response.status_code == 422

    def test_deactivated_user_token_stops_working(self, client, world):
        assert client.patch(f"/api/v1/users/{world.users['a_user']}", headers=world.headers("a_admin"), json={"is_active": False}).status_code == 200
        assert client.get("/api/v1/me", headers=world.headers("a_user")).status_code == 401

    def test_list_scoped_for_partner(self, client, world):
        body = client.get("/api/v1/users", headers=world.headers("a_user")).json()
        assert {u["partner_id"] for u in body["items"]} == {world.a.id} and body["total"] == 2
        vendor = client.get("/api/v1/users?role=cam", headers=world.headers("admin")).json()
        assert vendor["total"] == 2
