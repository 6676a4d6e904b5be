"""`alliance seed`: exact counts, valid programs and tiers, deterministic, appending, audited."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import Result
from sqlalchemy import text
from typer.testing import CliRunner

from alliance.cli import app
from alliance.config import get_settings
from alliance.db import Database

runner = CliRunner()

# Partners whose tier is not a tier of their program, or whose program is not for their type.
INVALID_ENTITLEMENTS = (
    "SELECT COUNT(*) FROM partners p LEFT JOIN tiers t ON t.id = p.tier_id LEFT JOIN programs g ON g.id = p.program_id "
    "WHERE t.id IS NULL OR g.id IS NULL OR t.program_id != p.program_id OR g.partner_type != p.partner_type "
    "OR COALESCE(g.si_subtype, '') != COALESCE(p.si_subtype, '')"
)


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("ALLIANCE_DATABASE_URL", url)
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def query(url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        database.dispose()


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'seed.db'}"
    use_database(monkeypatch, url)
    invoke("db", "upgrade")
    yield url
    get_settings.cache_clear()


class TestSeed:
    def test_inserts_exactly_the_partners_and_people_asked_for(self, sqlite_url: str) -> None:
        result = invoke("seed", "--partners", "50", "--people-per-partner", "3")
        assert query(sqlite_url, "SELECT (SELECT COUNT(*) FROM partners), (SELECT COUNT(*) FROM people)") == [(50, 150)]
        assert query(sqlite_url, INVALID_ENTITLEMENTS) == [(0,)]
        assert query(sqlite_url, "SELECT COUNT(*) FROM partners WHERE id NOT IN (SELECT partner_id FROM partner_attributes WHERE kind = 'region')") == [(0,)]
        assert query(sqlite_url, "SELECT COUNT(*) FROM (SELECT partner_id, email FROM people GROUP BY 1, 2 HAVING COUNT(*) > 1)") == [(0,)]
        assert "Inserted" in result.output and "rows/s" in result.output

    def test_loads_the_default_programs_when_there_are_none(self, sqlite_url: str) -> None:
        invoke("seed", "--partners", "5", "--people-per-partner", "0")
        assert query(sqlite_url, "SELECT COUNT(*) FROM programs") == [(7,)]
        assert query(sqlite_url, "SELECT COUNT(*) FROM people") == [(0,)]

    def test_same_seed_same_rows_and_a_second_run_appends(self, sqlite_url: str) -> None:
        invoke("seed", "--partners", "20", "--people-per-partner", "2", "--seed", "9")
        invoke("seed", "--partners", "20", "--people-per-partner", "2", "--seed", "9", "--batch-size", "7")
        invoke("seed", "--partners", "20", "--people-per-partner", "2", "--seed", "10")
        rows = query(sqlite_url, "SELECT display_name, legal_name, tier_id, hq_country FROM partners ORDER BY id")
        people = query(sqlite_url, "SELECT name, email FROM people ORDER BY id")
        assert len(rows) == 60
        assert rows[:20] == rows[20:40]
        assert people[:40] == people[40:80]
        assert rows[40:] != rows[:20]

    def test_records_one_audit_event_with_the_counts(self, sqlite_url: str) -> None:
        invoke("seed", "--partners", "12", "--people-per-partner", "4")
        events = query(sqlite_url, "SELECT action, entity_id, after FROM audit_events WHERE entity_type = 'seed'")
        assert len(events) == 1
        action, entity_id, after = events[0]
        counts = json.loads(after)
        assert action == "seed.loaded" and entity_id == "1-12"
        assert (counts["partners"], counts["people"], counts["seed"]) == (12, 48, 1)
        assert counts["partner_attributes"] == query(sqlite_url, "SELECT COUNT(*) FROM partner_attributes")[0][0]
        assert "OK" in invoke("audit", "verify").output

    def test_refuses_a_database_without_the_schema(self, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
        use_database(monkeypatch, f"sqlite:///{tmp_path / 'empty.db'}")
        try:
            result = runner.invoke(app, ["seed", "--partners", "1"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 1
        assert "alliance db upgrade" in result.output


class TestSeedOnTheTestBackend:
    """The same bulk insert on the suite's database: PostgreSQL when ALLIANCE_TEST_BACKEND=postgresql."""

    def test_bulk_insert(self, db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        use_database(monkeypatch, database_url)
        try:
            invoke("seed", "--partners", "30", "--people-per-partner", "4", "--batch-size", "50")
        finally:
            get_settings.cache_clear()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT (SELECT COUNT(*) FROM partners), (SELECT COUNT(*) FROM people)")).one() == (30, 120)
            assert connection.execute(text(INVALID_ENTITLEMENTS)).scalar() == 0
            ids = [i for (i,) in connection.execute(text("SELECT id FROM partners ORDER BY id"))]
            owners = {i for (i,) in connection.execute(text("SELECT DISTINCT partner_id FROM people"))}
        assert owners == set(ids)
