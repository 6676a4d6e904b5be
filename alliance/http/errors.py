"""The HTTP status of each domain error, and request-validation errors in plain words: one table
for the API's JSON errors and the portal's error pages."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError

from alliance.errors import AllianceError, Conflict, NotAuthenticated, NotFound, PermissionDenied, RuleViolation, TooManyAttempts
from alliance.kit.encryption import SecretUnreadable
from alliance.kit.schemas import describe_errors

STATUS_BY_ERROR: dict[type[AllianceError], int] = {
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    RuleViolation: 422,
    TooManyAttempts: 429,
    SecretUnreadable: 503,
}


def status_for(exc: AllianceError) -> int:
    for error_type, status in STATUS_BY_ERROR.items():
        if isinstance(exc, error_type):
            return status
    return 400


def validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"field": e.field, "message": e.message, "type": e.type} for e in describe_errors(exc.errors(), skip=("body",))]
