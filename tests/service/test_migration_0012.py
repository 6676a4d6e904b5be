"""Migration 0012 (server-side web sessions) on the backend under test: up, down and up again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from alliance import migrate
from alliance.db import Database

INSERT = text(
    "INSERT INTO user_sessions (user_id, token_hash, created_at, last_seen_at, expires_at, revoked_at, revoked_reason)"
    " SELECT id, :digest, '2026-12-01', '2026-12-01', '2026-12-15', '2026-12-02', :reason FROM users"
)


def test_user_sessions_table_with_its_vocabulary_and_gone_on_downgrade(fresh_database_url):
    migrate.upgrade(fresh_database_url, "0012")
    database = Database(fresh_database_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, name, role, is_active, created_at, updated_at) VALUES ('a@x.example', 'A', 'cam', TRUE, '2026-01-01', '2026-01-01')"
                )
            )
            connection.execute(INSERT, {"digest": "a" * 64, "reason": "logged_out"})
        with pytest.raises(IntegrityError), database.engine.begin() as connection:
            connection.execute(INSERT, {"digest": "b" * 64, "reason": "forgotten"})
        with pytest.raises(IntegrityError), database.engine.begin() as connection:
            connection.execute(INSERT, {"digest": "a" * 64, "reason": None})  # one row per token
        command.downgrade(migrate.alembic_config(fresh_database_url), "0012-1")
        assert "user_sessions" not in inspect(database.engine).get_table_names()
        migrate.upgrade(fresh_database_url, "0012")
        assert "user_sessions" in inspect(database.engine).get_table_names()
    finally:
        database.dispose()
