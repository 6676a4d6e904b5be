"""Settings; the only module that reads the environment."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path.cwd() / "var"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _known_zone(name: str) -> str:
    from alliance.kit.types import parse_time_zone  # kit imports the settings: read at validation time

    return parse_time_zone(name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALLIANCE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'alliance.db'}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    file_store_dir: Path = Field(
        default=DEFAULT_DATA_DIR / "files", description="Directory of uploaded files (blobs named by their SHA-256); back it up with the database"
    )
    file_store: Literal["local", "s3"] = Field(
        default="local", description="Where uploaded files are kept: local (ALLIANCE_FILE_STORE_DIR) or s3 (an S3-compatible bucket)"
    )
    file_store_s3_bucket: str = Field(default="", description="S3 store: the bucket (it must exist); credentials come from boto3's standard chain")
    file_store_s3_prefix: str = Field(default="", description="S3 store: prefix of every key, e.g. alliance/ to share a bucket")
    file_store_s3_endpoint_url: str = Field(default="", description="S3 store: endpoint of an S3-compatible server (MinIO, Ceph); empty: AWS")
    file_store_s3_region: str = Field(default="", description="S3 store: region; empty: boto3's (AWS_REGION, the shared config)")
    file_store_s3_path_style: bool = Field(default=False, description="S3 store: path-style URLs (most S3-compatible servers need them)")
    file_store_s3_presigned_downloads: bool = Field(
        default=False, description="S3 store: downloads answer with a redirect to a presigned URL (else streamed through Alliance, SHA-256 verified)"
    )
    file_store_s3_presign_seconds: int = Field(default=60, ge=1, le=3600, description="S3 store: how long a presigned download URL works")
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, ge=1024, description="Largest accepted upload (a file over it is refused, nothing kept)")
    secret_key: str = Field(
        default="",
        description="Signs session cookies and encrypts stored secrets; generated into var/secret_key when empty",
    )
    old_secret_keys: str = Field(
        default="",
        description="Earlier secret keys, comma-separated: secrets they encrypted still open (key rotation; `alliance db reseal-secrets` re-encrypts)",
    )
    saml_sp_key_file: Path | None = Field(default=None, description="The SAML service provider's private key (PEM); unset: generated once into var/saml_sp.key")
    saml_sp_cert_file: Path | None = Field(
        default=None, description="The certificate of that key (PEM), published in the SP metadata; unset: generated beside it"
    )
    cookie_secure: bool = Field(default=False, description="Send the session cookie over HTTPS only")
    session_idle_timeout_minutes: int = Field(default=8 * 60, gt=0, le=366 * 24 * 60, description="A web session ends after this long without a request")
    session_absolute_timeout_hours: int = Field(default=14 * 24, gt=0, le=366 * 24, description="A web session ends this long after login, however active")
    login_max_failures: int = 5
    login_window_minutes: int = 15
    invitation_expiry_days: int = Field(default=7, ge=1, le=90, description="An invitation link works this many days (resending issues a new one)")
    reset_max_per_address: int = Field(default=3, ge=1, description="Password reset requests per address within the reset window")
    reset_max_per_client: int = Field(default=20, ge=1, description="Password reset requests per client IP within the reset window")
    reset_window_minutes: int = Field(default=15, gt=0, description="The password reset throttling window")
    sqlite_busy_timeout_ms: int = 15_000
    log_level: Annotated[LogLevel, BeforeValidator(lambda v: v.upper() if isinstance(v, str) else v)] = Field(
        default="INFO", description="Least severe log records written to stderr: DEBUG, INFO, WARNING, ERROR or CRITICAL"
    )
    max_request_bytes: int = Field(default=1_000_000, description="Largest accepted request body")
    worker_healthcheck_seconds: int = Field(
        default=60, ge=5, description="How long `serve --workers N` waits for a worker process to answer before replacing it"
    )
    outbox_stall_minutes: int = Field(
        default=10, ge=1, description="/readyz reports delivery as stalled when a message has been due this long (no worker is delivering)"
    )
    metrics_token: str | None = Field(
        default=None, description="When set, GET /metrics needs 'Authorization: Bearer <token>' (else leave /metrics to the proxy's allow list)"
    )
    time_zone: Annotated[str, AfterValidator(_known_zone)] = Field(
        default="UTC",
        description="IANA time zone in which a date or a time given without an offset is read (API and console filters, fields), e.g. Europe/Berlin",
    )
    vendor_name: str = Field(default="Alliance Software", min_length=1, max_length=200, description="The vendor's name as documents show it (the QBR cover)")
    fiscal_year_start_month: int = Field(
        default=1,
        ge=1,
        le=12,
        description="Month the vendor's fiscal year starts in (1 = January); reports' years, halves and quarters are fiscal. A year is named by the calendar year it ends in",
    )
    password_hash_profile: Literal["default", "fast"] = Field(
        default="default",
        description="argon2id cost of new password hashes: 'fast' (minimal parameters) is for test suites only",
    )

    # E-mail: without an SMTP host, messages are rendered and kept as "logged" (the console's mail log).
    smtp_host: str = Field(default="", description="SMTP server; empty: no mail leaves, the mail log shows what would have")
    smtp_port: int = Field(default=587, description="SMTP port (587 for STARTTLS, 465 for TLS, 25 for none)")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="starttls", description="none, starttls (upgrade after connecting) or tls (from the start)"
    )
    smtp_username: str = Field(default="", description="SMTP login; empty: no authentication")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, description="How long to wait for the SMTP server")
    mail_from: str = Field(default="Alliance <alliance@localhost>", description="The From of every e-mail; its domain ends each Message-ID")
    public_base_url: str = Field(default="http://127.0.0.1:8000", description="Where people reach Alliance: e-mail links start with it")
    digest_hour: int = Field(
        default=8, ge=0, le=23, description="Local hour (in each person's time zone, else ALLIANCE_TIME_ZONE) at which daily digests go out"
    )
    # The outbox worker (`alliance worker`, or the thread `alliance serve --worker` runs).
    worker_batch_size: int = Field(default=100, ge=1, le=10_000, description="Messages claimed at once")
    worker_poll_seconds: float = Field(default=2.0, gt=0, description="Pause when nothing is due")
    worker_lease_seconds: float = Field(default=300.0, gt=0, description="How long a claim lasts; a dead worker's messages wait this long")
    worker_record_every: int = Field(default=25, ge=1, description="Outcomes stored after this many messages (the most a killed worker sends twice)")
    worker_max_attempts: int = Field(default=8, ge=1, description="Attempts before a message is dead")
    worker_retry_first_seconds: float = Field(default=60.0, gt=0, description="Wait after the first failure; it doubles after each")
    worker_retry_longest_seconds: float = Field(default=6 * 3600.0, gt=0, description="Longest wait between attempts")
    # Webhooks (docs/webhooks.md): posted by the same worker.
    webhook_retry_schedule: str = Field(
        default="5,300,1800,7200,18000,36000,36000",
        pattern=r"^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$",
        description="Seconds to wait after each failed webhook attempt (comma-separated); when spent, the endpoint is disabled",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, description="How long to wait for a webhook endpoint to answer")
    serve_worker: bool | None = Field(default=None, description="`alliance serve` runs a worker thread: default on for SQLite, off for PostgreSQL")
    # Single sign-on domain verification (docs/sso.md): the TXT record is looked up over DNS.
    sso_dns_nameserver: str = Field(default="", description="DNS server asked for domain verification TXT records; empty: the system's resolvers")
    sso_dns_port: int = Field(default=53, ge=1, le=65535, description="Port of ALLIANCE_SSO_DNS_NAMESERVER")
    sso_dns_timeout_seconds: float = Field(default=5.0, gt=0, le=60, description="How long a domain verification lookup may take")

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.file_store == "s3" and not self.file_store_s3_bucket.strip():
            raise ValueError("ALLIANCE_FILE_STORE=s3 needs ALLIANCE_FILE_STORE_S3_BUCKET")
        return self

    def resolved_secret_key(self) -> str:
        """The configured key, or one generated once and kept beside the SQLite data."""
        if self.secret_key:
            return self.secret_key
        key_file = DEFAULT_DATA_DIR / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        DEFAULT_DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # Created 0600 from the start: the key also encrypts the stored secrets.
        with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as written:
            written.write(key)
        return key

    def old_secret_key_list(self) -> list[str]:
        return [key.strip() for key in self.old_secret_keys.split(",") if key.strip()]

    def saml_sp_key_pair(self) -> tuple[Path, Path]:
        """(private key, certificate) files of the SAML service provider (generated when missing)."""
        key_file = self.saml_sp_key_file or DEFAULT_DATA_DIR / "saml_sp.key"
        return key_file, self.saml_sp_cert_file or key_file.with_suffix(".crt")


@lru_cache
def get_settings() -> Settings:
    return Settings()
