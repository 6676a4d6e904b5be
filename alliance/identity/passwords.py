"""argon2id password hashing (argon2-cffi defaults follow RFC 9106's recommendations).

The `fast` profile (tests only) hashes with minimal parameters. A hash names its own parameters,
so either profile verifies hashes made by the other, and `needs_rehash` upgrades them at login."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from alliance.config import get_settings

MIN_PASSWORD_LENGTH = 10


@lru_cache
def _hasher() -> PasswordHasher:
    if get_settings().password_hash_profile == "fast":
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


@lru_cache
def _dummy_hash() -> str:
    # Verifying against this keeps the response time of unknown accounts equal to known ones.
    return _hasher().hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
