"""SAML 2.0, the service provider's side, with pysaml2 (its signatures through the xmlsec1 tool):
the SP metadata, the AuthnRequest (HTTP-Redirect, signed with the SP's key), and the Response
posted back, accepted only with a signed assertion (encrypted to the SP's key, or not) for this SP
(audience), sent to this ACS (recipient, destination), within its validity (NotBefore/NotOnOrAfter,
a minute of skew) and in response to our own request. Replays are refused by the caller, which
remembers each assertion id (sso.service). Single Logout: the SP's signed LogoutRequest, and the
identity provider's LogoutRequest accepted only when signed with its metadata's key."""

from __future__ import annotations

import base64
import functools
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, samlp
from saml2 import request as saml2_request
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.s_utils import decode_base64_and_inflate
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

CLOCK_SKEW_SECONDS = 60
METADATA_PATH = "/sso/saml/metadata"
ACS_PATH = "/sso/saml/acs"
SLO_PATH = "/sso/saml/slo"
CERTIFICATE_YEARS = 10
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
    session: SamlSession | None = None


@dataclass(frozen=True)
class SamlSession:
    """What a LogoutRequest for this sign-in names: the subject as the provider sent it, and its session."""

    name_id: str
    name_id_format: str | None
    session_index: str | None


@dataclass(frozen=True)
class SpKeys:
    """The service provider's key pair (PEM files): signs its requests, decrypts assertions."""

    key_file: Path
    cert_file: Path

    def ensure(self, entity_name: str = "Alliance SAML service provider") -> SpKeys:
        """Generate the pair at first use (a 0600 key, a self-signed certificate for ten years)."""
        if self.key_file.exists() and self.cert_file.exists():
            return self
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, entity_name)])
        now = datetime.now(UTC)
        builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        builder = builder.serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
        cert = builder.not_valid_after(now + timedelta(days=365 * CERTIFICATE_YEARS)).sign(key, hashes.SHA256())
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
        with os.fdopen(os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as written:
            written.write(pem)
        self.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return self


@functools.lru_cache(maxsize=64)  # parsing the metadata and loading the keys costs more than the check itself
def _config(base_url: str, idp_metadata: str | None, keys: SpKeys | None = None) -> SPConfig:
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise SamlError("SAML needs the xmlsec1 program on the server (scripts/bootstrap.sh installs it).")
    settings: dict[str, Any] = {
        "entityid": base_url + METADATA_PATH,
        "xmlsec_binary": xmlsec,
        "accepted_time_diff": CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [(base_url + ACS_PATH, BINDING_HTTP_POST)],
                    "single_logout_service": [(base_url + SLO_PATH, BINDING_HTTP_REDIRECT), (base_url + SLO_PATH, BINDING_HTTP_POST)],
                },
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": keys is not None,
                "logout_requests_signed": keys is not None,
                "allow_unsolicited": False,
                "name_id_format": NAMEID_FORMAT_EMAILADDRESS,
            }
        },
    }
    if keys is not None:
        keys.ensure()
        settings["key_file"], settings["cert_file"] = str(keys.key_file), str(keys.cert_file)
        settings["encryption_keypairs"] = [{"key_file": str(keys.key_file), "cert_file": str(keys.cert_file)}]
    if idp_metadata:
        settings["metadata"] = {"inline": [idp_metadata]}
    config = SPConfig()
    config.load(settings)
    return config


def sp_metadata(base_url: str, keys: SpKeys) -> str:
    """Entity ID, ACS, SLO, AuthnRequestsSigned, and the certificate for signing and for encryption."""
    return str(entity_descriptor(_config(base_url, None, keys)))


@functools.lru_cache(maxsize=64)
def idp_entity_id(idp_metadata: str) -> str:
    client = Saml2Client(config=_config("https://sp.invalid", idp_metadata))
    found = list(client.metadata.identity_providers())
    if len(found) != 1:
        raise SamlError("The metadata must describe exactly one identity provider.")
    return str(found[0])


def new_request_id() -> str:
    """An id for our next request (an xs:ID: it starts with a letter), known before it is signed."""
    return "id-" + os.urandom(16).hex()


def authentication_request(base_url: str, idp_metadata: str, *, keys: SpKeys, request_id: str, relay_state: str) -> str:
    """Where to send the browser: an HTTP-Redirect AuthnRequest, signed (the signature covers the RelayState)."""
    client = Saml2Client(config=_config(base_url, idp_metadata, keys))
    _, info = client.prepare_for_authenticate(
        entityid=idp_entity_id(idp_metadata), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT, message_id=request_id, sign=True, sigalg=SIG_RSA_SHA256
    )
    return str(dict(info["headers"])["Location"])


