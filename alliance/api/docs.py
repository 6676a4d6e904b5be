"""The interactive API docs served from this machine (no CDN: a self-hosted deployment may have no
internet), the OpenAPI document's short address, and the favicon."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
ASSETS_URL = "/api/docs/assets"


def swagger_ui_dir() -> Path:
    """Swagger UI's files as the swagger-ui-py package ships them (Swagger UI 5, which renders OpenAPI 3.1)."""
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def add_docs(app: FastAPI, *, static_dir: Path) -> None:
    """Create the app with docs_url=None: these routes replace FastAPI's CDN-backed page."""
    app.mount(ASSETS_URL, StaticFiles(directory=swagger_ui_dir()), name="swagger-ui")
    favicon = static_dir / "favicon.svg"

    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{app.title} API",
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_redirect() -> Response:
        return RedirectResponse(OPENAPI_URL, status_code=308)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon_ico() -> Response:
        return FileResponse(favicon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
