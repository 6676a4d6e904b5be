"""Program admins manage webhook endpoints: subscribe a URL to event types (its signing secret is
shown once), change or disable it, rotate the secret, read the delivery log and replay a
delivery. Every change is audited; secrets never enter the audit trail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.changes import reject_nulls
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.sorting import apply_sort
from alliance.webhooks import signing, ssrf
from alliance.webhooks.models import WebhookDelivery, WebhookEndpoint
from alliance.webhooks.repository import DeliveryRepository, EndpointRepository
from alliance.webhooks.schemas import AttemptRead, DeliveryDetail, DeliveryRead, EndpointCreate, EndpointRead, EndpointSecret, EndpointUpdate
from alliance.webhooks.vocabulary import PENDING, DeliveryStatus, EndpointStatus

FIELDS = ("url", "description", "event_types", "status", "allow_private_network")
# After a rotation the old secret signs as well for this long, so receivers can switch over.
ROTATION_GRACE = timedelta(hours=24)
ENDPOINT_SORTS = {"url": WebhookEndpoint.url, "created": WebhookEndpoint.created_at, "status": WebhookEndpoint.status}


def check_target(url: str, *, allow_private: bool, resolver: ssrf.Resolver = ssrf.system_resolver) -> None:
    """Refuse a URL the worker would refuse (422 on `url`)."""
    try:
        ssrf.resolve(ssrf.parse(url), allow_private=allow_private, resolver=resolver)
    except ssrf.RefusedTarget as refused:
        raise RuleViolation(f"The webhook URL is refused: {refused}.", details=[{"field": "url", "message": str(refused)}]) from refused


def list_endpoints(
    session: Session, actor: Actor, *, page: PageRequest, status: EndpointStatus | None = None, q: str | None = None, sort: str | None = None
) -> Page[WebhookEndpoint]:
    require(actor, Permission.WEBHOOKS_MANAGE)
    statement = apply_sort(EndpointRepository(session).listed(status=status, q=q), sort, ENDPOINT_SORTS, default="url", tiebreak=WebhookEndpoint.id)
    return paginate(session, statement, page)


def get_endpoint(session: Session, actor: Actor, *, endpoint_id: int) -> WebhookEndpoint:
    require(actor, Permission.WEBHOOKS_MANAGE)
    endpoint = EndpointRepository(session).get(endpoint_id)
    if endpoint is None:
        raise NotFound(f"Webhook endpoint {endpoint_id} not found.")
    return endpoint


def _for_change(session: Session, endpoint_id: int) -> WebhookEndpoint:
    endpoint = EndpointRepository(session).get_for_change(endpoint_id)
    if endpoint is None:
        raise NotFound(f"Webhook endpoint {endpoint_id} not found.")
    return endpoint


def create_endpoint(session: Session, actor: Actor, *, data: EndpointCreate, resolver: ssrf.Resolver = ssrf.system_resolver) -> EndpointSecret:
    require(actor, Permission.WEBHOOKS_MANAGE)
    check_target(data.url, allow_private=data.allow_private_network, resolver=resolver)
    endpoint = EndpointRepository(session).add(
        WebhookEndpoint(
            url=data.url,
            description=data.description,
            event_types=sorted({e.value for e in data.event_types}),
            status=EndpointStatus.ACTIVE,
            secret=signing.new_secret(),
            allow_private_network=data.allow_private_network,
            created_by_user_id=actor.user_id,
        )
    )
    audit.record(session, actor, "webhook_endpoint.created", entity_type="webhook_endpoint", entity_id=endpoint.id, after=snapshot(endpoint, FIELDS))
    return EndpointSecret(endpoint=EndpointRead.model_validate(endpoint), secret=endpoint.secret)


def update_endpoint(
    session: Session, actor: Actor, *, endpoint_id: int, data: EndpointUpdate, resolver: ssrf.Resolver = ssrf.system_resolver
) -> WebhookEndpoint:
    """Change what an endpoint receives or where; enabling it again resumes its pending deliveries."""
    require(actor, Permission.WEBHOOKS_MANAGE)
    changes = data.model_dump(exclude_unset=True)
    reject_nulls(changes, changes.keys())
    endpoint = _for_change(session, endpoint_id)
    before = snapshot(endpoint, FIELDS)
    if "event_types" in changes:
        changes["event_types"] = sorted({e.value for e in data.event_types or []})
    url = changes.get("url", endpoint.url)
    allow_private = changes.get("allow_private_network", endpoint.allow_private_network)
    if url != endpoint.url or allow_private != endpoint.allow_private_network:
        check_target(url, allow_private=allow_private, resolver=resolver)
    for field, value in changes.items():
        setattr(endpoint, field, value)
    if "status" in changes and changes["status"] != before["status"]:
        disabled = endpoint.status == EndpointStatus.DISABLED
        endpoint.disabled_at = clock.now() if disabled else None
        endpoint.disabled_reason = f"Disabled by {actor.label}." if disabled else None
    session.flush()
    audit.record_update(
        session, actor, "webhook_endpoint.updated", entity_type="webhook_endpoint", entity_id=endpoint.id, before=before, after=snapshot(endpoint, FIELDS)
    )
    return endpoint


def rotate_secret(session: Session, actor: Actor, *, endpoint_id: int) -> EndpointSecret:
    """A new secret, shown once; the old one also signs for ROTATION_GRACE."""
    require(actor, Permission.WEBHOOKS_MANAGE)
    endpoint = _for_change(session, endpoint_id)
    until = clock.now() + ROTATION_GRACE
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, until
    endpoint.secret = signing.new_secret()
    session.flush()
    audit.record(
        session,
        actor,
        "webhook_endpoint.secret_rotated",
        entity_type="webhook_endpoint",
        entity_id=endpoint.id,
        after={"previous_secret_until": until.isoformat()},
    )
    return EndpointSecret(endpoint=EndpointRead.model_validate(endpoint), secret=endpoint.secret, previous_secret_valid_until=until)


def delete_endpoint(session: Session, actor: Actor, *, endpoint_id: int) -> None:
    """Remove the endpoint and its delivery log."""
    require(actor, Permission.WEBHOOKS_MANAGE)
    endpoint = _for_change(session, endpoint_id)
    before = snapshot(endpoint, FIELDS)
    EndpointRepository(session).delete(endpoint)
    audit.record(session, actor, "webhook_endpoint.deleted", entity_type="webhook_endpoint", entity_id=endpoint_id, before=before)


def list_deliveries(session: Session, actor: Actor, *, endpoint_id: int, page: PageRequest, status: DeliveryStatus | None = None) -> Page[WebhookDelivery]:
    """An endpoint's delivery log, newest first."""
    get_endpoint(session, actor, endpoint_id=endpoint_id)
    return paginate(session, DeliveryRepository(session).log(endpoint_id=endpoint_id, status=status), page)


