"""Base repositories. Partner-owned reads start from `readable()`, which is filtered by the
session's scope; a row of another partner is indistinguishable from a missing one."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from alliance.db import PartnerOwned, PartnerRoot, ScopeMissing
from alliance.kit.statements import AnySelect
from alliance.kit.tenancy import PartnerScope

M = TypeVar("M")
T = TypeVar("T")
S = TypeVar("S", bound=AnySelect)


def within_scope(statement: S, partner_column: ColumnElement[Any] | Any, scope: PartnerScope) -> S:
    """`statement` limited to the scope's partners on `partner_column`: the one partner filter
    repositories write by hand (internal scopes see every partner)."""
    if scope.is_internal:
        return statement
    return statement.where(partner_column.in_(scope.partner_ids or frozenset()))


def among(partner_column: ColumnElement[Any] | Any, partner_ids: Collection[int] | None) -> ColumnElement[bool]:
    """`partner_column IN partner_ids`, or no condition for None (every partner the session's scope
    sees): a portfolio-wide read then sends no list of thousands of ids to be parsed and matched."""
    return true() if partner_ids is None else partner_column.in_(partner_ids)


class Repository(Generic[M]):
    model: type[M]

    def __init__(self, session: Session) -> None:
        scope = session.info.get("scope")
        if not isinstance(scope, PartnerScope):
            raise ScopeMissing(f"{type(self).__name__} needs a session opened with a PartnerScope")
        self.session = session
        self.scope: PartnerScope = scope

    def readable(self) -> Select[M]:
        statement = select(self.model)
        if issubclass(self.model, PartnerRoot):
            return within_scope(statement, self.model.id, self.scope)
        if issubclass(self.model, PartnerOwned):
            return within_scope(statement, self.model.partner_id, self.scope)
        return statement

    def get(self, id: int, *options: Any) -> M | None:
        # Every model has an integer primary key `id`; the base class does not declare it.
        statement = self.readable().where(self.model.id == id)  # type: ignore[attr-defined]
        if options:
            statement = statement.options(*options)
        return self.session.scalars(statement).first()

    def get_for_change(self, id: int, *options: Any) -> M | None:
        """The row to change, locked until commit: the one way an aggregate is read before a
        state change (db.Aggregate). Another transaction changing it waits here and then reads
        the result of the first, so its checks see that result."""
        statement = self.readable().where(self.model.id == id)  # type: ignore[attr-defined]
        if options:
            statement = statement.options(*options)
        return self.lock_first(statement)

    def lock_first(self, statement: Select[T]) -> T | None:
        """The first row of `statement`, locked as get_for_change does."""
        return next(iter(self.lock_all(statement)), None)

    def lock_all(self, statement: Select[T], *, skip_locked: bool = False) -> list[T]:
        """Every row of `statement` (rows of one aggregate model), locked until commit.
        `skip_locked`: leave out rows another transaction is changing (a sweep takes them on its
        next run instead of waiting). SQLite renders no lock: its writers hold the database's."""
        locked_model = statement.column_descriptions[0]["entity"]
        locking = statement.with_for_update(of=locked_model, skip_locked=skip_locked).execution_options(populate_existing=True)
        return list(self.session.scalars(locking))

    def add(self, obj: M) -> M:
        self.session.add(obj)
        self.session.flush()
        return obj

    def delete(self, obj: M) -> None:
        self.session.delete(obj)
        self.session.flush()
