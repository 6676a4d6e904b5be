from __future__ import annotations


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_partners_list_as_admin(client, world):
    response = client.get("/api/v1/partners", headers=world.headers("admin"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 2
    assert {p["display_name"] for p in body["items"]} == {"Northwind Consulting", "Blue Harbor"}
