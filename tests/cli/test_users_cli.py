from __future__ import annotations

from alliance.cli import app


def test_user_create_prints_id_and_token_flow(runner, cli_env, world, client):
    result = runner.invoke(
        app, ["user", "create", "--email", "ops@vendor.example", "--name", "Ops", "--role", "program_admin", "--password-stdin"], input="a-long-password\n"
    )
    assert result.exit_code == 0, result.output
    user_id = int(result.output.strip())
    token_result = runner.invoke(app, ["token", "create", "--email", "ops@vendor.example", "--expires-days", "30"])
    assert token_result.exit_code == 0, token_result.output
    token = token_result.stdout.strip()
    assert token.startswith("alk_") and "\n" not in token
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["id"] == user_id
    revoke = runner.invoke(app, ["token", "revoke", token])
    assert revoke.exit_code == 0, revoke.output
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_partner_user_needs_partner(runner, cli_env, world):
    result = runner.invoke(app, ["user", "create", "--email", "p@x.example", "--name", "P", "--role", "partner_user"])
    assert result.exit_code == 1 and "partner_id" in result.output
    ok = runner.invoke(app, ["user", "create", "--email", "p@x.example", "--name", "P", "--role", "partner_user", "--partner", str(world.a.id)])
    assert ok.exit_code == 0, ok.output


def test_bad_role_and_duplicate(runner, cli_env, world):
    assert runner.invoke(app, ["user", "create", "--email", "z@x.example", "--name", "Z", "--role", "king"]).exit_code == 2
    dup = runner.invoke(app, ["user", "create", "--email", world.emails["admin"], "--name", "Dup", "--role", "cam"])
    assert dup.exit_code == 1 and "already exists" in dup.output


def test_token_for_unknown_user(runner, cli_env, world):
    result = runner.invoke(app, ["token", "create", "--email", "ghost@x.example"])
    assert result.exit_code == 1 and "ghost@x.example" in result.output


def test_expired_token_rejected(runner, cli_env, world, client):
    from datetime import UTC, datetime, timedelta

    from alliance.kit import clock

    token = runner.invoke(app, ["token", "create", "--email", world.emails["cam"], "--expires-days", "1"]).stdout.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    clock.freeze(datetime.now(UTC) + timedelta(days=2))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_user_invite_queues_the_invitation(runner, cli_env, world, client, monkeypatch):
    monkeypatch.setenv("ALLIANCE_SECRET_KEY", "cli-test-secret-" + "y" * 32)
    result = runner.invoke(app, ["user", "invite", "--email", "new@vendor.example", "--name", "New", "--role", "cam"])
    assert result.exit_code == 0, result.output
    user = client.get(f"/api/v1/users/{int(result.output.strip())}", headers=world.headers("admin")).json()
    assert user["status"] == "invited" and user["email"] == "new@vendor.example"
    bad = runner.invoke(app, ["user", "invite", "--email", "p@x.example", "--name", "P", "--role", "partner_user"])
    assert bad.exit_code == 1 and "partner" in bad.output
