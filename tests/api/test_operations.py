"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from alliance.app import create_app
from alliance.config import Settings
from alliance.db import Database
from tests.factories.world import World, deal_input


def samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:  # type: ignore[no-untyped-def]
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_healthz_is_liveness(client):  # type: ignore[no-untyped-def]
    assert client.get("/healthz").json()["status"] == "ok"


def test_readyz_checks_the_database_and_its_schema(client, db: Database, settings: Settings):  # type: ignore[no-untyped-def]
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"] == {"database": "ok", "migrations": "ok", "delivery": "ok"}


def test_readyz_reports_a_stalled_outbox_without_failing(client, world: World) -> None:  # type: ignore[no-untyped-def]
    """A message due for longer than ALLIANCE_OUTBOX_STALL_MINUTES means no worker is delivering:
    said in the body, while the app stays in the load balancer (the site still works)."""
    from datetime import timedelta

    from alliance.kit import clock

    # Frozen first: every message this test makes (the world's deals too) is due at the same instant.
    started = clock.now()
    clock.freeze(started)
    world.registrations()
    submitted = client.post("/api/v1/registrations", headers=world.headers("a_user"), json=deal_input("Stalled deal", "Stalled Clinics Inc", submit=True))
    assert submitted.status_code == 201
    assert client.get("/readyz").json()["checks"]["delivery"] == "ok"
    clock.freeze(started + timedelta(minutes=25))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["delivery"].startswith("stalled: a message has been due for 25 minutes")


def test_readyz_is_unavailable_when_the_schema_is_behind(fresh_database_url: str) -> None:
    from fastapi.testclient import TestClient

    from alliance import migrate

    migrate.upgrade(fresh_database_url, "0009")
    database = Database(fresh_database_url)
    try:
        with TestClient(create_app(Settings(database_url=fresh_database_url), database, check_schema=False)) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["migrations"].startswith("at 0009, expected")
    finally:
        database.dispose()


def test_requests_are_counted_by_route_template_and_queues_by_depth(client, world: World) -> None:  # type: ignore[no-untyped-def]
    world.registrations()
    response = client.post("/api/v1/registrations", headers=world.headers("a_user"), json=deal_input("Metered deal", "Metered Clinics Inc", submit=True))
    assert response.status_code == 201
    client.get(f"/api/v1/registrations/{response.json()['id']}", headers=world.headers("a_user"))
    found = samples(client)
    route = (("method", "GET"), ("route", "/api/v1/registrations/{registration_id}"), ("status", "200"))
    assert found[("alliance_http_requests_total", route)] >= 1
    assert found[("alliance_http_request_duration_seconds_count", route[:2])] >= 1
    assert not any(str(response.json()["id"]) in dict(labels).get("route", "") for _, labels in found)
    # The world's two submitted registrations and this one wait for review.
    assert found[("alliance_queue_depth", (("queue", "registrations_awaiting_review"),))] == 3
    # The submit told the partner's CAM through the outbox; no worker runs here, so it waits.
    assert found[("alliance_outbox_messages", (("status", "queued"),))] >= 1
    assert found[("alliance_outbox_oldest_waiting_seconds", ())] >= 0
    assert found[("alliance_outbox_messages", (("status", "dead"),))] == 0


def test_metrics_token(db: Database, settings: Settings) -> None:
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings.model_copy(update={"metrics_token": "s3cret"}), db)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_database_down_is_not_ready(db: Database, settings: Settings) -> None:
    from fastapi.testclient import TestClient

    broken = Database("postgresql+psycopg://nobody@127.0.0.1:1/none" if not db.is_sqlite else "sqlite:////nonexistent/dir/x.db")
    with TestClient(create_app(settings, broken, check_schema=False)) as client:
        assert client.get("/readyz").status_code == 503
        assert client.get("/metrics").status_code == 200  # request metrics still answer
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
