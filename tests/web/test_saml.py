"""SAML 2.0 single sign-on against pysaml2's own identity provider (tests/idp/saml_idp.py): SP
metadata, a signed assertion signs in and provisions just in time; an unsigned one, one for another
audience, a replayed, an expired and a tampered one and one for another organisation's address are
refused with a clear page. AuthnRequests are signed, encrypted assertions accepted, and Single
Logout works both ways."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from alliance.identity.models import User
from alliance.identity.scope import PartnerScope
from alliance.sso.models import SsoConnection
from tests.factories.sso import verify_domains
from tests.idp.provider import missing
from tests.idp.saml_idp import ENTITY_ID
from tests.service.test_sessions import events
from tests.web.client import post, soup


@pytest.fixture(autouse=True)
def _xmlsec1() -> None:
    if shutil.which("xmlsec1") is None:
        missing("SAML needs xmlsec1 (scripts/bootstrap.sh installs it)")


DOMAIN = "harbor-saml.example"


def set_up(client, login, world, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.idp.saml_idp import SamlIdentityProvider

    metadata = client.get("/sso/saml/metadata")
    assert metadata.status_code == 200 and "http://testserver/sso/saml/acs" in metadata.text
    idp = SamlIdentityProvider(tmp_path, metadata.text)
    login("admin")
    form = {
        "name": "Harbor Bridge SSO",
        "protocol": "saml",
        "partner_id": str(world.a.id),
        "domains": DOMAIN,
        "idp_metadata": idp.metadata,
        "rule-0-claim": "groups",
        "rule-0-value": "alliance-admins",
        "rule-0-role": "partner_admin",
        "default_role": "partner_user",
    }
    assert post(client, "/console/sign-in/connections", {**form, "idp_metadata": "<not metadata/>"}).status_code == 422
    assert post(client, "/console/sign-in/connections", form).status_code == 303
    verify_domains(world.db)
    client.cookies.clear()
    client.csrf_token = None
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return idp, int(session.scalars(select(SsoConnection.id)).one())


def answer(client, idp, connection_id: int, **kwargs):  # type: ignore[no-untyped-def]
    start = client.get(f"/sso/{connection_id}/start?next=/portal/users", follow_redirects=False)
    assert start.status_code == 303 and "SAMLRequest=" in start.headers["location"]
    acs, saml_response, relay = idp.answer(start.headers["location"], **kwargs)
    return urlsplit(acs).path, {"SAMLResponse": saml_response, "RelayState": relay}


def test_a_signed_assertion_signs_in_once_and_anything_else_is_refused_then_single_logout_both_ways(client, login, world, tmp_path):
    idp, connection_id = set_up(client, login, world, tmp_path)
    metadata = client.get("/sso/saml/metadata").text
    assert 'AuthnRequestsSigned="true"' in metadata and 'use="signing"' in metadata and 'use="encryption"' in metadata
    assert "http://testserver/sso/saml/slo" in metadata
    nina = {"email": [f"nina@{DOMAIN}"], "name": ["Nina Harbor"], "groups": ["alliance-admins"]}

    # The provider checks the AuthnRequest's signature against our metadata (a changed SigAlg breaks it).
    start = client.get(f"/sso/{connection_id}/start", follow_redirects=False).headers["location"]
    with pytest.raises(Exception, match="signed"):
        idp.answer(start.replace("rsa-sha256", "rsa-sha1"), identity=nina)

    # Signed and encrypted to our certificate: signs in, provisions just in time.
    acs, fields = answer(client, idp, connection_id, identity=nina, encrypt=True)
    assert "EncryptedAssertion" in base64.b64decode(fields["SAMLResponse"]).decode()
    signed_in = client.post(acs, data=fields, follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/portal/users", signed_in.text
    assert "Nina Harbor" in client.get("/portal/users").text
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        user = session.scalars(select(User).where(User.email == f"nina@{DOMAIN}")).one()
        assert (user.partner_id, user.role) == (world.a.id, "partner_admin")
    assert events(world.db, "user.logged_in")[-1].after == {
        "session": events(world.db, "user.logged_in")[-1].after["session"],
        "method": "sso",
        "via": "Harbor Bridge SSO",
    }
    signed_in_cookies = dict(client.cookies)

    client.cookies.clear()
    replayed = client.post(acs, data=fields, follow_redirects=False)
    assert replayed.status_code == 403 and "already used" in soup(replayed).select_one("#sso-error").get_text()

    acs, unsigned = answer(client, idp, connection_id, identity=nina, sign=False)
    refused = client.post(acs, data=unsigned, follow_redirects=False)
    assert refused.status_code == 403 and "Signature missing" in refused.text

    acs, elsewhere = answer(client, idp, connection_id, identity=nina, audience="https://another-sp.example/metadata")
    assert "AudienceRestrictions" in client.post(acs, data=elsewhere, follow_redirects=False).text

    acs, expired = answer(client, idp, connection_id, identity=nina, lifetime_minutes=-10)
    refused = client.post(acs, data=expired, follow_redirects=False)
    assert refused.status_code == 403 and "cannot be accepted" in soup(refused).select_one("#sso-error").get_text()

    acs, tampered = answer(client, idp, connection_id, identity=nina, tamper=("Nina Harbor", "Nina Hacker"))
    refused = client.post(acs, data=tampered, follow_redirects=False)
    assert refused.status_code == 403 and "cannot be accepted" in soup(refused).select_one("#sso-error").get_text()

    acs, foreign = answer(client, idp, connection_id, identity={"email": [world.emails["b_admin"]], "groups": ["alliance-admins"]})
    assert "does not belong to this connection" in client.post(acs, data=foreign, follow_redirects=False).text
    assert client.post(acs, data={"SAMLResponse": "x", "RelayState": "forged"}, follow_redirects=False).status_code == 400
    refusals = [event.reason for event in events(world.db, "sso.sign_in_refused")]
    assert len(refusals) == 6 and "already used" in refusals[0] and "Signature missing" in refusals[1]
    assert "cannot be accepted" in refusals[3] and "cannot be accepted" in refusals[4]

    # SP-initiated Single Logout: signed out here, then a signed LogoutRequest to the provider.
    client.cookies.clear()
    client.cookies.update(signed_in_cookies)
    client.csrf_token = None
    out = post(client, "/logout")
    assert out.status_code == 303 and out.headers["location"] == "/sso/logout"
    to_idp = client.get("/sso/logout", follow_redirects=False).headers["location"]
    assert to_idp.startswith(ENTITY_ID + "/slo?") and idp.read_logout_request(to_idp).name_id.text == f"nina@{DOMAIN}"
    assert client.get("/portal/users", follow_redirects=False).status_code == 303

    # IdP-initiated: an unsigned LogoutRequest is refused; a signed one ends the session.
    acs, again = answer(client, idp, connection_id, identity=nina)
    assert client.post(acs, data=again, follow_redirects=False).status_code == 303
    sp_slo, sp_entity = "http://testserver/sso/saml/slo", "http://testserver/sso/saml/metadata"
    unsigned = urlsplit(idp.logout_request(sp_slo, sp_entity, name_id=f"nina@{DOMAIN}", sign=False))
    assert client.get(f"{unsigned.path}?{unsigned.query}", follow_redirects=False).status_code == 403
    assert client.get("/portal/users", follow_redirects=False).status_code == 200
    signed = urlsplit(idp.logout_request(sp_slo, sp_entity, name_id=f"nina@{DOMAIN}"))
    answered = client.get(f"{signed.path}?{signed.query}", follow_redirects=False)
    assert answered.status_code == 303 and answered.headers["location"].startswith(ENTITY_ID + "/slo?SAMLResponse=")
    assert client.get("/portal/users", follow_redirects=False).status_code == 303
    assert events(world.db, "sessions.revoked")[-1].actor_label == "SSO: Harbor Bridge SSO"
