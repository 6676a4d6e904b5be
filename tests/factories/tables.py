"""Per-test database state: empty what a test wrote, and restore snapshots instead of rebuilding.

`empty` asks the database which tables hold rows (one query) and deletes from those only, so it
sees every writer (the app, the CLI's own engine, COPY on PostgreSQL) and costs little when a test
wrote to three tables of forty. On PostgreSQL it also rewinds every sequence that moved, so ids
start at 1 in each test as they did after `TRUNCATE … RESTART IDENTITY` (which costs seconds per
test: it swaps the files of every table it names).

`capture`/`restore` copy the rows a fixture built, byte for byte: on PostgreSQL into tables of a
schema of their own (the app never looks outside its schema) and back with INSERT … SELECT; on
SQLite as the driver's raw values. Restoring into the empty database gives the same rows, ids,
sequences and audit chain head as building again.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Table, text

from alliance.db import Base, Database
from alliance.models import import_all_models

CHAIN_HEAD = "audit_chain_head"
GENESIS = "0" * 64
SNAPSHOT_SCHEMA = "alliance_test_snapshots"
_snapshot_ids = itertools.count(1)


@lru_cache
def tables() -> tuple[Table, ...]:
    """Every table but the audit chain head (one fixed row, reset rather than deleted), parents first."""
    import_all_models()
    return tuple(t for t in Base.metadata.sorted_tables if t.name != CHAIN_HEAD)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def nonempty_tables(connection: Connection) -> list[Table]:
    probe = " UNION ALL ".join(f"SELECT '{t.name}' AS name WHERE EXISTS (SELECT 1 FROM {_quote(t.name)})" for t in tables())
    found = set(connection.exec_driver_sql(probe).scalars())
    return [t for t in tables() if t.name in found]


def _moved_sequences(connection: Connection) -> dict[str, int]:
    """PostgreSQL sequences of this schema that handed out a value, with their last value."""
    rows = connection.exec_driver_sql(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences"
        " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
    )
    return {row[0]: row[1] for row in rows}


def _run(connection: Connection, statements: list[str]) -> None:
    if not statements:
        return
    if connection.dialect.name == "postgresql":
        # One round trip: psycopg runs several statements in one call when it has no parameters.
        with connection.connection.dbapi_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute("; ".join(statements))
        return
    for statement in statements:
        connection.exec_driver_sql(statement)


def empty(database: Database) -> None:
    """Every table empty, the audit chain at its genesis, and (PostgreSQL) every sequence at 1."""
    with database.engine.begin() as connection:
        statements = [f"UPDATE {CHAIN_HEAD} SET last_seq = 0, last_hash = '{GENESIS}'"]
        if database.is_sqlite:
            statements.append("PRAGMA defer_foreign_keys=ON")
        # Children first, so no foreign key ever points at a deleted row.
        statements += [f"DELETE FROM {_quote(t.name)}" for t in reversed(nonempty_tables(connection))]
        if not database.is_sqlite:
            moved = _moved_sequences(connection)
            if moved:
                statements.append("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in moved))
        _run(connection, statements)


@dataclass
class Snapshot:
    """What a fixture wrote into the empty database."""

    tables: list[Table]
    chain_head: tuple[int, str]
    sequences: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)  # SQLite: raw values per table
    prefix: str = ""  # PostgreSQL: the snapshot's tables are SNAPSHOT_SCHEMA.<prefix><table>
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, to tell whether the database still holds just this


def _counts(connection: Connection, filled: list[Table]) -> dict[str, int]:
    if not filled:
        return {}
    row = connection.exec_driver_sql("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {_quote(t.name)})" for t in filled)).one()
    return {t.name: count for t, count in zip(filled, row, strict=True)}


def holds_only(database: Database, snapshot: Snapshot) -> bool:
    """Whether the database holds what the snapshot captured and nothing since: the same audit chain
    head (every state change is audited) and the same tables with the same row counts."""
    with database.engine.connect() as connection:
        head = tuple(connection.exec_driver_sql(f"SELECT last_seq, last_hash FROM {CHAIN_HEAD}").one())
        filled = nonempty_tables(connection)
        return head == snapshot.chain_head and _counts(connection, filled) == snapshot.counts


def capture(database: Database) -> Snapshot:
    with database.engine.begin() as connection:
        filled = nonempty_tables(connection)
        last_seq, last_hash = connection.exec_driver_sql(f"SELECT last_seq, last_hash FROM {CHAIN_HEAD}").one()
        snapshot = Snapshot(tables=filled, chain_head=(last_seq, last_hash), counts=_counts(connection, filled))
        if database.is_sqlite:
            for table in filled:
                snapshot.rows[table.name] = [tuple(row) for row in connection.exec_driver_sql(f"SELECT * FROM {_quote(table.name)}")]
            return snapshot
        snapshot.sequences = _moved_sequences(connection)
        snapshot.prefix = f"s{next(_snapshot_ids)}_"
        statements = [f"CREATE SCHEMA IF NOT EXISTS {SNAPSHOT_SCHEMA}"]
        statements += [f"CREATE TABLE {SNAPSHOT_SCHEMA}.{_quote(snapshot.prefix + t.name)} AS TABLE {_quote(t.name)}" for t in filled]
        _run(connection, statements)
    return snapshot


def _cyclic_columns(table: Table) -> list[str]:
    """Foreign keys that close a cycle (use_alter): filled in after every row is back."""
    return [fk.parent.name for fk in table.foreign_keys if fk.use_alter or (fk.constraint is not None and fk.constraint.use_alter)]


def restore(database: Database, snapshot: Snapshot) -> None:
    """Write the snapshot's rows back into the empty database."""
    head_seq, head_hash = snapshot.chain_head
    with database.engine.begin() as connection:
        connection.execute(text(f"UPDATE {CHAIN_HEAD} SET last_seq = :seq, last_hash = :hash"), {"seq": head_seq, "hash": head_hash})
        if database.is_sqlite:
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in snapshot.tables:
                rows = snapshot.rows[table.name]
                marks = ", ".join("?" * len(rows[0]))
                connection.exec_driver_sql(f"INSERT INTO {_quote(table.name)} VALUES ({marks})", rows)  # type: ignore[arg-type]
            return
        statements, fill_in = [], []
        for table in snapshot.tables:
            source = f"{SNAPSHOT_SCHEMA}.{_quote(snapshot.prefix + table.name)}"
            cyclic = _cyclic_columns(table)
            columns = ", ".join(_quote(c.name) for c in table.columns)
            values = ", ".join("NULL" if c.name in cyclic else _quote(c.name) for c in table.columns)
            statements.append(f"INSERT INTO {_quote(table.name)} ({columns}) SELECT {values} FROM {source}")
            if cyclic:
                keys = " AND ".join(f"t.{_quote(c.name)} = s.{_quote(c.name)}" for c in table.primary_key.columns)
                sets = ", ".join(f"{_quote(c)} = s.{_quote(c)}" for c in cyclic)
                fill_in.append(f"UPDATE {_quote(table.name)} AS t SET {sets} FROM {source} AS s WHERE {keys}")
        statements += fill_in
        if snapshot.sequences:
            statements.append("SELECT " + ", ".join(f"setval('{name}', {value}, true)" for name, value in snapshot.sequences.items()))
        _run(connection, statements)
