"""Reported figures over the API: a partner admin reports, a CAM confirms, the evaluation counts it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alliance.kit import clock
from tests.service.tiers.factory import make_msp


@pytest.fixture
def msp(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 24, 9, tzinfo=UTC))
    yield make_msp(db, world)
    clock.freeze(None)


def url(partner_id: int) -> str:
    return f"/api/v1/partners/{partner_id}/reported-figures"


class TestReportedFigures:
    def test_anonymous(self, client, world):
        assert client.get(url(world.b.id)).status_code == 401

    def test_report_confirm_and_count(self, client, world, msp):
        evaluation = client.get(f"/api/v1/partners/{msp}/tier-evaluation", headers=world.headers("b_user")).json()
        assert "managed_customers" in evaluation["no_data"]
        assert any(g["metric"] == "managed_customers" and "(no data yet: held)" in g["words"] for g in evaluation["gaps"]) or evaluation["next_tier"] is None
        response = client.post(url(msp), headers=world.headers("b_admin"), json={"metric": "managed_customers", "period": "2026-10", "value": 64})
        assert response.status_code == 201, response.text
        figure = response.json()
        assert (figure["period"], figure["status"], figure["metric_label"]) == ("2026-10-01", "reported", "Customers under managed service")
        queue = client.get("/api/v1/reported-figures", headers=world.headers("cam")).json()
        assert [(f["id"], f["partner_name"]) for f in queue["items"]] == [(figure["id"], "Blue Harbor")]
        decided = client.post(f"/api/v1/reported-figures/{figure['id']}/decision", headers=world.headers("cam"), json={"confirm": True})
        assert decided.status_code == 200 and decided.json()["status"] == "confirmed"
        evaluation = client.get(f"/api/v1/partners/{msp}/tier-evaluation", headers=world.headers("b_user")).json()
        assert evaluation["metrics"]["managed_customers"] == "64" and "managed_customers" not in evaluation["no_data"]
        listed = client.get(url(msp), headers=world.headers("b_user")).json()
        assert [(f["value"], f["status"]) for f in listed] == [(64, "confirmed")]

    def test_refusals_name_the_field(self, client, world, msp):
        admin = world.headers("b_admin")
        bad_month = client.post(url(msp), headers=admin, json={"metric": "managed_customers", "period": "Oct", "value": 1})
        assert bad_month.status_code == 422 and "period" in bad_month.text
        wrong_type = client.post(url(msp), headers=admin, json={"metric": "sub_resellers", "period": "2026-10", "value": 1})
        assert wrong_type.status_code == 422 and wrong_type.json()["error"]["details"][0]["field"] == "metric"
        assert client.post(url(msp), headers=world.headers("b_user"), json={"metric": "managed_customers", "period": "2026-10", "value": 1}).status_code == 403
        figure = client.post(url(msp), headers=admin, json={"metric": "managed_customers", "period": "2026-10", "value": 1}).json()
        no_reason = client.post(f"/api/v1/reported-figures/{figure['id']}/decision", headers=world.headers("cam"), json={"confirm": False})
        assert no_reason.status_code == 422 and no_reason.json()["error"]["details"][0]["field"] == "reason"
        assert client.post(f"/api/v1/reported-figures/{figure['id']}/decision", headers=admin, json={"confirm": True}).status_code == 403
