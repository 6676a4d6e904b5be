from __future__ import annotations

import pytest
from typer.testing import CliRunner

from alliance.config import get_settings


@pytest.fixture
def cli_env(monkeypatch, database_url, db):
    """Point the CLI at this run's test database (emptied per test like every other test)."""
    monkeypatch.setenv("ALLIANCE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
