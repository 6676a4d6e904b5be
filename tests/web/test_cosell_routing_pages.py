"""Co-sell routing pages: every vendor role reads the rules, teams and calendars; program admins
create and edit them; bad input is said next to the field and writes nothing; partners never
reach them."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from alliance.audit.models import AuditEvent
from alliance.cosell.models import BusinessCalendar, RoutingRule
from alliance.cosell.routing import service as routing_service
from alliance.identity.scope import Actor, PartnerScope
from tests.web.client import post, soup
from tests.web.test_registration_pages import errors_of

OVERVIEW = "/console/cosell/routing"
OPERATOR = Actor.system(label="test-setup")


@pytest.fixture
def routing(db, world) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    """The default calendars, teams and rules, by key (calendars, teams) and name (rules)."""
    with db.session_scope(PartnerScope.system(reason="test routing")) as session:
        routing_service.ensure_default_routing(session, OPERATOR)
        return {
            "calendars": {c.key: c.id for c in routing_service.list_calendars(session, OPERATOR)},
            "teams": {t.key: t.id for t in routing_service.list_teams(session, OPERATOR)},
            "rules": {r.name: r.id for r in routing_service.list_rules(session, OPERATOR)},
        }


def audit_events(db) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def stored_rule(db, rule_id: int) -> RoutingRule:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        found = session.get(RoutingRule, rule_id)
        assert found is not None
        session.expunge(found)
        return found


def calendar_count(db) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return session.scalar(select(func.count()).select_from(BusinessCalendar)) or 0


def rows(page: BeautifulSoup, table: str) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")] for row in page.select(f"#{table} tbody tr")]


def form_of(page: BeautifulSoup, form_id: str) -> dict[str, Any]:
    """What the browser would send for the form as shown: inputs, selected options, ticked boxes."""
    form = page.find(id=form_id)
    assert form is not None, f"no #{form_id}"
    values: dict[str, Any] = {}
    for control in form.find_all(["input", "select", "textarea"], attrs={"name": True}):
        name = str(control["name"])
        if name == "csrf_token" or (control.get("type") == "hidden" and not control.get("value")):
            continue
        if control.name == "select":
            chosen = control.find("option", selected=True) or control.find("option")
            values[name] = str(chosen["value"]) if chosen else ""
        elif control.name == "textarea":
            values[name] = control.get_text()
        elif control.get("type") == "checkbox":
            if control.has_attr("checked"):
                values.setdefault(name, []).append(str(control.get("value", "on")))
        else:
            values[name] = str(control.get("value", ""))
    return {name: value[0] if isinstance(value, list) and len(value) == 1 and name != "work_days" else value for name, value in values.items()}


def rule_form(team_id: int, **changes: Any) -> dict[str, Any]:
    values = {
        "name": "EMEA healthcare architects",
        "team_id": str(team_id),
        "position": "2",
        "request_type": "solution_architect",
        "region": "EMEA",
        "territory": "",
        "vertical": "Healthcare",
        "product_line": "",
        "tier_key": "gold",
        "first_response_hours": "4",
        "priority_hours.1": "2",
        "priority_hours.2": "",
        "is_active": "on",
    }
    return {**values, **changes}


def calendar_form(**changes: Any) -> dict[str, Any]:
    values = {
        "key": "iberia",
        "name": "Iberia business hours",
        "time_zone": "Europe/Madrid",
        "work_days": ["1", "2", "3", "4"],
        "day_starts": "08:00",
        "day_ends": "16:00",
        "holidays": "2099-01-06\n\n2099-12-24\n",
    }
    return {**values, **changes}


class TestOverview:
    def test_admin_reads_rules_in_order_teams_and_calendars_with_edit_links(self, client, login, routing):
        login("admin")
        page = soup(client.get(OVERVIEW))
        assert "first active rule" in page.find(id="routing-explained").get_text() and "Partner co-sell desk" in page.find(id="routing-explained").get_text()
        rules = rows(page, "routing-rules")
        assert [r[0] for r in rules] == ["1", "2", "3", "4", "5"]
        assert rules[0][1:6] == ["Executive sponsors", "Executive sponsor", "Executive programs", "16 business h", "P1 8 h"]
        assert rules[2][2] == "EMEA" and rules[2][5] == "P1 4 h · P2 6 h" and rules[2][6] == "Active"
        teams = {r[0]: r for r in rows(page, "routing-teams")}
        assert teams["Partner co-sell desk"][1:4] == ["cosell-desk", "Business hours (UTC)", "Default"]
        assert teams["EMEA solution architects"][3] == ""
        calendars = {r[0]: r for r in rows(page, "routing-calendars")}
        assert calendars["EMEA business hours (Berlin)"][1:5] == ["Europe/Berlin", "Mon–Fri", "09:00–17:00", "0"]
        links = {a["href"] for a in page.select("a[href^='/console/cosell/routing/']")}
        assert {f"{OVERVIEW}/rules/new", f"{OVERVIEW}/teams/new", f"{OVERVIEW}/calendars/new"} <= links
        assert f"{OVERVIEW}/rules/{routing['rules']['EMEA partners']}" in links and f"{OVERVIEW}/teams/{routing['teams']['ps-desk']}" in links

    def test_cam_reads_without_forms_or_edit_links_and_cannot_change(self, client, login, db, routing):
        login("cam")
        page = soup(client.get(OVERVIEW))
        assert len(rows(page, "routing-rules")) == 5
        assert page.select("a[href^='/console/cosell/routing/']") == [] and page.find("form", id=True) is None
        rule_id, team_id, calendar_id = routing["rules"]["EMEA partners"], routing["teams"]["ps-desk"], routing["calendars"]["emea"]
        before = audit_events(db)
        for url in (f"{OVERVIEW}/rules/new", f"{OVERVIEW}/rules/{rule_id}", f"{OVERVIEW}/teams/{team_id}", f"{OVERVIEW}/calendars/new"):
            assert client.get(url).status_code == 403, url
        refused = post(client, f"{OVERVIEW}/rules/new", rule_form(routing["teams"]["emea-architects"]), token_from=OVERVIEW)
        assert refused.status_code == 403 and "Program admin can" in soup(refused).select_one(".error-page").get_text()
        assert post(client, f"{OVERVIEW}/rules/{rule_id}", rule_form(routing["teams"]["emea-architects"])).status_code == 403
        assert post(client, f"{OVERVIEW}/teams/{team_id}", {"name": "Taken over", "calendar_id": str(calendar_id)}).status_code == 403
        assert post(client, f"{OVERVIEW}/calendars/{calendar_id}", calendar_form()).status_code == 403
        assert audit_events(db) == before and len(rows(soup(client.get(OVERVIEW)), "routing-rules")) == 5

    def test_other_vendor_roles_read_it_too(self, client, login, routing):
        for who in ("auditor", "executive", "ps_lead"):
            login(who)
            assert len(rows(soup(client.get(OVERVIEW)), "routing-rules")) == 5, who

    @pytest.mark.parametrize("who", ["a_user", "a_admin"])
    def test_partners_do_not_reach_routing(self, client, login, routing, who):
        login(who)
        rule_id, team_id, calendar_id = routing["rules"]["EMEA partners"], routing["teams"]["ps-desk"], routing["calendars"]["emea"]
        urls = [OVERVIEW] + [
            f"{OVERVIEW}/{kind}/{i}"
            for kind, i in (("rules", "new"), ("rules", rule_id), ("teams", "new"), ("teams", team_id), ("calendars", "new"), ("calendars", calendar_id))
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
            if url != OVERVIEW:
                assert post(client, url, {"name": "Mole"}, token_from="/portal").status_code == 404, url


class TestRules:
    def test_admin_creates_a_rule_at_a_position(self, client, login, db, routing):
        login("admin")
        form = soup(client.get(f"{OVERVIEW}/rules/new"))
        assert form.find("select", {"name": "tier_key"}).find("option", {"value": "gold"}) is not None
        assert form.find("input", {"name": "is_active"}).has_attr("checked")
        response = post(client, f"{OVERVIEW}/rules/new", rule_form(routing["teams"]["emea-architects"]), token_from=f"{OVERVIEW}/rules/new")
        assert response.status_code == 303 and response.headers["location"].startswith(f"{OVERVIEW}#rule-")
        page = soup(client.get(OVERVIEW))
        rules = rows(page, "routing-rules")
        assert [r[0] for r in rules] == ["1", "2", "3", "4", "5", "6"]
        assert rules[1][1:7] == [
            "EMEA healthcare architects",
            "Solution architect · EMEA · Healthcare · tier gold",
            "EMEA solution architects",
            "4 business h",
            "P1 2 h",
            "Active",
        ]
        assert rules[2][1] == "Professional services"
        assert "created at position 2" in page.select_one(".flash").get_text()

    def test_blank_position_puts_the_rule_last(self, client, login, routing):
        login("admin")
        form = rule_form(routing["teams"]["ps-desk"], name="Catch-all", position="", request_type="", region="", vertical="", tier_key="")
        assert post(client, f"{OVERVIEW}/rules/new", form, token_from=OVERVIEW).status_code == 303
        last = rows(soup(client.get(OVERVIEW)), "routing-rules")[-1]
        assert last[:3] == ["6", "Catch-all", "Any request"]

    def test_admin_edits_a_rule_and_clears_a_condition(self, client, login, db, routing):
        login("admin")
        rule_id = routing["rules"]["EMEA partners"]
        url = f"{OVERVIEW}/rules/{rule_id}"
        before = audit_events(db)
        values = form_of(soup(client.get(url)), "rule-form")
        assert values["region"] == "EMEA" and values["priority_hours.1"] == "4" and values["is_active"] == "on" and values["first_response_hours"] == "8"
        values.update(region="", vertical="retail", name="Retail partners", position="1", **{"priority_hours.2": ""})
        del values["is_active"]  # unticked
        response = post(client, url, values, token_from=url)
        assert response.status_code == 303, errors_of(response)
        stored = stored_rule(db, rule_id)
        assert (stored.region, stored.vertical, stored.name, stored.position, stored.is_active) == (None, "retail", "Retail partners", 1, False)
        assert stored.priority_hours == {"1": 4}
        first = rows(soup(client.get(OVERVIEW)), "routing-rules")[0]
        assert first[1:3] == ["Retail partners", "Retail"] and first[6] == "Inactive"
        assert audit_events(db) == before + 1

    def test_bad_rule_input_is_said_next_to_the_field_and_writes_nothing(self, client, login, db, routing):
        login("admin")
        before, listed = audit_events(db), rows(soup(client.get(OVERVIEW)), "routing-rules")
        bad = rule_form(routing["teams"]["emea-architects"], name="", first_response_hours="0", territory="Kept", **{"priority_hours.2": "0"})
        response = post(client, f"{OVERVIEW}/rules/new", bad, token_from=OVERVIEW)
        assert response.status_code == 422
        errors = errors_of(response)
        assert {"name", "first_response_hours", "priority_hours.2"} <= set(errors) and "greater than 0" in errors["first_response_hours"]
        assert soup(response).find("input", {"name": "territory"})["value"] == "Kept"
        unknown_team = post(client, f"{OVERVIEW}/rules/new", rule_form(987654))
        assert unknown_team.status_code == 422 and "team_id" in errors_of(unknown_team)
        edit = f"{OVERVIEW}/rules/{routing['rules']['EMEA partners']}"
        cleared = post(client, edit, rule_form(routing["teams"]["emea-architects"], name="", first_response_hours=""))
        assert cleared.status_code == 422 and "name" in errors_of(cleared)
        assert soup(cleared).find("input", {"name": "vertical"})["value"] == "Healthcare"
        assert audit_events(db) == before and rows(soup(client.get(OVERVIEW)), "routing-rules") == listed
        assert client.get(f"{OVERVIEW}/rules/987654").status_code == 404


class TestCalendarsAndTeams:
    def test_admin_creates_a_calendar_with_holidays_and_a_team_on_it(self, client, login, db, routing):
        login("admin")
        new = f"{OVERVIEW}/calendars/new"
        defaults = form_of(soup(client.get(new)), "calendar-form")
        assert defaults["work_days"] == ["1", "2", "3", "4", "5"] and defaults["time_zone"] == "UTC"
        response = post(client, new, calendar_form(), token_from=new)
        assert response.status_code == 303, errors_of(response)
        calendar_id = int(response.headers["location"].rsplit("-", 1)[1])
        row = {r[0]: r for r in rows(soup(client.get(OVERVIEW)), "routing-calendars")}["Iberia business hours"]
        assert row[1:5] == ["Europe/Madrid", "Mon–Thu", "08:00–16:00", "2"]
        edit = soup(client.get(f"{OVERVIEW}/calendars/{calendar_id}"))
        assert edit.find("textarea", {"name": "holidays"}).get_text().split() == ["2099-01-06", "2099-12-24"]
        assert edit.find("input", {"name": "key"}) is None

        team_page = soup(client.get(f"{OVERVIEW}/teams/new"))
        assert team_page.find("select", {"name": "calendar_id"}).find("option", {"value": str(calendar_id)}) is not None
        team = post(client, f"{OVERVIEW}/teams/new", {"key": "iberia-architects", "name": "Iberia architects", "calendar_id": str(calendar_id)})
        assert team.status_code == 303
        teams = {r[0]: r for r in rows(soup(client.get(OVERVIEW)), "routing-teams")}
        assert teams["Iberia architects"][1:4] == ["iberia-architects", "Iberia business hours", ""]
        taken = post(client, f"{OVERVIEW}/teams/new", {"key": "iberia-architects", "name": "Again", "calendar_id": str(calendar_id)})
        assert taken.status_code == 409 and errors_of(taken)["key"] == "already used"

    @pytest.mark.parametrize(
        ("changes", "field", "says"),
        [
            ({"name": ""}, "name", ""),
            ({"time_zone": "Mars/Olympus"}, "time_zone", "not a known IANA time zone"),
            ({"day_starts": "18:00", "day_ends": "09:00"}, "day_ends", "end after it starts"),
            ({"holidays": "2099-01-06\n\n2099-02-30\n"}, "holidays", "Line 3: “2099-02-30” is not a date"),
            ({"work_days": [""]}, "work_days", "at least one working day"),
        ],
        ids=["empty-name", "bad-zone", "day-ends-first", "bad-holiday", "no-days"],
    )
    def test_bad_calendar_input_is_said_next_to_the_field_and_writes_nothing(self, client, login, db, routing, changes, field, says):
        login("admin")
        before, calendars = audit_events(db), calendar_count(db)
        response = post(client, f"{OVERVIEW}/calendars/new", calendar_form(**changes), token_from=OVERVIEW)
        assert response.status_code == 422
        errors = errors_of(response)
        assert field in errors and says in errors[field], errors
        page = soup(response)
        assert (
            page.find("input", {"name": "key"})["value"] == "iberia"
            and page.find("input", {"name": "time_zone"})["value"] == calendar_form(**changes)["time_zone"]
        )
        assert audit_events(db) == before and calendar_count(db) == calendars

    def test_admin_edits_a_calendar_and_the_default_team_stays_one(self, client, login, db, routing):
        login("admin")
        url = f"{OVERVIEW}/calendars/{routing['calendars']['emea']}"
        values = form_of(soup(client.get(url)), "calendar-form")
        assert values["time_zone"] == "Europe/Berlin" and values["day_starts"] == "09:00"
        before = audit_events(db)
        backwards = post(client, url, {**values, "day_starts": "17:00", "day_ends": "08:00"}, token_from=url)
        assert backwards.status_code == 422 and "end after it starts" in errors_of(backwards)["day_ends"]
        assert audit_events(db) == before
        saved = post(client, url, {**values, "holidays": "2099-12-25\n2099-12-26", "work_days": ["1", "2", "3", "4", "5", "6"]})
        assert saved.status_code == 303
        row = {r[0]: r for r in rows(soup(client.get(OVERVIEW)), "routing-calendars")}["EMEA business hours (Berlin)"]
        assert row[2:5] == ["Mon–Sat", "09:00–17:00", "2"] and audit_events(db) == before + 1

        desk = f"{OVERVIEW}/teams/{routing['teams']['cosell-desk']}"
        team = form_of(soup(client.get(desk)), "team-form")
        assert team["is_default"] == "on"
        unset = post(client, desk, {k: v for k, v in team.items() if k != "is_default"})
        assert unset.status_code == 409 and "is_default" in errors_of(unset)
        moved = post(
            client,
            f"{OVERVIEW}/teams/{routing['teams']['ps-desk']}",
            {"name": "Professional services desk", "calendar_id": str(routing["calendars"]["emea"]), "is_default": "on"},
        )
        assert moved.status_code == 303
        teams = {r[0]: r for r in rows(soup(client.get(OVERVIEW)), "routing-teams")}
        assert [name for name, r in teams.items() if r[3] == "Default"] == ["Professional services desk"]
        assert teams["Professional services desk"][2] == "EMEA business hours (Berlin)"
