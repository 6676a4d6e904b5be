from __future__ import annotations

from tests.web.client import field_error, post, soup


def people_rows(client, partner_id):  # type: ignore[no-untyped-def]
    table = soup(client.get(f"/console/partners/{partner_id}")).find("table", id="people-table")
    return [row.find("td").get_text(strip=True) for row in table.find("tbody").find_all("tr")] if table else []


class TestConsoleAddPerson:
    def test_adds_and_flashes(self, client, login, world):
        login("cam")
        response = post(
            client,
            f"/console/partners/{world.a.id}/people",
            {"name": "Dana Dev", "email": "Dana@A.example", "delivery_role": "integration_specialist", "country": "us"},
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/console/partners/{world.a.id}#people"
        page = client.get(response.headers["location"])
        assert "Dana Dev was added." in soup(page).find(class_="flash-success").get_text()
        assert "dana@a.example" in page.text
        assert "Dana Dev" in people_rows(client, world.a.id)

    def test_invalid_email_reopens_the_form_with_the_error(self, client, login, world):
        login("cam")
        response = post(client, f"/console/partners/{world.a.id}/people", {"name": "Dana Dev", "email": "dana", "delivery_role": "sales"})
        assert response.status_code == 422
        page = soup(response)
        assert page.find("details", class_="add-form").has_attr("open")
        assert "valid email address" in field_error(page, "person-email")
        assert page.find("input", id="person-name")["value"] == "Dana Dev"

    def test_duplicate_email_is_a_409_on_the_form(self, client, login, world):
        login("cam")
        response = post(client, f"/console/partners/{world.a.id}/people", {"name": "Ann Again", "email": "ann.architect@a.example", "delivery_role": "sales"})
        assert response.status_code == 409
        assert "already in use" in field_error(soup(response), "person-email")

    def test_unknown_role_is_inline(self, client, login, world):
        login("cam")
        response = post(client, f"/console/partners/{world.a.id}/people", {"name": "X", "email": "x@a.example", "delivery_role": "wizard"})
        assert response.status_code == 422
        assert field_error(soup(response), "person-delivery_role")


class TestConsoleRemovePerson:
    def test_removes(self, client, login, world):
        login("cam")
        person_id = world.a.person_ids[0]
        response = post(client, f"/console/partners/{world.a.id}/people/{person_id}/remove")
        assert response.status_code == 303
        assert "Ann Architect" not in people_rows(client, world.a.id)

    def test_person_of_another_partner_in_the_url_is_404(self, client, login, world):
        login("cam")
        response = post(client, f"/console/partners/{world.a.id}/people/{world.b.person_ids[0]}/remove")
        assert response.status_code == 404
        assert "Sam Seller" in soup(client.get(f"/console/partners/{world.b.id}")).get_text()

    def test_reader_is_refused(self, client, login, world):
        login("executive")
        assert post(client, f"/console/partners/{world.a.id}/people/{world.a.person_ids[0]}/remove").status_code == 403


class TestConsoleSponsors:
    def test_add_vendor_sponsor_linked_to_a_user(self, client, login, world):
        login("admin")
        response = post(
            client,
            f"/console/partners/{world.a.id}/sponsors",
            {"side": "vendor", "name": "Evan Exec", "title": "CRO", "user_id": str(world.users["executive"])},
        )
        assert response.status_code == 303
        page = soup(client.get(response.headers["location"]))
        assert "Evan Exec is now an executive sponsor." in page.get_text()
        assert "Evan Exec" in page.find(id="sponsors").get_text()

    def test_partner_side_sponsor_cannot_be_a_vendor_user(self, client, login, world):
        login("admin")
        response = post(client, f"/console/partners/{world.a.id}/sponsors", {"side": "partner", "name": "Mixed Up", "user_id": str(world.users["executive"])})
        assert response.status_code == 422
        page = soup(response)
        assert "not a vendor user" in page.find(role="alert").get_text()
        assert "only for vendor-side sponsors" in field_error(page, "sponsor-user_id")

    def test_remove_sponsor(self, client, login, world):
        login("admin")
        response = post(client, f"/console/partners/{world.a.id}/sponsors/{world.a.sponsor_ids[0]}/remove")
        assert response.status_code == 303
        page = soup(client.get(f"/console/partners/{world.a.id}"))
        assert "Val Vendor-Exec" not in page.select("#sponsors .people-list")[0].get_text()
        assert "Val Vendor-Exec" in page.find(id="former-sponsors").get_text()  # kept: earlier QBRs show them

    def test_sponsor_of_another_partner_in_the_url_is_404(self, client, login, world):
        login("admin")
        assert post(client, f"/console/partners/{world.a.id}/sponsors/{world.b.sponsor_ids[0]}/remove").status_code == 404
