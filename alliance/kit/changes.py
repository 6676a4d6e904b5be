"""Checks on partial updates (PATCH semantics) shared by every service."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from alliance.errors import RuleViolation


def reject_nulls(changes: Mapping[str, Any], required: Iterable[str]) -> None:
    """A PATCH may omit a required field but not set it to null."""
    nulls = [field for field in required if field in changes and changes[field] is None]
    if nulls:
        raise RuleViolation(
            f"{', '.join(nulls)} cannot be empty.",
            details=[{"field": field, "message": "cannot be null"} for field in nulls],
        )
