"""Offset pagination with a total, shared by every list service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.kit.statements import AnySelect

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        if self.offset < 0:
            raise ValueError("offset must be 0 or more")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    def as_response(self) -> dict[str, Any]:
        """The shape every list endpoint answers (validated by PageRead[...])."""
        return {"items": self.items, "total": self.total, "limit": self.limit, "offset": self.offset}


def paginate(session: Session, statement: AnySelect, page: PageRequest, *, rows: bool = False) -> Page[Any]:
    """Count the filtered statement, then fetch one page of it (ordering must already be set):
    ORM objects, or result rows of several columns with `rows`."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    limited = statement.limit(page.limit).offset(page.offset)
    items: Sequence[Any] = session.execute(limited).all() if rows else session.scalars(limited).unique().all()
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)
