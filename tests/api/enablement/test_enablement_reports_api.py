"""The certification reports API: lists, expiring, capacity, history, portfolio."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from tests.factories.certifications import make_cert, make_release, make_track


@pytest.fixture
def certs(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 9, 10, 12, tzinfo=UTC))
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        track = make_track(session, "sa", behind=1, within=180)
        make_release(session, "10.0", date(2026, 6, 1))
        ann = make_cert(session, person_id=world.a.person_ids[0], partner_id=world.a.id, track_id=track.id, issued_on=date(2025, 3, 1)).id
        sam = make_cert(
            session,
            person_id=world.b.person_ids[0],
            partner_id=world.b.id,
            track_id=track.id,
            issued_on=date(2025, 1, 1),
            expires_on=date(2026, 10, 1),
        ).id
    return {"ann": ann, "sam": sam, "track": track.id}


class TestListCertifications:
    def test_anonymous(self, client):
        assert client.get("/api/v1/certifications").status_code == 401

    def test_vendor_sees_all_with_effective_status(self, client, world, certs):
        body = client.get("/api/v1/certifications", headers=world.headers("auditor")).json()
        assert body["total"] == 2
        ann = next(item for item in body["items"] if item["id"] == certs["ann"])
        assert (ann["status"], ann["stored_status"], ann["recert_due_on"], ann["person_name"]) == ("recert_required", "active", "2026-11-28", "Ann Architect")

    def test_partner_sees_own_only(self, client, world, certs):
        body = client.get("/api/v1/certifications", headers=world.headers("a_user")).json()
        assert [item["partner_id"] for item in body["items"]] == [world.a.id]
        other = client.get(f"/api/v1/certifications?partner_id={world.b.id}", headers=world.headers("a_user")).json()
        assert other["total"] == 0

    def test_filters(self, client, world, certs):
        admin = world.headers("admin")
        assert client.get("/api/v1/certifications?status=recert_required", headers=admin).json()["total"] == 2
        assert client.get("/api/v1/certifications?status=lapsed", headers=admin).json()["total"] == 0
        assert client.get(f"/api/v1/certifications?person_id={world.b.person_ids[0]}", headers=admin).json()["items"][0]["id"] == certs["sam"]
        assert client.get(f"/api/v1/certifications?track_id={certs['track']}&limit=1", headers=admin).json()["total"] == 2
        assert client.get("/api/v1/certifications?status=bogus", headers=admin).status_code == 422


class TestExpiring:
    def test_cam_sees_reasons(self, client, world, certs):
        body = client.get("/api/v1/certifications/expiring?within=90", headers=world.headers("cam")).json()
        assert [(i["person_name"], i["ends_on"], i["reason"]) for i in body["items"]] == [
            ("Sam Seller", "2026-10-01", "validity ends"),
            ("Ann Architect", "2026-11-28", "recertify for v10"),
        ]
        assert client.get("/api/v1/certifications/expiring?within=30", headers=world.headers("cam")).json()["total"] == 1

    def test_partner_admin_sees_own(self, client, world, certs):
        body = client.get("/api/v1/certifications/expiring", headers=world.headers("a_admin")).json()
        assert [i["partner_id"] for i in body["items"]] == [world.a.id]
        assert client.get(f"/api/v1/certifications/expiring?partner_id={world.b.id}", headers=world.headers("a_admin")).status_code == 404

    def test_only_30_60_90(self, client, world, certs):
        assert client.get("/api/v1/certifications/expiring?within=45", headers=world.headers("cam")).status_code == 422


class TestCapacity:
    def test_current(self, client, world, certs):
        body = client.get(f"/api/v1/partners/{world.a.id}/capacity", headers=world.headers("a_user")).json()
        assert body["cells"] == [{"delivery_role": "solution_architect", "level": "associate", "product_line": "data-platform", "people": 1}]
        assert body["roles"] == [{"delivery_role": "solution_architect", "people": 1}] and body["on"] == "2026-09-10"

    def test_other_partner_is_not_found(self, client, world, certs):
        assert client.get(f"/api/v1/partners/{world.b.id}/capacity", headers=world.headers("a_user")).status_code == 404
        assert client.get(f"/api/v1/partners/{world.b.id}/capacity/history", headers=world.headers("a_admin")).status_code == 404

    def test_history(self, client, world, certs):
        body = client.get(f"/api/v1/partners/{world.a.id}/capacity/history?start=2025-01-01&end=2026-12-31", headers=world.headers("cam")).json()
        points = {p["on"]: p["people"] for p in body["by_role"]}
        assert "2025-02-28" not in points and points["2025-03-31"] == 1 and points["2026-10-31"] == 1
        assert "2026-11-30" not in points  # lapsed after the 2026-11-28 deadline
        assert len(body["days"]) == 24

    def test_history_bad_range(self, client, world, certs):
        response = client.get(f"/api/v1/partners/{world.a.id}/capacity/history?start=2026-05-01&end=2026-01-01", headers=world.headers("cam"))
        assert response.status_code == 422


class TestPortfolio:
    def test_vendor(self, client, world, certs):
        body = client.get("/api/v1/capacity/portfolio", headers=world.headers("executive")).json()
        assert body == {
            "group_by": "subtype",
            "rows": [
                {"group": "regional", "delivery_role": "solution_architect", "people": 1, "partners": 1},
                {"group": "reseller", "delivery_role": "solution_architect", "people": 1, "partners": 1},
            ],
        }
        by_level = client.get("/api/v1/capacity/portfolio?group_by=role", headers=world.headers("admin")).json()
        assert by_level["rows"] == [{"group": "associate", "delivery_role": "solution_architect", "people": 2, "partners": 2}]

    def test_partners_get_403(self, client, world, certs):
        assert client.get("/api/v1/capacity/portfolio", headers=world.headers("a_admin")).status_code == 403
