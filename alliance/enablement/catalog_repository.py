"""Queries on the certification catalog (vendor data every signed-in user reads)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from alliance.enablement.models import CertificationTrack, ProductRelease, TrackModule
from alliance.enablement.vocabulary import Level
from alliance.kit.repository import Repository
from alliance.partners.vocabulary import DeliveryRole

TRACK_LOAD = (selectinload(CertificationTrack.modules),)


class TrackRepository(Repository[CertificationTrack]):
    model = CertificationTrack

    def get_loaded(self, id: int) -> CertificationTrack | None:
        return self.get(id, *TRACK_LOAD)

    def by_key(self, key: str) -> CertificationTrack | None:
        return self.session.scalars(self.readable().where(CertificationTrack.key == key).options(*TRACK_LOAD)).first()

    def existing_keys(self, keys: Collection[str] | None = None) -> set[str]:
        statement = select(CertificationTrack.key)
        if keys is not None:
            statement = statement.where(CertificationTrack.key.in_(list(keys)))
        return set(self.session.scalars(statement))

    def listed(
        self, *, delivery_role: DeliveryRole | None = None, level: Level | None = None, product_line: str | None = None, active: bool | None = None
    ) -> Select[CertificationTrack]:
        statement = self.readable().options(*TRACK_LOAD)
        if delivery_role:
            statement = statement.where(CertificationTrack.delivery_role == delivery_role)
        if level:
            statement = statement.where(CertificationTrack.level == level)
        if product_line:
            statement = statement.where(CertificationTrack.product_line == product_line)
        if active is not None:
            statement = statement.where(CertificationTrack.is_active == active)
        return statement.order_by(CertificationTrack.product_line, CertificationTrack.delivery_role, CertificationTrack.key, CertificationTrack.id)

    def dependents(self, track_id: int) -> list[int]:
        """Tracks that require this one."""
        return list(self.session.scalars(select(CertificationTrack.id).where(CertificationTrack.prerequisite_track_id == track_id)))

    def for_role(self, delivery_role: str) -> list[CertificationTrack]:
        statement = self.readable().options(*TRACK_LOAD).where(CertificationTrack.delivery_role == delivery_role, CertificationTrack.is_active.is_(True))
        return list(self.session.scalars(statement.order_by(CertificationTrack.id)))

    def loaded_many(self, ids: Collection[int]) -> list[CertificationTrack]:
        if not ids:
            return []
        statement = self.readable().options(*TRACK_LOAD).where(CertificationTrack.id.in_(list(ids)))
        return list(self.session.scalars(statement.order_by(CertificationTrack.id)))

    def module(self, module_id: int) -> TrackModule | None:
        return self.session.scalars(select(TrackModule).where(TrackModule.id == module_id)).first()


class ReleaseRepository(Repository[ProductRelease]):
    model = ProductRelease

    def listed(self, *, product_line: str | None = None) -> Select[ProductRelease]:
        statement = self.readable()
        if product_line:
            statement = statement.where(ProductRelease.product_line == product_line)
        return statement.order_by(ProductRelease.product_line, ProductRelease.released_on.desc(), ProductRelease.id.desc())

    def exists(self, product_line: str, version: str) -> bool:
        statement = select(ProductRelease.id).where(ProductRelease.product_line == product_line, ProductRelease.version == version)
        return self.session.scalar(statement) is not None
