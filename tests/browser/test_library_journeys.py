"""The library in a real browser: a Silver partner finds a Gold asset locked with the reason and
the way to unlock it, is upgraded, downloads the file and records the asset as used on a project."""

from __future__ import annotations

import re

import pytest

from tests.api.registrations.test_registrations_api import PROJECT
from tests.factories.assets import library_catalog

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.7\n" + b"security operations " * 80


def test_silver_partner_unlocks_downloads_and_records_use(page, login, world, client):
    library_catalog(world.db)
    admin = world.headers("admin")
    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin, json={"tier_id": world.tier_ids["si-regional/silver"]})
    file_id = client.post("/api/v1/files", headers=admin, files={"file": ("soc.pdf", PDF, "application/pdf")}, data={"purpose": "asset"}).json()["id"]
    body = {
        "kind": "reference_architecture",
        "title": "SOC reference architecture",
        "summary": "A security operations centre.",
        "entitlement": {"minimum_tier_rank": 3},
    }
    asset = client.post("/api/v1/assets", headers=admin, json=body).json()
    version = client.post(f"/api/v1/assets/{asset['id']}/versions", headers=admin, json={"number": "1.0.0", "file_ids": [file_id]}).json()
    for action in ("submit", "publish"):
        client.post(f"/api/v1/asset-versions/{version['id']}/transitions", headers=admin, json={"action": action})
    assert client.post("/api/v1/registrations", headers=world.headers("a_user"), json=PROJECT).status_code == 201

    login("a_user")
    page.get_by_role("link", name="Library").click()
    page.get_by_role("searchbox", name="Search").fill("security operations")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#assets tr", has_text="SOC reference architecture")
    assert "Needs Gold tier: you are Silver" in row.inner_text()
    assert row.get_by_role("link", name="see what it takes").get_attribute("href") == "/portal/tier"
    row.get_by_role("link", name="SOC reference architecture").click()
    assert "Files are available once unlocked" in page.locator("#versions").inner_text()

    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin, json={"tier_id": world.tier_ids["si-regional/gold"]})
    page.reload()
    assert page.locator("#locked").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="soc.pdf").click()
    assert download.value.suggested_filename == "soc.pdf"
    page.get_by_label("Project registration").select_option(label="ERP rollout")
    page.get_by_role("button", name="Record as used on this project").click()
    page.wait_for_url(re.compile(r"/portal/library/\d+$"))
    assert "ERP rollout" in page.locator("#used-in").inner_text()
