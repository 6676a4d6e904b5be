"""Co-branded briefs, end to end through the portal: partner A's admin uploads its logo, previews
the healthcare brief and downloads its PDF. The PDF is rendered once for the module (WeasyPrint
is the slow part) and read back with poppler: its text (A's name, certification counts, contact)
and page 1 drawn as a PNG with the logo on it. A partner renders only for itself: B's facts are
a 404 to A, and a brief for SIs only is locked for B (a reseller). Usage is counted per partner
and shown in the asset's adoption report."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from alliance.db import Database
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from tests.factories import tables
from tests.factories.certifications import make_cert, make_track
from tests.factories.world import PASSWORD, build_world
from tests.web.client import csrf_token, soup

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftotext, pdftoppm) is not installed")

TEMPLATE = """<header>{% if partner.logo %}<img class="logo" src="{{ partner.logo }}" alt="logo">{% endif %}
<h1>{{ partner.name }} and {{ vendor_name }}: HIPAA-compliant FHIR integration</h1></header>
<p>{{ partner.name }} delivers HL7/FHIR integration on Integration Hub for hospital networks.</p>
<h2>Certified delivery team</h2>
<ul>{% for c in certifications %}<li>{{ c.count }} certified {{ c.role }}, {{ c.product }}</li>{% endfor %}</ul>
<p>Contact: {{ contact.name }} · {{ contact.email }}</p>"""


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 20, 20)).save(out, format="PNG")
    return out.getvalue()


def _login(client: TestClient, email: str) -> str:
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, follow_redirects=False).status_code == 303
    return csrf_token(client, "/portal/briefs") if "partner" in email else ""


@pytest.fixture(scope="module")
def brief(shared_app: Any, shared_database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One brief rendered for partner A (portal preview and PDF), with every isolation probe made
    on the way; the database is emptied after."""
    db = shared_database
    world = build_world(db)
    out: dict[str, Any] = {"world": world}
    try:
        with db.session_scope(PartnerScope.system(reason="test: certified people")) as session:
            track = make_track(session, "brief-sa", role="solution_architect", version="9.0")
            for person_id in world.a.person_ids[:2]:
                make_cert(session, person_id=person_id, partner_id=world.a.id, track_id=track.id, issued_on=clock.today() - timedelta(days=10))
        with TestClient(shared_app) as api:
            admin = world.headers("admin")
            asset = api.post("/api/v1/assets", headers=admin, json={"kind": "solution_pattern", "title": "HIPAA FHIR pattern", "summary": "FHIR"}).json()
            body = {"title": "Healthcare HIPAA integration brief", "body_html": TEMPLATE, "asset_id": asset["id"], "partner_types": ["systems_integrator"]}
            created = api.post("/api/v1/brief-templates", headers=admin, json=body)
            assert created.status_code == 201, created.text
            out["template_id"], out["asset_id"] = created.json()["id"], asset["id"]
            out["bad_template"] = api.post("/api/v1/brief-templates", headers=admin, json={**body, "body_html": "{{ partner.__class__ }}"})
            out["html_logo"] = api.post("/api/v1/partner-logo", headers=world.headers("a_admin"), files={"file": ("logo.html", b"<html></html>", "text/html")})
            out["pdf_logo"] = api.post("/api/v1/partner-logo", headers=world.headers("a_admin"), files={"file": ("logo.png", b"%PDF-1.7\nx", "image/png")})
            template = out["template_id"]
            out["as_b"] = api.get(f"/api/v1/brief-templates/{template}/preview", headers=world.headers("a_user"), params={"partner_id": world.b.id})
            out["b_locked"] = api.get(f"/api/v1/brief-templates/{template}/preview", headers=world.headers("b_user"))
            out["b_list"] = api.get("/api/v1/brief-templates", headers=world.headers("b_user")).json()
            portal = TestClient(shared_app)
            token = _login(portal, world.emails["a_admin"])
            out["logo"] = portal.post(
                "/portal/briefs/logo", data={"csrf_token": token}, files={"file": ("logo.png", _png(), "image/png")}, follow_redirects=False
            )
            out["second_logo"] = portal.post("/portal/briefs/logo", data={"csrf_token": token}, files={"file": ("logo2.png", _png(), "image/png")})
            out["page"] = soup(portal.get(f"/portal/briefs/{template}"))
            out["preview"] = portal.get(f"/portal/briefs/{template}/preview")
            out["pdf"] = portal.get(f"/portal/briefs/{template}.pdf")
            out["usage"] = api.get(f"/api/v1/assets/{asset['id']}/brief-usage", headers=admin).json()
            portal.close()
            console = TestClient(shared_app)
            _login(console, world.emails["admin"])
            out["adoption"] = soup(console.get(f"/console/assets/{asset['id']}"))
            out["console_preview"] = console.get(f"/console/briefs/{template}/preview", params={"partner_id": world.a.id})
            out["console_form"] = soup(console.get(f"/console/briefs/{template}"))
            out["new_form"] = soup(console.get("/console/briefs/new"))
            console.close()
        if out["pdf"].status_code == 200 and shutil.which("pdftoppm"):
            folder = tmp_path_factory.mktemp("brief")
            path = folder / "brief.pdf"
            path.write_bytes(out["pdf"].content)
            out["text"] = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
            subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(folder / "page")], check=True)
            out["png"] = next(Path(folder).glob("page-*.png"))
        yield out
    finally:
        clock.freeze(None)
        tables.empty(db)


