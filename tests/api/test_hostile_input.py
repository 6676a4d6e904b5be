"""Hostile input is a 422 naming the field, the same on SQLite and PostgreSQL, on every route:
ids past any integer column, dates outside the calendar we keep, NUL characters in text."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts

from alliance.app import create_app

HUGE = 2**63
# Every kind of user: a route refuses some of them (403) whatever the input; the others must get the 422.
WHO = ("admin", "cam", "ps_lead", "auditor", "a_admin", "a_user")
PATH_VALUES = {"action": {"/api/v1/resource-requests/{request_id}/actions/{action}": "accept"}, "track_key": {"": "some-track"}}


def _api_operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = create_app().openapi()
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
    for context in iter_route_contexts(create_app().routes):
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
