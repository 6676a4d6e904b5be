"""Ramp analytics over the API: a partner's first confirmed practice milestone shows as its time
from enrolment, the CAM's stalled list holds only their partners, and partners are refused."""

from __future__ import annotations

from datetime import timedelta

from alliance.kit import clock
from tests.factories.business_plans import MILESTONE_REF, build_business_plans


def test_ramp_report_partners_and_csv(client, world) -> None:  # type: ignore[no-untyped-def]
    today = clock.today()
    for partner, months in ((world.a, 3), (world.b, 30)):
        enrolled = (today - timedelta(days=round(months * 30.44))).isoformat()
        response = client.patch(f"/api/v1/partners/{partner.id}", headers=world.headers("admin"), json={"enrolled_on": enrolled})
        assert response.status_code == 200, response.text
    plan_id = build_business_plans(world.db, world)["a"]["business_plan_id"]
    evidence = {"status": "completed", "evidence_note": "Accelerator published"}
    assert client.put(f"/api/v1/business-plans/{plan_id}/items/{MILESTONE_REF}/progress", headers=world.headers("a_admin"), json=evidence).status_code == 200
    assert client.post(f"/api/v1/business-plans/{plan_id}/items/{MILESTONE_REF}/confirm", headers=world.headers("cam")).status_code == 200

    partners = client.get("/api/v1/ramp/partners", headers=world.headers("admin")).json()
    assert [p["partner_id"] for p in partners] == [world.b.id, world.a.id]  # oldest enrolment first
    firsts = {f["milestone"]: f for f in partners[1]["firsts"]}
    assert firsts["first_confirmed_milestone"]["reached_on"] == today.isoformat()
    assert 2.9 <= firsts["first_confirmed_milestone"]["months"] <= 3.1
    assert firsts["first_won_deal_or_project"]["reached_on"] is None

    report = client.get("/api/v1/ramp/report", headers=world.headers("admin"), params={"cohort_by": "type"})
    assert report.status_code == 200, report.text
    cohorts = {c["cohort"]: c for c in report.json()["cohorts"]}
    assert set(cohorts) == {"systems_integrator/regional", "reseller"}
    figures = {f["milestone"]: f for f in cohorts["systems_integrator/regional"]["figures"]}
    assert figures["first_confirmed_milestone"]["reached"] == 1 and figures["first_confirmed_milestone"]["within_6_months"] is None
    # the CAM of A starts from A only; A is not stalled (alone in its cohort, 3 months in)
    assert [p["partner_id"] for p in client.get("/api/v1/ramp/partners", headers=world.headers("cam")).json()] == [world.a.id]
    assert len(client.get("/api/v1/ramp/partners", headers=world.headers("cam"), params={"every_partner": "true"}).json()) == 2

    csv = client.get("/api/v1/ramp/partners.csv", headers=world.headers("admin"))
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("partner_id,partner_name,partner_type")
    assert len(csv.text.splitlines()) == 3
    for path in ("/api/v1/ramp/report", "/api/v1/ramp/partners", "/api/v1/ramp/partners.csv"):
        assert client.get(path, headers=world.headers("a_admin")).status_code == 403
