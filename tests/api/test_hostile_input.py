"""Hostile input is a 422 naming the field, the same on SQLite and PostgreSQL, on every route:
ids past any integer column, dates outside the calendar we keep, NUL characters in text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.routing import APIRoute, iter_route_contexts

from alliance.kit import clock
from tests.app_shape import api_document, bare_app

HUGE = 2**63
# Every kind of user: a route refuses some of them (403) whatever the input; the others must get the 422.
WHO = ("admin", "cam", "ps_lead", "auditor", "a_admin", "a_user")
PATH_VALUES = {"action": {"/api/v1/resource-requests/{request_id}/actions/{action}": "accept"}, "track_key": {"": "some-track"}}


def _api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = api_document()
    return [(method.upper(), path, operation) for path, operations in document["paths"].items() for method, operation in operations.items()]


def _path_value(name: str, path: str) -> str:
    values = PATH_VALUES.get(name, {})
    return values.get(path, values.get("", "submit"))


def _fields(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {detail["field"] for detail in response.json()["error"]["details"]}


def test_every_integer_path_parameter_is_bounded_in_the_schema():
    unbounded = []
    for method, path, operation in _api_operations():
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            if parameter["in"] == "path" and schema.get("type") == "integer" and not (schema.get("minimum") == 1 and schema.get("maximum", HUGE) < HUGE):
                unbounded.append(f"{method} {path} {parameter['name']}")
    assert not unbounded, unbounded


def test_every_integer_path_parameter_of_the_portal_is_bounded():
    unbounded = []
    for context in iter_route_contexts(bare_app().routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        for param in route.dependant.path_params:
            bounds = {type(m).__name__ for m in param.field_info.metadata}
            if param.field_info.annotation is int and not {"Ge", "Le"} <= bounds:
                unbounded.append(f"{context.path} {param.name}")
    assert not unbounded, unbounded


def test_ids_past_any_integer_column_are_a_422_naming_the_parameter(client, world):
    problems = []
    for method, path, _operation in _api_operations():
        names = re.findall(r"{(\w+)}", path)
        ids = [n for n in names if n.endswith("_id") or n == "seq"]
        if not ids:
            continue
        url = path.format(**{n: HUGE if n in ids else _path_value(n, path) for n in names})
        answers = []
        for who in WHO if path.startswith("/api/v1/") and "/labs/" not in path else ("admin",):
            response = client.request(method, url, headers=world.headers(who), json={})
            answers.append(response.status_code)
            if response.status_code == 422 and not {f"path.{n}" for n in ids} & _fields(response):
                problems.append(f"{method} {url} as {who}: 422 without naming the id: {response.text[:200]}")
            elif response.status_code not in (403, 422, 401):
                problems.append(f"{method} {url} as {who}: {response.status_code} {response.text[:200]}")
        if 422 not in answers:
            problems.append(f"{method} {url}: nobody got the 422 ({answers})")
    assert not problems, "\n".join(problems)


class TestDates:
    def test_audit_filters_take_a_date_or_a_datetime_without_an_offset(self, client, world):
        headers = world.headers("admin")
        for value in ("2026-01-01", "2026-01-01T10:00:00", "2026-01-01 10:00", "2026-01-01T10:00:00Z", "2026-01-01T10:00:00+02:00"):
            response = client.get("/api/v1/audit/events", params={"since": value, "until": value}, headers=headers)
            assert response.status_code == 200, (value, response.text)

    def test_a_datetime_without_an_offset_is_read_in_the_configured_zone(self, client, world):
        headers = world.headers("admin")
        event = client.get("/api/v1/audit/events", params={"limit": 1}, headers=headers).json()["items"][0]
        occurred = datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
        berlin = occurred.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None, microsecond=0)
        clock.use_zone("Europe/Berlin")
        try:

            def found(since: datetime) -> bool:
                response = client.get("/api/v1/audit/events", params={"since": since.isoformat(), "entity_type": event["entity_type"]}, headers=headers)
                return event["seq"] in {e["seq"] for e in response.json()["items"]}

            assert found(berlin)
            assert not found(berlin + timedelta(seconds=1))
        finally:
            clock.use_zone(None)

    def test_dates_outside_the_calendar_are_a_422_naming_the_parameter(self, client, world):
        headers = world.headers("admin")
        for url, field in (
            (f"/api/v1/partners/{world.a.id}/capacity/history?end=0001-01-01", "query.end"),
            (f"/api/v1/partners/{world.a.id}/capacity/history?end=9999-12-31", "query.end"),
            (f"/api/v1/partners/{world.a.id}/capacity/history?start=1899-12-31", "query.start"),
            ("/api/v1/reports/contribution?period_start=0", "query.period_start"),
            ("/api/v1/reports/contribution?as_of=0", "query.as_of"),
            ("/api/v1/reports/cosell?end=9999-12-31", "query.end"),
            ("/api/v1/audit/events?since=9999-12-31T23:59:59-01:00", "query.since"),
            ("/api/v1/roe-violations?occurred_to=0001-01-01", "query.occurred_to"),
        ):
            response = client.get(url, headers=headers)
            assert response.status_code == 422, (url, response.text)
            assert field in _fields(response), (url, response.text)

    def test_body_dates_outside_the_calendar_are_a_422_naming_the_field(self, client, world):
        headers = world.headers("admin")
        for day in ("0001-01-01", "9999-12-31", "0"):
            response = client.patch(f"/api/v1/partners/{world.a.id}", json={"enrolled_on": day}, headers=headers)
            assert response.status_code == 422, (day, response.text)
            assert _fields(response) == {"enrolled_on"}, response.text
        assert client.patch(f"/api/v1/partners/{world.a.id}", json={"enrolled_on": "2024-02-29"}, headers=headers).status_code == 200


class TestNul:
    """Refused in one place (alliance/http/screening.py) for every route, whatever the database."""

    def test_in_a_json_field_nested_or_not(self, client, world):
        admin = world.headers("admin")
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=admin, json={"display_name": "North\u0000wind"})
        assert response.status_code == 422 and _fields(response) == {"display_name"}, response.text
        body = {
            "kind": "deal",
            "title": "T",
            "customer": {"name": "Acme\u0000"},
            "product_lines": ["x\u0000"],
            "amount": "1",
            "expected_close_on": "2030-01-01",
        }
        response = client.post("/api/v1/registrations", headers=world.headers("a_admin"), json=body)
        assert response.status_code == 422 and _fields(response) == {"customer.name", "product_lines.0"}, response.text
        assert client.get(f"/api/v1/partners/{world.a.id}", headers=admin).json()["display_name"] == "Northwind Consulting"

    def test_in_a_query_or_a_path_parameter(self, client, world):
        response = client.get("/api/v1/partners?q=a%00b", headers=world.headers("admin"))
        assert response.status_code == 422 and _fields(response) == {"query.q"}, response.text
        response = client.post("/api/v1/labs/a%00b/results", json={"person_id": 1, "score": 1})
        assert response.status_code == 422 and _fields(response) == {"path.track_key"}, response.text

    def test_a_json_body_that_is_not_utf8(self, client, world):
        """Schemathesis found it: the framework answered 400, a status the document does not list."""
        headers = {**world.headers("admin"), "content-type": "application/json"}
        response = client.post("/api/v1/product-lines", headers=headers, content=b'{"key": "\xff\xfe"}')
        assert response.status_code == 422 and _fields(response) == {"body"}, response.text

    def test_every_route_refuses_it(self, client, world):
        """Every API operation, as a role it admits: a NUL in a query parameter, and in a body field."""
        problems = []
        for method, path, operation in _api_operations():
            if not path.startswith("/api/"):
                continue
            who = next((w for w in WHO if _admits(operation, w)), None) if "x-permissions" in operation else "admin"
            url = path.format(**{n: 1 if n.endswith("_id") or n == "seq" else _path_value(n, path) for n in re.findall(r"{(\w+)}", path)})
            body = {"probe": "\u0000"} if "requestBody" in operation else None
            response = client.request(method, f"{url}?probe=%00", headers=world.headers(who) if who else {}, json=body)
            expected = {"query.probe", "probe"} if body else {"query.probe"}
            if response.status_code != 422 or not expected <= _fields(response):
                problems.append(f"{method} {url} as {who}: {response.status_code} {response.text[:150]}")
        assert not problems, "\n".join(problems)


def _admits(operation: dict[str, Any], who: str) -> bool:
    from alliance.identity.permissions import Permission, role_can
    from alliance.identity.scope import Role

    roles = {
        "admin": Role.PROGRAM_ADMIN,
        "cam": Role.CAM,
        "ps_lead": Role.PS_LEAD,
        "auditor": Role.AUDITOR,
        "a_admin": Role.PARTNER_ADMIN,
        "a_user": Role.PARTNER_USER,
    }
    return any(role_can(roles[who], Permission(p)) for p in operation["x-permissions"])


def test_every_sort_parameter_lists_its_keys_and_refuses_others(client, world):
    """kit.sorting is the one sort helper: every key the document lists sorts, anything else is a
    422 naming the allowed ones (`--name` and an empty value used to sort by the default)."""
    headers = world.headers("admin")
    lists = [
        (path.format(partner_id=world.a.id), parameter["schema"]["enum"])
        for _method, path, operation in _api_operations()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "sort"
    ]
    assert len(lists) >= 6, lists  # partners, people, users, registrations, the review queue, webhooks ...
    for url, keys in lists:
        for key in keys:
            assert client.get(url, params={"sort": key}, headers=headers).status_code == 200, (url, key)
        for bad in ("bogus", "--name", "", "name-"):
            response = client.get(url, params={"sort": bad}, headers=headers)
            assert response.status_code == 422, (url, bad, response.text)
            detail = response.json()["error"]["details"][0]
            assert detail["field"] == "sort" and keys[0] in detail["message"], (url, bad, detail)
