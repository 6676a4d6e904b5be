"""ACE errors as awsJson1_0 clients read them: `{"__type": Code, "message": ...}` and the status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alliance import errors as domain

REQUEST_VALIDATION_FAILED = "REQUEST_VALIDATION_FAILED"
BUSINESS_VALIDATION_FAILED = "BUSINESS_VALIDATION_FAILED"


@dataclass(frozen=True)
class FieldError:
    """One entry of a ValidationException's ErrorList (Code from ValidationExceptionErrorCode)."""

    field_name: str
    message: str
    code: str

    def as_json(self) -> dict[str, str]:
        return {"FieldName": self.field_name, "Message": self.message, "Code": self.code}


@dataclass(eq=False)
class AceError(Exception):
    code: str
    status: int
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"__type": self.code, "message": self.message, "Message": self.message, **self.extra}


def missing_token(message: str) -> AceError:
    return AceError("MissingAuthenticationTokenException", 403, message)


def unrecognized_client(message: str) -> AceError:
    return AceError("UnrecognizedClientException", 403, message)


def invalid_signature(message: str) -> AceError:
    return AceError("InvalidSignatureException", 403, message)


def access_denied(message: str) -> AceError:
    return AceError("AccessDeniedException", 403, message)


def not_found(message: str) -> AceError:
    return AceError("ResourceNotFoundException", 404, message)


def conflict(message: str) -> AceError:
    return AceError("ConflictException", 409, message)


def unknown_operation(message: str) -> AceError:
    return AceError("UnknownOperationException", 400, message)


def validation(message: str, errors: list[FieldError], *, reason: str = REQUEST_VALIDATION_FAILED) -> AceError:
    return AceError("ValidationException", 400, message, {"Reason": reason, "ErrorList": [e.as_json() for e in errors]})


def from_domain(exc: domain.AllianceError, field_name: Callable[[str], str]) -> AceError:
    """A domain error in ACE's words; `field_name` names the ACE member an Alliance field came from."""
    message = str(exc)
    if isinstance(exc, domain.NotFound):
        return not_found(message)
    if isinstance(exc, domain.PermissionDenied):
        return access_denied(message)
    if isinstance(exc, domain.Conflict):
        return conflict(message)
    details = getattr(exc, "details", None) or []
    errors = [
        FieldError(field_name(str(d.get("field", ""))), str(d.get("message", message)), str(d.get("code", "INVALID_VALUE")))
        for d in details
        if isinstance(d, dict)
    ]
    return validation(message, errors, reason=BUSINESS_VALIDATION_FAILED)
