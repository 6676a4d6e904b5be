"""The connection pages: the console (program admins, every connection) and the portal (a partner
admin, their own), the TXT record to publish, the DNS check, the manual mark with a reason,
deletion refused while users are linked, and the login page for a switched-off connection."""

from __future__ import annotations

from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.sso.models import SsoIdentity
from tests.factories.sso import build_connections
from tests.factories.world import PASSWORD
from tests.idp.dns_server import serving
from tests.service.test_sessions import events
from tests.web.client import csrf_token, post, soup


def rules(**extra: str) -> dict[str, str]:
    return {"name": "B Okta", "domains": "b-sso.example", "rule-0-claim": "groups", "rule-0-value": "admins", "rule-0-role": "partner_admin", **extra}


def test_a_program_admin_edits_a_connection_and_vouches_for_its_domain(client, login, world):
    b = build_connections(world.db, world)["b"]
    page_url = f"/console/sign-in/connections/{b['connection_id']}"
    login("admin")
    assert soup(client.get("/console/sign-in")).find("a", href=page_url).get_text() == "B SSO"
    page = soup(client.get(page_url))
    assert page.select_one(f"#domain-{b['domain_id']} .domain-state").get_text(strip=True) == "Unverified"
    assert page.select_one(".txt-value").get_text().startswith("alliance-domain-verification=")
    # Only partner roles are offered for a partner's connection; one posted anyway is refused.
    assert "Program admin" not in page.select_one("#f-default_role").get_text()
    refused = post(client, page_url, rules(default_role="program_admin", is_enabled="on"))
    assert refused.status_code == 422 and "can only grant partner roles" in refused.text

    assert post(client, page_url, rules(is_enabled="on", sso_required="on")).status_code == 303
    page = soup(client.get(page_url))
    assert page.find("h1").get_text() == "B Okta" and page.select_one("input[name=sso_required]").has_attr("checked")

    assert post(client, f"{page_url}/domains/{b['domain_id']}/mark-verified", {"reason": "no"}).status_code == 422
    assert post(client, f"{page_url}/domains/{b['domain_id']}/mark-verified", {"reason": "Confirmed with Blue Harbor IT"}).status_code == 303
    state = soup(client.get(page_url)).select_one(f"#domain-{b['domain_id']} .domain-state").get_text(strip=True)
    assert state.startswith("Verified (marked by a program admin")

    with world.db.session_scope(PartnerScope.system(reason="test: a linked user")) as session:
        session.add(SsoIdentity(connection_id=b["connection_id"], subject="s", user_id=world.users["b_user"], created_at=clock.now(), last_sign_in_at=None))
    refused = post(client, f"{page_url}/delete")
    assert refused.status_code == 409 and "Switch it off instead" in soup(refused).get_text()

    # Switched off while SSO is required: B's people get a clear answer, not a password form.
    switches = post(client, f"/console/sign-in/connections/{b['connection_id']}/switches", {"sso_required": "on"})
    assert switches.status_code == 303 and events(world.db, "sso_connection.updated")[-1].after["is_enabled"] is False
    client.cookies.clear()
    client.csrf_token = None
    answer = client.post("/login", data={"email": "someone@b-sso.example", "password": PASSWORD, "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert answer.status_code == 403 and "switched off by your administrators" in answer.text
    assert soup(answer).select_one("#sso-continue") is None and soup(answer).find("input", {"name": "password"}) is None


def test_a_partner_admin_manages_their_own_connection_in_the_portal(client, login, world, monkeypatch):
    a = build_connections(world.db, world)["a"]
    page_url = f"/portal/sign-in/connections/{a['connection_id']}"
    login("a_admin")
    assert soup(client.get("/portal/users")).select_one("#portal-sso-link")["href"] == "/portal/sign-in"
    listed = soup(client.get("/portal/sign-in")).select("#sso-connections tbody tr")
    assert [row.find("a").get_text() for row in listed] == ["A SSO"]
    page = soup(client.get(page_url))
    assert page.select_one(".mark-verified") is None  # a program admin's word only
    txt = page.select_one(".txt-value").get_text()

    with serving(monkeypatch) as dns:
        post(client, f"{page_url}/domains/{a['domain_id']}/check")
        assert "No TXT record" in soup(client.get(page_url)).select_one(".flash-error").get_text()
        dns.records["a-sso.example"] = [txt]
        post(client, f"{page_url}/domains/{a['domain_id']}/check")
    assert soup(client.get(page_url)).select_one(f"#domain-{a['domain_id']} .domain-state").get_text(strip=True).startswith("Verified (DNS TXT record")

    deleted = post(client, f"{page_url}/delete")
    assert deleted.status_code == 303 and deleted.headers["location"] == "/portal/sign-in"
    assert "No single sign-on is set up" in client.get("/portal/sign-in").text
