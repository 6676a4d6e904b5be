"""Test databases and actors.

The suite runs against SQLite by default and against PostgreSQL with
ALLIANCE_TEST_BACKEND=postgresql. Each run (each xdist worker) builds its own database with
`alembic upgrade head` (a temp SQLite file, or a freshly created PostgreSQL database that is dropped
at the end) and every test starts from empty tables: a test's teardown empties the tables it filled.

Work that does not depend on the test is done once per worker: the app is created once (each test
still gets its own TestClient, so its own cookies), the world is built once per day (or per frozen
clock) and copied back for each test that asks for it, and passwords are hashed with cheap argon2id
parameters (ALLIANCE_PASSWORD_HASH_PROFILE=fast; set it to "default" to test the real cost).

ALLIANCE_TEST_REQUIRE_POSTGRES=1 / ALLIANCE_TEST_REQUIRE_BROWSER=1 (set by .ci/run) turn a missing
server or browser into a failure instead of a skip.
"""

from __future__ import annotations

import copy
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
import uvicorn
from fastapi.testclient import TestClient

from alliance import migrate
from alliance.app import create_app
from alliance.config import Settings
from alliance.db import Database
from alliance.identity.scope import PartnerScope
from alliance.kit import clock, encryption
from tests.factories import tables
from tests.factories.world import World, build_world
from tests.s3_server import S3Target

# Before anything hashes a password (an environment setting wins, to measure the real cost).
os.environ.setdefault("ALLIANCE_PASSWORD_HASH_PROFILE", "fast")

BACKEND = os.environ.get("ALLIANCE_TEST_BACKEND", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--browser", action="store_true", default=False, help="run the Playwright browser tests")


def pytest_report_header(config: pytest.Config) -> str:
    return f"alliance backend: {BACKEND}"


DATABASE_FIXTURES = {"database_url", "fresh_database_url"}


def _deselect(config: pytest.Config, items: list[pytest.Item], leave_out: Callable[[pytest.Item], bool]) -> None:
    left_out = [item for item in items if leave_out(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not leave_out(item)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgresql":
        # A test that never reaches the suite's database (pure rules, code scans, commands that
        # build their own SQLite file such as `alliance demo`) would run the same twice: the SQLite
        # stage runs it, this stage deselects it. Every way to the database goes through these.
        _deselect(config, items, lambda item: not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
    if BACKEND == "sqlite":
        # The race harness (threads against a live server) runs where races can happen: SQLite
        # serialises writers, so there every pair is one of the serial orders by construction.
        # Deselected, not skipped: the PostgreSQL stage runs them all.
        _deselect(config, items, lambda item: item.path.parent.name == "concurrency")
    if config.getoption("--browser") or _flag("ALLIANCE_TEST_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason="browser tests run with --browser (or ALLIANCE_TEST_REQUIRE_BROWSER=1)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _create_database(admin: psycopg.Connection[Any], name: str) -> None:
    admin.execute(f'CREATE DATABASE "{name}"')
    # A commit no longer waits for its WAL to reach the disk (about 4 ms each here; a test commits
    # dozens of times). What others see is the same: an asynchronous commit is visible at once and
    # is lost only if the server itself crashes, which no test does (they kill clients).
    admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


_drops: list[threading.Thread] = []


def _drop_later(name: str) -> None:
    """DROP DATABASE waits for a checkpoint (0.5-5 s here): done in the background while the next
    tests run; the session waits for every drop before it ends (pytest_sessionfinish)."""

    def drop() -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    thread = threading.Thread(target=drop, name=f"drop {name}")
    thread.start()
    _drops.append(thread)


def pytest_sessionfinish(session: pytest.Session) -> None:
    for thread in _drops:
        thread.join()


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
        _create_database(admin, name)
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    url = f"{base}/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def shared_database(database_url: str, settings: Settings) -> Iterator[Database]:
    database = Database(database_url, keyring=encryption.keyring_for(settings))  # the suite app's keys
    tables.empty(database)  # rows a migration seeded would be seen by the first test only
    yield database
    database.dispose()


@pytest.fixture
def db(shared_database: Database) -> Iterator[Database]:
    """The test database, empty at the start of each test (each test empties it when done)."""
    yield shared_database
    clock.freeze(None)
    tables.empty(shared_database)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        file_store_dir=tmp_path_factory.mktemp("files"),
        saml_sp_key_file=tmp_path_factory.mktemp("saml") / "sp.key",  # generated at first use
    )


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Target]:
    """A bucket on a real S3-compatible server (moto in server mode, started once per worker), with
    boto3's standard credential chain pointed at the server's test keys."""
    from tests.s3_server import CREDENTIALS, moto_server

    with moto_server() as endpoint, pytest.MonkeyPatch.context() as patch:
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        target = S3Target(endpoint_url=endpoint, bucket="alliance-test")
        target.client().create_bucket(Bucket=target.bucket)
        yield target


@pytest.fixture(scope="session")
def shared_app(settings: Settings, shared_database: Database):  # type: ignore[no-untyped-def]
    # Building the routes costs more than most tests; the app keeps no state between requests.
    return create_app(settings, database=shared_database)


@pytest.fixture(scope="session")
def live_server(shared_app: Any) -> Iterator[str]:
    """The worker's app served by uvicorn in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app=shared_app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    thread.join(timeout=15)
    sock.close()


@pytest.fixture
def app(shared_app, db: Database):  # type: ignore[no-untyped-def]
    return shared_app


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


_worlds: dict[object, tuple[World, tables.Snapshot]] = {}


@pytest.fixture
def world(db: Database) -> World:
    """Programs, vendor staff, and two partners (A and B) each with people, sponsors and users.

    Built through the services once per worker and day (or frozen instant, as its timestamps
    follow the clock), then copied back into the empty database for each test."""
    with db.engine.connect() as connection:
        if tables.nonempty_tables(connection):  # something came first: build on top of it as always
            return build_world(db)
    key = getattr(clock, "_frozen", None) or clock.today()
    if key not in _worlds:
        built = build_world(db)
        built.db = None
        _worlds[key] = (copy.deepcopy(built), tables.capture(db))
    else:
        tables.restore(db, _worlds[key][1])
    fresh = copy.deepcopy(_worlds[key][0])
    fresh.db = db
    fresh._base, fresh._clock_key = _worlds[key][1], key  # lets fixtures layer cached state on it
    return fresh


@pytest.fixture
def system_session(db: Database):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test setup")) as session:
        yield session


@pytest.fixture
def fresh_database_url(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty database of its own, on the suite's backend, for migration tests (the shared test database is already at head)."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"alliance_mig_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        _create_database(admin, name)
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    finally:
        _drop_later(name)
