"""Webhook endpoints and their delivery log (program admins): docs/webhooks.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, PageParams, sort_by
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead
from alliance.webhooks import service as webhook_service
from alliance.webhooks.models import WebhookDelivery, WebhookEndpoint
from alliance.webhooks.schemas import DeliveryDetail, DeliveryRead, EndpointCreate, EndpointRead, EndpointSecret, EndpointUpdate
from alliance.webhooks.vocabulary import DeliveryStatus, EndpointStatus

router = api_router(tags=["webhooks"])
MANAGE = allowed(Permission.WEBHOOKS_MANAGE)


@router.get("/webhooks", response_model=PageRead[EndpointRead], openapi_extra=MANAGE)
def list_endpoints(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    status: EndpointStatus | None = None,
    q: str | None = None,
    sort: Annotated[str | None, sort_by(webhook_service.ENDPOINT_SORTS)] = None,
) -> dict[str, object]:
    """Every webhook endpoint; `q` matches the URL or description."""
    return webhook_service.list_endpoints(session, actor, page=page, status=status, q=q, sort=sort).as_response()


@router.post("/webhooks", response_model=EndpointSecret, status_code=201, openapi_extra=MANAGE)
def create_endpoint(data: EndpointCreate, session: DbSession, actor: CurrentActor) -> EndpointSecret:
    """Subscribe a URL to event types. The answer carries the signing secret: it is not shown again."""
    return webhook_service.create_endpoint(session, actor, data=data)


@router.get("/webhooks/{endpoint_id}", response_model=EndpointRead, openapi_extra=MANAGE)
def get_endpoint(endpoint_id: IdPath, session: DbSession, actor: CurrentActor) -> WebhookEndpoint:
    return webhook_service.get_endpoint(session, actor, endpoint_id=endpoint_id)


@router.patch("/webhooks/{endpoint_id}", response_model=EndpointRead, openapi_extra=MANAGE)
def update_endpoint(endpoint_id: IdPath, data: EndpointUpdate, session: DbSession, actor: CurrentActor) -> WebhookEndpoint:
    """Change the URL, events or private-network permission; disable, or enable again."""
    return webhook_service.update_endpoint(session, actor, endpoint_id=endpoint_id, data=data)


@router.delete("/webhooks/{endpoint_id}", status_code=204, openapi_extra=MANAGE)
def delete_endpoint(endpoint_id: IdPath, session: DbSession, actor: CurrentActor) -> Response:
    """Remove the endpoint and its delivery log."""
    webhook_service.delete_endpoint(session, actor, endpoint_id=endpoint_id)
    return Response(status_code=204)


@router.post("/webhooks/{endpoint_id}/rotate-secret", response_model=EndpointSecret, openapi_extra=MANAGE)
def rotate_secret(endpoint_id: IdPath, session: DbSession, actor: CurrentActor) -> EndpointSecret:
    """A new signing secret, shown once; the previous one also signs for 24 hours."""
    return webhook_service.rotate_secret(session, actor, endpoint_id=endpoint_id)


@router.get("/webhooks/{endpoint_id}/deliveries", response_model=PageRead[DeliveryRead], openapi_extra=MANAGE)
def list_deliveries(endpoint_id: IdPath, session: DbSession, actor: CurrentActor, page: PageParams, status: DeliveryStatus | None = None) -> dict[str, object]:
    """The endpoint's delivery log, newest first."""
    return webhook_service.list_deliveries(session, actor, endpoint_id=endpoint_id, page=page, status=status).as_response()


@router.get("/webhook-deliveries/{delivery_id}", response_model=DeliveryDetail, openapi_extra=MANAGE)
def get_delivery(delivery_id: IdPath, session: DbSession, actor: CurrentActor) -> DeliveryDetail:
    """One delivery: the body posted and every attempt's request headers and response excerpt."""
    return webhook_service.get_delivery(session, actor, delivery_id=delivery_id)


@router.post("/webhook-deliveries/{delivery_id}/replay", response_model=DeliveryRead, status_code=201, openapi_extra=MANAGE)
def replay_delivery(delivery_id: IdPath, session: DbSession, actor: CurrentActor) -> WebhookDelivery:
    """Queue the same message (same webhook-id and body) again, after the endpoint's pending ones."""
    return webhook_service.replay_delivery(session, actor, delivery_id=delivery_id)
