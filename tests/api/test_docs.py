"""The API docs work without internet: every asset is served from this machine."""

from __future__ import annotations

import re


def test_docs_page_loads_only_local_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text) + re.findall(r"url: '([^']+)'", page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        response = client.get(source)
        assert response.status_code == 200, source
    assert "5.24.2" in client.get("/api/docs/assets/swagger-ui-bundle.js").text  # Swagger UI 5 reads OpenAPI 3.1
    assert client.get("/api/openapi.json").json()["openapi"].startswith("3.1")


def test_openapi_json_redirects_to_the_document(client):
    response = client.get("/openapi.json", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == "/api/openapi.json"


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml") and b"<svg" in response.content
