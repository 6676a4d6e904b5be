from __future__ import annotations

from tests.web.client import soup


class TestDashboard:
    def test_portfolio_counts(self, client, login, world):
        login("executive")
        page = soup(client.get("/console"))
        kpis = {k.find(class_="label").get_text(strip=True): k.find(class_="value").get_text(strip=True) for k in page.find_all(class_="kpi")}
        assert kpis["Partners"] == "2" and kpis["Active"] == "2" and kpis["Prospect"] == "0"
        by_type = page.find(id="by-type").find_parent("section").get_text(" ", strip=True)
        assert "Systems integrator 1" in by_type and "Regional SI 1" in by_type and "Reseller 1" in by_type

    def test_partners_per_tier(self, client, login):
        login("executive")
        tiers = soup(client.get("/console")).find(id="by-tier").find_parent("section")
        regional = next(line for line in tiers.find_all(class_="tier-line") if "Regional SI Program" in line.get_text())
        assert "Registered 1" in regional.get_text(" ", strip=True)

    def test_cam_sees_their_partners(self, client, login):
        login("cam")
        mine = soup(client.get("/console")).find(id="mine").find_parent("section")
        assert "Northwind Consulting" in mine.get_text() and "Blue Harbor" not in mine.get_text()

    def test_recent_activity_only_with_audit_read(self, client, login):
        login("cam")
        assert soup(client.get("/console")).find(id="recent") is None
        login("auditor")
        assert "Logged in Audrey Auditor" in soup(client.get("/console")).find(id="recent").find_parent("section").get_text()
