"""Whitelisted sort keys: `name` sorts ascending, `-name` descending; anything else is a clear error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple

from sqlalchemy import Select
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from alliance.errors import RuleViolation

Columns = TypeVarTuple("Columns")
SortColumn = ColumnElement[Any] | QueryableAttribute[Any]


def sort_keys(columns: Mapping[str, object]) -> list[str]:
    """Every value `sort` may take for these columns (the API lists them in its OpenAPI document)."""
    return [key for name in sorted(columns) for key in (name, f"-{name}")]


def known_sort(sort: str | None, columns: Mapping[str, object]) -> bool:
    return sort in sort_keys(columns)


def checked_sort(sort: str | None, columns: Mapping[str, object]) -> str | None:
    """`sort` itself, or the error `apply_sort` would give: for a CSV, whose rows are sorted only
    once the response has started streaming."""
    if sort is not None and not known_sort(sort, columns):
        raise _unknown(sort, columns)
    return sort


def _unknown(sort: str | None, columns: Mapping[str, object]) -> RuleViolation:
    return RuleViolation(
        f"Cannot sort by '{sort}'.", details=[{"field": "sort", "message": f"must be one of: {', '.join(sorted(columns))} (prefix - for descending)"}]
    )


def apply_sort(statement: Select[*Columns], sort: str | None, columns: Mapping[str, SortColumn], *, default: str, tiebreak: SortColumn) -> Select[*Columns]:
    """Order by `sort` (None: `default`), then `tiebreak` so that pages never overlap."""
    key = default if sort is None else sort
    if not known_sort(key, columns):
        raise _unknown(sort, columns)
    column = columns[key.removeprefix("-")]
    return statement.order_by(column.desc() if key.startswith("-") else column.asc(), tiebreak)
