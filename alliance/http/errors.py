"""The HTTP status of each domain error, and request-validation errors in plain words: one table
for the API's JSON errors and the portal's error pages."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError

from alliance.errors import AllianceError, Conflict, NotAuthenticated, NotFound, PermissionDenied, RuleViolation, TooManyAttempts

STATUS_BY_ERROR: dict[type[AllianceError], int] = {
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    RuleViolation: 422,
    TooManyAttempts: 429,
}


def status_for(exc: AllianceError) -> int:
    for error_type, status in STATUS_BY_ERROR.items():
        if isinstance(exc, error_type):
            return status
    return 400


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for error in exc.errors():
        loc = tuple(p for p in error.get("loc", ()) if not (isinstance(p, str) and p.startswith(("function-", "constrained-"))))
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            message = "unknown field"
        details.append({"field": _field_path(loc), "message": message, "type": error.get("type")})
    return details
