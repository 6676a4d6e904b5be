"""Secrets at rest on the database under test: OIDC client secrets and TOTP secrets are stored
encrypted, migration 0030's resealing encrypts plaintexts left from before, and a server started
with another secret key shows a page saying so (503), not a 500. The keys are each app's own: two
apps with different keys in one process do not disturb each other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from alliance.app import create_app
from alliance.config import Settings
from alliance.identity.models import TwoFactor
from alliance.identity.scope import PartnerScope
from alliance.kit import clock, encryption
from alliance.kit.encryption import Keyring
from alliance.sso.models import SsoConnection
from alliance.sso.vocabulary import SsoProtocol


def stored(world, table: str, column: str) -> str:  # type: ignore[no-untyped-def]
    with world.db.engine.connect() as connection:
        return str(connection.execute(text(f"SELECT {column} FROM {table}")).scalar_one())


def sealed_connection(world) -> int:  # type: ignore[no-untyped-def]
    """An OpenID Connect connection whose provider does not answer: a sign-in that opens its secret
    goes on to ask the provider and gets 502; one that cannot open it gets 503."""
    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        keys = encryption.keyring_of(session)
        connection = SsoConnection(
            name="Sealed", protocol=SsoProtocol.OIDC, issuer="http://127.0.0.1:9", client_id="c", client_secret_sealed=keys.seal("s3cret-value")
        )
        session.add(connection)
        session.add(TwoFactor(user_id=world.users["cam"], secret_sealed=keys.seal("JBSWY3DPEHPK3PXP"), created_at=clock.now()))
        session.flush()
        return connection.id


@pytest.fixture
def other_app(settings: Settings, db) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A second app in this process, on the same database, started with another secret key."""
    with TestClient(create_app(settings.model_copy(update={"secret_key": "another-key"}), db)) as other:
        yield other


def test_secrets_are_stored_encrypted_and_a_wrong_key_is_a_clear_page(client, world, settings, other_app):  # type: ignore[no-untyped-def]
    connection_id = sealed_connection(world)
    assert "s3cret-value" not in stored(world, "sso_connections", "client_secret")
    assert "JBSWY3DPEHPK3PXP" not in stored(world, "user_two_factor", "secret")

    # Migration 0030 seals what earlier versions stored in plaintext.
    with world.db.engine.begin() as db_connection:
        db_connection.execute(text("UPDATE user_two_factor SET secret = 'JBSWY3DPEHPK3PXP'"))
        assert encryption.reseal_column(db_connection, "user_two_factor", "secret", keys=encryption.keyring_for(settings)) == 1
    assert encryption.is_sealed(stored(world, "user_two_factor", "secret"))

    # Another secret key without the old one listed: the sign-in says what is wrong.
    refused = other_app.get(f"/sso/{connection_id}/start", follow_redirects=False)
    assert refused.status_code == 503 and "ALLIANCE_OLD_SECRET_KEYS" in refused.text
    # Listed as an old key, it opens again; resealing moves everything to the new key.
    with world.db.engine.begin() as db_connection:
        assert encryption.reseal_column(db_connection, "sso_connections", "client_secret", keys=Keyring("another-key", [settings.resolved_secret_key()])) == 1
    with world.db.with_keyring(Keyring("another-key")).session_scope(PartnerScope.system(reason="test"), write=False) as session:
        sealed = session.get(SsoConnection, connection_id).client_secret_sealed
        assert encryption.keyring_of(session).open(sealed) == "s3cret-value"
    assert other_app.get(f"/sso/{connection_id}/start", follow_redirects=False).status_code == 502
    assert client.get(f"/sso/{connection_id}/start", follow_redirects=False).status_code == 503


def test_two_apps_with_different_keys_in_one_process_keep_their_own(client, world, other_app):  # type: ignore[no-untyped-def]
    """The suite's app and another made after it, with another key, side by side: each opens
    secrets with its own keys, whichever was made last (the keyring was once the process's)."""
    connection_id = sealed_connection(world)
    for _ in range(2):  # in turns: neither app's requests change the other's keys
        assert client.get(f"/sso/{connection_id}/start", follow_redirects=False).status_code == 502
        assert other_app.get(f"/sso/{connection_id}/start", follow_redirects=False).status_code == 503
