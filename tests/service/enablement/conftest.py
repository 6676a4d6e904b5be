"""Product lines and tracks for the enablement service tests (actors and units: tests/service/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.db import Database
from alliance.enablement import catalog_service
from alliance.enablement.catalog_schemas import TrackCreate
from alliance.identity.scope import Actor, PartnerScope
from alliance.partners import product_line_service
from tests.factories.world import World
from tests.service.enablement.tracks import track_input


@pytest.fixture
def lines(db: Database, world: World) -> None:
    with db.session_scope(PartnerScope.system(reason="test catalog")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test"))


@pytest.fixture
def make_track(unit, actors, lines):  # type: ignore[no-untyped-def]
    """Create a track as the program admin; answers (track id, {module key: id}, lab secret)."""

    def create(key: str = "dp-sa-associate", level: str = "associate", **extra: Any) -> tuple[int, dict[str, int], str | None]:
        with unit(actors["admin"]) as session:
            track = catalog_service.create_track(session, actors["admin"], data=TrackCreate.model_validate(track_input(key, level, **extra)))
            return track.id, {m.key: m.id for m in track.modules}, track.lab_secret

    return create
