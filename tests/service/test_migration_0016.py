"""Migration 0016 (the inbox) on the backend under test: read_at and the skipped status arrive,
existing messages stay unread, and a downgrade drops the skipped rows the old vocabulary refuses."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from alliance import migrate
from alliance.db import Database

USER = text("INSERT INTO users (email, name, role, is_active, created_at, updated_at) VALUES ('a@x.example', 'A', 'cam', TRUE, '2026-01-01', '2026-01-01')")
MESSAGE = text(
    "INSERT INTO outbox_messages (idempotency_key, channel, event_type, recipient_user_id, entity_type, payload, status, attempts,"
    " next_attempt_at, created_at, updated_at) SELECT :key, 'email', 'registration.submitted', id, 'registration', '{}', :status, 0,"
    " '2026-12-01', '2026-12-01', '2026-12-01' FROM users"
)


def test_read_at_and_skipped_arrive_and_leave(fresh_database_url):
    migrate.upgrade(fresh_database_url, "0016-1")  # the revision before this one, whatever the chain
    database = Database(fresh_database_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(USER)
            connection.execute(MESSAGE, {"key": "before", "status": "sent"})
        with pytest.raises(IntegrityError), database.engine.begin() as connection:
            connection.execute(MESSAGE, {"key": "too-early", "status": "skipped"})
        migrate.upgrade(fresh_database_url, "0016")
        with database.engine.begin() as connection:
            connection.execute(MESSAGE, {"key": "off", "status": "skipped"})
            assert connection.execute(text("SELECT idempotency_key, read_at FROM outbox_messages ORDER BY id")).all() == [("before", None), ("off", None)]
        with pytest.raises(IntegrityError), database.engine.begin() as connection:
            connection.execute(MESSAGE, {"key": "bogus", "status": "bogus"})
        assert "ix_outbox_messages_inbox" in {i["name"] for i in inspect(database.engine).get_indexes("outbox_messages")}
        command.downgrade(migrate.alembic_config(fresh_database_url), "0016-1")
        with database.engine.begin() as connection:
            assert connection.execute(text("SELECT idempotency_key FROM outbox_messages")).scalars().all() == ["before"]
        assert "read_at" not in {c["name"] for c in inspect(database.engine).get_columns("outbox_messages")}
        migrate.upgrade(fresh_database_url, "0016")
    finally:
        database.dispose()
