"""Product-line queries: the catalog is vendor data every signed-in user reads."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, select

from alliance.kit.repository import Repository
from alliance.partners.models import ProductLine


class ProductLineRepository(Repository[ProductLine]):
    model = ProductLine

    def listed(self, *, active: bool | None = None) -> Select[ProductLine]:
        statement = self.readable()
        if active is not None:
            statement = statement.where(ProductLine.is_active == active)
        return statement.order_by(ProductLine.key)

    def existing_keys(self, keys: Collection[str] | None = None) -> set[str]:
        statement = select(ProductLine.key)
        if keys is not None:
            statement = statement.where(ProductLine.key.in_(list(keys)))
        return set(self.session.scalars(statement))

    def active_keys(self, keys: Collection[str]) -> set[str]:
        statement = select(ProductLine.key).where(ProductLine.key.in_(list(keys)), ProductLine.is_active.is_(True))
        return set(self.session.scalars(statement))
