"""Single sign-on through a real OpenID Provider (oidc-provider on Node, tests/idp/): connections
set up in the console, home-realm discovery, just-in-time provisioning bounded to the connection's
own partner and partner roles (a hostile provider is refused), "SSO required", expired, tampered
and replayed answers refused with a clear page, and the provider rotating its signing key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from alliance.identity.models import User
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.sso import oidc
from alliance.sso.models import SsoConnection, SsoDomain
from alliance.sso.repository import SsoConnectionRepository
from tests.factories.sso import verify_domains
from tests.factories.world import PASSWORD
from tests.idp.provider import CLIENT_ID, CLIENT_SECRET, Provider, sign_out_at_provider, start_provider, through_provider
from tests.service.test_sessions import events
from tests.web.client import csrf_token, post, soup

DOMAIN = "northwind-sso.example"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    yield from start_provider(Path(tmp_path_factory.mktemp("idp")))


def accounts(world, **extra: dict) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    return {
        "nina": {"email": f"nina@{DOMAIN}", "email_verified": True, "name": "Nina Northwind", "groups": ["alliance-admins"]},
        "sam": {"email": f"sam@{DOMAIN}", "email_verified": True, "name": "Sam Staff", "groups": ["everyone"]},
        # Hostile: an address of partner B's, an unverified address, and a vendor group.
        "spoof": {"email": world.emails["b_admin"], "email_verified": True, "name": "Not B", "groups": ["alliance-admins"]},
        "unverified": {"email": f"eve@{DOMAIN}", "email_verified": False, "name": "Eve"},
        "vendorish": {"email": f"mallory@{DOMAIN}", "email_verified": True, "name": "Mallory", "groups": ["vendor-admins"]},
        **extra,
    }


def set_up_connection(client, login, world, provider: Provider, *, sso_required: bool = False) -> int:  # type: ignore[no-untyped-def]
    provider.configure(accounts=accounts(world))
    login("admin")
    a_domain = world.emails["a_user"].rpartition("@")[2]
    form = {
        "name": "Northwind SSO",
        "partner_id": str(world.a.id),
        "domains": f"{DOMAIN}, {a_domain}",
        "issuer": provider.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "rule-0-claim": "groups",
        "rule-0-value": "alliance-admins",
        "rule-0-role": "partner_admin",
        "default_role": "partner_user",
    }
    if sso_required:
        form["sso_required"] = "on"
    # A partner's connection cannot be set up to grant a vendor role.
    refused = post(client, "/console/sign-in/connections", {**form, "rule-1-claim": "groups", "rule-1-value": "vendor-admins", "rule-1-role": "program_admin"})
    assert refused.status_code == 422 and "can only grant partner roles" in refused.text
    created = post(client, "/console/sign-in/connections", form)
    assert created.status_code == 303, created.text
    verify_domains(world.db)
    page = soup(client.get("/console/sign-in"))
    row = page.select_one("#sso-connections tbody tr")
    assert "Northwind SSO" in row.get_text() and "Northwind Consulting" in row.get_text() and DOMAIN in row.get_text()
    client.cookies.clear()
    client.csrf_token = None
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return int(session.scalars(select(SsoConnection.id)).one())


def sign_in(client, connection_id: int, login: str, *, before_callback=None):  # type: ignore[no-untyped-def]
    start = client.get(f"/sso/{connection_id}/start?next=/portal/users", follow_redirects=False)
    assert start.status_code == 303, start.text
    back = through_provider(start.headers["location"], login=login, stop_at="http://testserver/")
    if before_callback is not None:
        before_callback()
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def user_at(world, email: str) -> User | None:  # type: ignore[no-untyped-def]
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        found = session.scalars(select(User).where(User.email == email)).first()
        if found is not None:
            session.expunge(found)
        return found


def test_discovery_then_just_in_time_provisioning_with_the_mapped_role(client, login, world, provider):
    connection_id = set_up_connection(client, login, world, provider)
    found = client.post("/login/sso", data={"email": f"nina@{DOMAIN}", "csrf_token": csrf_token(client)})
    assert soup(found).select_one("#sso-continue button").get_text(strip=True) == "Continue with Northwind SSO"
    assert client.post("/login/sso", data={"email": "x@elsewhere.example", "csrf_token": csrf_token(client)}).status_code == 404

    landed = sign_in(client, connection_id, "nina")
    assert landed.status_code == 303 and landed.headers["location"] == "/portal/users"
    nina = user_at(world, f"nina@{DOMAIN}")
    assert nina is not None and nina.partner_id == world.a.id and nina.role == "partner_admin" and nina.password_hash is None
    assert "Nina Northwind" in client.get("/portal/users").text
    [provisioned] = events(world.db, "user.provisioned")
    assert provisioned.entity_id == str(nina.id) and provisioned.actor_label == "SSO: Northwind SSO"
    assert events(world.db, "user.logged_in")[-1].after["method"] == "sso"

    # No group matched: the default role. The same subject again is the same user.
    client.cookies.clear()
    assert sign_in(client, connection_id, "sam").status_code == 303
    assert user_at(world, f"sam@{DOMAIN}").role == "partner_user"
    client.cookies.clear()
    assert sign_in(client, connection_id, "nina").status_code == 303
    assert len(events(world.db, "user.provisioned")) == 2


def test_a_hostile_provider_cannot_reach_another_partner_or_a_vendor_role(client, login, world, provider):
    connection_id = set_up_connection(client, login, world, provider)
    refused = sign_in(client, connection_id, "spoof")  # partner B's admin's address
    assert refused.status_code == 403 and "does not belong to this connection" in soup(refused).select_one("#sso-error").get_text()
    assert sign_in(client, connection_id, "unverified").status_code == 403

    # Even a mapping slipped past the form (straight into the database) cannot grant a vendor role,
    # nor can B's domain added to A's connection hand over B's users.
    with world.db.session_scope(PartnerScope.system(reason="test: misconfigured")) as session:
        connection = SsoConnectionRepository(session).get_for_change(connection_id)
        connection.role_mapping = [{"claim": "groups", "value": "vendor-admins", "role": "program_admin"}]
        session.add(
            SsoDomain(connection_id=connection_id, domain=world.emails["b_admin"].rpartition("@")[2], verified_at=clock.now(), verification_token="test")
        )
    vendorish = sign_in(client, connection_id, "vendorish")
    assert vendorish.status_code == 403 and "a role it may not grant" in vendorish.text
    assert "may not sign in this account" in sign_in(client, connection_id, "spoof").text

    assert user_at(world, f"mallory@{DOMAIN}") is None and user_at(world, f"eve@{DOMAIN}") is None
    assert len(events(world.db, "sso.sign_in_refused")) == 4
    assert events(world.db, "user.logged_in") == [] or all(e.after.get("method") != "sso" for e in events(world.db, "user.logged_in"))


def test_sso_required_turns_password_login_off_for_the_organisation(client, login, world, provider):
    set_up_connection(client, login, world, provider, sso_required=True)
    response = client.post("/login", data={"email": world.emails["a_user"], "password": PASSWORD, "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert response.status_code == 403
    page = soup(response)
    assert page.select_one("#sso-continue button").get_text(strip=True) == "Continue with Northwind SSO"
    assert page.find("input", {"name": "password"}) is None
    # Partner B's users and the vendor's still use passwords.
    login("b_user")


def test_expired_tampered_and_replayed_answers_are_refused_and_key_rotation_is_followed(client, login, world, provider, monkeypatch):
    connection_id = set_up_connection(client, login, world, provider)
    # Expired: the ID token lives five minutes (one more of clock skew is allowed); the callback
    # arrives, by our clock, eight minutes later (the sign-in itself may take ten).
    try:
        late = sign_in(client, connection_id, "nina", before_callback=lambda: clock.freeze(clock.now() + timedelta(minutes=8)))
    finally:
        clock.freeze(None)
    assert late.status_code == 403 and "expired" in soup(late).select_one("#sso-error").get_text().lower()

    # Tampered in flight: one character of the signature changed.
    real_exchange = oidc.exchange_code

    def tampered(*args, **kwargs):  # type: ignore[no-untyped-def]
        tokens = real_exchange(*args, **kwargs)
        token = tokens.id_token
        return oidc.Tokens(id_token=token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"), access_token=tokens.access_token)

    monkeypatch.setattr(oidc, "exchange_code", tampered)
    forged = sign_in(client, connection_id, "nina")
    assert forged.status_code == 403 and "signature is not right" in soup(forged).select_one("#sso-error").get_text()
    assert [event.reason for event in events(world.db, "sso.sign_in_refused")][-1].startswith("The ID token's signature is not right")
    monkeypatch.setattr(oidc, "exchange_code", real_exchange)

    # Replayed: the provider's answer used once cannot be used again.
    start = client.get(f"/sso/{connection_id}/start", follow_redirects=False)
    back = urlsplit(through_provider(start.headers["location"], login="nina", stop_at="http://testserver/"))
    assert client.get(f"{back.path}?{back.query}", follow_redirects=False).status_code == 303
    replayed = client.get(f"{back.path}?{back.query}", follow_redirects=False)
    assert replayed.status_code == 400 and "already used" in replayed.text

    # The provider rotates its signing key: the new key id is fetched from its JWKS and accepted.
    rotated = provider.configure(rotate=True)
    client.cookies.clear()
    assert sign_in(client, connection_id, "nina").status_code == 303
    assert rotated["signing_kid"]
    assert user_at(world, f"nina@{DOMAIN}") is not None


def test_claims_the_id_token_lacks_come_from_userinfo_and_logout_signs_out_at_the_provider(client, login, world, provider, monkeypatch):
    connection_id = set_up_connection(client, login, world, provider)
    fetched: list[str] = []
    real_fetch = oidc._fetch_json
    monkeypatch.setattr(oidc, "_fetch_json", lambda url, **kwargs: fetched.append(url) or real_fetch(url, **kwargs))
    provider.configure(conform=True)  # the ID token carries no address, name or groups
    try:
        landed = sign_in(client, connection_id, "nina")
    finally:
        provider.configure(conform=False)
    assert landed.status_code == 303, landed.text
    nina = user_at(world, f"nina@{DOMAIN}")
    assert nina is not None and nina.name == "Nina Northwind" and nina.role == "partner_admin"  # the groups came from userinfo
    assert fetched[-1] == oidc.discover(provider.issuer).userinfo_endpoint

    # RP-initiated logout: the session here ends, then the provider's end-session endpoint, with the
    # ID token as the hint, signs out there and sends the browser back to the login page.
    out = post(client, "/logout")
    assert out.status_code == 303 and out.headers["location"] == "/sso/logout"
    to_provider = client.get("/sso/logout", follow_redirects=False).headers["location"]
    query = parse_qs(urlsplit(to_provider).query)
    assert to_provider.startswith(provider.issuer) and query["post_logout_redirect_uri"] == ["http://testserver/login"] and query["id_token_hint"]
    assert client.get("/portal/users", follow_redirects=False).status_code == 303
    assert sign_out_at_provider(to_provider, stop_at="http://testserver/").startswith("http://testserver/login")
