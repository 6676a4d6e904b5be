"""`alliance db reseal-secrets`: after a key rotation, every stored secret moves to the new key; a
secret no configured key opens is refused with the fix named, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alliance.cli import app
from alliance.config import get_settings
from alliance.kit.encryption import Keyring, SecretUnreadable
from alliance.sso.models import SsoConnection
from tests.factories.sso import build_connections

NEW_KEY = "rotated-secret-key-" + "z" * 32


def sealed(world) -> list[str]:  # type: ignore[no-untyped-def]
    with world.db.engine.connect() as connection:
        return [str(value) for value in connection.execute(select(SsoConnection.client_secret_sealed).order_by(SsoConnection.id)).scalars()]


def test_reseal_secrets_moves_them_to_the_current_key(cli_env, runner, world, settings, monkeypatch):  # type: ignore[no-untyped-def]
    build_connections(world.db, world)  # sealed with the suite's key
    before = sealed(world)
    monkeypatch.setenv("ALLIANCE_SECRET_KEY", NEW_KEY)

    get_settings.cache_clear()
    refused = runner.invoke(app, ["db", "reseal-secrets"])
    assert refused.exit_code == 1 and "ALLIANCE_OLD_SECRET_KEYS" in refused.output
    assert sealed(world) == before

    monkeypatch.setenv("ALLIANCE_OLD_SECRET_KEYS", str(settings.secret_key))
    get_settings.cache_clear()
    done = runner.invoke(app, ["db", "reseal-secrets"])
    assert done.exit_code == 0 and "2 secrets encrypted under the current key" in done.output, done.output
    after = sealed(world)
    assert [Keyring(NEW_KEY).open(value) for value in after] == ["secret", "secret"]
    with pytest.raises(SecretUnreadable):
        Keyring(str(settings.secret_key)).open(after[0])
