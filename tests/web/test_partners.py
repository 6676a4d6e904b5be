from __future__ import annotations

from alliance.identity.scope import PartnerScope
from alliance.partners.repository import PartnerRepository
from tests.web.client import field_error, post, soup


def names_in_table(response) -> list[str]:  # type: ignore[no-untyped-def]
    table = soup(response).find("table", id="partners")
    return [] if table is None else [row.find("td").find("a").get_text(strip=True) for row in table.find("tbody").find_all("tr")]


VALID = {
    "legal_name": "Contoso Integration Ltd",
    "display_name": "Contoso Integration",
    "partner_type": "systems_integrator",
    "si_subtype": "technology",
    "hq_country": "gb",
    "regions": ["EMEA", "NA"],
    "territories": "UK, Nordics",
    "consultant_headcount": "75",
    "status": "prospect",
}


class TestPartnerList:
    def test_lists_the_portfolio(self, client, login, world):
        login("admin")
        response = client.get("/console/partners")
        assert response.status_code == 200
        assert names_in_table(response) == ["Blue Harbor", "Northwind Consulting"]
        assert "Showing 1–2 of 2 partners" in soup(response).find(class_="pager").get_text()

    def test_filters(self, client, login, world):
        login("admin")
        assert names_in_table(client.get("/console/partners?partner_type=reseller")) == ["Blue Harbor"]
        assert names_in_table(client.get("/console/partners?partner_type=systems_integrator&si_subtype=regional")) == ["Northwind Consulting"]
        assert names_in_table(client.get("/console/partners?region=EMEA")) == ["Blue Harbor"]
        assert names_in_table(client.get("/console/partners?q=northw")) == ["Northwind Consulting"]
        assert names_in_table(client.get(f"/console/partners?cam={world.users['cam2']}")) == ["Blue Harbor"]
        assert names_in_table(client.get("/console/partners?tier=authorized")) == ["Blue Harbor"]
        assert names_in_table(client.get("/console/partners?status=suspended")) == []

    def test_the_filter_form_keeps_the_chosen_values(self, client, login):
        login("admin")
        page = soup(client.get("/console/partners?partner_type=reseller&region=EMEA&q=blue"))
        assert page.find("select", {"name": "partner_type"}).find("option", selected=True)["value"] == "reseller"
        assert page.find("select", {"name": "region"}).find("option", selected=True)["value"] == "EMEA"
        assert page.find("input", {"name": "q"})["value"] == "blue"

    def test_empty_and_unknown_filter_values_filter_nothing(self, client, login):
        login("admin")
        response = client.get("/console/partners?partner_type=&status=bogus&region=MARS&cam=abc&tier=")
        assert response.status_code == 200
        assert len(names_in_table(response)) == 2

    def test_sorting_by_headers(self, client, login):
        login("admin")
        assert names_in_table(client.get("/console/partners?sort=-headcount")) == ["Northwind Consulting", "Blue Harbor"]
        assert names_in_table(client.get("/console/partners?sort=country")) == ["Blue Harbor", "Northwind Consulting"]
        assert names_in_table(client.get("/console/partners?sort=-name")) == ["Northwind Consulting", "Blue Harbor"]

    def test_header_links_toggle_direction_and_keep_filters(self, client, login):
        login("admin")
        page = soup(client.get("/console/partners?sort=headcount&status=active"))
        link = page.find("th", attrs={"aria-sort": "ascending"}).find("a")
        assert "sort=-headcount" in link["href"] and "status=active" in link["href"]

    def test_unknown_sort_falls_back_to_name_with_a_notice(self, client, login):
        login("admin")
        response = client.get("/console/partners?sort=password")
        assert response.status_code == 200
        assert "Cannot sort by 'password'" in soup(response).get_text()
        assert names_in_table(response) == ["Blue Harbor", "Northwind Consulting"]

    def test_pagination(self, client, login):
        login("admin")
        first = client.get("/console/partners?limit=1")
        assert names_in_table(first) == ["Blue Harbor"]
        next_link = soup(first).find("a", rel="next")["href"]
        second = client.get("/console/partners" + next_link)
        assert names_in_table(second) == ["Northwind Consulting"]
        assert soup(second).find("a", rel="next") is None
        assert "Showing 2–2 of 2" in soup(second).find(class_="pager").get_text()

    def test_bad_paging_is_a_422_page(self, client, login):
        login("admin")
        assert client.get("/console/partners?limit=0").status_code == 422
        assert client.get("/console/partners?offset=-1").status_code == 422


