"""The asset library through the API: a Gold asset locked for a Silver partner with the reason,
opened after the upgrade, downloaded (SHA-256 checked, an attachment), used on a project;
search ranking and filters; contributions reviewed; isolation of drafts and files."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from alliance.assets import notice_service
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType
from tests.api.registrations.test_registrations_api import PROJECT
from tests.factories.assets import library_catalog

PDF = b"%PDF-1.7\n" + b"reference architecture " * 100


def _catalog(world) -> None:  # type: ignore[no-untyped-def]
    library_catalog(world.db)


def _asset(client, world, **extra: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body = {
        "kind": "reference_architecture",
        "title": "Security operations centre reference architecture",
        "summary": "A SOC on Security Suite with SIEM integration.",
        "body": "# SOC\n\nIngest logs. <script>alert(1)</script> [x](javascript:alert(1))",
        "product_lines": ["security-suite"],
        "verticals": ["financial services"],
        "technologies": ["siem", "kubernetes"],
        "tags": ["soc"],
        "validated_versions": [{"product_line": "security-suite", "version": "2.6"}],
        **extra,
    }
    response = client.post("/api/v1/assets", headers=world.headers("admin"), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _publish(client, world, asset_id: int, number: str = "1.0.0", files: list[int] | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    admin = world.headers("admin")
    version = client.post(f"/api/v1/assets/{asset_id}/versions", headers=admin, json={"number": number, "release_notes": "First", "file_ids": files or []})
    assert version.status_code == 201, version.text
    for action in ("submit", "publish"):
        moved = client.post(f"/api/v1/asset-versions/{version.json()['id']}/transitions", headers=admin, json={"action": action})
        assert moved.status_code == 200, moved.text
    return version.json()


def test_a_gold_asset_is_locked_for_silver_then_downloaded_and_used(client, world):
    _catalog(world)
    admin = world.headers("admin")
    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin, json={"tier_id": world.tier_ids["si-regional/silver"]})
    uploaded = client.post("/api/v1/files", headers=admin, files={"file": ("soc.pdf", PDF, "application/pdf")}, data={"purpose": "asset"})
    assert uploaded.status_code == 201, uploaded.text
    file_id = uploaded.json()["id"]
    asset = _asset(client, world, entitlement={"minimum_tier_rank": 3})
    assert "<script>" not in asset["body_html"] and "&lt;script&gt;" in asset["body_html"] and 'href="javascript' not in asset["body_html"]
    version = _publish(client, world, asset["id"], files=[file_id])

    partner = world.headers("a_user")
    found = client.get("/api/v1/assets", headers=partner, params={"q": "security operations"}).json()
    assert [item["id"] for item in found["items"]] == [asset["id"]]
    item = found["items"][0]
    assert item["locked"] and item["locks"][0]["reason"] == "needs Gold tier: you are Silver"
    assert item["locks"][0]["unlock"] == "see what it takes" and item["locks"][0]["link"] == "tier_gap"
    assert item["flags"] == ["not yet validated for Security Suite 3.0"]
    url = f"/api/v1/assets/{asset['id']}/versions/{version['id']}/files/{file_id}/content"
    refused = client.get(url, headers=partner)
    assert refused.status_code == 403 and "needs Gold tier" in refused.json()["error"]["message"]
    assert client.get(f"/api/v1/assets/{asset['id']}", headers=partner).json()["versions"][0]["files"] == []

    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin, json={"tier_id": world.tier_ids["si-regional/gold"]})
    download = client.get(url, headers=partner)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    # Partner B (a reseller, no tier) neither opens it nor learns of A's use.
    assert client.get(url, headers=world.headers("b_user")).status_code == 403

    registration = client.post("/api/v1/registrations", headers=partner, json=PROJECT)
    assert registration.status_code == 201, registration.text
    used = client.post(f"/api/v1/assets/{asset['id']}/project-uses", headers=partner, json={"registration_id": registration.json()["id"]})
    assert used.status_code == 201, used.text
    assert client.get(f"/api/v1/registrations/{registration.json()['id']}/assets", headers=partner).json()[0]["asset_id"] == asset["id"]
    assert client.get(f"/api/v1/registrations/{registration.json()['id']}/assets", headers=world.headers("b_user")).status_code == 404
    adoption = client.get(f"/api/v1/assets/{asset['id']}/adoption", headers=admin).json()
    assert adoption["projects"] == 1
    assert sum(row["downloads"] for row in adoption["rows"]) == 1 and sum(row["views"] for row in adoption["rows"]) >= 1


def test_search_ranks_title_matches_first_and_filters(client, world):
    _catalog(world)
    body_only = _asset(client, world, title="Data migration accelerator", summary="Scripts.", body="Covers security hardening of the target.", tags=[])
    title = _asset(client, world, title="Security hardening pattern", summary="Hardening.", product_lines=["data-platform"], validated_versions=[])
    for asset in (body_only, title):
        _publish(client, world, asset["id"])
    partner = world.headers("a_user")
    ranked = client.get("/api/v1/assets", headers=partner, params={"q": "security hardening"}).json()["items"]
    assert [a["id"] for a in ranked] == [title["id"], body_only["id"]]
    # Counted in the same pass as ranked, and still counted on a page past the last match.
    first = client.get("/api/v1/assets", headers=partner, params={"q": "security", "limit": 1}).json()
    assert (first["total"], [a["id"] for a in first["items"]]) == (2, [title["id"]])
    past = client.get("/api/v1/assets", headers=partner, params={"q": "security", "offset": 5}).json()
    assert (past["total"], past["items"]) == (2, [])
    by_line = client.get("/api/v1/assets", headers=partner, params={"q": "security", "product_line": "data-platform"}).json()["items"]
    assert [a["id"] for a in by_line] == [title["id"]]
    by_version = client.get("/api/v1/assets", headers=partner, params={"version": "2.6"}).json()["items"]
    assert [a["id"] for a in by_version] == [body_only["id"]]
    assert client.get("/api/v1/assets", headers=partner, params={"q": '"; DROP TABLE assets; --'}).status_code == 200
    # Security Suite 3.0 is out: the owner of the asset validated only for 2.6 is told, once.
    with world.db.session_scope(PartnerScope.system(reason="test sweep")) as session:
        assert notice_service.notify_unvalidated(session, Actor.system(label="sweep"), today=clock.today()) == 1
        assert notice_service.notify_unvalidated(session, Actor.system(label="sweep"), today=clock.today()) == 0


def test_a_contribution_is_reviewed_then_published_and_credited(client, world):
    _catalog(world)
    contributor = world.headers("a_admin")
    created = client.post(
        "/api/v1/assets",
        headers=contributor,
        json={"kind": "solution_accelerator", "title": "HIPAA integration accelerator", "summary": "FHIR mappings.", "verticals": ["healthcare"]},
    )
    assert created.status_code == 201, created.text
    asset_id = created.json()["id"]
    version = client.post(f"/api/v1/assets/{asset_id}/versions", headers=contributor, json={"number": "0.9.0"}).json()
    assert client.get(f"/api/v1/assets/{asset_id}", headers=world.headers("b_admin")).status_code == 404
    publish = client.post(f"/api/v1/asset-versions/{version['id']}/transitions", headers=contributor, json={"action": "publish"})
    assert publish.status_code == 422
    assert client.post(f"/api/v1/asset-versions/{version['id']}/transitions", headers=contributor, json={"action": "submit"}).status_code == 200
    admin = world.headers("admin")
    assert [v["id"] for v in client.get("/api/v1/assets/review-queue", headers=admin).json()] == [version["id"]]
    changes = client.post(
        f"/api/v1/asset-versions/{version['id']}/reviews", headers=admin, json={"decision": "request_changes", "comment": "Add the BAA template."}
    )
    assert changes.status_code == 201, changes.text
    assert client.get(f"/api/v1/assets/{asset_id}", headers=contributor).json()["versions"][0]["status_reason"] == "Add the BAA template."
    client.post(f"/api/v1/asset-versions/{version['id']}/transitions", headers=contributor, json={"action": "submit"})
    approve = client.post(
        f"/api/v1/asset-versions/{version['id']}/reviews",
        headers=admin,
        json={"decision": "approve", "checklist": ["No customer data or secrets in the files"]},
    )
    assert approve.status_code == 201, approve.text
    seen = client.get(f"/api/v1/assets/{asset_id}", headers=world.headers("b_admin"))
    assert seen.status_code == 200 and seen.json()["contributed_by"] == "Northwind Consulting" and seen.json()["current_version"] == "0.9.0"
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        told = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == EventType.ASSET_CONTRIBUTION_DECIDED).order_by(OutboxMessage.id)).all()
    assert [(m.recipient_user_id, m.entity_id, m.payload["facts"]["approved"], m.payload["facts"]["comment"]) for m in told] == [
        (world.users["a_admin"], asset_id, False, "Add the BAA template."),
        (world.users["a_admin"], asset_id, True, ""),
    ]
    retire = client.post(f"/api/v1/asset-versions/{version['id']}/transitions", headers=admin, json={"action": "retire"})
    assert retire.status_code == 422 and retire.json()["error"]["details"][0]["field"] == "reason"


def test_an_approved_customer_reference_counts_toward_tiers(client, world):
    from alliance.tiers.metrics_repository import TierMetricsRepository

    body = {"customer_name": "Northwind Regional Health", "title": "Claims in hours, not days", "vertical": "healthcare", "product_lines": ["analytics"]}
    body |= {"problem": "Claims took days", "outcome": "Claims processed 6× faster", "quote": "It changed our quarter."}
    submitted = client.post("/api/v1/customer-references", headers=world.headers("a_admin"), json=body)
    assert submitted.status_code == 201, submitted.text
    admin = world.headers("cam")
    refused = client.post(f"/api/v1/customer-references/{submitted.json()['id']}/decision", headers=admin, json={"approve": True})
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "customer_approved_on"
    approved_body = body | {"customer_approved_on": clock.today().isoformat(), "customer_approver": "Dr. Jane Holt, CIO"}
    second = client.post("/api/v1/customer-references", headers=world.headers("a_admin"), json=approved_body).json()
    decided = client.post(f"/api/v1/customer-references/{second['id']}/decision", headers=admin, json={"approve": True, "note": "Great story"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    listed = client.get("/api/v1/customer-references", headers=world.headers("a_user"), params={"vertical": "healthcare", "status": "approved"}).json()
    assert [r["id"] for r in listed["items"]] == [second["id"]]
    with world.db.session_scope(PartnerScope.system(reason="test metrics"), write=False) as session:
        assert TierMetricsRepository(session).metrics(today=clock.today(), partner_ids=[world.a.id])[world.a.id].values["customer_references"] == 1
