"""Bad input gets a page that says what is wrong, never a 500."""

from __future__ import annotations

import pytest

from tests.web.client import post, soup

HUGE = "9" * 25
LONG = "x" * 5000

CONSOLE_URLS = [
    "/console/partners/0",
    "/console/partners/-3",
    "/console/partners/abc",
    f"/console/partners/{HUGE}",
    "/console/partners/2147483648/edit",
    f"/console/programs/{HUGE}",
    f"/console/tiers/{HUGE}/edit",
    "/console/tiers/abc/edit",
    f"/console/partners?limit={HUGE}",
    "/console/partners?limit=abc&offset=x",
    f"/console/partners?offset={HUGE}",
    f"/console/partners?sort={LONG[:40]}",
    f"/console/partners?q={LONG}",
    f"/console/partners?cam={HUGE}",
    "/console/partners?sort=-",
    "/console/partners?q=%25_%5C",
    f"/console/audit?partner_id={HUGE}",
    "/console/audit?from=2024-02-30&to=0000-00-00",
    "/console/audit?from=9999-12-31&to=9999-12-31",
    f"/console/audit?entity_id={LONG}",
    "/console/audit?action=%25&actor=_",
    f"/console/audit?limit={HUGE}",
]
PORTAL_URLS = [f"/portal/people/{HUGE}/edit", "/portal/people/0/edit", "/portal/people/abc/edit", "/portal/nope"]


def test_console_urls(client, login, world):
    login("admin")
    for url in CONSOLE_URLS:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code in (200, 404, 422), (url, response.status_code)


def test_portal_urls(client, login, world):
    login("a_admin")
    for url in PORTAL_URLS:
        assert client.get(url).status_code in (404, 422), url


@pytest.mark.parametrize(
    "fields",
    [
        {"consultant_headcount": "1e309", "enrolled_on": "2024-13-45"},
        {"program_id": HUGE, "tier_id": "-1", "cam_user_id": "abc"},
        {"cam_user_id": HUGE},
        {"regions": ["Mars", "NA"], "partner_type": "alien", "status": "zombie"},
        {"legal_name": LONG, "website": "javascript:alert(1)"},
        {"unexpected_field": "value", "id": "5"},
    ],
)
def test_partner_forms(client, login, world, fields):
    login("admin")
    base = {"legal_name": "Valid Ltd", "display_name": "Valid", "partner_type": "reseller", "hq_country": "US"}
    for url in ("/console/partners/new", f"/console/partners/{world.a.id}/edit"):
        response = post(client, url, base | fields)
        assert response.status_code in (403, 409, 422), (url, fields, response.status_code)


def test_tier_form_with_absurd_values(client, login, world):
    login("admin")
    tier_id = world.tier_ids["si-regional/silver"]
    for fields in (
        {"mdf_allocation": "1000000000000"},
        {"mdf_allocation": "999999999999.99", "discount_percent": "NaN"},
        {"criteria-0-metric": "consultant_headcount", "criteria-0-threshold": "1e400"},
        {"criteria-0-metric": "consultant_headcount", "criteria-0-comparison": "~=", "criteria-0-threshold": "1"},
        {f"criteria-{i}-metric": "consultant_headcount" for i in range(40)} | {f"criteria-{i}-threshold": "1" for i in range(40)},
        {"criteria-99999-metric": "consultant_headcount", "criteria-99999-threshold": "1"},
    ):
        response = post(client, f"/console/tiers/{tier_id}/edit", fields)
        assert response.status_code in (303, 422), (fields, response.status_code)


def test_person_and_sponsor_forms(client, login, world):
    login("a_admin")
    for fields in (
        {},
        {"name": LONG, "email": LONG},
        {"name": "A", "email": "a@a.example", "delivery_role": "sales", "country": "ZZZ"},
        {"partner_id": str(world.b.id), "name": "A", "email": "z@a.example", "delivery_role": "sales"},
    ):
        assert post(client, "/portal/people", fields).status_code in (409, 422), fields
    login("admin")
    for fields in ({}, {"side": "both", "name": "X"}, {"side": "vendor", "name": "X", "user_id": HUGE}, {"side": "vendor", "name": "X", "user_id": "-7"}):
        assert post(client, f"/console/partners/{world.a.id}/sponsors", fields).status_code in (404, 422), fields


def test_nul_characters_in_a_form_are_refused_naming_the_field(client, login, world):
    """The same screening as the API (alliance/http/screening.py): a NUL is never stored on SQLite
    nor a driver error on PostgreSQL."""
    login("admin")
    response = post(client, f"/console/partners/{world.a.id}/people", {"name": "Mo\u0000le", "email": "mole@a.example", "delivery_role": "sales"})
    assert response.status_code == 422
    assert [li.find("strong").get_text() for li in soup(response).select("ul.errors li")] == ["name"]
    assert client.get(f"/api/v1/partners/{world.a.id}/people", headers=world.headers("admin")).json()["total"] == 3
    assert client.get("/console/partners?q=a%00b").status_code == 422
