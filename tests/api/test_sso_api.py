"""The single sign-on connection API (/api/v1/sso/connections): the same rules as the console,
answered as JSON — a partner admin's own connection only, partner roles only, 409 naming the
linked users on delete, DNS verification and the program admin's manual mark."""

from __future__ import annotations

from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.sso.models import SsoIdentity
from tests.factories.sso import build_connections
from tests.idp.dns_server import serving

BASE = "/api/v1/sso/connections"


def test_program_admins_and_partner_admins_manage_connections(client, world, monkeypatch):
    built = build_connections(world.db, world)
    a, b = built["a"], built["b"]
    admin, a_admin = world.headers("admin"), world.headers("a_admin")

    listed = client.get(BASE, headers=admin).json()
    assert [c["name"] for c in listed["items"]] == ["A SSO", "B SSO"] and listed["total"] == 2
    assert [c["name"] for c in client.get(BASE, headers=a_admin).json()["items"]] == ["A SSO"]
    assert client.get(BASE, headers=world.headers("a_user")).status_code == 403

    own = client.get(f"{BASE}/{a['connection_id']}", headers=a_admin).json()
    [domain] = own["domains"]
    assert domain["verified"] is False and domain["txt_name"] == "a-sso.example" and domain["txt_value"].startswith("alliance-domain-verification=")
    assert "client_secret" not in own and own["linked_users"] == 0

    # Hostile: a vendor role, another organisation's connection, moving it, vouching by hand.
    vendor_role = client.patch(f"{BASE}/{a['connection_id']}", headers=a_admin, json={"default_role": "program_admin"})
    assert vendor_role.status_code == 422 and "partner roles" in vendor_role.json()["error"]["message"]
    assert client.patch(f"{BASE}/{b['connection_id']}", headers=a_admin, json={"name": "Mine"}).status_code == 404
    assert client.patch(f"{BASE}/{a['connection_id']}", headers=a_admin, json={"partner_id": world.b.id}).status_code == 422
    manual = f"{BASE}/{a['connection_id']}/domains/{a['domain_id']}/mark-verified"
    assert client.post(manual, headers=a_admin, json={"reason": "trust me please"}).status_code == 403

    changed = client.patch(f"{BASE}/{a['connection_id']}", headers=a_admin, json={"name": "Northwind Okta", "sso_required": True, "is_enabled": False})
    assert changed.status_code == 200 and changed.json()["name"] == "Northwind Okta" and changed.json()["is_enabled"] is False

    with serving(monkeypatch) as dns:
        check = f"{BASE}/{a['connection_id']}/domains/{a['domain_id']}/check"
        missing = client.post(check, headers=a_admin)
        assert missing.status_code == 422 and domain["txt_value"] in missing.json()["error"]["message"]
        dns.records["a-sso.example"] = [domain["txt_value"]]
        proven = client.post(check, headers=a_admin)
    assert proven.status_code == 200 and proven.json()["verified"] is True and proven.json()["verified_by"] == "dns"

    marked = client.post(f"{BASE}/{b['connection_id']}/domains/{b['domain_id']}/mark-verified", headers=admin, json={"reason": "Confirmed by phone"})
    assert marked.status_code == 200 and marked.json()["verified_by"] == "manual"

    with world.db.session_scope(PartnerScope.system(reason="test: a linked user")) as session:
        session.add(SsoIdentity(connection_id=b["connection_id"], subject="s", user_id=world.users["b_user"], created_at=clock.now(), last_sign_in_at=None))
    refused = client.delete(f"{BASE}/{b['connection_id']}", headers=admin)
    assert refused.status_code == 409 and "has signed in 1 user" in refused.json()["error"]["message"]
    assert client.delete(f"{BASE}/{a['connection_id']}", headers=a_admin).status_code == 204
    assert client.get(f"{BASE}/{a['connection_id']}", headers=admin).status_code == 404


def test_a_program_admin_creates_a_connection_with_unverified_domains(client, world):
    body = {
        "name": "Vendor Okta",
        "domains": ["vendor.example"],
        "issuer": "https://vendor.okta.example",
        "client_id": "c",
        "client_secret": "s",
        "default_role": "cam",
    }
    assert client.post(BASE, headers=world.headers("a_admin"), json=body).status_code == 403
    created = client.post(BASE, headers=world.headers("admin"), json=body)
    assert created.status_code == 201, created.text
    assert created.json()["partner_name"] is None and created.json()["domains"][0]["verified"] is False
