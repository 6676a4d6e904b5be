"""Secrets at rest (OIDC client secrets, TOTP secrets): sealed with Fernet (AES-128-CBC + HMAC-SHA256)
under a key derived from ALLIANCE_SECRET_KEY. Earlier keys listed in ALLIANCE_OLD_SECRET_KEYS still
open what they sealed (MultiFernet), so the secret key can be rotated; `alliance db reseal-secrets`
then seals everything under the current key. A stored value is "f1:" + a Fernet token: anything
else is a plaintext left from before migration 0030, which seals it."""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import Connection

from alliance.errors import AllianceError

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


_lock = threading.Lock()
_current: Keyring | None = None


def configure(secret_key: str, old_keys: Sequence[str] = ()) -> Keyring:
    """Use these keys in this process (the app and the CLI call it with their settings)."""
    global _current
    keyring = Keyring(secret_key, old_keys)
    with _lock:
        _current = keyring
    return keyring


def keyring() -> Keyring:
    """The configured keyring; unconfigured (a script, a migration run by Alembic), the settings'."""
    with _lock:
        found = _current
    if found is not None:
        return found
    from alliance.config import get_settings

    settings = get_settings()
    return configure(settings.resolved_secret_key(), settings.old_secret_key_list())


def seal(plaintext: str | None) -> str | None:
    return None if plaintext is None else keyring().seal(plaintext)


def open_sealed(stored: str | None) -> str | None:
    return None if stored is None else keyring().open(stored)


def reseal_column(connection: Connection, table: str, column: str, *, keys: Keyring | None = None) -> int:
    """Seal every value of `table.column` under the current key (plaintexts included); returns how
    many rows changed. A value no key opens raises SecretUnreadable and nothing is written."""
    target = sa.table(table, sa.column("id"), sa.column(column))
    rows = connection.execute(sa.select(target.c.id, target.c[column]).where(target.c[column].is_not(None))).all()
    if not rows:
        return 0  # a new database: no key needed (none is generated)
    keys = keys or keyring()
    changes = [{"row_id": row_id, "sealed": keys.reseal(value)} for row_id, value in rows]
    if changes:
        statement = sa.update(target).where(target.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("sealed")})
        connection.execute(statement, changes)
    return len(changes)
