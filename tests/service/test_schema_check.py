"""The app refuses an out-of-date schema and says what to run."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
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
        with pytest.raises(migrate.SchemaOutOfDate, match="alliance db upgrade"), TestClient(create_app(Settings(database_url=url, secret_key="k" * 40), database=database)):
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
