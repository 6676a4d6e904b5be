"""`alliance sso ...`: list, show, edit, disable/enable, mark a domain verified, delete."""

from __future__ import annotations

import json

from alliance.cli import app
from tests.factories.sso import build_connections


def test_connections_from_the_shell(cli_env, runner, world):
    built = build_connections(world.db, world)
    a, b = str(built["a"]["connection_id"]), str(built["b"]["connection_id"])

    listed = runner.invoke(app, ["sso", "list"])
    assert listed.exit_code == 0, listed.output
    assert "A SSO\tNorthwind Consulting\toidc\ton\ta-sso.example (unverified)\t0 linked" in listed.output

    edited = runner.invoke(app, ["sso", "edit", a, "--name", "Northwind Okta", "--sso-required", "--domains", "a-sso.example,a2-sso.example"])
    assert edited.exit_code == 0 and "Northwind Okta" in edited.output and "on, SSO required" in edited.output
    hostile = runner.invoke(app, ["sso", "edit", a, "--default-role", "program_admin"])
    assert hostile.exit_code == 1 and "can only grant partner roles" in hostile.output

    assert "\toff" in runner.invoke(app, ["sso", "disable", b]).output
    marked = runner.invoke(app, ["sso", "mark-verified", b, "b-sso.example", "--reason", "Confirmed by phone"])
    assert marked.exit_code == 0 and "b-sso.example is verified" in marked.output
    shown = json.loads(runner.invoke(app, ["sso", "show", b]).output)
    assert shown["is_enabled"] is False and shown["domains"][0]["verified_by"] == "manual"

    assert runner.invoke(app, ["sso", "delete", a]).exit_code == 0
    assert runner.invoke(app, ["sso", "show", a]).exit_code == 1
