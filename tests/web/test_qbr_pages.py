"""QBR pages: the console generates a draft, edits a commitment, publishes and shares; the portal
shows the shared package and its PDF to the partner's admin only (another partner: 404). The PDF
is read back with poppler: its text and page count, and page 1 drawn as a PNG."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alliance.identity.scope import Actor, Role, scope_for
from alliance.kit import clock, fiscal
from alliance.partners import service as partner_service
from alliance.partners.schemas import SponsorCreate
from alliance.partners.vocabulary import SponsorSide
from tests.factories.qbr import AS_OF, QUARTER, build_qbr_history
from tests.web.client import post, soup

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdftoppm) is not installed")


@needs_poppler
def test_generate_edit_publish_share_and_the_portal_pdf(client, login, db, world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_qbr_history(db, world)
    login("admin")
    response = post(client, "/console/qbrs", {"partner_id": world.a.id, "quarter": QUARTER, "as_of": AS_OF.isoformat()}, token_from="/console/qbrs")
    assert response.status_code == 303, response.text
    base = response.headers["location"]
    qbr_id = int(base.rsplit("/", 1)[1])
    page = soup(client.get(base))
    assert page.find(id="qbr-status").get_text(strip=True) == "Draft"
    assert page.find(id="contribution").get_text(" ", strip=True).startswith("USD 140,000")
    assert page.select("#chart-capacity_by_role svg title")[0].get_text() == "Certified delivery capacity by role and level"
    assert post(client, f"{base}/commitments", {"title": "Joint healthcare pitch", "side": "joint", "owner_name": "Ada Admin"}).status_code == 303
    commitment_id = int(soup(client.get(base)).select("form.commitment")[0]["id"].split("-")[1])
    edit = {"title": "Joint healthcare pitch", "side": "joint", "owner_name": "Ada Admin", "due_on": "2026-09-30", "status": "late"}
    assert post(client, f"{base}/commitments/{commitment_id}", edit).status_code == 303
    csv = client.get(f"{base}/charts/influence_vs_direct.csv").text.splitlines()
    assert csv[0] == "Quarter,Influence,Direct,Services" and csv[-1] == 'FY2026 Q2,"USD 100,000","USD 40,000",USD 0'
    assert post(client, f"{base}/publish").status_code == 303
    assert post(client, f"{base}/commitments/{commitment_id}", {**edit, "status": "done"}).status_code == 409
    assert post(client, f"{base}/share").status_code == 303

    login("a_admin")
    listing = soup(client.get("/portal/qbrs"))
    assert listing.select("#qbrs tbody td a")[0].get_text(strip=True) == "FY2026-Q2"
    portal = soup(client.get(f"/portal/qbrs/{qbr_id}"))
    assert portal.find(id="qbr-status").get_text(strip=True) == "Shared" and portal.find(id="publish") is None
    pdf = client.get(f"/portal/qbrs/{qbr_id}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "qbr.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.count("\f")
    assert 3 <= pages <= 8, pages
    assert "Northwind Consulting · FY2026 Q2" in text and "Figures as of" in text and "2026-06-30" in text
    assert "Val Vendor-Exec" in text and "Joint healthcare pitch" in text and f"Page 2 of {pages}" in text
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(path), str(tmp_path / "page")], check=True)
    assert sorted(p.name for p in tmp_path.glob("page-*.png")) == ["page-1.png", "page-2.png"]

    login("b_admin")
    for url in (f"/portal/qbrs/{qbr_id}", f"/portal/qbrs/{qbr_id}.pdf", f"/portal/qbrs/{qbr_id}/charts/pipeline_funnel.svg"):
        assert client.get(url).status_code == 404, url
    assert soup(client.get("/portal/qbrs")).select("#qbrs") == []


def test_governance_page_records_a_meeting_and_explains_health(client, login, world) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 12, 1, 9, tzinfo=UTC))  # the test database fixture releases it
    login("cam")
    base = f"/console/partners/{world.a.id}/governance"
    page = soup(client.get(base))
    assert page.find(id="concerns").get_text(" ", strip=True).startswith("−30: No executive meeting recorded")
    bad = post(client, f"{base}/meetings", {"held_on": "2026-11-20", "title": "Executive review", "attendees": ""}, token_from=base)
    assert bad.status_code == 422
    response = post(client, f"{base}/meetings", {"held_on": "2026-11-20", "title": "Executive review", "attendees": "Evan Exec, A Partner-Exec"})
    assert response.status_code == 303
    page = soup(client.get(base))
    assert page.find(id="health-score").get_text(strip=True) == "100" and "Evan Exec, A Partner-Exec" in page.find(id="meetings").get_text()


def test_executive_dashboard_links_its_numbers_and_has_the_cam_and_sponsor_views(client, login, db, world) -> None:  # type: ignore[no-untyped-def]
    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")
    with db.session_scope(scope_for(admin)) as session:  # Evan Exec sponsors partner B
        evan = SponsorCreate(side=SponsorSide.VENDOR, name="Evan Exec", user_id=world.users["executive"])
        partner_service.add_sponsor(session, admin, partner_id=world.b.id, data=evan)
    login("cam")
    page = soup(client.get("/console/executive"))
    assert page.select("#chart-revenue svg title")[0].get_text() == "Influence, direct and services credit"
    assert page.find(id="partners-count")["href"] == "/console/partners"
    quarter = fiscal.current().period(fiscal.PeriodKind.QUARTER, clock.today())
    assert page.find(id="violations").find_parent("a")["href"] == f"/console/violations?view=portfolio&from={quarter.start}&to={quarter.end}"
    assert page.find(id="disputes-open").find_parent("a")["href"] == "/console/disputes/all?view=portfolio&status=open"
    cells = page.select("#pipeline-records tbody a")
    assert cells and all(a["href"].startswith("/console/registrations?kind=") and "&status=" in a["href"] for a in cells)
    assert all(a["href"].startswith("/console/partners?") for a in page.select("#tiers tbody td.num a") if not a["href"].startswith("#"))
    assert page.find(id="tier-moves") is not None
    mine = soup(client.get("/console/executive?view=mine"))
    count = mine.find(id="partners-count")
    assert mine.find(id="disputes-open").find_parent("a")["href"] == "/console/disputes/all?view=mine&status=open"
    assert count.get_text() == "1 partners" and count["href"] == f"/console/partners?cam={world.users['cam']}"  # Carl Cam manages partner A only
    lines = client.get("/console/executive/charts/capacity.csv?view=mine").text.splitlines()
    assert lines[0] == "Quarter,Certifications by role and level" and len(lines) == 6
    assert client.get("/console/executive/charts/nothing.csv").status_code == 404
    login("executive")
    sponsored = soup(client.get("/console/executive?view=sponsored"))
    assert sponsored.find(id="partners-count").get_text() == "1 partners"


def test_the_portal_menu_offers_qbrs_to_partner_admins_only(client, login, world) -> None:  # type: ignore[no-untyped-def]
    login("a_admin")
    assert soup(client.get("/portal")).select_one("nav.mainnav #portal-qbrs-link")["href"] == "/portal/qbrs"
    login("a_user")
    assert soup(client.get("/portal")).select_one("nav.mainnav #portal-qbrs-link") is None
