"""A real SAML 2.0 identity provider for the tests: pysaml2's own IdP (saml2.server.Server) with a
fresh self-signed key, answering our SP's AuthnRequests (whose signatures it checks against the SP
metadata) with signed, optionally encrypted, assertions, and speaking Single Logout both ways."""

from __future__ import annotations

import base64
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import AUTHN_PASSWORD, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import SIG_RSA_SHA256

ENTITY_ID = "https://idp.harborbridge.example/saml"


def _key_pair(directory: Path) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test idp")])
    now = datetime.now(UTC)
    cert = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(1)
    cert = cert.not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256())
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


class SamlIdentityProvider:
    def __init__(self, directory: Path, sp_metadata: str) -> None:
        key_file, cert_file = _key_pair(directory)
        config = IdPConfig()
        config.load(
            {
                "entityid": ENTITY_ID,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": key_file,
                "cert_file": cert_file,
                "metadata": {"inline": [sp_metadata]},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(ENTITY_ID + "/sso", BINDING_HTTP_REDIRECT)],
                            "single_logout_service": [(ENTITY_ID + "/slo", BINDING_HTTP_REDIRECT)],
                        },
                        "want_authn_requests_signed": True,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic",
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    }
                },
            }
        )
        self.server = Server(config=config)
        self.metadata = str(entity_descriptor(config))

    def answer(
        self,
        redirect_location: str,
        *,
        identity: dict[str, Any],
        sign: bool = True,
        audience: str | None = None,
        encrypt: bool = False,
        lifetime_minutes: int = 5,
        tamper: tuple[str, str] | None = None,
    ) -> tuple[str, str, str]:
        """(ACS URL, SAMLResponse, RelayState) answering the AuthnRequest in `redirect_location`
        (refused unless signed by the SP's key). A negative lifetime makes an expired assertion;
        `tamper` replaces a text in the signed XML."""
        query = {key: values[0] for key, values in parse_qs(urlsplit(redirect_location).query).items()}
        request = self.server.parse_authn_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=query["RelayState"], sigalg=query["SigAlg"], signature=query["Signature"]
        ).message
        email = identity["email"][0]
        policy = self.server.config.getattr("policy", "idp")
        policy.get_lifetime = lambda sp_entity_id: {"minutes": lifetime_minutes}
        response = self.server.create_authn_response(
            identity=identity,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=audience or request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": ENTITY_ID},
            sign_assertion=sign,
            sign_response=False,
            encrypt_assertion=encrypt,
            encrypt_assertion_self_contained=True,
        )
        xml = str(response)
        if tamper is not None:
            assert tamper[0] in xml
            xml = xml.replace(tamper[0], tamper[1])
        return request.assertion_consumer_service_url, base64.b64encode(xml.encode()).decode(), query["RelayState"]

    def logout_request(self, sp_slo: str, sp_entity_id: str, *, name_id: str, sign: bool = True) -> str:
        """The redirect URL of an IdP-initiated LogoutRequest for `name_id` (signed, or not)."""
        _, request = self.server.create_logout_request(sp_slo, sp_entity_id, name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=name_id), sign=False)
        info = self.server.apply_binding(BINDING_HTTP_REDIRECT, str(request), sp_slo, relay_state="idp-relay", sign=sign, sigalg=SIG_RSA_SHA256)
        return str(dict(info["headers"])["Location"])

    def read_logout_request(self, redirect_location: str) -> Any:
        """The SP's LogoutRequest in `redirect_location`, its signature checked against the SP metadata."""
        query = {key: values[0] for key, values in parse_qs(urlsplit(redirect_location).query).items()}
        return self.server.parse_logout_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=query.get("RelayState"), sigalg=query["SigAlg"], signature=query["Signature"]
        ).message


__all__ = ["BINDING_HTTP_POST", "ENTITY_ID", "SamlIdentityProvider"]
