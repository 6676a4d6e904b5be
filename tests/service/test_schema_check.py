"""The app refuses an out-of-date schema and says what to run."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from alliance import migrate
from alliance.app import create_app
from alliance.cli import app as cli
from alliance.config import Settings, get_settings
from alliance.db import Database


def test_app_refuses_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    database = Database(url)
    try:
        with (
            pytest.raises(migrate.SchemaOutOfDate, match="alliance db upgrade"),
            TestClient(create_app(Settings(database_url=url, secret_key="k" * 40), database=database)),
        ):
            pass
    finally:
        database.dispose()


def test_serve_refuses_and_upgrade_fixes(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'sub' / 'fresh.db'}"
    monkeypatch.setenv("ALLIANCE_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        served = runner.invoke(cli, ["serve", "--port", "0"])
        assert served.exit_code == 1 and "alliance db upgrade" in served.output
        upgraded = runner.invoke(cli, ["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        current = runner.invoke(cli, ["db", "current"])
        assert f"database: {migrate.head_revision()}" in current.output
    finally:
        get_settings.cache_clear()


def test_migration_0006_gives_stored_ladders_their_historical_deciders(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0005")
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO programs (key, name, partner_type, is_active, influence_credit_percent, influence_credit_split, dispute_ladder, created_at, updated_at)"
                    " VALUES ('old', 'Old', 'reseller', 1, 100, 'full', :ladder, '2026-01-01', '2026-01-01')"
                ),
                {"ladder": '[{"name": "Team", "days": 3}, {"name": "VP", "days": 5, "deciders": ["executive"]}, {"name": "CEO", "days": 9}]'},
            )
        migrate.upgrade(url)
        with database.engine.connect() as connection:
            ladder, grace = connection.execute(text("SELECT dispute_ladder, downgrade_grace_days FROM programs WHERE key = 'old'")).one()
        assert grace == 90
        assert [step["deciders"] for step in json.loads(ladder)] == [["cam", "ps_lead", "program_admin"], ["executive"], ["program_admin"]]
    finally:
        database.dispose()