class TestCreatePartner:
    def test_form_is_offered_to_creators_only(self, client, login):
        login("executive")
        assert soup(client.get("/console/partners")).find("a", string="New partner") is None
        assert client.get("/console/partners/new").status_code == 403

    def test_valid_form_creates_and_redirects_with_a_flash(self, client, login, db):
        login("cam")
        response = post(client, "/console/partners/new", VALID)
        assert response.status_code == 303
        profile = client.get(response.headers["location"])
        page = soup(profile)
        assert page.find("h1").get_text(strip=True) == "Contoso Integration"
        assert "Contoso Integration was added to the portfolio." in page.find(class_="flash-success").get_text()
        assert "Technology SI Program" in page.get_text()
        with db.session_scope(PartnerScope.system(reason="test check"), write=False) as session:
            partner = PartnerRepository(session).get_loaded(int(response.headers["location"].rsplit("/", 1)[1]))
            assert partner is not None and partner.hq_country == "GB" and set(partner.regions) == {"EMEA", "NA"}

    def test_bad_field_rerenders_with_422_and_inline_error(self, client, login):
        login("admin")
        response = post(client, "/console/partners/new", {**VALID, "hq_country": "Britain", "consultant_headcount": "-4"})
        assert response.status_code == 422
        page = soup(response)
        assert "two-letter country code" in field_error(page, "f-hq_country")
        assert "greater than or equal to 0" in field_error(page, "f-consultant_headcount")
        assert page.find("input", {"name": "display_name"})["value"] == "Contoso Integration"
        assert {box["value"] for box in page.find_all("input", {"name": "regions", "checked": True})} == {"EMEA", "NA"}

    def test_si_without_subtype_is_shown_at_the_subtype(self, client, login):
        login("admin")
        response = post(client, "/console/partners/new", {**VALID, "si_subtype": ""})
        assert response.status_code == 422
        assert "si_subtype is required" in field_error(soup(response), "f-si_subtype")

    def test_rule_violation_from_the_service_is_shown_on_the_form(self, client, login, world):
        login("admin")
        response = post(client, "/console/partners/new", {**VALID, "cam_user_id": str(world.users["auditor"])})
        assert response.status_code == 422
        page = soup(response)
        assert "not an active channel account manager" in page.find(role="alert").get_text()
        assert "cam role" in field_error(page, "f-cam_user_id")


