"""One error body everywhere: {"error": {"code", "message", "details": [...]}}."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from alliance.errors import AllianceError, NotAuthenticated, TooManyAttempts
from alliance.http.errors import status_for, validation_details

logger = logging.getLogger("alliance.api")


class ErrorDetail(BaseModel):
    field: str = Field(description="The field, query.x or path.x parameter, or rule the detail is about")
    message: str
    type: str | None = Field(default=None, description="For request validation: pydantic's error type, e.g. string_too_long")


class ErrorContent(BaseModel):
    code: str = Field(description="validation_error, rule_violation, permission_denied, not_found, conflict, …")
    message: str
    details: list[ErrorDetail]


class ErrorBody(BaseModel):
    """The one shape of every API error."""

    error: ErrorContent


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def error_responses(methods: Iterable[str]) -> dict[int | str, dict[str, Any]]:
    """The errors every API operation may answer, documented with the body they carry (FastAPI's
    own 422 schema is not what this API sends)."""
    described = {
        401: "Not authenticated: no token, or an invalid, expired or revoked one",
        403: "The caller's role may not do this",
        404: "Missing, or not visible to the caller (the two are indistinguishable)",
        422: "Invalid input: each bad field is named",
        503: "The database is busy or unreachable; try again",
    }
    if WRITE_METHODS & set(methods):
        described |= {409: "Conflicts with the current state or existing data", 413: "The request body is too large"}
    return {code: {"model": ErrorBody, "description": text} for code, text in sorted(described.items())}


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def alliance_error_response(exc: AllianceError) -> JSONResponse:
    headers = {}
    if isinstance(exc, NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after_seconds)
    return JSONResponse(error_body(exc.code, exc.message, exc.details), status_code=status_for(exc), headers=headers)


def validation_error_response(exc: RequestValidationError) -> JSONResponse:
    details = validation_details(exc)
    fields = ", ".join(d["field"] for d in details[:5])
    return JSONResponse(error_body("validation_error", f"Invalid input: {fields}", details), status_code=422)


def http_error_response(exc: StarletteHTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated", 403: "permission_denied"}
    message = exc.detail if isinstance(exc.detail, str) else "Request failed"
    return JSONResponse(error_body(codes.get(exc.status_code, "http_error"), message), status_code=exc.status_code, headers=getattr(exc, "headers", None))


def integrity_error_response(exc: IntegrityError) -> JSONResponse:
    # A constraint caught what a service check did not (usually a concurrent write).
    logger.warning("integrity error: %s", type(exc.orig).__name__)
    return JSONResponse(error_body("conflict", "The change conflicts with existing data (a duplicate or a missing reference)."), status_code=409)


def data_error_response(exc: DataError) -> JSONResponse:
    # A value the database cannot store (out of range, wrong encoding) that validation let through.
    logger.warning("data error: %s", type(exc.orig).__name__)
    return JSONResponse(error_body("validation_error", "A value is out of range for the database."), status_code=422)


def busy_error_response(exc: OperationalError) -> JSONResponse:
    logger.error("database operational error: %s: %s", type(exc.orig).__name__, str(exc.orig).splitlines()[0] if str(exc.orig) else "")
    return JSONResponse(error_body("unavailable", "The database is busy or unreachable; try again."), status_code=503, headers={"Retry-After": "2"})


def unexpected_error_response(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("internal_error", "Something went wrong on our side; it has been logged."), status_code=500)
