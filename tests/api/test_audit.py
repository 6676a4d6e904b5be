from __future__ import annotations

from datetime import UTC, datetime, timedelta


class TestAuditApi:
    def test_auditor_browses_and_filters(self, client, world):
        headers = world.headers("auditor")
        body = client.get("/api/v1/audit/events?limit=5", headers=headers).json()
        assert body["total"] > 20 and len(body["items"]) == 5
        seqs = [e["seq"] for e in body["items"]]
        assert seqs == sorted(seqs, reverse=True)
        partner_events = client.get(f"/api/v1/audit/events?partner_id={world.b.id}&action=person.", headers=headers).json()
        assert partner_events["total"] == 2 and all(e["partner_id"] == world.b.id for e in partner_events["items"])
        by_actor = client.get("/api/v1/audit/events?actor=test-setup", headers=headers).json()
        assert by_actor["total"] == body["total"]
        future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        assert client.get("/api/v1/audit/events", params={"since": future}, headers=headers).json()["total"] == 0

    def test_event_and_verify(self, client, world):
        headers = world.headers("admin")
        assert client.get("/api/v1/audit/events/1", headers=headers).json()["prev_hash"] == "0" * 64
        verdict = client.get("/api/v1/audit/verify", headers=headers).json()
        assert verdict["ok"] is True and verdict["checked"] > 20

    def test_only_auditors_and_admins(self, client, world):
        for who in ("cam", "executive", "ps_lead", "a_admin", "a_user"):
            assert client.get("/api/v1/audit/events", headers=world.headers(who)).status_code == 403, who

    def test_bad_filters(self, client, world):
        headers = world.headers("auditor")
        assert client.get("/api/v1/audit/events?since=not-a-date", headers=headers).status_code == 422
        assert client.get("/api/v1/audit/events/abc", headers=headers).status_code == 422
        assert client.get("/api/v1/audit/events/999999", headers=headers).status_code == 404

    def test_failed_change_leaves_no_event(self, client, world):
        headers = world.headers("admin")
        before = client.get("/api/v1/audit/events?limit=1", headers=headers).json()["total"]
        response = client.patch(f"/api/v1/partners/{world.a.id}", headers=headers, json={"tier_id": world.tier_ids["reseller/gold"]})
        assert response.status_code == 422
        assert client.get("/api/v1/audit/events?limit=1", headers=headers).json()["total"] == before


class TestPatchesRecordChangesOnly:
    """Issue 16: a PATCH that changes nothing writes no audit event; one that changes a field
    always writes exactly one. Every PATCH route of the API, every plain field it takes."""

    def test_every_patch_route(self, client, world):
        admin = world.headers("admin")
        targets = _patch_targets(client, world)
        document = client.get("/api/openapi.json").json()
        patch_paths = {path for path, operations in document["paths"].items() if "patch" in operations}
        assert patch_paths == {path for path, _, _ in targets}, patch_paths ^ {path for path, _, _ in targets}
        problems = []
        for path, url, who in targets:
            headers = world.headers(who)
            current = client.get(url, headers=headers).json() if "/users/" in url or "/registrations/" in url else None
            fields = _plain_fields(document, path)
            current = current or client.patch(url, headers=headers, json={}).json()
            echo = {name: current[name] for name in fields if _plain(current.get(name))}
            before = _events(client, admin)
            response = client.patch(url, headers=headers, json=echo)
            if response.status_code != 200 or _events(client, admin) != before:
                problems.append(f"{path}: re-sending {sorted(echo)} answered {response.status_code} and wrote {_events(client, admin) - before} events")
            for name, value in echo.items():
                changed = not value if isinstance(value, bool) else f"{value} 2" if isinstance(value, str) else None
                if changed is None:
                    continue
                before = _events(client, admin)
                response = client.patch(url, headers=headers, json={name: changed})
                if response.status_code == 200 and _events(client, admin) != before + 1:
                    problems.append(f"{path}: changing {name} wrote {_events(client, admin) - before} events")
                client.patch(url, headers=headers, json={name: value})
        assert not problems, "\n".join(problems)


def _plain(value: object) -> bool:
    """A value a PATCH takes back as it reads it: a scalar, or a list of scalars."""
    if isinstance(value, list):
        return all(isinstance(item, (str, int, float, bool)) for item in value)
    return isinstance(value, (str, int, float, bool))


def _events(client, headers) -> int:  # type: ignore[no-untyped-def]
    return int(client.get("/api/v1/audit/events?limit=1", headers=headers).json()["total"])


