"""SAML 2.0, the service provider's side, with pysaml2 (its signatures through the xmlsec1 tool):
the SP metadata, the AuthnRequest (HTTP-Redirect), and the Response posted back, accepted only
with a signed assertion for this SP (audience), sent to this ACS (recipient, destination), within
its validity (NotBefore/NotOnOrAfter, a minute of skew) and in response to our own request.
Replays are refused by the caller, which remembers each assertion id (sso.service)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS

CLOCK_SKEW_SECONDS = 60
METADATA_PATH = "/sso/saml/metadata"
ACS_PATH = "/sso/saml/acs"
EMAIL_ATTRIBUTES = ("email", "mail", "emailaddress", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
NAME_ATTRIBUTES = ("name", "displayname", "displayName", "http://schemas.microsoft.com/identity/claims/displayname")
GROUP_ATTRIBUTES = ("groups", "memberOf", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups")


class SamlError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Accepted:
    assertion_id: str
    valid_until: datetime
    claims: dict[str, Any]


def _config(base_url: str, idp_metadata: str | None) -> SPConfig:
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise SamlError("SAML needs the xmlsec1 program on the server (scripts/bootstrap.sh installs it).")
    settings: dict[str, Any] = {
        "entityid": base_url + METADATA_PATH,
        "xmlsec_binary": xmlsec,
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(base_url + ACS_PATH, BINDING_HTTP_POST)]},
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": False,
                "allow_unsolicited": False,
                "name_id_format": NAMEID_FORMAT_EMAILADDRESS,
            }
        },
    }
    if idp_metadata:
        settings["metadata"] = {"inline": [idp_metadata]}
    config = SPConfig()
    config.load(settings)
    return config


def sp_metadata(base_url: str) -> str:
    return str(entity_descriptor(_config(base_url, None)))


def idp_entity_id(idp_metadata: str) -> str:
    client = Saml2Client(config=_config("https://sp.invalid", idp_metadata))
    found = list(client.metadata.identity_providers())
    if len(found) != 1:
        raise SamlError("The metadata must describe exactly one identity provider.")
    return str(found[0])


def authentication_request(base_url: str, idp_metadata: str, *, relay_state: str) -> tuple[str, str]:
    """(the request id, where to send the browser) for an HTTP-Redirect AuthnRequest."""
    client = Saml2Client(config=_config(base_url, idp_metadata))
    request_id, info = client.prepare_for_authenticate(entityid=idp_entity_id(idp_metadata), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT)
    return str(request_id), dict(info["headers"])["Location"]


def accept_response(base_url: str, idp_metadata: str, *, saml_response: str, request_id: str, now: datetime) -> Accepted:
    client = Saml2Client(config=_config(base_url, idp_metadata))
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"})
    except Exception as exc:  # pysaml2 raises a dozen unrelated types; each means "not acceptable"
        raise SamlError(f"The identity provider's SAML answer cannot be accepted ({type(exc).__name__}: {str(exc)[:200]}).") from exc
    if response is None or response.assertion is None:
        raise SamlError("The identity provider's SAML answer has no assertion.")
    if not response.assertion.signature and not response.response.signature:
        raise SamlError("The identity provider's SAML assertion is not signed.")
    identity: dict[str, Any] = dict(response.get_identity() or {})
    subject = response.get_subject()
    email = _first(identity, EMAIL_ATTRIBUTES) or (subject.text if subject is not None and subject.format == NAMEID_FORMAT_EMAILADDRESS else None)
    groups: list[str] = []
    for name in GROUP_ATTRIBUTES:
        groups.extend(str(v) for v in identity.get(name, []))
    claims = {
        "sub": subject.text if subject is not None else None,
        "email": email,
        "email_verified": email is not None,  # the provider vouches for the address it asserts
        "name": _first(identity, NAME_ATTRIBUTES),
        "groups": groups,
    }
    return Accepted(assertion_id=str(response.assertion.id), valid_until=now + timedelta(days=1), claims=claims)


def _first(identity: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        values = identity.get(name)
        if values:
            return str(values[0])
    return None
