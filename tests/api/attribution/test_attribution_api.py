"""The contribution report (JSON, CSV, drill-down) and the ledger routes."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from alliance.kit import clock
from tests.service.attribution.builders import build_ledger

Q2 = "period_start=2025-04-01&period_end=2025-06-30"


@pytest.fixture
def ledger(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2025, 5, 20, 12, tzinfo=UTC))
    built = build_ledger(db, world)
    clock.freeze(None)
    return built


class TestContributionReport:
    def test_anonymous(self, client):
        assert client.get("/api/v1/reports/contribution").status_code == 401

    def test_vendor_reads_every_partner_with_totals(self, client, world, ledger):
        body = client.get(f"/api/v1/reports/contribution?{Q2}", headers=world.headers("cam")).json()
        assert [(i["partner_name"], i["amounts"][0]["total"]) for i in body["items"]] == [("Blue Harbor", "120000.00"), ("Northwind Consulting", "205000.00")]
        assert body["totals"] == [
            {
                "currency": "USD",
                "direct": "120000.00",
                "influenced": "125000.00",
                "services": "80000.00",
                "total": "325000.00",
                "entries": 5,
                "closings": 3,
                "vendor_direct": "5000.00",
            }
        ]
        assert (body["total"], body["limit"], body["offset"], body["period_start"]) == (2, 50, 0, "2025-04-01")

    def test_paged_by_partner(self, client, world, ledger):
        body = client.get(f"/api/v1/reports/contribution?{Q2}&limit=1&offset=1", headers=world.headers("admin")).json()
        assert [i["partner_id"] for i in body["items"]] == [world.a.id] and body["total"] == 2

    def test_partner_sees_own_row_only(self, client, world, ledger):
        body = client.get(f"/api/v1/reports/contribution?{Q2}", headers=world.headers("b_user")).json()
        assert [i["partner_id"] for i in body["items"]] == [world.b.id]
        assert body["totals"][0]["total"] == "120000.00" and body["totals"][0]["vendor_direct"] == "0.00"
        assert client.get(f"/api/v1/reports/contribution?{Q2}&partner_id={world.a.id}", headers=world.headers("b_user")).status_code == 404

    @pytest.mark.parametrize(
        "query", ["period_start=9999-12-01", "period_end=0001-01-01", "period_start=0001-01-01&period_end=9999-12-31&as_of=0001-01-01T00:00:00%2B14:00"]
    )
    def test_extreme_dates_are_never_a_500(self, client, world, ledger, query):
        assert client.get(f"/api/v1/reports/contribution?{query}", headers=world.headers("admin")).status_code in (200, 422)
        assert client.get(f"/api/v1/reports/contribution/{world.a.id}/entries?{query}", headers=world.headers("admin")).status_code in (200, 422)

    def test_as_of_before_the_close_is_empty(self, client, world, ledger):
        body = client.get(f"/api/v1/reports/contribution?{Q2}&as_of=2025-05-01T00:00:00Z", headers=world.headers("admin")).json()
        assert body["items"] == [] and body["totals"] == []

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("period_start=2025-02-30", "query.period_start"),
            ("period_end=yesterday", "query.period_end"),
            ("as_of=soon", "query.as_of"),
            ("period_start=2025-06-01&period_end=2025-05-01", "period_end"),
            ("partner_id=0", "query.partner_id"),
            ("limit=100000", "query.limit"),
            ("as_of=9999-12-31T23:59:59-14:00", "query.as_of"),
        ],
    )
    def test_bad_input_names_the_field(self, client, world, query, field):
        response = client.get(f"/api/v1/reports/contribution?{query}", headers=world.headers("admin"))
        assert response.status_code == 422, response.text
        assert field in [d["field"] for d in response.json()["error"]["details"]]


class TestCsv:
    def test_vendor_export(self, client, world, ledger):
        response = client.get(f"/api/v1/reports/contribution.csv?{Q2}", headers=world.headers("auditor"))
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["partner_name"], r["direct"], r["influenced"], r["services"], r["total"]) for r in rows] == [
            ("Blue Harbor", "120000.00", "0.00", "0.00", "120000.00"),
            ("Northwind Consulting", "0.00", "125000.00", "80000.00", "205000.00"),
        ]

    def test_partner_export_holds_own_row(self, client, world, ledger):
        rows = list(csv.DictReader(io.StringIO(client.get(f"/api/v1/reports/contribution.csv?{Q2}", headers=world.headers("a_user")).text)))
        assert [r["partner_id"] for r in rows] == [str(world.a.id)]

    def test_bad_period_is_a_json_422(self, client, world):
        response = client.get("/api/v1/reports/contribution.csv?period_start=2025-06-01&period_end=2025-05-01", headers=world.headers("admin"))
        assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "period_end"


class TestDrillDown:
    def test_entries_with_registrations(self, client, world, ledger):
        body = client.get(f"/api/v1/reports/contribution/{world.a.id}/entries?{Q2}", headers=world.headers("a_admin")).json()
        assert body["total"] == 3
        assert [(i["credit_type"], i["registration"]["id"]) for i in body["items"]] == [
            ("influence", ledger.influence_id),
            ("services", ledger.project_id),
            ("influence", ledger.influence_id),
        ]

    def test_other_partner_and_missing_partner_are_404(self, client, world, ledger):
        assert client.get(f"/api/v1/reports/contribution/{world.b.id}/entries", headers=world.headers("a_user")).status_code == 404
        assert client.get("/api/v1/reports/contribution/987654/entries", headers=world.headers("admin")).status_code == 404


class TestLedger:
    def test_entries_of_a_registration(self, client, world, ledger):
        body = client.get(f"/api/v1/attribution/entries?registration_id={ledger.deal_id}", headers=world.headers("cam")).json()
        assert [(i["credit_type"], i["partner_id"]) for i in body["items"]] == [("direct", world.b.id), ("influence", world.a.id)]
        assert client.get("/api/v1/attribution/entries?credit_type=bogus", headers=world.headers("cam")).status_code == 422

    def test_partners_get_403(self, client, world, ledger):
        assert client.get("/api/v1/attribution/entries", headers=world.headers("a_admin")).status_code == 403

    def test_reversal(self, client, world, ledger):
        entry_id = ledger.entry_ids["deal/direct"]
        url = f"/api/v1/attribution/entries/{entry_id}/reversal"
        response = client.post(url, headers=world.headers("admin"), json={"reason": "customer cancelled"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["amount"], body["reverses_entry_id"], body["reason"]) == ("-120000.00", entry_id, "customer cancelled")
        assert client.post(url, headers=world.headers("admin"), json={"reason": "again"}).status_code == 409
        assert client.post(f"/api/v1/attribution/entries/{body['id']}/reversal", headers=world.headers("admin"), json={"reason": "undo"}).status_code == 409
        events = client.get("/api/v1/audit/events?action=attribution.reversed", headers=world.headers("admin")).json()["items"]
        assert [e["reason"] for e in events] == ["customer cancelled"]

    @pytest.mark.parametrize(("who", "status"), [("cam", 403), ("a_admin", 403), ("auditor", 403)])
    def test_reversal_is_for_program_admins(self, client, world, ledger, who, status):
        response = client.post(f"/api/v1/attribution/entries/{ledger.entry_ids['deal/direct']}/reversal", headers=world.headers(who), json={"reason": "x"})
        assert response.status_code == status

    @pytest.mark.parametrize(("body", "field"), [({}, "reason"), ({"reason": ""}, "reason"), ({"reason": "x", "amount": 1}, "amount")])
    def test_reversal_bad_input(self, client, world, ledger, body, field):
        response = client.post(f"/api/v1/attribution/entries/{ledger.entry_ids['deal/direct']}/reversal", headers=world.headers("admin"), json=body)
        assert response.status_code == 422 and field in response.json()["error"]["details"][0]["field"]

    def test_reversal_of_missing_entry(self, client, world):
        assert client.post("/api/v1/attribution/entries/987654/reversal", headers=world.headers("admin"), json={"reason": "x"}).status_code == 404


class TestProgramSettings:
    def test_influence_rule_is_read_and_set(self, client, world):
        program_id = world.program_ids["si-global"]
        body = client.patch(
            f"/api/v1/programs/{program_id}", headers=world.headers("admin"), json={"influence_credit_percent": "50", "influence_credit_split": "equal"}
        ).json()
        assert (body["influence_credit_percent"], body["influence_credit_split"]) == ("50.00", "equal")
        for bad in ({"influence_credit_percent": 101}, {"influence_credit_split": "half"}, {"influence_credit_percent": None}):
            assert client.patch(f"/api/v1/programs/{program_id}", headers=world.headers("admin"), json=bad).status_code == 422, bad
