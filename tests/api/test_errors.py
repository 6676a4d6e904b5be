"""One error body everywhere, whatever failed."""

from __future__ import annotations


def _is_error_body(body: dict, code: str) -> bool:
    return set(body) == {"error"} and body["error"]["code"] == code and isinstance(body["error"]["message"], str) and isinstance(body["error"]["details"], list)


def test_unknown_route(client, world):
    response = client.get("/api/v1/nothing-here", headers=world.headers("admin"))
    assert response.status_code == 404
    assert _is_error_body(response.json(), "not_found")


def test_wrong_method(client, world):
    response = client.put("/api/v1/partners", headers=world.headers("admin"), json={})
    assert response.status_code == 405
    assert _is_error_body(response.json(), "method_not_allowed")


def test_validation_error_names_every_field(client, world):
    response = client.post("/api/v1/partners", headers=world.headers("admin"), json={"partner_type": "bank", "extra": 1})
    assert response.status_code == 422
    body = response.json()
    assert _is_error_body(body, "validation_error")
    fields = {d["field"] for d in body["error"]["details"]}
    assert {"legal_name", "display_name", "partner_type", "hq_country", "extra"} <= fields


def test_oversized_body(client, world):
    response = client.post("/api/v1/partners", headers=world.headers("admin"), content=b"{" + b" " * 1_100_000 + b"}")
    assert response.status_code == 413
    assert _is_error_body(response.json(), "payload_too_large")


def test_permission_denied_body(client, world):
    response = client.patch(f"/api/v1/tiers/{world.tier_ids['msp/premier']}", headers=world.headers("auditor"), json={"name": "X"})
    assert response.status_code == 403
    assert _is_error_body(response.json(), "permission_denied")
    assert "Auditor" in response.json()["error"]["message"]


def test_openapi_and_docs_public(client):
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Alliance"
    assert client.get("/api/docs").status_code == 200


def test_ids_out_of_database_range(client, world):
    headers = world.headers("admin")
    for url in ("/api/v1/partners/99999999999", "/api/v1/people/0", "/api/v1/partners?cam_user_id=99999999999", "/api/v1/audit/events/-1"):
        response = client.get(url, headers=headers)
        assert response.status_code == 422, (url, response.text)
    response = client.patch(f"/api/v1/partners/{world.a.id}", headers=headers, json={"cam_user_id": 99999999999})
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "cam_user_id"


def test_every_operation_documents_the_errors_it_sends(client, world):
    """FastAPI documents a 422 body this API never sends; every operation documents ErrorBody instead."""
    from alliance.api.errors import ErrorBody

    document = client.get("/api/openapi.json").json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            for status in ("401", "403", "404", "422") if "/labs/" not in path else ("401", "404", "422"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)
    headers = world.headers("admin")
    assert client.post("/api/v1/product-lines", headers=headers, json={"key": "probe", "name": "Probe"}).status_code == 201
    for response in (
        client.get("/api/v1/partners?limit=0", headers=headers),
        client.get("/api/v1/partners/999999", headers=headers),
        client.get("/api/v1/partners"),
        client.patch(f"/api/v1/tiers/{world.tier_ids['msp/premier']}", headers=world.headers("auditor"), json={}),
        client.post("/api/v1/product-lines", headers=headers, json={"key": "probe", "name": "Dup"}),
    ):
        ErrorBody.model_validate(response.json())
