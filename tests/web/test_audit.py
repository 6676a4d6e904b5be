from __future__ import annotations

from sqlalchemy import text

from tests.web.client import soup


def actions(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.find(class_="action").get_text(strip=True) for e in soup(response).find_all("li", class_="event")]


class TestAuditBrowser:
    def test_auditor_sees_newest_first(self, client, login, world):
        login("auditor")
        response = client.get("/console/audit?limit=500")
        assert response.status_code == 200
        seqs = [int(e.find(class_="seq").get_text(strip=True).lstrip("#")) for e in soup(response).find_all("li", class_="event")]
        assert seqs == sorted(seqs, reverse=True)
        assert actions(response)[0] == "user.logged_in"

    def test_filters(self, client, login, world):
        login("auditor")
        assert set(actions(client.get("/console/audit?action=sponsor."))) == {"sponsor.added"}
        assert set(actions(client.get(f"/console/audit?entity_type=partner&entity_id={world.b.id}"))) == {"partner.created"}
        by_partner = soup(client.get(f"/console/audit?partner_id={world.b.id}&limit=500"))
        assert all("Northwind Consulting" not in e.get_text() for e in by_partner.find_all("li", class_="event"))
        assert set(actions(client.get("/console/audit?actor=auditor@"))) == {"user.logged_in"}
        assert actions(client.get("/console/audit?from=2000-01-01&to=2000-01-31")) == []
        assert actions(client.get("/console/audit?from=2000-01-01"))

    def test_created_event_shows_recorded_values_and_update_shows_a_diff(self, client, login, world):
        login("auditor")
        page = soup(client.get(f"/console/audit?entity_type=partner&entity_id={world.a.id}"))
        table = page.find("li", class_="event").find("table", class_="diff")
        assert [th.get_text() for th in table.find_all("th")] == ["Field", "Recorded"]
        assert "Northwind Consulting" in table.get_text()

    def test_bad_filters_are_reported_not_failed(self, client, login):
        login("auditor")
        response = client.get("/console/audit?from=yesterday&to=9999-12-31&partner_id=abc")
        assert response.status_code == 422
        page = soup(response)
        assert "Use a date like" in page.find(id="flt-from").find_parent(class_="field-error").get_text()
        assert "from 1900-01-01 to 2999-12-31" in page.find(id="flt-to").find_parent(class_="field-error").get_text()
        assert "Choose a partner" in page.find(id="flt-partner").find_parent(class_="field-error").get_text()

    def test_ids_are_shown_as_names(self, client, login, world, db):
        """Issue 10, defect 7: no owning_partner_id 1 / current_tier_id 5 / user #1 in the trail."""
        from alliance.identity.scope import Actor, PartnerScope
        from alliance.partners import service as partner_service
        from alliance.partners.schemas import PartnerUpdate

        with db.session_scope(PartnerScope.system(reason="test")) as session:
            partner_service.update_partner(
                session, Actor.system(label="test"), partner_id=world.b.id, data=PartnerUpdate(tier_id=world.tier_ids["reseller/silver"], reason="earned it")
            )
        login("auditor")
        page = soup(client.get(f"/console/audit?partner_id={world.b.id}"))
        assert page.find(id="flt-partner").find("option", selected=True).get_text(strip=True) == "Blue Harbor"
        event = page.find("li", class_="event")
        rows = {
            tr.find_all("td")[0].get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")[1:]] for tr in event.select("table.diff tbody tr")
        }
        assert rows["Tier"][1] == "Silver (Reseller Program)"
        assert event.find(class_="entity").get_text(strip=True) == "Blue Harbor"
        users = soup(client.get("/console/audit?entity_type=user"))
        assert not [e for e in users.select("li.event .entity") if "#" in e.get_text()]
        login("admin")
        activity = soup(client.get("/console")).select("ul.activity li")
        assert activity and not [li for li in activity if "#" in li.get_text()]

    def test_paginated(self, client, login):
        login("auditor")
        first = soup(client.get("/console/audit?limit=5"))
        assert len(first.find_all("li", class_="event")) == 5
        assert first.find("a", rel="next") is not None

    def test_other_vendor_roles_get_403(self, client, login):
        login("cam")
        assert client.get("/console/audit").status_code == 403
        assert client.get("/console/audit/verify").status_code == 403
        assert soup(client.get("/console")).find("a", href="/console/audit") is None

    def test_program_admin_may_browse(self, client, login):
        login("admin")
        assert client.get("/console/audit").status_code == 200


class TestVerifyChain:
    def test_intact_chain(self, client, login):
        login("auditor")
        page = soup(client.get("/console/audit/verify"))
        verdict = page.find(id="verdict")
        assert "verdict-ok" in verdict["class"]
        assert "The chain is intact" in verdict.get_text()

    def test_tampered_event_is_reported(self, client, login, db):
        login("auditor")
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_events SET actor_label = 'someone-else' WHERE seq = 3"))
        verdict = soup(client.get("/console/audit/verify")).find(id="verdict")
        assert "verdict-bad" in verdict["class"]
        assert "event #3 was edited" in verdict.get_text()
