"""Typing names for SQLAlchemy statements shared by repositories and services."""

from __future__ import annotations

from typing import Any, TypeAlias, cast

from sqlalchemy import CompoundSelect, CursorResult, Result, Select

# A SELECT of any number and type of columns (SQLAlchemy 2.1 types a select by its column tuple:
# `Select[Any]` would mean "one column of unknown type").
AnySelect: TypeAlias = Select[*tuple[Any, ...]]
# Rows a statement yields: a SELECT, or a UNION of them.
AnyRows: TypeAlias = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """Rows matched by a bulk UPDATE or DELETE. The ORM types `Session.execute` as a plain
    Result; for a DML statement it is always a CursorResult."""
    return cast(CursorResult[*tuple[Any, ...]], result).rowcount or 0
