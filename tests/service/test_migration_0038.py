"""Migration 0038 (typo keys) on the backend under test: customers stored before it get their
words' one-deletion keys, in batches, and the typo variants they serve find them; downgrading
removes only those keys."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from alliance import migrate
from alliance.customers.records import derive
from alliance.db import Database

CUSTOMER = text(
    "INSERT INTO customers (name, website, domain, country, name_key, name_compact, name_reversed, name_len, ownership, created_at, updated_at)"
    " VALUES (:name, NULL, NULL, 'DE', :key, :compact, :reversed, :length, 'open', '2026-01-01', '2026-01-01')"
    " RETURNING id"
)
KEY = text("INSERT INTO customer_name_keys (key, customer_id) VALUES (:key, :id)")
NAMES = ("Orbeline Vector GmbH", "Acme Analytics", "IBM")


def test_existing_customers_get_deletion_keys_and_lose_them_on_downgrade(fresh_database_url):
    migrate.upgrade(fresh_database_url, "0038-1")  # the revision before this one, whatever the chain
    database = Database(fresh_database_url)
    try:
        derived = [derive(name, None) for name in NAMES]
        older = {name: [key for key in d.keys if not key.startswith("d:")] for name, d in zip(NAMES, derived, strict=True)}
        with database.engine.begin() as connection:
            for name, d in zip(NAMES, derived, strict=True):
                values = {"name": name, "key": d.name_key, "compact": d.name_compact, "reversed": d.name_reversed, "length": d.name_len}
                customer_id = connection.execute(CUSTOMER, values).scalar_one()
                connection.execute(KEY, [{"key": key, "id": customer_id} for key in older[name]])
        migrate.upgrade(fresh_database_url, "0038")
        with database.engine.begin() as connection:
            stored = set(map(tuple, connection.execute(text("SELECT c.name, k.key FROM customer_name_keys k JOIN customers c ON c.id = k.customer_id")).all()))
        assert stored == {(name, key) for name, d in zip(NAMES, derived, strict=True) for key in d.keys}
        assert ("Orbeline Vector GmbH", "d:orbelne") in stored  # "Orbelne Vectr" shares it
        assert not any(name == "IBM" and key.startswith("d:") for name, key in stored)  # three letters: none
        command.downgrade(migrate.alembic_config(fresh_database_url), "0038-1")
        with database.engine.begin() as connection:
            remaining = set(
                map(tuple, connection.execute(text("SELECT c.name, k.key FROM customer_name_keys k JOIN customers c ON c.id = k.customer_id")).all())
            )
        assert remaining == {(name, key) for name in NAMES for key in older[name]}
    finally:
        database.dispose()
