"""Schema bases: unknown fields are rejected, reads build from ORM objects."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Annotated, Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

T = TypeVar("T")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


# Ids fit the database's integer columns on every backend: a larger one is a 422, not a driver error.
MAX_ROW_ID = 2_147_483_647
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


class InputSchema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageRead(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Rows matching the filters, across all pages")
    limit: int
    offset: int


class FieldError(NamedTuple):
    field: str  # dotted path: name, or criteria.0.metric
    message: str
    type: str  # pydantic's error type, e.g. string_pattern_mismatch


def describe_errors(errors: Iterable[Mapping[str, Any]], *, default: str = "body", skip: Container[object] = (), drop_first: bool = False) -> list[FieldError]:
    """Validation errors (pydantic's, or FastAPI's request errors) in the words every adapter and
    importer shows: one field path per error, validator noise dropped. `skip`: location parts to
    leave out (the API's "body"); `drop_first`: leave out the first part (a union's tag)."""
    found = []
    for error in errors:
        loc = list(error.get("loc", ()))[1 if drop_first else 0 :]
        path = [str(p) for p in loc if p not in skip and not (isinstance(p, str) and p.startswith(("function-", "constrained-")))]
        kind = str(error.get("type", ""))
        message = "unknown field" if kind == "extra_forbidden" else str(error.get("msg", "invalid")).removeprefix("Value error, ")
        found.append(FieldError(".".join(path) or default, message, kind))
    return found


def field_errors(exc: ValidationError, *, default: str = "row") -> list[tuple[str, str]]:
    """(field path, message) per error, worded as the API's 422 details word them."""
    return [(e.field, e.message) for e in describe_errors(exc.errors(), default=default)]


def error_details(exc: ValidationError, *, drop_first: bool = False) -> list[dict[str, Any]]:
    """A RuleViolation's details for a model a service validates itself (after merging a change)."""
    return [{"field": e.field, "message": e.message} for e in describe_errors(exc.errors(), drop_first=drop_first)]
