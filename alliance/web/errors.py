"""How the web portal answers errors: a redirect to log in, or a page that says what happened."""

from __future__ import annotations

import contextlib
import logging
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from alliance.errors import AllianceError, NotAuthenticated
from alliance.http.errors import status_for, validation_details
from alliance.web.deps import TWO_FACTOR_ENROLMENT, NoPortalForVendor, TwoFactorEnrolmentDue, flash, web_actor

logger = logging.getLogger("alliance.web")

TITLES = {
    400: "Bad request",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    422: "Check your input",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


def _page(request: Request, status: int, message: str, details: list[dict[str, str]] | None = None) -> Response:
    from alliance.web.templating import render

    return render(
        request, "errors/error.html", {"status": status, "title": TITLES.get(status, "Error"), "message": message, "details": details or []}, status_code=status
    )


def alliance_error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AllianceError)
    if isinstance(exc, TwoFactorEnrolmentDue):
        flash(request, exc.message, "error")
        return RedirectResponse(TWO_FACTOR_ENROLMENT, status_code=303)
    if isinstance(exc, NotAuthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if isinstance(exc, NoPortalForVendor) and request.method in ("GET", "HEAD"):
        return RedirectResponse("/console", status_code=303)
    return _page(request, status_for(exc), exc.message, exc.details)


def validation_error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return _page(request, 422, "Some values in the request are not valid.", validation_details(exc))


def http_error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    _identify(request)
    message = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
    return _page(request, exc.status_code, message)


def _identify(request: Request) -> None:
    """No route ran for an unknown URL, so nobody loaded the user: do it for the page's top bar."""
    if getattr(request.state, "actor", None) is None and "session" in request.scope:
        with contextlib.suppress(NotAuthenticated):
            web_actor(request, request.app.state.database)


def integrity_error_page(request: Request, exc: Exception) -> Response:
    logger.warning("integrity error on %s", request.url.path)
    return _page(request, 409, "The change conflicts with existing data (a duplicate or a missing reference).")


def busy_error_page(request: Request, exc: Exception) -> Response:
    logger.error("database unavailable on %s", request.url.path)
    return _page(request, 503, "The database is busy or unreachable; try again in a moment.")


def unexpected_error_page(request: Request, exc: Exception) -> Response:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _page(request, 500, "Something went wrong on our side; it has been logged.")


def data_error_page(request: Request, exc: Exception) -> Response:
    logger.warning("data error on %s", request.url.path)
    return _page(request, 422, "A value is out of range for the database.")