class TestEditPartner:
    def test_prefilled_form(self, client, login, world):
        login("cam")
        page = soup(client.get(f"/console/partners/{world.a.id}/edit"))
        assert page.find("input", {"name": "display_name"})["value"] == "Northwind Consulting"
        assert page.find("input", {"name": "territories"})["value"] == "US-West"
        assert page.find("input", {"name": "regions", "value": "NA"}).has_attr("checked")
        assert page.find("select", {"name": "tier_id"}).has_attr("disabled")

    def test_save_redirects_with_a_flash_and_audits(self, client, login, world):
        login("cam")
        values = {
            "legal_name": "Northwind Consulting LLC",
            "display_name": "Northwind",
            "partner_type": "systems_integrator",
            "si_subtype": "regional",
            "hq_country": "US",
            "regions": ["NA", "LATAM"],
            "territories": "US-West",
            "verticals": "healthcare",
            "specialties": "cloud migration",
            "consultant_headcount": "200",
            "status": "active",
            "cam_user_id": str(world.users["cam"]),
            "reason": "rebrand",
        }
        response = post(client, f"/console/partners/{world.a.id}/edit", values)
        assert response.status_code == 303
        page = soup(client.get(response.headers["location"]))
        assert page.find("h1").get_text(strip=True) == "Northwind"
        assert "Partner profile saved." in page.find(class_="flash-success").get_text()
        login("auditor")
        trail = soup(client.get(f"/console/audit?partner_id={world.a.id}&action=partner.updated"))
        event = trail.find("li", class_="event")
        assert "rebrand" in event.get_text() and "Consultant headcount" in event.get_text()

    def test_unchanged_form_changes_nothing(self, client, login, world):
        login("admin")
        page = soup(client.get(f"/console/partners/{world.a.id}/edit"))
        values = {i["name"]: i.get("value", "") for i in page.select("form input[name]") if i["type"] not in ("hidden", "checkbox")}
        values |= {s["name"]: (s.find("option", selected=True) or {"value": ""})["value"] for s in page.select("form select[name]")}
        values["regions"] = ["NA"]
        response = post(client, f"/console/partners/{world.a.id}/edit", values)
        assert response.status_code == 303
        assert "Nothing changed." in client.get(response.headers["location"]).text

    def test_bad_field_is_a_422_with_the_inline_error(self, client, login, world):
        login("admin")
        response = post(
            client,
            f"/console/partners/{world.a.id}/edit",
            {
                "display_name": "Northwind",
                "legal_name": "",
                "website": "not a site",
                "hq_country": "US",
                "partner_type": "systems_integrator",
                "si_subtype": "regional",
                "status": "active",
            },
        )
        assert response.status_code == 422
        page = soup(response)
        assert "web address" in field_error(page, "f-website")
        assert "Northwind Consulting" in page.find("h1").get_text()

    def test_service_refusal_is_shown_and_nothing_is_saved(self, client, login, world):
        login("admin")
        response = post(
            client,
            f"/console/partners/{world.a.id}/edit",
            {
                "display_name": "Half Saved",
                "legal_name": "",
                "hq_country": "US",
                "partner_type": "systems_integrator",
                "si_subtype": "regional",
                "status": "active",
            },
        )
        assert response.status_code == 422
        assert "cannot be null" in field_error(soup(response), "f-legal_name")
        assert "Half Saved" not in client.get(f"/console/partners/{world.a.id}").text

    def test_cam_cannot_change_the_tier(self, client, login, world):
        login("cam")
        response = post(client, f"/console/partners/{world.a.id}/edit", {"tier_id": str(world.tier_ids["si-regional/gold"])})
        assert response.status_code == 403
        assert "Only program admins" in soup(response).find(role="alert").get_text()

    def test_program_admin_changes_the_tier(self, client, login, world):
        login("admin")
        response = post(client, f"/console/partners/{world.a.id}/edit", {"tier_id": str(world.tier_ids["si-regional/gold"])})
        assert response.status_code == 303
        assert "Gold" in soup(client.get(f"/console/partners/{world.a.id}")).find(class_="record-header").get_text()

    def test_readers_see_no_edit_controls_and_get_403(self, client, login, world):
        login("executive")
        page = soup(client.get(f"/console/partners/{world.a.id}"))
        assert page.find("a", string="Edit partner") is None
        assert page.find("button", string="Remove") is None
        assert page.find("summary", string="Add a person") is None
        assert client.get(f"/console/partners/{world.a.id}/edit").status_code == 403
        assert post(client, f"/console/partners/{world.a.id}/edit", {"display_name": "X"}).status_code == 403

    def test_unknown_partner_is_404(self, client, login):
        login("admin")
        assert client.get("/console/partners/999999").status_code == 404
        assert client.get("/console/partners/999999/edit").status_code == 404


class TestPartnerProfile:
    def test_shows_profile_program_tier_cam_people_and_sponsors(self, client, login, world):
        login("admin")
        page = soup(client.get(f"/console/partners/{world.a.id}"))
        text = page.get_text(" ", strip=True)
        for expected in (
            "Northwind Consulting LLC",
            "Regional SI",
            "US-West",
            "healthcare",
            "cloud migration",
            "Regional SI Program",
            "Registered benefits",
            "90 days",
            "Carl Cam",
            "cam@vendor.example",
            "Ann Architect",
            "Val Vendor-Exec",
            "A Partner-Exec",
        ):
            assert expected in text, expected
        assert page.find("a", string="Audit history")["href"] == f"/console/audit?partner_id={world.a.id}"

    def test_audit_link_only_for_auditors_and_admins(self, client, login, world):
        login("cam")
        assert soup(client.get(f"/console/partners/{world.a.id}")).find("a", string="Audit history") is None
