from __future__ import annotations

from tests.web.client import post, soup


def tier_form(client, tier_id):  # type: ignore[no-untyped-def]
    """The tier form's current values, as the browser would submit them."""
    page = soup(client.get(f"/console/tiers/{tier_id}/edit"))
    values = {i["name"]: i.get("value", "") for i in page.select("form input[name]") if i["name"] != "csrf_token"}
    values |= {s["name"]: (s.find("option", selected=True) or {"value": ""})["value"] for s in page.select("form select[name]")}
    return values


class TestProgramList:
    def test_lists_programs_with_tiers_and_counts(self, client, login, world):
        login("cam")
        page = soup(client.get("/console/programs"))
        card = next(c for c in page.find_all("article", class_="program-card") if "Regional SI Program" in c.get_text())
        assert [t.get_text(strip=True) for t in card.find_all(class_="tier")] == ["Registered", "Silver", "Gold", "Platinum"]
        assert "1 partners" in card.get_text()


class TestProgramDetail:
    def test_shows_benefits_and_criteria_in_words(self, client, login, world):
        login("cam")
        response = client.get(f"/console/programs/{world.program_ids['si-regional']}")
        text = soup(response).get_text(" ", strip=True)
        assert "Certified solution architects (any level) ≥ 2" in text
        assert "Entry tier: no criteria." in text
        assert "Edit tier" not in text

    def test_program_admin_gets_edit_links(self, client, login, world):
        login("admin")
        page = soup(client.get(f"/console/programs/{world.program_ids['si-regional']}"))
        assert page.find("a", href=f"/console/tiers/{world.tier_ids['si-regional/silver']}/edit") is not None

    def test_unknown_program_is_404(self, client, login):
        login("admin")
        assert client.get("/console/programs/424242").status_code == 404


class TestEditTier:
    def test_only_program_admins(self, client, login, world):
        login("cam")
        tier_id = world.tier_ids["si-regional/silver"]
        assert client.get(f"/console/tiers/{tier_id}/edit").status_code == 403
        assert post(client, f"/console/tiers/{tier_id}/edit", {"name": "Hijacked"}).status_code == 403

    def test_form_offers_known_metrics(self, client, login, world):
        login("admin")
        page = soup(client.get(f"/console/tiers/{world.tier_ids['si-regional/silver']}/edit"))
        metric = page.find("select", {"name": "criteria-0-metric"})
        assert metric.find("option", selected=True)["value"] == "certified.solution_architect"
        assert metric.find("option", value="customer_references") is not None
        assert page.find("select", {"name": "criteria-2-metric"}).find("option", selected=True) is None

    def test_saves_benefits_and_criteria(self, client, login, world):
        login("admin")
        tier_id = world.tier_ids["si-regional/silver"]
        values = tier_form(client, tier_id) | {
            "mdf_allocation": "30000",
            "criteria-0-threshold": "3",
            "criteria-1-metric": "",
            "criteria-2-metric": "customer_references",
            "criteria-2-comparison": ">=",
            "criteria-2-threshold": "1",
            "reason": "FY26 guide",
        }
        response = post(client, f"/console/tiers/{tier_id}/edit", values)
        assert response.status_code == 303, response.text
        page = client.get(response.headers["location"])
        text = soup(page).get_text(" ", strip=True)
        assert "Tier Silver saved." in text
        assert "Certified solution architects (any level) ≥ 3" in text
        assert "Approved customer references, trailing 24 months ≥ 1" in text
        assert "Certified implementation engineers (any level) ≥ 3" not in text
        assert "$30,000" in text

    def test_unknown_metric_is_shown_at_its_row(self, client, login, world):
        login("admin")
        tier_id = world.tier_ids["si-regional/silver"]
        values = tier_form(client, tier_id) | {"criteria-1-metric": "certified.solution_architekt"}
        response = post(client, f"/console/tiers/{tier_id}/edit", values)
        assert response.status_code == 422
        page = soup(response)
        row = page.find("select", {"name": "criteria-1-metric"}).find_parent("td")
        assert "unknown metric 'certified.solution_architekt'" in row.find(class_="error").get_text()
        assert "Did you mean" in row.find(class_="error").get_text()
        assert row.find("option", selected=True)["value"] == "certified.solution_architekt"

    def test_bad_numbers_are_inline(self, client, login, world):
        login("admin")
        tier_id = world.tier_ids["si-regional/silver"]
        values = tier_form(client, tier_id) | {"cosell_priority": "9", "criteria-0-threshold": "lots", "deal_protection_days": ""}
        response = post(client, f"/console/tiers/{tier_id}/edit", values)
        assert response.status_code == 422
        page = soup(response)
        assert "less than or equal to 5" in page.find(id="f-cosell_priority").find_parent(class_="field").get_text()
        assert page.find("input", {"name": "criteria-0-threshold"}).find_parent("td").find(class_="error") is not None

    def test_blank_required_benefit_is_refused_by_the_service(self, client, login, world):
        login("admin")
        tier_id = world.tier_ids["si-regional/silver"]
        response = post(client, f"/console/tiers/{tier_id}/edit", tier_form(client, tier_id) | {"deal_protection_days": ""})
        assert response.status_code == 422
        assert "cannot be null" in soup(response).find(id="f-deal_protection_days").find_parent(class_="field").get_text()


