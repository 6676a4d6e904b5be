"""SCIM 2.0 as an identity provider speaks it (RFC 7644 requests over HTTP, application/scim+json):
create, find by userName, replace, patch, deactivate (which ends sessions and API tokens), and
the limits of a partner's connection."""

from __future__ import annotations

from sqlalchemy import select

from alliance.identity.models import ApiToken, UserSession
from alliance.identity.scope import PartnerScope
from tests.factories.sso import verify_domains
from tests.service.test_sessions import events
from tests.web.client import post, soup

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DOMAIN = "northwind-scim.example"


def scim_token(client, login, world) -> str:  # type: ignore[no-untyped-def]
    login("admin")
    form = {
        "name": "Northwind Okta",
        "partner_id": str(world.a.id),
        "domains": DOMAIN,
        "issuer": "https://northwind.okta.example",
        "client_id": "c",
        "client_secret": "s",
        "rule-0-claim": "roles",
        "rule-0-value": "admins",
        "rule-0-role": "partner_admin",
        "default_role": "partner_user",
    }
    assert post(client, "/console/sign-in/connections", form).status_code == 303
    verify_domains(world.db)
    connection = soup(client.get("/console/sign-in")).select_one("#sso-connections tbody tr")["id"].removeprefix("connection-")
    token = soup(post(client, f"/console/sign-in/connections/{connection}/scim-token")).find(id="scim-token").get_text(strip=True)
    client.cookies.clear()
    return token


def test_an_identity_provider_provisions_updates_and_deactivates_users(client, login, world):
    token = scim_token(client, login, world)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": SCIM, "Accept": SCIM}
    assert client.get("/scim/v2/Users", headers={"Authorization": "Bearer wrong"}).status_code == 401

    body = {"schemas": [USER], "userName": f"lena@{DOMAIN}", "name": {"givenName": "Lena", "familyName": "Lind"}, "externalId": "00u1", "active": True}
    created = client.post("/scim/v2/Users", headers=headers, content=__import__("json").dumps(body))
    assert created.status_code == 201 and created.headers["content-type"].startswith(SCIM), created.text
    lena = created.json()
    assert lena["userName"] == f"lena@{DOMAIN}" and lena["displayName"] == "Lena Lind" and lena["roles"][0]["value"] == "partner_user"
    assert created.headers["location"].endswith(f"/scim/v2/Users/{lena['id']}")
    again = client.post("/scim/v2/Users", headers=headers, json=body)
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"

    found = client.get("/scim/v2/Users", headers=headers, params={"filter": f'userName eq "lena@{DOMAIN}"'}).json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == lena["id"]
    # Partner B's users are not this connection's to see.
    assert client.get("/scim/v2/Users", headers=headers, params={"filter": f'userName eq "{world.emails["b_user"]}"'}).json()["totalResults"] == 0
    assert client.get(f"/scim/v2/Users/{world.users['b_user']}", headers=headers).status_code == 404

    replaced = client.put(f"/scim/v2/Users/{lena['id']}", headers=headers, json={**body, "displayName": "Lena Lindqvist", "roles": [{"value": "admins"}]})
    assert replaced.json()["displayName"] == "Lena Lindqvist" and replaced.json()["roles"][0]["value"] == "partner_admin"

    # Groups are the role mapping: adding to and removing from one changes the role.
    [group] = client.get("/scim/v2/Groups", headers=headers, params={"filter": 'displayName eq "admins"'}).json()["Resources"]
    assert lena["id"] in [m["value"] for m in group["members"]]  # the PUT above made her a partner admin
    removed = client.patch(
        f"/scim/v2/Groups/{group['id']}",
        headers=headers,
        json={"schemas": [PATCH], "Operations": [{"op": "remove", "path": f'members[value eq "{lena["id"]}"]'}]},
    )
    assert removed.status_code == 200 and lena["id"] not in [m["value"] for m in removed.json()["members"]]
    assert client.get(f"/scim/v2/Users/{lena['id']}", headers=headers).json()["roles"][0]["value"] == "partner_user"
    added = client.patch(
        f"/scim/v2/Groups/{group['id']}",
        headers=headers,
        json={"schemas": [PATCH], "Operations": [{"op": "add", "path": "members", "value": [{"value": lena["id"]}]}]},
    )
    assert lena["id"] in [m["value"] for m in added.json()["members"]]
    assert client.post("/scim/v2/Groups", headers=headers, json={"displayName": "vendor-admins"}).status_code == 403

    # A session and an API token of Lena's end when the provider deactivates her.
    from datetime import timedelta

    from alliance.identity import service as identity_service
    from alliance.identity import session_service
    from alliance.identity.repository import UserRepository
    from alliance.identity.scope import Actor
    from alliance.identity.user_sessions import SessionPolicy

    with world.db.session_scope(PartnerScope.system(reason="test")) as session:
        user = UserRepository(session).get(int(lena["id"]))
        session_service.start_session(session, user=user, user_agent="t", ip=None, policy=SessionPolicy(idle=timedelta(hours=1), lifetime=timedelta(days=1)))
        identity_service.create_token(session, Actor.system(label="test"), email=user.email)
    patched = client.patch(
        f"/scim/v2/Users/{lena['id']}", headers=headers, json={"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    )
    assert patched.status_code == 200 and patched.json()["active"] is False
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        assert session.scalars(select(UserSession.revoked_at).where(UserSession.user_id == int(lena["id"]))).all() != [None]
        assert None not in session.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == int(lena["id"]))).all()
    assert [e.entity_id for e in events(world.db, "user.deprovisioned")] == [lena["id"]]
    assert len(events(world.db, "user.provisioned")) == 1

    # Outside the connection's domain, or a vendor role: refused.
    outsider = client.post("/scim/v2/Users", headers=headers, json={**body, "userName": "ola@elsewhere.example", "externalId": "00u2"})
    assert outsider.status_code == 400 and outsider.json()["scimType"] == "invalidValue"
    assert client.delete(f"/scim/v2/Users/{lena['id']}", headers=headers).status_code == 204
