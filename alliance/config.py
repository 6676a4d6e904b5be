"""Settings; the only module that reads the environment."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path.cwd() / "var"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _known_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a known IANA time zone (e.g. Europe/Berlin)") from None
    return name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALLIANCE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'alliance.db'}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    secret_key: str = Field(
        default="",
        description="Signs session cookies; generated into var/secret_key when empty",
    )
    cookie_secure: bool = Field(default=False, description="Send the session cookie over HTTPS only")
    session_max_age_seconds: int = 8 * 3600
    login_max_failures: int = 5
    login_window_minutes: int = 15
    sqlite_busy_timeout_ms: int = 15_000
    log_level: Annotated[LogLevel, BeforeValidator(lambda v: v.upper() if isinstance(v, str) else v)] = Field(
        default="INFO", description="Least severe log records written to stderr: DEBUG, INFO, WARNING, ERROR or CRITICAL"
    )
    max_request_bytes: int = Field(default=1_000_000, description="Largest accepted request body")
    time_zone: Annotated[str, AfterValidator(_known_zone)] = Field(
        default="UTC",
        description="IANA time zone in which a date or a time given without an offset is read (API and console filters, fields), e.g. Europe/Berlin",
    )
    password_hash_profile: Literal["default", "fast"] = Field(
        default="default",
        description="argon2id cost of new password hashes: 'fast' (minimal parameters) is for test suites only",
    )

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept beside the SQLite data."""
        if self.secret_key:
            return self.secret_key
        key_file = DEFAULT_DATA_DIR / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        DEFAULT_DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
