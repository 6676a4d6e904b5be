"""Whitelisted sort keys: `-name` sorts descending; unknown keys are a clear error."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVarTuple

from sqlalchemy import Select
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from alliance.errors import RuleViolation

Columns = TypeVarTuple("Columns")
SortColumn = ColumnElement[Any] | QueryableAttribute[Any]


def apply_sort(statement: Select[*Columns], sort: str | None, columns: Mapping[str, SortColumn], *, default: str, tiebreak: SortColumn) -> Select[*Columns]:
    key = sort or default
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in columns:
        raise RuleViolation(
            f"Cannot sort by '{name}'.",
            details=[{"field": "sort", "message": f"must be one of: {', '.join(sorted(columns))} (prefix - for descending)"}],
        )
    column = columns[name]
    return statement.order_by(column.desc() if descending else column.asc(), tiebreak)
