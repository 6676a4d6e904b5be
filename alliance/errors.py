"""Domain errors. Adapters (api, web, cli) map each base to a response in one table."""

from __future__ import annotations

from typing import Any


class AllianceError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(AllianceError):
    """Missing, or not visible to the actor: the two are deliberately indistinguishable."""

    code = "not_found"


class NotAuthenticated(AllianceError):
    code = "not_authenticated"


class PermissionDenied(AllianceError):
    code = "permission_denied"


class Conflict(AllianceError):
    code = "conflict"


class RuleViolation(AllianceError):
    """Well-formed input that a business rule refuses; names the field or rule in details."""

    code = "rule_violation"


class TooManyAttempts(AllianceError):
    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
