"""Test databases and actors.

The suite runs against SQLite by default and against PostgreSQL with
ALLIANCE_TEST_BACKEND=postgresql. Each run builds its own database with `alembic upgrade head`
(a temp SQLite file, or a freshly created PostgreSQL database that is dropped at the end) and
every test starts from empty tables.

ALLIANCE_TEST_REQUIRE_POSTGRES=1 / ALLIANCE_TEST_REQUIRE_BROWSER=1 (set by .ci/run) turn a missing
server or browser into a failure instead of a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from alliance import migrate
from alliance.app import create_app
from alliance.config import Settings
from alliance.db import Base, Database
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.models import import_all_models
from tests.factories.world import World, build_world

BACKEND = os.environ.get("ALLIANCE_TEST_BACKEND", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--browser", action="store_true", default=False, help="run the Playwright browser tests")


def pytest_report_header(config: pytest.Config) -> str:
    return f"alliance backend: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--browser") or _flag("ALLIANCE_TEST_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason="browser tests run with --browser (or ALLIANCE_TEST_REQUIRE_BROWSER=1)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'alliance.db'}"
        migrate.upgrade(url)
        yield url
        return
    if BACKEND != "postgresql":
        raise pytest.UsageError(f"ALLIANCE_TEST_BACKEND must be sqlite or postgresql, not {BACKEND}")
    name = f"alliance_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        if _flag("ALLIANCE_TEST_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_ADMIN_URL}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    url = f"{base}/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def shared_database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def _empty_all_tables(database: Database) -> None:
    import_all_models()
    # The audit chain head is a fixed row created by the migration: reset it, keep it.
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "audit_chain_head"]
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE audit_chain_head SET last_seq = 0, last_hash = :genesis"), {"genesis": "0" * 64})
        if database.is_sqlite:
            connection.execute(text("PRAGMA defer_foreign_keys=ON"))
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))
        else:
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture
def db(shared_database: Database) -> Iterator[Database]:
    """The test database, empty at the start of each test (each test empties it when done)."""
    yield shared_database
    clock.freeze(None)
    _empty_all_tables(shared_database)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, secret_key="test-secret-key-" + "x" * 32)


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, database=db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def world(db: Database) -> World:
    """Programs, vendor staff, and two partners (A and B) each with people, sponsors and users."""
    return build_world(db)


@pytest.fixture
def system_session(db: Database):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test setup")) as session:
        yield session