@needs_poppler
def test_the_pdf_carries_the_partners_name_certifications_and_contact(brief: dict[str, Any]) -> None:
    from PIL import Image

    assert brief["pdf"].status_code == 200 and brief["pdf"].headers["content-type"] == "application/pdf"
    text = " ".join(brief["text"].split())
    assert "Northwind Consulting and Alliance Software: HIPAA-compliant FHIR integration" in text
    assert "2 certified Solution architect, Data Platform 9.0" in text
    assert "Contact: A Admin · a_admin@partner" in text
    with Image.open(brief["png"]) as page:
        colours = page.convert("RGB").getcolors(maxcolors=1 << 20) or []
    red = sum(count for count, (r, g, b) in colours if r > 150 and g < 80 and b < 80)
    assert red > 50, "the logo is drawn on page 1"


def test_the_portal_previews_the_brief_in_a_sandboxed_frame(brief: dict[str, Any]) -> None:
    assert brief["logo"].status_code == 303 and brief["second_logo"].status_code == 409
    frame = brief["page"].find(id="brief-preview")
    assert frame is not None and frame.has_attr("sandbox") and brief["page"].find(id="download-pdf") is not None
    preview = brief["preview"]
    assert preview.status_code == 200 and preview.headers["content-security-policy"] == "sandbox"
    assert "Northwind Consulting and Alliance Software" in preview.text and "data:image/png;base64," in preview.text
    assert brief["console_preview"].status_code == 200 and "Northwind Consulting" in brief["console_preview"].text


def test_a_partner_renders_only_for_itself_and_only_briefs_for_its_type(brief: dict[str, Any]) -> None:
    assert brief["as_b"].status_code == 404
    assert brief["b_locked"].status_code == 403 and "for systems integrators only" in brief["b_locked"].json()["error"]["message"]
    assert brief["b_list"][0]["locked"] and brief["b_list"][0]["lock_reason"] == "for systems integrators only"
    assert brief["b_list"][0]["views"] == 0  # B sees its own usage only


def test_the_template_form_picks_its_asset_by_title(brief: dict[str, Any]) -> None:
    picker = brief["console_form"].find("select", attrs={"name": "asset_id"})
    assert picker is not None and picker.find("option", selected=True).get_text(strip=True) == "HIPAA FHIR pattern (Solution pattern)"
    assert picker.find("option", selected=True)["value"] == str(brief["asset_id"])
    blank = brief["new_form"].find("select", attrs={"name": "asset_id"}).find("option", selected=True)
    assert blank is None or blank["value"] == ""
    assert [o.get_text(strip=True) for o in picker.find_all("option")] == ["None: a stand-alone brief", "HIPAA FHIR pattern (Solution pattern)"]


def test_templates_and_logos_are_checked(brief: dict[str, Any]) -> None:
    assert brief["bad_template"].status_code == 422 and "body_html" in brief["bad_template"].text
    assert brief["html_logo"].status_code == 422 and brief["pdf_logo"].status_code == 422


def test_usage_is_counted_and_in_the_adoption_report(brief: dict[str, Any]) -> None:
    world = brief["world"]
    assert brief["usage"] == [
        {
            "template_id": brief["template_id"],
            "title": "Healthcare HIPAA integration brief",
            "partner_id": world.a.id,
            "partner": "Northwind Consulting",
            "views": 1,
            "downloads": 1,
        }
    ]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in brief["adoption"].select("#brief-adoption tbody tr")]
    assert rows == [["Healthcare HIPAA integration brief", "Northwind Consulting", "1", "1"]]
