"""What an administrator types to set up a single sign-on connection."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alliance.identity.scope import Role
from alliance.sso.provisioning import normalise_domain
from alliance.sso.vocabulary import SsoProtocol


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
    domains: list[str] = Field(min_length=1, max_length=20, description="The e-mail domains it answers for (one connection per domain)")
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


class ConnectionSwitches(BaseModel):
    model_config = ConfigDict(extra="forbid")

    is_enabled: bool
    sso_required: bool
