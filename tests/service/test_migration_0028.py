"""Migration 0028 (matching keys) on the backend under test: customers stored by the previous
matcher get the current normalized name and blocking keys, so qualifier and spelling variants find them."""

from __future__ import annotations

from sqlalchemy import text

from alliance import migrate
from alliance.customers.records import derive
from alliance.db import Database

CUSTOMER = text(
    "INSERT INTO customers (name, website, domain, country, name_key, name_compact, name_reversed, name_len, ownership, created_at, updated_at)"
    " VALUES (:name, NULL, NULL, 'DE', :key, :compact, :reversed, :length, 'open', '2026-01-01', '2026-01-01')"
)


def test_names_and_keys_are_derived_again(fresh_database_url):
    migrate.upgrade(fresh_database_url, "0028-1")  # the revision before this one, whatever the chain
    database = Database(fresh_database_url)
    try:
        with database.engine.begin() as connection:
            old = "muller bau uk"  # as the previous matcher stored "Müller Bau UK GmbH"
            connection.execute(CUSTOMER, {"name": "Müller Bau GmbH (UK)", "key": old, "compact": "mullerbauuk", "reversed": "kuuabrellum", "length": 11})
            customer_id = connection.execute(text("SELECT id FROM customers")).scalar_one()
            connection.execute(text("INSERT INTO customer_name_keys (key, customer_id) VALUES ('t:muller', :id), ('t:uk', :id)"), {"id": customer_id})
        migrate.upgrade(fresh_database_url, "0028")
        expected = derive("Müller Bau GmbH (UK)", None)
        with database.engine.begin() as connection:
            assert connection.execute(text("SELECT name_key, name_compact FROM customers")).one() == (expected.name_key, expected.name_compact)
            assert set(connection.execute(text("SELECT key FROM customer_name_keys")).scalars()) == set(expected.keys)
        assert expected.name_key == "muller bau" and "s:mulerbau" in expected.keys
    finally:
        database.dispose()