def settings_form(client, program_id):  # type: ignore[no-untyped-def]
    """The settings form as the browser would submit it (checkboxes as lists)."""
    page = soup(client.get(f"/console/programs/{program_id}/settings"))
    values: dict = {}
    for field in page.select("#program-settings-form input[name], #program-settings-form select[name]"):
        name = field["name"]
        if name == "csrf_token":
            continue
        if field.name == "select":
            values[name] = (field.find("option", selected=True) or field.find("option"))["value"]
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                values.setdefault(name, []).append(field.get("value", "on"))
        else:
            values[name] = field.get("value", "")
    return values


class TestProgramSettings:
    def test_detail_shows_the_ladder_and_grace_in_words(self, client, login, world):
        login("cam")
        page = soup(client.get(f"/console/programs/{world.program_ids['si-regional']}"))
        ladder = [li.get_text(" ", strip=True) for li in page.select("#dispute-ladder li")]
        assert ladder[0].startswith("CAM and PS lead : 5 business days to decide, by a CAM, PS lead or program admin")
        assert ladder[2].startswith("VP channel : 10 business days to decide, by an executive or program admin")
        assert "90 days" in page.find(id="downgrade-grace").get_text()
        assert page.find("a", string="Edit settings") is None

    def test_admin_changes_grace_and_ladder(self, client, login, world):
        login("admin")
        program_id = world.program_ids["si-regional"]
        url = f"/console/programs/{program_id}/settings"
        values = settings_form(client, program_id)
        assert values["ladder-0-deciders"] == ["cam", "ps_lead", "program_admin"] and values["ladder-3-name"] == ""
        values |= {"downgrade_grace_days": "45", "ladder-1-name": "", "ladder-3-name": "CEO", "ladder-3-days": "15", "ladder-3-deciders": ["executive"]}
        response = post(client, url, values, token_from=url)
        assert response.status_code == 303, response.text
        page = soup(client.get(f"/console/programs/{program_id}"))
        ladder = [li.get_text(" ", strip=True) for li in page.select("#dispute-ladder li")]
        assert [text.split(" :")[0] for text in ladder] == ["CAM and PS lead", "VP channel", "CEO"]
        assert "15 business days to decide, by an executive." in ladder[2]
        assert "45 days" in page.find(id="downgrade-grace").get_text()

    def test_admin_picks_the_review_calendar(self, client, login, world):
        client.post("/api/v1/business-calendars", headers=world.headers("admin"), json={"key": "tokyo", "name": "Tokyo office", "time_zone": "Asia/Tokyo"})
        login("admin")
        program_id = world.program_ids["si-regional"]
        assert "Tokyo office (Asia/Tokyo)" in soup(client.get(f"/console/programs/{program_id}")).find(id="review-calendar").get_text()  # the first: default
        url = f"/console/programs/{program_id}/settings"
        values = settings_form(client, program_id)
        options = {o.get_text(): o["value"] for o in soup(client.get(url)).select("#f-review_calendar_id option")}
        assert values["review_calendar_id"] == "" and "Tokyo office (Asia/Tokyo)" in options
        response = post(client, url, values | {"review_calendar_id": options["Tokyo office (Asia/Tokyo)"]}, token_from=url)
        assert response.status_code == 303, response.text
        text = soup(client.get(f"/console/programs/{program_id}")).find(id="review-calendar").get_text()
        assert "Tokyo office (Asia/Tokyo)" in text and "default" not in text

    def test_bad_rows_are_shown_at_their_row_and_nothing_changes(self, client, login, world):
        login("admin")
        program_id = world.program_ids["si-regional"]
        url = f"/console/programs/{program_id}/settings"
        values = settings_form(client, program_id) | {"downgrade_grace_days": "500", "ladder-1-days": "0", "ladder-2-deciders": []}
        response = post(client, url, values, token_from=url)
        assert response.status_code == 422
        page = soup(response)
        rows = page.select("#ladder-table tbody tr")
        assert "row-error" in rows[1]["class"] and "row-error" in rows[2]["class"] and "row-error" not in rows[0].get("class", [])
        assert page.select_one("#f-downgrade_grace_days")["value"] == "500"
        assert "90 days" in soup(client.get(f"/console/programs/{program_id}")).find(id="downgrade-grace").get_text()

    def test_blank_name_is_refused(self, client, login, world):
        login("admin")
        program_id = world.program_ids["si-regional"]
        url = f"/console/programs/{program_id}/settings"
        response = post(client, url, settings_form(client, program_id) | {"name": ""}, token_from=url)
        assert response.status_code == 422 and "cannot be empty" in soup(response).get_text()

    def test_only_program_admins(self, client, login, world):
        login("cam")
        url = f"/console/programs/{world.program_ids['si-regional']}/settings"
        assert client.get(url).status_code == 403

    def test_currency_changes_until_amounts_are_recorded(self, client, login, world):
        login("admin")
        program_id = world.program_ids["si-regional"]
        url = f"/console/programs/{program_id}/settings"
        response = post(client, url, settings_form(client, program_id) | {"currency": "XYZ"}, token_from=url)
        assert response.status_code == 422 and "XYZ is not an ISO 4217 currency code" in soup(response).get_text()
        response = post(client, url, settings_form(client, program_id) | {"currency": "eur"}, token_from=url)
        assert response.status_code == 303, response.text
        page = soup(client.get(f"/console/programs/{program_id}"))
        assert "Currency: EUR" in page.find(id="program-currency").get_text(" ", strip=True)
        assert "€" in page.get_text()  # MDF allocations and revenue thresholds in the program's currency
        world.registrations()  # partner A files a deal in EUR
        response = post(client, url, settings_form(client, program_id) | {"currency": "USD"}, token_from=url)
        assert response.status_code == 409, response.text
        assert "amounts are recorded in EUR" in soup(response).get_text()
