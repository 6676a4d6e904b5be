"""Base repositories. Partner-owned reads start from `readable()`, which is filtered by the
session's scope; a row of another partner is indistinguishable from a missing one."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from alliance.db import PartnerOwned, PartnerRoot, ScopeMissing
from alliance.kit.statements import AnySelect
from alliance.kit.tenancy import PartnerScope

M = TypeVar("M")
S = TypeVar("S", bound=AnySelect)


def within_scope(statement: S, partner_column: ColumnElement[Any] | Any, scope: PartnerScope) -> S:
    """`statement` limited to the scope's partners on `partner_column`: the one partner filter
    repositories write by hand (internal scopes see every partner)."""
    if scope.is_internal:
        return statement
    return statement.where(partner_column.in_(scope.partner_ids or frozenset()))


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

    def add(self, obj: M) -> M:
        self.session.add(obj)
        self.session.flush()
        return obj

    def delete(self, obj: M) -> None:
        self.session.delete(obj)
        self.session.flush()
