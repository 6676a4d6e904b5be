from __future__ import annotations

from tests.web.client import field_error, post, soup


class TestOverview:
    def test_shows_tier_cam_sponsors_and_people_by_role(self, client, login, world):
        login("a_user")
        page = soup(client.get("/portal"))
        text = page.get_text(" ", strip=True)
        assert "Welcome, Northwind Consulting" in text
        assert "Registered" in page.find(class_="kpi-tier").get_text()
        cam = page.find(id="cam-h").find_parent("section")
        assert "Carl Cam" in cam.get_text() and cam.find("a", href="mailto:cam@vendor.example") is not None
        assert "Val Vendor-Exec" in cam.get_text() and "A Partner-Exec" in cam.get_text()
        roles = page.find(id="roles-h").find_parent("section").get_text(" ", strip=True)
        assert "Solution architect 1" in roles and "Sales 0" in roles

    def test_vendor_users_are_sent_to_the_console(self, client, login):
        login("admin")
        for url in ("/portal", "/portal/people", "/portal/tier"):
            response = client.get(url, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"] == "/console", url

    def test_vendor_posts_to_the_portal_are_404(self, client, login):
        login("admin")
        assert post(client, "/portal/people", {"name": "X", "email": "x@x.example", "delivery_role": "sales"}).status_code == 404


class TestOrganization:
    def test_profile(self, client, login):
        login("a_user")
        page = soup(client.get("/portal/organization"))
        text = page.get_text(" ", strip=True)
        assert "Northwind Consulting LLC" in text and "US-West" in text and "Regional SI Program" in text
        assert page.find("a", string="Edit profile") is None

    def test_partner_user_cannot_edit(self, client, login):
        login("a_user")
        assert client.get("/portal/organization/edit").status_code == 403
        assert post(client, "/portal/organization/edit", {"display_name": "Mine now"}).status_code == 403

    def test_partner_admin_edits_self_service_fields(self, client, login):
        login("a_admin")
        form = soup(client.get("/portal/organization/edit")).find("form", action="/portal/organization/edit")
        assert form.find("input", {"name": "legal_name"}) is None and form.find("select", {"name": "tier_id"}) is None
        response = post(
            client,
            "/portal/organization/edit",
            {
                "display_name": "Northwind Cloud",
                "website": "northwind.example",
                "hq_country": "US",
                "consultant_headcount": "210",
                "regions": ["NA", "EMEA"],
                "territories": "US-West, UK",
                "verticals": "healthcare",
                "specialties": "cloud migration, data",
            },
        )
        assert response.status_code == 303
        page = soup(client.get(response.headers["location"]))
        assert "Your organization profile was saved." in page.get_text()
        assert "Northwind Cloud" in page.find("h1").get_text() and "EMEA" in page.get_text()

    def test_fields_reserved_to_the_vendor_are_refused(self, client, login):
        login("a_admin")
        response = post(client, "/portal/organization/edit", {"display_name": "Northwind Consulting", "hq_country": "US", "status": "active", "tier_id": "999"})
        assert response.status_code == 403
        assert "Partner admins cannot change" in soup(response).find(role="alert").get_text()

    def test_invalid_value_is_inline(self, client, login):
        login("a_admin")
        response = post(client, "/portal/organization/edit", {"display_name": "Northwind Consulting", "hq_country": "USA", "regions": ["NA"]})
        assert response.status_code == 422
        assert "two-letter country code" in field_error(soup(response), "f-hq_country")


class TestPeople:
    def test_list_shows_only_own_people(self, client, login):
        login("a_user")
        page = soup(client.get("/portal/people"))
        names = [row.find("td").get_text(strip=True) for row in page.find(id="people-table").find("tbody").find_all("tr")]
        assert names == ["Ann Architect", "Ian Engineer", "Pat Manager"]
        assert page.find(id="add-person") is None and page.find("button", string="Remove") is None

    def test_admin_adds_a_person_after_fixing_the_email(self, client, login):
        login("a_admin")
        response = post(client, "/portal/people", {"name": "Nia New", "email": "nia(at)a.example", "delivery_role": "solution_architect"})
        assert response.status_code == 422
        assert "valid email address" in field_error(soup(response), "person-email")
        response = post(client, "/portal/people", {"name": "Nia New", "email": "nia@a.example", "delivery_role": "solution_architect"})
        assert response.status_code == 303
        assert "Nia New" in soup(client.get("/portal/people")).find(id="people-table").get_text()

    def test_admin_edits_a_person(self, client, login, world):
        login("a_admin")
        person_id = world.a.person_ids[1]
        page = soup(client.get(f"/portal/people/{person_id}/edit"))
        assert page.find("input", {"name": "name"})["value"] == "Ian Engineer"
        response = post(
            client,
            f"/portal/people/{person_id}/edit",
            {"name": "Ian Engineer", "email": "ian@a.example", "title": "Lead engineer", "delivery_role": "implementation_engineer", "country": "US"},
        )
        assert response.status_code == 303
        table = soup(client.get("/portal/people")).find(id="people-table").get_text()
        assert "Lead engineer" in table and "Inactive" in table  # the unticked Active box deactivates

    def test_edit_errors_are_inline(self, client, login, world):
        login("a_admin")
        response = post(
            client,
            f"/portal/people/{world.a.person_ids[1]}/edit",
            {"name": "", "email": "ann.architect@a.example", "delivery_role": "sales", "is_active": "on"},
        )
        assert response.status_code in (409, 422)
        page = soup(response)
        assert page.find(role="alert") is not None

    def test_admin_removes_a_person(self, client, login, world):
        login("a_admin")
        assert post(client, f"/portal/people/{world.a.person_ids[2]}/remove").status_code == 303
        assert "Pat Manager" not in soup(client.get("/portal/people")).find(id="people-table").get_text()

    def test_partner_user_cannot_change_people(self, client, login, world):
        login("a_user")
        person_id = world.a.person_ids[0]
        assert client.get(f"/portal/people/{person_id}/edit").status_code == 403
        assert post(client, f"/portal/people/{person_id}/remove").status_code == 403
        assert post(client, "/portal/people", {"name": "X", "email": "x@a.example", "delivery_role": "sales"}).status_code == 403


class TestTier:
    def test_current_tier_and_the_ladder_in_words(self, client, login):
        login("a_user")
        page = soup(client.get("/portal/tier"))
        assert "Registered" in page.find(class_="current-tier").get_text()
        ladder = page.find("ol", class_="ladder")
        tiers = ladder.find_all("li", class_="tier-card")
        assert [t.find(class_="tier").get_text(strip=True) for t in tiers] == ["Registered", "Silver", "Gold", "Platinum"]
        assert "is-current" in tiers[0]["class"] and "is-next" in tiers[1]["class"]
        assert "Certified solution architects (any level) ≥ 2" in tiers[1].get_text(" ", strip=True)
        assert "Influenced revenue, trailing 12 months ≥ $1M" in tiers[2].get_text(" ", strip=True)