def export_deliveries(session: Session, actor: Actor, *, endpoint_id: int, status: DeliveryStatus | None = None) -> list[WebhookDelivery]:
    """An endpoint's whole delivery log, newest first (the CSV export)."""
    get_endpoint(session, actor, endpoint_id=endpoint_id)
    return list(session.scalars(DeliveryRepository(session).log(endpoint_id=endpoint_id, status=status)))


def delivery_counts(session: Session, actor: Actor, *, endpoint_id: int) -> dict[DeliveryStatus, int]:
    get_endpoint(session, actor, endpoint_id=endpoint_id)
    return DeliveryRepository(session).counts(endpoint_id)


def get_delivery(session: Session, actor: Actor, *, delivery_id: int) -> DeliveryDetail:
    """One delivery with the body posted and every attempt's request headers and response excerpt."""
    require(actor, Permission.WEBHOOKS_MANAGE)
    repository = DeliveryRepository(session)
    delivery = repository.get(delivery_id)
    if delivery is None:
        raise NotFound(f"Webhook delivery {delivery_id} not found.")
    attempts = [AttemptRead.model_validate(a) for a in repository.attempts_of(delivery_id)]
    return DeliveryDetail(**DeliveryRead.model_validate(delivery).model_dump(), body=delivery.body, attempt_log=attempts)


def replay_delivery(session: Session, actor: Actor, *, delivery_id: int) -> WebhookDelivery:
    """Queue the same message (same webhook-id and body) to the endpoint again, after its pending ones."""
    require(actor, Permission.WEBHOOKS_MANAGE)
    repository = DeliveryRepository(session)
    original = repository.get(delivery_id)
    if original is None:
        raise NotFound(f"Webhook delivery {delivery_id} not found.")
    _for_change(session, original.endpoint_id)  # replays of one endpoint queue one after another
    if original.status in PENDING:
        raise Conflict(f"Delivery {delivery_id} is still {original.status.label.lower()}: replay it once it is delivered or failed.")
    now = clock.now()
    replay = repository.add(
        WebhookDelivery(
            endpoint_id=original.endpoint_id,
            message_id=original.message_id,
            idempotency_key=f"{original.message_id}/{original.endpoint_id}/replay/{signing.new_message_id()[4:20]}",
            event_type=original.event_type,
            entity_type=original.entity_type,
            entity_id=original.entity_id,
            body=original.body,
            status=DeliveryStatus.QUEUED,
            attempts=0,
            next_attempt_at=now,
            replay_of_id=original.id,
        )
    )
    audit.record(
        session,
        actor,
        "webhook_delivery.replayed",
        entity_type="webhook_endpoint",
        entity_id=original.endpoint_id,
        after={"delivery_id": replay.id, "replay_of": original.id, "message_id": original.message_id},
    )
    return replay
