"""create_app(): the ASGI application serving the REST API under /api/v1 and the web portal."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp

from alliance import __version__, migrate
from alliance.ace import routes as ace_routes
from alliance.ace.errors import AceError
from alliance.api import assets as assets_api
from alliance.api import attribution as attribution_api
from alliance.api import audit as audit_api
from alliance.api import briefs as briefs_api
from alliance.api import business_plans as business_plans_api
from alliance.api import cosell as cosell_api
from alliance.api import customers as customers_api
from alliance.api import docs
from alliance.api import early_access as early_access_api
from alliance.api import enablement as enablement_api
from alliance.api import enablement_reports as enablement_reports_api
from alliance.api import engagements as engagements_api
from alliance.api import errors as api_errors
from alliance.api import files as files_api
from alliance.api import funds as funds_api
from alliance.api import inbox as inbox_api
from alliance.api import notification_settings as notification_settings_api
from alliance.api import partners as partners_api
from alliance.api import passwords as passwords_api
from alliance.api import plans as plans_api
from alliance.api import product_lines as product_lines_api
from alliance.api import programs as programs_api
from alliance.api import qbrs as qbrs_api
from alliance.api import ramp as ramp_api
from alliance.api import registrations as registrations_api
from alliance.api import sso as sso_api
from alliance.api import tiers as tiers_api
from alliance.api import users as users_api
from alliance.api import webhooks as webhooks_api
from alliance.api import work as work_api
from alliance.api.deps import api_actor
from alliance.config import Settings, get_settings
from alliance.db import Database
from alliance.errors import AllianceError
from alliance.http import operations
from alliance.http.request_id import RequestIdMiddleware
from alliance.kit import encryption
from alliance.logging_config import configure_logging
from alliance.scim import routes as scim_routes
from alliance.scim.routes import ScimProblem
from alliance.web import errors as web_errors
from alliance.web.routes import STATIC_DIR, include_web_routes

API_PREFIX = "/api/v1"
logger = logging.getLogger("alliance")


class AllianceApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Outermost, around Starlette's own error middleware: the 500 page and its log line carry the id too.
        return RequestIdMiddleware(super().build_middleware_stack())


def create_app(settings: Settings | None = None, database: Database | None = None, *, check_schema: bool = True) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    keyring = encryption.keyring_for(settings)  # this app's, even where it shares a database with another app

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.database is None:
            app.state.database = Database(settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms, keyring=keyring)
        if check_schema:
            migrate.ensure_current(app.state.database.engine)
        yield
        if database is None:
            app.state.database.dispose()

    app = AllianceApp(
        title="Alliance",
        version=__version__,
        description="Partner program platform for systems integrators, resellers, MSPs and distributors.",
        docs_url=None,  # served by api/docs.py from local files
        redoc_url=None,
        openapi_url=docs.OPENAPI_URL,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database.with_keyring(keyring) if database is not None else None
    app.state.metrics = operations.Metrics(lambda: app.state.database)

    # All API routes are authenticated by default; the per-route CurrentActor gives them the actor.
    # Each module's router goes straight into the app with the prefix: FastAPI walks every route of
    # a router included without one, so a router of routers multiplied the start-up cost.
    for module in (
        partners_api,
        programs_api,
        users_api,
        audit_api,
        customers_api,
        product_lines_api,
        registrations_api,
        attribution_api,
        enablement_api,
        enablement_reports_api,
        tiers_api,
        cosell_api,
        plans_api,
        business_plans_api,
        ramp_api,
        qbrs_api,
        engagements_api,
        notification_settings_api,
        files_api,
        assets_api,
        briefs_api,
        early_access_api,
        funds_api,
        webhooks_api,
        sso_api,
        inbox_api,
        work_api,
    ):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(api_actor)])
    # Lab environments authenticate each post with the lab's HMAC signature, not a bearer token.
    app.include_router(enablement_api.lab_router, prefix=API_PREFIX)
    # People who cannot sign in yet: a reset request, or a password set with an e-mailed link.
    app.include_router(passwords_api.router, prefix=API_PREFIX)

    app.include_router(operations.router)
    # Partners' AWS Partner Central tooling: SigV4-signed awsJson1_0 at /ace (docs/ace.md).
    app.include_router(ace_routes.router)
    # Identity providers provisioning users: SCIM 2.0 at /scim/v2 with a connection's bearer token (docs/sso.md).
    app.include_router(scim_routes.router)

    docs.add_docs(app, static_dir=STATIC_DIR)
    include_web_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie="alliance_session",
        max_age=settings.session_absolute_timeout_hours * 3600,  # the server-side record decides; the cookie need not outlive it
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes, max_upload_bytes=settings.max_upload_bytes + UPLOAD_FORM_OVERHEAD)
    app.add_middleware(operations.MetricsMiddleware, metrics=app.state.metrics)
    _register_error_handlers(app)
    # FastAPI builds each route's dependencies and validators on first use; build them all now, so
    # start-up pays it once rather than the first requests (and a server is ready when it says so).
    deque(iter_route_contexts(app.routes), maxlen=0)
    return app


# A file upload's form carries a few fields besides the file.
UPLOAD_FORM_OVERHEAD = 64 * 1024


class BodySizeLimit:
    """Refuses request bodies over the limit before anything parses them (413, same error body).
    Uploads (multipart/form-data, whose files Starlette spools to disk) have a limit of their own."""

    def __init__(self, app: Any, *, max_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        limit = self.max_upload_bytes if headers.get(b"content-type", b"").startswith(b"multipart/form-data") else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            body = api_errors.error_body("payload_too_large", f"The request body is larger than {limit} bytes.")
            await JSONResponse(body, status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise StarletteHTTPException(413, f"The request body is larger than {limit} bytes.")
            return message

        await self.app(scope, limited_receive, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _register_error_handlers(app: FastAPI) -> None:
    """One table per adapter: the API answers JSON, the web portal renders a page."""

    # Each API responder takes the one exception class it is registered for.
    def dispatch(api_response: Callable[[Any], Response], web_response: Callable[[Request, Exception], Response]) -> Callable[[Request, Exception], Response]:
        def handler(request: Request, exc: Exception) -> Response:
            return api_response(exc) if _is_api(request) else web_response(request, exc)

        return handler

    app.add_exception_handler(AceError, ace_routes.ace_error_response)
    app.add_exception_handler(ScimProblem, scim_routes.scim_error_response)
    app.add_exception_handler(AllianceError, dispatch(api_errors.alliance_error_response, web_errors.alliance_error_page))
    app.add_exception_handler(RequestValidationError, dispatch(api_errors.validation_error_response, web_errors.validation_error_page))
    app.add_exception_handler(StarletteHTTPException, dispatch(api_errors.http_error_response, web_errors.http_error_page))
    app.add_exception_handler(IntegrityError, dispatch(api_errors.integrity_error_response, web_errors.integrity_error_page))
    app.add_exception_handler(DataError, dispatch(api_errors.data_error_response, web_errors.data_error_page))
    app.add_exception_handler(OperationalError, dispatch(api_errors.busy_error_response, web_errors.busy_error_page))

    def unexpected(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return api_errors.unexpected_error_response(request, exc)
        return web_errors.unexpected_error_page(request, exc)

    app.add_exception_handler(Exception, unexpected)
