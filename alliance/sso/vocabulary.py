"""The closed vocabularies of single sign-on."""

from __future__ import annotations

from enum import StrEnum


class SsoProtocol(StrEnum):
    OIDC = "oidc"
    SAML = "saml"

    @property
    def label(self) -> str:
        return {SsoProtocol.OIDC: "OpenID Connect", SsoProtocol.SAML: "SAML 2.0"}[self]


class DomainProof(StrEnum):
    """How a connection's e-mail domain was shown to be its organisation's."""

    DNS = "dns"
    MANUAL = "manual"

    @property
    def label(self) -> str:
        return {DomainProof.DNS: "DNS TXT record", DomainProof.MANUAL: "marked by a program admin"}[self]
