"""API bearer tokens: random, shown once, stored as SHA-256 (they carry 256 bits of entropy)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "alk_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def display_prefix(token: str) -> str:
    return token[:12]