def _plain_fields(document, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    ref = document["paths"][path]["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    properties = document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    return [name for name in properties if name not in ("reason", "position")]


def _patch_targets(client, world) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(path, url, who) of one record per PATCH route, made through the API."""
    admin = world.headers("admin")

    def made(url: str, body: dict, who: str = "admin") -> int:  # type: ignore[type-arg]
        response = client.post(url, headers=world.headers(who), json=body)
        assert response.status_code == 201, (url, response.text)
        return int(response.json()["id"])

    world.registrations()  # the product-line catalog
    calendar = made("/api/v1/business-calendars", {"key": "probe", "name": "Probe", "time_zone": "UTC"})
    team = made("/api/v1/cosell-teams", {"key": "probe", "name": "Probe", "calendar_id": calendar})
    rule = made("/api/v1/routing-rules", {"name": "Probe", "team_id": team, "first_response_hours": "4"})
    track = made(
        "/api/v1/certification-tracks",
        {
            "key": "probe",
            "name": "Probe",
            "delivery_role": "sales",
            "level": "associate",
            "product_line": "analytics",
            "product_version": "1",
            "modules": [{"key": "m1", "title": "Probe"}],
        },
    )
    registration = made(
        "/api/v1/registrations",
        {"kind": "deal", "title": "Probe", "customer": {"name": "Probe Co"}, "product_lines": ["analytics"], "amount": "10", "expected_close_on": "2030-01-01"},
        "a_user",
    )
    hook = client.post("/api/v1/webhooks", headers=admin, json={"url": "http://127.0.0.1:9/probe", "allow_private_network": True})
    assert hook.status_code == 201, hook.text
    endpoint = hook.json()["endpoint"]["id"]
    qbr = made("/api/v1/qbrs", {"partner_id": world.a.id, "quarter": "FY2026-Q1", "as_of": "2026-03-31"})
    commitment = made(f"/api/v1/qbrs/{qbr}/commitments", {"title": "Probe", "side": "joint", "owner_name": "Probe"})
    del admin
    return [
        ("/api/v1/partners/{partner_id}", f"/api/v1/partners/{world.a.id}", "admin"),
        ("/api/v1/people/{person_id}", f"/api/v1/people/{world.a.person_ids[0]}", "admin"),
        ("/api/v1/programs/{program_id}", f"/api/v1/programs/{world.program_ids['reseller']}", "admin"),
        ("/api/v1/tiers/{tier_id}", f"/api/v1/tiers/{world.tier_ids['reseller/silver']}", "admin"),
        # A user of its own: deactivating one ends its sessions and tokens, which later steps use.
        (
            "/api/v1/users/{user_id}",
            f"/api/v1/users/{made('/api/v1/users', {'email': 'patch.probe@vendor.example', 'name': 'Patch Probe', 'role': 'cam'})}",
            "admin",
        ),
        ("/api/v1/customers/{customer_id}", f"/api/v1/customers/{made('/api/v1/customers', {'name': 'Probe Analytics'})}", "admin"),
        ("/api/v1/product-lines/{product_line_id}", f"/api/v1/product-lines/{made('/api/v1/product-lines', {'key': 'probe', 'name': 'Probe'})}", "admin"),
        ("/api/v1/registrations/{registration_id}", f"/api/v1/registrations/{registration}", "a_user"),
        ("/api/v1/certification-tracks/{track_id}", f"/api/v1/certification-tracks/{track}", "admin"),
        ("/api/v1/business-calendars/{calendar_id}", f"/api/v1/business-calendars/{calendar}", "admin"),
        ("/api/v1/cosell-teams/{team_id}", f"/api/v1/cosell-teams/{team}", "admin"),
        ("/api/v1/routing-rules/{rule_id}", f"/api/v1/routing-rules/{rule}", "admin"),
        ("/api/v1/webhooks/{endpoint_id}", f"/api/v1/webhooks/{endpoint}", "admin"),
        ("/api/v1/qbrs/{qbr_id}/commitments/{commitment_id}", f"/api/v1/qbrs/{qbr}/commitments/{commitment}", "admin"),
        (
            "/api/v1/sso/connections/{connection_id}",
            f"/api/v1/sso/connections/{made('/api/v1/sso/connections', {'name': 'Probe SSO', 'partner_id': world.a.id, 'domains': ['probe-sso.example'], 'issuer': 'https://idp.probe.example', 'client_id': 'probe', 'client_secret': 'probe-secret'})}",
            "admin",
        ),
        (
            "/api/v1/fund-budgets/{budget_id}",
            f"/api/v1/fund-budgets/{made('/api/v1/fund-budgets', {'program_id': world.program_ids['reseller'], 'period': 'FY2040', 'amount': '1000'})}",
            "admin",
        ),
    ]
