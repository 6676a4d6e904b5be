"""Alembic, driven from code: upgrade, current revision, and the start-up schema check."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaOutOfDate(RuntimeError):
    pass


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@lru_cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to run on a schema the code does not match, and say how to fix it."""
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise SchemaOutOfDate(f"Cannot open the database at {where} ({exc.orig}). Check ALLIANCE_DATABASE_URL, then run `alliance db upgrade`.") from None
    head = head_revision()
    if current != head:
        state = "is empty" if current is None else f"is at revision {current}"
        raise SchemaOutOfDate(f"The database schema {state}; this version of Alliance needs {head}. Run `alliance db upgrade` first.")
