"""The closed vocabularies of single sign-on."""

from __future__ import annotations

from enum import StrEnum


class SsoProtocol(StrEnum):
    OIDC = "oidc"
    SAML = "saml"

    @property
    def label(self) -> str:
        return {SsoProtocol.OIDC: "OpenID Connect", SsoProtocol.SAML: "SAML 2.0"}[self]
