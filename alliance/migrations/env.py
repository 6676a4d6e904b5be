from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from alliance.db import Base, UTCDateTime, make_engine
from alliance.models import import_all_models

import_all_models()
config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("The Alembic configuration has no sqlalchemy.url: build it with alliance.migrate.alembic_config.")
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not depend on application types that may be renamed later.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _include_name(name: str | None, type_: str, _parents: Any) -> bool:
    # SQLite's full-text index of the library (an FTS5 table and its shadow tables, migration 0023)
    # has no model: autogenerate must not propose dropping it.
    return not (type_ == "table" and (name or "").startswith("assets_fts"))


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch rebuild drops the old table; with foreign keys on, SQLite runs that drop as a
        # DELETE that cascades to every child row. The pragma only takes effect outside a
        # transaction, so it goes to the driver before the migration's transaction begins.
        _sqlite_foreign_keys(connection, on=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            render_item=_render_item,
            include_name=_include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").first()):
            raise RuntimeError(f"migration left a dangling foreign key in {broken[0]}")
    finally:
        if sqlite:
            # SQLite migrations commit one by one; what is open here is only the check's read.
            connection.rollback()
            _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    driver = connection.connection.driver_connection
    assert driver is not None, "a live SQLite connection"
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if driver.execute("PRAGMA foreign_keys").fetchone()[0] != int(on):
        raise RuntimeError("PRAGMA foreign_keys did not change: the connection is inside a transaction")


run_migrations_online()
