"""Schema bases: unknown fields are rejected, reads build from ORM objects."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

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


def field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(field path, message) per error, worded as the API's 422 details word them."""
    found = []
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ()) if not str(p).startswith(("function-", "constrained-"))]
        message = "unknown field" if error.get("type") == "extra_forbidden" else str(error.get("msg", "invalid")).removeprefix("Value error, ")
        found.append((".".join(loc) or "row", message))
    return found
