"""What an administrator types to set up a single sign-on connection."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alliance.identity.scope import Role
from alliance.sso.provisioning import normalise_domain
from alliance.sso.vocabulary import DomainProof, SsoProtocol


class RoleRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claim: str = Field(min_length=1, max_length=100)
    value: str = Field(min_length=1, max_length=200)
    role: Role


class ConnectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=120, description='Shown on the login page: "Continue with {name}"')
    protocol: SsoProtocol = SsoProtocol.OIDC
    partner_id: int | None = Field(default=None, description="The partner whose users it signs in; empty: the vendor's own staff")
    domains: list[str] = Field(min_length=1, max_length=20, description="The e-mail domains it answers for (a verified domain belongs to one connection)")
    issuer: str | None = Field(default=None, max_length=500)
    client_id: str | None = Field(default=None, max_length=255)
    client_secret: str | None = Field(default=None, max_length=500)
    idp_metadata: str | None = Field(default=None, max_length=200_000, description="SAML: the identity provider's metadata XML")
    role_mapping: list[RoleRuleIn] = Field(default_factory=list, max_length=50)
    default_role: Role | None = None
    sso_required: bool = False

    @field_validator("domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        try:
            return sorted({normalise_domain(domain) for domain in value})
        except ValueError as exc:
            raise ValueError(str(exc)) from exc

    @model_validator(mode="after")
    def _protocol_settings(self) -> ConnectionCreate:
        if self.protocol == SsoProtocol.OIDC and not (self.issuer and self.client_id and self.client_secret):
            raise ValueError("an OpenID Connect connection needs the issuer URL, the client id and the client secret")
        if self.protocol == SsoProtocol.SAML and not self.idp_metadata:
            raise ValueError("a SAML connection needs the identity provider's metadata XML")
        return self


class ConnectionUpdate(BaseModel):
    """What may change on a connection (all optional). `domains` is the whole new list: domains
    kept keep their proof, new ones start unverified with their own TXT record to publish."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=120)
    domains: list[str] | None = Field(default=None, min_length=1, max_length=20)
    role_mapping: list[RoleRuleIn] | None = Field(default=None, max_length=50)
    default_role: Role | None = Field(default=None, description="null: a user no rule matches is refused (and, signing in again, deactivated)")
    sso_required: bool | None = None
    is_enabled: bool | None = None

    @field_validator("domains")
    @classmethod
    def _domains(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else sorted({normalise_domain(domain) for domain in value})


class ManualVerification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=5, max_length=500, description="Why the domain is the organisation's without a DNS record (kept in the audit trail)")


class DomainRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    domain: str
    verified: bool
    verified_at: datetime | None
    verified_by: DomainProof | None
    txt_name: str = Field(description="Where to publish the TXT record (the domain itself)")
    txt_value: str = Field(description="The TXT record's value")


class ConnectionRead(BaseModel):
    """A connection as its pages, the API and the CLI show it (never its secrets)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    protocol: SsoProtocol
    partner_id: int | None
    partner_name: str | None
    is_enabled: bool
    sso_required: bool
    issuer: str | None
    client_id: str | None
    role_mapping: list[RoleRuleIn]
    default_role: Role | None
    domains: list[DomainRead]
    linked_users: int = Field(description="Users this connection signed in or provisioned; a connection with any cannot be deleted")
    scim_token_prefix: str | None
    updated_at: datetime
