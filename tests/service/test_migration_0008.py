"""Migration 0008 (program currency) on the backend under test: up, down and up again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from alliance import migrate
from alliance.db import Database


def test_existing_programs_get_usd_and_the_column_goes_on_downgrade(fresh_database_url):
    migrate.upgrade(fresh_database_url, "0006")
    database = Database(fresh_database_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO programs (key, name, partner_type, is_active, influence_credit_percent, influence_credit_split, dispute_ladder, created_at, updated_at)"
                    " VALUES ('old', 'Old', 'reseller', TRUE, 100, 'full', '[]', '2026-01-01', '2026-01-01')"
                )
            )
        migrate.upgrade(fresh_database_url, "0008")
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT currency FROM programs WHERE key = 'old'")).scalar_one() == "USD"
        command.downgrade(migrate.alembic_config(fresh_database_url), "0006")
        assert "currency" not in {c["name"] for c in inspect(database.engine).get_columns("programs")}
        migrate.upgrade(fresh_database_url, "0008")
        assert "currency" in {c["name"] for c in inspect(database.engine).get_columns("programs")}
    finally:
        database.dispose()
