"""Web login sessions as rules: when a session has ended, when its last-seen time is worth a write,
and the random token the cookie carries (the database keeps only its SHA-256)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance.config import Settings

# A request refreshes last_seen_at at most this often: reads stay reads. The idle timeout is
# therefore exact to within this interval (a session may end up to a minute early).
TOUCH_INTERVAL = timedelta(minutes=1)
USER_AGENT_LENGTH = 300


class SessionEnd(StrEnum):
    """Why a session stopped being accepted (stored for revocations; timeouts are computed)."""

    LOGGED_OUT = "logged_out"
    SIGNED_OUT = "signed_out"  # ended from the session list
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    PASSWORD_CHANGED = "password_changed"
    ROLE_CHANGED = "role_changed"
    DEACTIVATED = "deactivated"
    IDLE = "idle"
    EXPIRED = "expired"


SESSION_END_WORDS = {
    SessionEnd.LOGGED_OUT: "logged out",
    SessionEnd.SIGNED_OUT: "signed out from the session list",
    SessionEnd.SIGNED_OUT_EVERYWHERE: "signed out everywhere",
    SessionEnd.PASSWORD_CHANGED: "password changed",
    SessionEnd.ROLE_CHANGED: "role changed",
    SessionEnd.DEACTIVATED: "user deactivated",
    SessionEnd.IDLE: "idle for longer than the idle timeout",
    SessionEnd.EXPIRED: "older than the absolute timeout",
}


@dataclass(frozen=True)
class SessionPolicy:
    """The two timeouts, from settings: idle (since the last request) and absolute (since login)."""

    idle: timedelta
    lifetime: timedelta

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.lifetime <= timedelta(0):
            raise ValueError("session timeouts must be positive")

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(idle=timedelta(minutes=settings.session_idle_timeout_minutes), lifetime=timedelta(hours=settings.session_absolute_timeout_hours))


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def end_of(*, revoked_reason: SessionEnd | None, expires_at: datetime, last_seen_at: datetime, now: datetime, policy: SessionPolicy) -> SessionEnd | None:
    """Why the session is no longer accepted at `now`, or None while it is live."""
    if revoked_reason is not None:
        return revoked_reason
    if now >= expires_at:
        return SessionEnd.EXPIRED
    if now - last_seen_at >= policy.idle:
        return SessionEnd.IDLE
    return None


def touch_due(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_INTERVAL


# (substring of the lower-cased User-Agent, name), first match wins: Edge says "chrome/" too, Chrome says "safari/".
BROWSERS = (("edg/", "Edge"), ("firefox/", "Firefox"), ("chrome/", "Chrome"), ("safari/", "Safari"), ("curl/", "curl"))
SYSTEMS = (("android", "Android"), ("iphone", "iOS"), ("ipad", "iOS"), ("windows", "Windows"), ("mac os", "macOS"), ("linux", "Linux"))


def describe_client(user_agent: str | None) -> str:
    """'Firefox on Linux' from a User-Agent header: enough to recognise one's own devices."""
    if not user_agent:
        return "Unknown client"
    text = user_agent.lower()
    browser = next((name for needle, name in BROWSERS if needle in text), None)
    system = next((name for needle, name in SYSTEMS if needle in text), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:60]
