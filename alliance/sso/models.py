"""Single sign-on connections as data: whose identity provider, for which e-mail domains, how its
groups map to roles, and the identities it has signed in (subject -> user)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from alliance.db import Aggregate, AggregatePart, Base, PartnerOwned, TimestampMixin, register_enum_columns
from alliance.identity.scope import Role
from alliance.sso.vocabulary import DomainProof, SsoProtocol

register_enum_columns({SsoProtocol: 8, DomainProof: 8})


class SsoConnection(Aggregate, PartnerOwned, TimestampMixin, Base):
    """One identity provider: the vendor's own (no partner) or a partner's, bound to that partner
    for good. `sso_required` turns password login off for the users at its domains."""

    __tablename__ = "sso_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The vendor's own connection has no partner: the one partner-owned column that may be NULL.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)  # type: ignore[assignment]
    name: Mapped[str] = mapped_column(String(120))
    protocol: Mapped[SsoProtocol]
    is_enabled: Mapped[bool] = mapped_column(default=True)
    sso_required: Mapped[bool] = mapped_column(default=False)
    # OpenID Connect: discovery from the issuer, a confidential client.
    issuer: Mapped[str | None] = mapped_column(String(500))
    client_id: Mapped[str | None] = mapped_column(String(255))
    # Stored encrypted: sealed and opened with the session's keys (kit/encryption.py, keyring_of).
    client_secret_sealed: Mapped[str | None] = mapped_column("client_secret", Text)
    # SAML 2.0: the identity provider's metadata document.
    idp_metadata: Mapped[str | None] = mapped_column(Text)
    # [{"claim": "groups", "value": "alliance-admins", "role": "partner_admin"}, ...]: the first match wins.
    role_mapping: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The role of a user no rule matches; None: such a user is refused.
    default_role: Mapped[Role | None]
    scim_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scim_token_prefix: Mapped[str | None] = mapped_column(String(16))


class SsoDomain(AggregatePart, Base):
    """An e-mail domain a connection answers for; a domain belongs to one connection at most. It
    counts (discovery, "SSO required", who may sign in) only once verified: by the DNS TXT record
    carrying its token (domain_verification.py), or by a program admin's word with a reason."""

    __tablename__ = "sso_domains"
    root_table, root_column = "sso_connections", "connection_id"
    # Several connections may claim a domain while none has proven it (a claim must never block the
    # domain's real owner); once proven it is one connection's alone.
    __table_args__ = (
        UniqueConstraint("connection_id", "domain"),
        Index(
            "uq_sso_domains_verified_domain",
            "domain",
            unique=True,
            sqlite_where=text("verified_at IS NOT NULL"),
            postgresql_where=text("verified_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("sso_connections.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253))
    verified_at: Mapped[datetime | None]
    verification_token: Mapped[str] = mapped_column(String(64))
    verified_by: Mapped[DomainProof | None]


class SsoIdentity(Base):
    """Who an identity provider's subject is here: set at the first sign-in or by SCIM."""

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("connection_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("sso_connections.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None]


class SamlAssertionSeen(Base):
    """Each SAML assertion id accepted, kept past its validity: the same assertion twice is a replay."""

    __tablename__ = "saml_assertions_seen"

    id: Mapped[int] = mapped_column(primary_key=True)
    assertion_id: Mapped[str] = mapped_column(String(255), unique=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("sso_connections.id", ondelete="CASCADE"), index=True)
    keep_until: Mapped[datetime]