def accept_response(base_url: str, idp_metadata: str, *, keys: SpKeys, saml_response: str, request_id: str, now: datetime) -> Accepted:
    client = Saml2Client(config=_config(base_url, idp_metadata, keys))
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
    statements = response.assertion.authn_statement or []
    session = None
    if subject is not None and subject.text:
        index = statements[0].session_index if statements else None
        session = SamlSession(name_id=str(subject.text), name_id_format=subject.format, session_index=str(index) if index else None)
    return Accepted(assertion_id=str(response.assertion.id), valid_until=now + timedelta(days=1), claims=claims, session=session)


def logout_request(base_url: str, idp_metadata: str, *, keys: SpKeys, signed_in: SamlSession) -> str | None:
    """Where to send the browser to sign out at the identity provider too: a signed HTTP-Redirect
    LogoutRequest; None when its metadata has no Single Logout service."""
    client = Saml2Client(config=_config(base_url, idp_metadata, keys))
    idp = idp_entity_id(idp_metadata)
    services = client.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")
    if not services:
        return None
    destination = str(services[0]["location"])
    _, request = client.create_logout_request(
        destination,
        idp,
        name_id=NameID(text=signed_in.name_id, format=signed_in.name_id_format),
        session_indexes=[signed_in.session_index] if signed_in.session_index else None,
        message_id=new_request_id(),
        sign=False,
    )
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, relay_state="", sign=True, sigalg=SIG_RSA_SHA256)
    return str(dict(info["headers"])["Location"])


@dataclass(frozen=True)
class IdpLogout:
    """A verified LogoutRequest of the identity provider: whom to sign out, and where the answer goes."""

    name_id: str
    response_location: str


def accept_logout_request(base_url: str, idp_metadata: str, *, keys: SpKeys, saml_request: str, binding: str, query: dict[str, str]) -> IdpLogout:
    """The identity provider's LogoutRequest, accepted only when signed with a key of its metadata
    (the query signature for HTTP-Redirect, the XML signature for HTTP-POST) and from that provider;
    the answer to send back is a signed LogoutResponse."""
    client = Saml2Client(config=_config(base_url, idp_metadata, keys))
    receivers = client.config.endpoint("single_logout_service", binding, "sp")
    parsed = saml2_request.LogoutRequest(client.sec, receivers, client.config.attribute_converters, timeslack=CLOCK_SKEW_SECONDS)
    try:
        xml = client.unravel(saml_request, binding, saml2_request.LogoutRequest.msgtype)
        loaded = parsed.loads(
            xml, binding, origdoc=saml_request, must=True, relay_state=query.get("RelayState"), sigalg=query.get("SigAlg"), signature=query.get("Signature")
        )
        if not loaded or not loaded.verify():
            raise SamlError("The identity provider's sign-out request is not valid.")
    except SamlError:
        raise
    except Exception as exc:  # pysaml2 raises many unrelated types; each means "not acceptable"
        raise SamlError(f"The identity provider's sign-out request cannot be accepted ({type(exc).__name__}).") from exc
    message = loaded.message
    if message.issuer is None or message.issuer.text != idp_entity_id(idp_metadata) or message.name_id is None or not message.name_id.text:
        raise SamlError("The sign-out request does not come from this connection's identity provider.")
    response = client.create_logout_response(message, bindings=[BINDING_HTTP_REDIRECT], sign=False)
    destination = response.destination
    info = client.apply_binding(
        BINDING_HTTP_REDIRECT, str(response), destination, relay_state=query.get("RelayState", ""), response=True, sign=True, sigalg=SIG_RSA_SHA256
    )
    return IdpLogout(name_id=str(message.name_id.text), response_location=str(dict(info["headers"])["Location"]))


def _first(identity: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        values = identity.get(name)
        if values:
            return str(values[0])
    return None


def logout_request_issuer(saml_request: str, binding: str) -> str | None:
    """The issuer a LogoutRequest names, read before its signature is checked (to know whose key
    checks it); None when it is not a LogoutRequest."""
    try:
        xml = decode_base64_and_inflate(saml_request) if binding == BINDING_HTTP_REDIRECT else base64.b64decode(saml_request)
        message = samlp.logout_request_from_string(xml)
    except Exception:  # not base64, not deflated, not XML: not a sign-out request
        return None
    return str(message.issuer.text) if message is not None and message.issuer is not None and message.issuer.text else None
