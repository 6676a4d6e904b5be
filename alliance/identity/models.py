from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, register_enum_columns
from alliance.identity.password_links import AccountStatus, LinkPurpose, account_status
from alliance.identity.scope import Role
from alliance.identity.two_factor import SignInMethod
from alliance.identity.user_sessions import USER_AGENT_LENGTH, SessionEnd

register_enum_columns({Role: 32, SessionEnd: 32, LinkPurpose: 16, SignInMethod: 16})


class User(PartnerOwned, TimestampMixin, Base):
    """Vendor staff have no partner; partner users belong to exactly one (a partner scope hides staff)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role]
    # Vendor staff have no partner: the one partner-owned column that may be NULL.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)  # type: ignore[assignment]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # IANA zone of the person's daily digest; None: the deployment's ALLIANCE_TIME_ZONE.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    @property
    def status(self) -> AccountStatus:
        return account_status(is_active=self.is_active, has_password=self.password_hash is not None)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class UserSession(Base):
    """A web login: the cookie carries a random token, this row its SHA-256. Accepted until revoked,
    idle for longer than the idle timeout, or past expires_at (the absolute timeout)."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_live", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[SessionEnd | None]
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_LENGTH))
    ip: Mapped[str | None] = mapped_column(String(64))
    # Password alone, password and a TOTP code, or an identity provider: "two-factor required" reads it.
    sign_in_method: Mapped[SignInMethod] = mapped_column(default=SignInMethod.PASSWORD, server_default=SignInMethod.PASSWORD.value)


class LoginAttempt(Base):
    """Failed logins per account, counted over a sliding window for throttling."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_email_at", "email", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    attempted_at: Mapped[datetime]
    succeeded: Mapped[bool]
    client: Mapped[str | None] = mapped_column(String(64))


class PasswordLink(Base):
    """A single-use link to set a password (an invitation or a reset): its token's SHA-256 only
    (identity/password_links.py), whom it is for, until when, and when it was used or replaced."""

    __tablename__ = "password_links"
    __table_args__ = (Index("ix_password_links_user_purpose", "user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[LinkPurpose]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class PasswordResetRequest(Base):
    """Every "forgot my password" request, known address or not, for throttling per address and client."""

    __tablename__ = "password_reset_requests"
    __table_args__ = (
        Index("ix_password_reset_requests_email_at", "email", "requested_at"),
        Index("ix_password_reset_requests_client_at", "client", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    client: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime]


class TwoFactor(Aggregate, Base):
    """A user's TOTP authenticator: its base32 secret, since when it is confirmed (an unconfirmed
    row is an enrolment in progress), and the last time step a code was accepted for (no replay)."""

    __tablename__ = "user_two_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # The base32 secret, stored encrypted: sealed and opened with the session's keys (kit/encryption.py, keyring_of).
    secret_sealed: Mapped[str] = mapped_column("secret", String(255))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(AggregatePart, Base):
    """One single-use recovery code of an authenticator, as an argon2 hash."""

    __tablename__ = "two_factor_recovery_codes"
    root_table, root_column = "user_two_factor", "two_factor_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    two_factor_id: Mapped[int] = mapped_column(ForeignKey("user_two_factor.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None]


class SignInSettings(Aggregate, Base):
    """The deployment's sign-in policy, one row (id 1): program admins change it."""

    __tablename__ = "sign_in_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    require_vendor_two_factor: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]
