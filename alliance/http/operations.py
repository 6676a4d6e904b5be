"""What operators and load balancers read: liveness (/healthz), readiness (/readyz: the database
answers and its schema is current) and Prometheus metrics (/metrics: requests by route, their
latency, and the depth of every work queue, counted at scrape time)."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alliance import __version__, migrate
from alliance.db import Database
from alliance.governance.operations_repository import OperationsRepository
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.notifications.repository import OutboxRepository
from alliance.notifications.vocabulary import OutboxStatus
from alliance.webhooks.repository import DeliveryRepository, EndpointRepository
from alliance.webhooks.vocabulary import DeliveryStatus, EndpointStatus

router = APIRouter(tags=["health"])
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """One registry per app, so two apps in one process (tests) never share counts."""

    def __init__(self, database: Callable[[], Database]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("alliance_http_requests", "HTTP requests served", ("method", "route", "status"), registry=self.registry)
        self.latency = Histogram(
            "alliance_http_request_duration_seconds", "Time to serve a request", ("method", "route"), buckets=LATENCY_BUCKETS, registry=self.registry
        )
        self.registry.register(QueueCollector(database))


class QueueCollector(Collector):
    """Queue depths read when Prometheus scrapes: a handful of indexed counts."""

    def __init__(self, database: Callable[[], Database]) -> None:
        self.database = database  # the app's, which its lifespan may open after this is made

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("alliance_queue_depth", "Items waiting in each work queue", labels=("queue",))
        outbox = GaugeMetricFamily("alliance_outbox_messages", "Outbox messages by status", labels=("status",))
        oldest = GaugeMetricFamily("alliance_outbox_oldest_waiting_seconds", "Age of the oldest message waiting for delivery (0: none)")
        webhooks = GaugeMetricFamily("alliance_webhook_deliveries", "Webhook deliveries by status", labels=("status",))
        endpoints = GaugeMetricFamily("alliance_webhook_endpoints", "Webhook endpoints by status (disabled: failing for a day, or by hand)", labels=("status",))
        now = clock.now()
        try:
            with self.database().session_scope(PartnerScope.system(reason="metrics: queue depths"), write=False) as session:
                depths = OperationsRepository(session).queue_depths(now=now)
                messages = OutboxRepository(session)
                by_status, waiting_since = messages.counts_by_status(), messages.oldest_waiting_since()
                deliveries, hooks = DeliveryRepository(session).counts_by_status(), EndpointRepository(session).counts_by_status()
        except SQLAlchemyError:
            return  # /readyz says why; a scrape still answers with the request metrics
        for queue, depth in depths.items():
            family.add_metric([queue], depth)
        for status in OutboxStatus:
            outbox.add_metric([status.value], by_status.get(status, 0))
        oldest.add_metric([], (now - waiting_since).total_seconds() if waiting_since else 0.0)
        for delivery_status in DeliveryStatus:
            webhooks.add_metric([delivery_status.value], deliveries.get(delivery_status, 0))
        for endpoint_status in EndpointStatus:
            endpoints.add_metric([endpoint_status.value], hooks.get(endpoint_status, 0))
        yield from (family, outbox, oldest, webhooks, endpoints)


class MetricsMiddleware:
    """Counts and times every HTTP request under its route's template (/api/v1/registrations/{registration_id}),
    never its raw path, so the label set stays bounded."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_capturing_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_capturing_status)
        finally:
            route = _route_template(scope)
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    """The matched route's path template, with the prefix of the router it was included under
    (FastAPI keeps an included router's routes relative to its prefix)."""
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    if template is None:
        return "unmatched"
    try:
        concrete = template.format(**scope.get("path_params", {}))
    except (KeyError, IndexError, ValueError):
        return str(template)
    path: str = scope["path"]
    return path[: len(path) - len(concrete)] + template if path.endswith(concrete) else str(template)


@router.get("/healthz")
def healthz() -> Response:
    """Liveness: the process serves requests (a load balancer restarts it when this fails)."""
    return JSONResponse({"status": "ok", "version": __version__})


@router.get("/readyz", responses={503: {"description": "Not ready: the failing check is named in `checks`"}})
def readyz(request: Request) -> Response:
    """Readiness: 200 when the database answers and its schema is at this version's head; 503
    with the failing check otherwise (a load balancer sends no traffic until it passes)."""
    database: Database = request.app.state.database
    checks: dict[str, Any] = {}
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current, head = migrate.current_revision(database.engine), migrate.head_revision()
        checks["migrations"] = "ok" if current == head else f"at {current}, expected {head}"
        if checks["migrations"] == "ok":
            checks["delivery"] = _delivery(database, request.app.state.settings.outbox_stall_minutes)
    except SQLAlchemyError:
        checks["database"] = "unreachable"
    # Delivery is reported, not required: a stalled mail worker must not take every app process
    # out of the load balancer (the site still works; /metrics and this body say mail is late).
    ready = all(checks.get(name) == "ok" for name in ("database", "migrations"))
    return JSONResponse({"status": "ready" if ready else "unavailable", "checks": checks, "version": __version__}, status_code=200 if ready else 503)


def _delivery(database: Database, stall_minutes: int) -> str:
    """Whether some worker is delivering the outbox: nothing has been due longer than the limit."""
    now = clock.now()
    with database.session_scope(PartnerScope.system(reason="readiness: outbox"), write=False) as session:
        overdue_since = OutboxRepository(session).longest_overdue_since(now)
    minutes = (now - overdue_since).total_seconds() / 60 if overdue_since else 0.0
    if minutes <= stall_minutes:
        return "ok"
    return f"stalled: a message has been due for {minutes:.0f} minutes (is `alliance worker` running?)"


@router.get("/metrics", include_in_schema=False)  # Prometheus text format, for scrapers, not API clients
def metrics(request: Request) -> Response:
    token: str | None = request.app.state.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return JSONResponse({"error": {"code": "not_authenticated", "message": "Metrics need the metrics token.", "details": []}}, status_code=401)
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
