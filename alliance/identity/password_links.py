"""Links that let a person set a password: an invitation or a password reset.

The link carries a token signed with the application's secret key over a random nonce. The outbox
keeps the nonce (the e-mail is rendered from it), the database keeps only the token's SHA-256: a
copy of the database alone cannot make a working link, and the token is checked by its digest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

SET_PASSWORD_PATH = "/password/set"
RESET_EXPIRY = timedelta(minutes=30)
NONCE_LENGTH = 32  # hex characters


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class AccountStatus(StrEnum):
    """How a user stands, derived (no column): deactivated, invited (no password yet), or active."""

    ACTIVE = "active"
    INVITED = "invited"
    DEACTIVATED = "deactivated"

    @property
    def label(self) -> str:
        return {AccountStatus.ACTIVE: "Active", AccountStatus.INVITED: "Invited", AccountStatus.DEACTIVATED: "Deactivated"}[self]


def account_status(*, is_active: bool, has_password: bool) -> AccountStatus:
    if not is_active:
        return AccountStatus.DEACTIVATED
    return AccountStatus.ACTIVE if has_password else AccountStatus.INVITED


def new_nonce() -> str:
    return secrets.token_hex(NONCE_LENGTH // 2)


def link_token(key: str, purpose: LinkPurpose, nonce: str) -> str:
    """The token a link carries: HMAC-SHA256 of the purpose and nonce under the secret key."""
    mac = hmac.new(key.encode(), f"alliance-password-link:{purpose.value}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def link_path(key: str, purpose: LinkPurpose, nonce: str) -> str:
    return f"{SET_PASSWORD_PATH}?token={link_token(key, purpose, nonce)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LinkState:
    """What stands in the way of using a link, if anything, in words for the person holding it."""

    used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime


def link_refusal(state: LinkState | None, *, now: datetime) -> str | None:
    """None when the link may be used now; otherwise why not (one sentence, the same for a link
    that never existed and one that was replaced, so a guess learns nothing)."""
    if state is None or state.revoked_at is not None:
        return "This link is not valid. Ask for a new one."
    if state.used_at is not None:
        return "This link has already been used. Ask for a new one if you still need to set your password."
    if now >= state.expires_at:
        return "This link has expired. Ask for a new one."
    return None


def retry_minutes(oldest: datetime | None, *, window: timedelta, now: datetime) -> int:
    """Whole minutes until the oldest counted request leaves the throttling window (at least 1)."""
    seconds = ((oldest or now) + window - now).total_seconds()
    return max(int(seconds // 60) + (1 if seconds % 60 else 0), 1)
