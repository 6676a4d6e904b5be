"""Webhook pages (program admins): the endpoints, filterable and sortable, with a form to add one;
an endpoint's settings and delivery log; a delivery's body and attempts with a replay button. A
secret is shown once, on the page that answers its creation or rotation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.http.downloads import csv_attachment, csv_line
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission, require
from alliance.kit.sorting import known_sort
from alliance.notifications.vocabulary import EventType
from alliance.web.deps import VENDOR_ONLY, Text, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, query_choice, submit
from alliance.web.templating import render
from alliance.webhooks import service as webhook_service
from alliance.webhooks.schemas import EndpointCreate, EndpointSecret, EndpointUpdate
from alliance.webhooks.vocabulary import DeliveryStatus, EndpointStatus

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)
FIELDS = ("url", "description", "event_types", "allow_private_network")
DELIVERY_CSV_COLUMNS = (
    "id",
    "queued_at",
    "event_type",
    "entity_type",
    "entity_id",
    "webhook_id",
    "status",
    "attempts",
    "response_status",
    "last_error",
    "delivered_at",
    "replay_of",
)


def _values(form: FormData) -> dict[str, Any]:
    return {
        "url": str(form.get("url", "")),
        "description": str(form.get("description", "")),
        "event_types": [str(v) for v in form.getlist("event_types") if v],
        "allow_private_network": form.get("allow_private_network") == "on",
    }


@router.get("/webhooks")
def list_endpoints(
    request: Request, session: WebSession, actor: VendorActor, page: PageParams, status: Text = None, q: Text = None, sort: Text = None
) -> Response:
    return _list_page(request, session, actor, page=page, status=status, q=q, sort=sort)


def _list_page(
    request: Request,
    session: Session,
    actor: VendorActor,
    *,
    page: Any,
    status: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    submission: Submission[Any] | None = None,
) -> Response:
    require(actor, Permission.WEBHOOKS_MANAGE)
    chosen_status = query_choice(status, [s.value for s in EndpointStatus])
    chosen_sort = sort if known_sort(sort, webhook_service.ENDPOINT_SORTS) else "url"
    text = (q or "").strip() or None
    endpoints = webhook_service.list_endpoints(
        session, actor, page=page, status=EndpointStatus(chosen_status) if chosen_status else None, q=text, sort=chosen_sort
    )
    context = {
        "endpoints": endpoints,
        "statuses": list(EndpointStatus),
        "events": list(EventType),
        "sort": chosen_sort,
        "filters": {"status": chosen_status or "", "q": text or ""},
        "values": submission.values if submission else {"event_types": []},
        "errors": submission.errors if submission else {},
    }
    return render(request, "webhooks/list.html", context, status_code=submission.status if submission else 200)


@router.post("/webhooks")
def create_endpoint(request: Request, session: WebSession, actor: VendorActor, form: FormBody, page: PageParams) -> Response:
    values = _values(form)

    def save(data: EndpointCreate) -> EndpointSecret:
        return webhook_service.create_endpoint(session, actor, data=data)

    submission = submit(session, EndpointCreate, values, save, shown=values)
    if submission.ok and submission.result is not None:
        return _secret_page(request, submission.result, created=True)
    return _list_page(request, session, actor, page=page, submission=submission)


def _secret_page(request: Request, shown: EndpointSecret, *, created: bool) -> Response:
    return render(request, "webhooks/secret.html", {"shown": shown, "created": created})


@router.get("/webhooks/{endpoint_id}")
def endpoint_detail(request: Request, endpoint_id: IdPath, session: WebSession, actor: VendorActor, page: PageParams, status: Text = None) -> Response:
    return _detail_page(request, session, actor, endpoint_id=endpoint_id, page=page, status=status)


def _detail_page(
    request: Request, session: Session, actor: VendorActor, *, endpoint_id: int, page: Any, status: str | None = None, submission: Submission[Any] | None = None
) -> Response:
    endpoint = webhook_service.get_endpoint(session, actor, endpoint_id=endpoint_id)
    chosen = query_choice(status, [s.value for s in DeliveryStatus])
    deliveries = webhook_service.list_deliveries(session, actor, endpoint_id=endpoint_id, page=page, status=DeliveryStatus(chosen) if chosen else None)
    values = submission.values if submission else {field: getattr(endpoint, field) for field in FIELDS}
    context = {
        "endpoint": endpoint,
        "deliveries": deliveries,
        "counts": webhook_service.delivery_counts(session, actor, endpoint_id=endpoint_id),
        "delivery_statuses": list(DeliveryStatus),
        "chosen": chosen or "",
        "events": list(EventType),
        "values": values,
        "errors": submission.errors if submission else {},
    }
    return render(request, "webhooks/detail.html", context, status_code=submission.status if submission else 200)


@router.get("/webhooks/{endpoint_id}/deliveries.csv")
def deliveries_csv(endpoint_id: IdPath, session: WebSession, actor: VendorActor, status: Text = None) -> Response:
    chosen = query_choice(status, [s.value for s in DeliveryStatus])
    found = webhook_service.export_deliveries(session, actor, endpoint_id=endpoint_id, status=DeliveryStatus(chosen) if chosen else None)
    rows = [
        (
            d.id,
            d.created_at.isoformat(),
            d.event_type.value,
            d.entity_type,
            d.entity_id or "",
            d.message_id,
            d.status.value,
            d.attempts,
            d.response_status or "",
            d.last_error or "",
            d.delivered_at.isoformat() if d.delivered_at else "",
            d.replay_of_id or "",
        )
        for d in found
    ]
    return csv_attachment((csv_line(row) for row in [DELIVERY_CSV_COLUMNS, *rows]), f"webhook_{endpoint_id}_deliveries.csv")


@router.post("/webhooks/{endpoint_id}")
def update_endpoint(request: Request, endpoint_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody, page: PageParams) -> Response:
    values = _values(form)

    def save(data: EndpointUpdate) -> Any:
        return webhook_service.update_endpoint(session, actor, endpoint_id=endpoint_id, data=data)

    submission = submit(session, EndpointUpdate, values, save, shown=values)
    if submission.ok:
        flash(request, "Webhook endpoint saved.")
        return RedirectResponse(f"/console/webhooks/{endpoint_id}", status_code=303)
    return _detail_page(request, session, actor, endpoint_id=endpoint_id, page=page, submission=submission)


@router.post("/webhooks/{endpoint_id}/status")
def set_status(request: Request, endpoint_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    chosen = query_choice(str(form.get("status", "")), [s.value for s in EndpointStatus])
    status = EndpointStatus(chosen) if chosen else EndpointStatus.ACTIVE
    webhook_service.update_endpoint(session, actor, endpoint_id=endpoint_id, data=EndpointUpdate(status=status))
    flash(request, "Webhook endpoint enabled: pending deliveries resume in order." if status == EndpointStatus.ACTIVE else "Webhook endpoint disabled.")
    return RedirectResponse(f"/console/webhooks/{endpoint_id}", status_code=303)


@router.post("/webhooks/{endpoint_id}/rotate")
def rotate_secret(request: Request, endpoint_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _secret_page(request, webhook_service.rotate_secret(session, actor, endpoint_id=endpoint_id), created=False)


@router.post("/webhooks/{endpoint_id}/delete")
def delete_endpoint(request: Request, endpoint_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    webhook_service.delete_endpoint(session, actor, endpoint_id=endpoint_id)
    flash(request, "Webhook endpoint deleted.")
    return RedirectResponse("/console/webhooks", status_code=303)


@router.get("/webhook-deliveries/{delivery_id}")
def delivery_detail(request: Request, delivery_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    delivery = webhook_service.get_delivery(session, actor, delivery_id=delivery_id)
    endpoint = webhook_service.get_endpoint(session, actor, endpoint_id=delivery.endpoint_id)
    return render(request, "webhooks/delivery.html", {"delivery": delivery, "endpoint": endpoint})


@router.post("/webhook-deliveries/{delivery_id}/replay")
def replay_delivery(request: Request, delivery_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    replay = webhook_service.replay_delivery(session, actor, delivery_id=delivery_id)
    flash(request, "Queued again with the same webhook-id: it goes out after the endpoint's pending deliveries.")
    return RedirectResponse(f"/console/webhook-deliveries/{replay.id}", status_code=303)
