"""The library's pages: the vendor creates an asset with an entitlement, adds a version with its
file and publishes it; a Silver partner finds it locked with the reason and the way to unlock it,
and after the upgrade downloads the file and records it as used on a project."""

from __future__ import annotations

from tests.api.registrations.test_registrations_api import PROJECT
from tests.factories.assets import library_catalog
from tests.web.client import csrf_token, post, soup

PDF = b"%PDF-1.7\n" + b"HIPAA integration pattern " * 50


def test_an_asset_from_console_form_to_partner_download(client, login, world):
    library_catalog(world.db)
    admin_api = world.headers("admin")
    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin_api, json={"tier_id": world.tier_ids["si-regional/silver"]})
    login("admin")
    form = {
        "kind": "solution_pattern",
        "title": "HIPAA integration pattern",
        "summary": "HL7/FHIR integration with audit trails.",
        "body": "## Steps\n\n1. Map the messages",
        "product_lines": ["integration-hub"],
        "validated_versions": "integration-hub 5.0",
        "verticals": "healthcare",
        "technologies": "fhir, hl7",
        "tags": "hipaa",
        "minimum_tier_rank": "3",
        "holders_needed": "1",
        "certification_holder": "person",
    }
    created = post(client, "/console/assets", form)
    assert created.status_code == 303, soup(created).find(class_="flash-error")
    asset_url = created.headers["location"]
    token = csrf_token(client, asset_url)
    added = client.post(
        f"{asset_url}/versions",
        data={"number": "1.0.0", "release_notes": "First", "csrf_token": token},
        files={"files": ("pattern.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert added.status_code == 303, soup(added).find(class_="flash-error")
    page = soup(client.get(asset_url))
    version_form = page.find("form", action=lambda a: bool(a) and a.endswith("/transition"))
    for action in ("submit", "publish"):
        assert post(client, version_form["action"], {"action": action}).status_code == 303
    assert "Current" in client.get(asset_url).text
    assert "HIPAA integration pattern" in client.get("/console/assets.csv").text

    login("a_user")
    library = soup(client.get("/portal/library", params={"q": "hipaa"}))
    row = library.find(id=lambda i: bool(i) and i.startswith("asset-"))
    assert row is not None and "Needs Gold tier: you are Silver" in row.get_text(" ", strip=True)
    assert row.find("a", string="see what it takes")["href"] == "/portal/tier"
    portal_url = row.find("a")["href"]
    assert "Files are available once unlocked" in client.get(portal_url).text

    client.patch(f"/api/v1/partners/{world.a.id}", headers=admin_api, json={"tier_id": world.tier_ids["si-regional/gold"]})
    page = soup(client.get(portal_url))
    download = client.get(page.find("a", class_="download")["href"])
    assert download.status_code == 200 and download.content == PDF
    registration = client.post("/api/v1/registrations", headers=world.headers("a_user"), json=PROJECT).json()
    assert post(client, f"{portal_url}/used-in", {"registration_id": str(registration["id"])}).status_code == 303
    assert "ERP rollout" in soup(client.get(portal_url)).find(id="used-in").get_text()
    # The registration's page shows it too, on both sides, linking to the asset.
    used = soup(client.get(f"/portal/registrations/{registration['id']}")).find(id="used-assets")
    assert used.find("a", string="HIPAA integration pattern")["href"] == portal_url
    login("admin")
    used = soup(client.get(f"/console/registrations/{registration['id']}")).find(id="used-assets")
    assert used.find("a", string="HIPAA integration pattern")["href"] == asset_url
    adoption = client.get(f"{asset_url}/adoption.csv")
    assert adoption.headers["content-disposition"].startswith("attachment") and adoption.text.splitlines()[0].startswith("asset_id,asset,partner_type")
    row = adoption.text.splitlines()[1].split(",")
    assert row[1:7] + row[8:] == ["HIPAA integration pattern", "systems_integrator", "Gold", "1.0.0", "1", "1", "1", "1"]  # 1 download, 1 project


def test_a_partner_contributes_and_the_vendor_approves(client, login, world):
    library_catalog(world.db)
    login("a_admin")
    created = post(client, "/portal/library/contribute", {"kind": "solution_accelerator", "title": "Claims triage accelerator", "summary": "Rules and models."})
    assert created.status_code == 303, soup(created).find(class_="flash-error")
    asset_url = created.headers["location"]
    assert post(client, f"{asset_url}/versions", {"number": "0.1.0", "release_notes": "First cut"}).status_code == 303
    page = soup(client.get(asset_url))
    assert post(client, page.find("form", action=lambda a: bool(a) and a.endswith("/transition"))["action"], {"action": "submit"}).status_code == 303
    asset_id = asset_url.rsplit("/", 1)[1]

    login("admin")
    queue = soup(client.get("/console/assets/review-queue"))
    assert "Claims triage accelerator" in queue.get_text() and "Northwind Consulting" in queue.get_text()
    review_form = soup(client.get(f"/console/assets/{asset_id}")).find("form", class_="review-form")
    assert (
        post(client, review_form["action"], {"decision": "approve", "checklist": ["No customer data or secrets in the files"], "comment": "Good"}).status_code
        == 303
    )
    login("b_user")
    assert "Contributed by Northwind Consulting" in soup(client.get(f"/portal/library/{asset_id}")).get_text(" ", strip=True)


def test_the_console_library_sorts_by_its_columns(client, login, world):
    library_catalog(world.db)
    for title in ("Beta pattern", "Alpha pattern", "Gamma pattern"):
        body = {"kind": "solution_pattern", "title": title, "summary": "A pattern."}
        assert client.post("/api/v1/assets", headers=world.headers("admin"), json=body).status_code == 201
    login("admin")

    def titles(sort: str) -> list[str]:
        page = soup(client.get("/console/assets", params={"sort": sort}))
        return [row.find("a").get_text() for row in page.select("#assets tbody tr")]

    assert titles("title") == ["Alpha pattern", "Beta pattern", "Gamma pattern"]
    assert titles("-title") == ["Gamma pattern", "Beta pattern", "Alpha pattern"]
    assert titles("nonsense") == ["Gamma pattern", "Alpha pattern", "Beta pattern"]  # unknown: newest first
    assert "Alpha pattern" in client.get("/console/assets.csv", params={"sort": "title"}).text
