"""Secrets at rest (OIDC client secrets, TOTP secrets): sealed with Fernet (AES-128-CBC + HMAC-SHA256)
under a key derived from ALLIANCE_SECRET_KEY. Earlier keys listed in ALLIANCE_OLD_SECRET_KEYS still
open what they sealed (MultiFernet), so the secret key can be rotated; `alliance db reseal-secrets`
then seals everything under the current key. A stored value is "f1:" + a Fernet token: anything
else is a plaintext left from before migration 0030, which seals it.

The keys are an app's, not the process's: a Database carries its Keyring (create_app and the CLI
give it their settings' keys) and hands it to its sessions in session.info, where the services that
seal and open find it (keyring_of). Two apps with different keys run side by side in one process."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from alliance.errors import AllianceError

if TYPE_CHECKING:
    from alliance.config import Settings

PREFIX = "f1:"
_INFO = b"alliance secrets at rest v1"


class SecretUnreadable(AllianceError):
    """A stored secret none of the configured keys opens: the secret key changed without listing the
    old one. Said as it is (a 503 page), never a traceback."""

    code = "secret_unreadable"


def derive_key(secret_key: str) -> bytes:
    """The Fernet key for a configured secret key (HKDF: the cookie-signing key is never used as is)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


class Keyring:
    """The current key (seals) and the old ones (open only)."""

    def __init__(self, secret_key: str, old_keys: Sequence[str] = ()) -> None:
        if not secret_key:
            raise ValueError("a secret key is needed to seal secrets")
        self._fernet = MultiFernet([Fernet(derive_key(key)) for key in (secret_key, *old_keys) if key])

    def seal(self, plaintext: str) -> str:
        return PREFIX + self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, stored: str) -> str:
        if not is_sealed(stored):
            raise SecretUnreadable("A stored secret is not encrypted: run `alliance db upgrade` (migration 0030 encrypts stored secrets).")
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise SecretUnreadable(
                "A stored secret cannot be decrypted with the configured ALLIANCE_SECRET_KEY. If the key was changed, "
                "list the previous one in ALLIANCE_OLD_SECRET_KEYS (README, Configuration)."
            ) from exc

    def reseal(self, stored: str) -> str:
        """The value sealed under the current key (a plaintext is sealed; an old key's token re-sealed)."""
        return self.seal(self.open(stored) if is_sealed(stored) else stored)


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def keyring_of(session: Session) -> Keyring:
    """The keys of the database the session came from (Database puts them in session.info). A
    session of a Database made without keys (a script, a migration run by Alembic) uses the
    environment's settings."""
    found = session.info.get("keyring")
    return found if isinstance(found, Keyring) else default_keyring()


def keyring_for(settings: Settings) -> Keyring:
    """The keys the settings name (ALLIANCE_SECRET_KEY seals; ALLIANCE_OLD_SECRET_KEYS only open)."""
    return Keyring(settings.resolved_secret_key(), settings.old_secret_key_list())


def default_keyring() -> Keyring:
    """The keys of the environment's settings."""
    from alliance.config import get_settings

    return keyring_for(get_settings())


def reseal_column(connection: Connection, table: str, column: str, *, keys: Keyring | None = None) -> int:
    """Seal every value of `table.column` under the current key (plaintexts included); returns how
    many rows changed. A value no key opens raises SecretUnreadable and nothing is written. No
    keys given: the environment's (the CLI's, a migration's)."""
    target = sa.table(table, sa.column("id"), sa.column(column))
    rows = connection.execute(sa.select(target.c.id, target.c[column]).where(target.c[column].is_not(None))).all()
    if not rows:
        return 0  # a new database: no key needed (none is generated)
    keys = keys or default_keyring()
    changes = [{"row_id": row_id, "sealed": keys.reseal(value)} for row_id, value in rows]
    if changes:
        statement = sa.update(target).where(target.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("sealed")})
        connection.execute(statement, changes)
    return len(changes)
