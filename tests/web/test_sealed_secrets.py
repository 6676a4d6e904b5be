"""Secrets at rest on the database under test: OIDC client secrets and TOTP secrets are stored
encrypted, migration 0030's resealing encrypts plaintexts left from before, and a server started
with another secret key shows a page saying so (503), not a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from alliance.identity.models import TwoFactor
from alliance.identity.scope import PartnerScope
from alliance.kit import clock, encryption
from alliance.sso.models import SsoConnection
from alliance.sso.vocabulary import SsoProtocol


@pytest.fixture
def keys(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    # The keyring is the process's: whichever app this worker created last configured it (other
    # tests build apps with keys of their own), so the test states the suite app's key first.
    encryption.configure(settings.resolved_secret_key(), settings.old_secret_key_list())
    yield
    encryption.configure(settings.resolved_secret_key(), settings.old_secret_key_list())


def stored(world, table: str, column: str) -> str:  # type: ignore[no-untyped-def]
    with world.db.engine.connect() as connection:
        return str(connection.execute(text(f"SELECT {column} FROM {table}")).scalar_one())


def test_secrets_are_stored_encrypted_and_a_wrong_key_is_a_clear_page(client, world, settings, keys):  # type: ignore[no-untyped-def]
    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        connection = SsoConnection(name="Sealed", protocol=SsoProtocol.OIDC, issuer="http://127.0.0.1:9", client_id="c", client_secret="s3cret-value")
        session.add(connection)
        session.add(TwoFactor(user_id=world.users["cam"], secret="JBSWY3DPEHPK3PXP", created_at=clock.now()))
        session.flush()
        connection_id = connection.id
    assert "s3cret-value" not in stored(world, "sso_connections", "client_secret")
    assert "JBSWY3DPEHPK3PXP" not in stored(world, "user_two_factor", "secret")

    # Migration 0030 seals what earlier versions stored in plaintext.
    with world.db.engine.begin() as db_connection:
        db_connection.execute(text("UPDATE user_two_factor SET secret = 'JBSWY3DPEHPK3PXP'"))
        assert encryption.reseal_column(db_connection, "user_two_factor", "secret") == 1
    assert encryption.is_sealed(stored(world, "user_two_factor", "secret"))

    # Another secret key without the old one listed: the sign-in says what is wrong.
    encryption.configure("another-key")
    refused = client.get(f"/sso/{connection_id}/start", follow_redirects=False)
    assert refused.status_code == 503 and "ALLIANCE_OLD_SECRET_KEYS" in refused.text
    # Listed as an old key, it opens again; resealing moves everything to the new key.
    encryption.configure("another-key", [settings.resolved_secret_key()])
    with world.db.engine.begin() as db_connection:
        assert encryption.reseal_column(db_connection, "sso_connections", "client_secret") == 1
    encryption.configure("another-key")
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        assert session.get(SsoConnection, connection_id).client_secret == "s3cret-value"
