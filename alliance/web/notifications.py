"""E-mail pages: the mail log (program admins: every message the outbox holds, filterable, with a
preview of the rendered e-mail) and each person's e-mail choices, in the console and the portal
(the page every e-mail's List-Unsubscribe and footer link to)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.delivery.rendering import PREFERENCES_PATHS, Renderer
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit.types import time_zone_names
from alliance.notifications import service as notification_service
from alliance.notifications.repository import MailLogFilters
from alliance.notifications.schemas import PreferencesUpdate
from alliance.notifications.vocabulary import Cadence, EventType, OutboxStatus
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, Text, VendorActor, WebActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, query_choice, submit
from alliance.web.templating import render

router = APIRouter()


@router.get("/console/mail", dependencies=VENDOR_ONLY)
def mail_log(
    request: Request, session: WebSession, actor: VendorActor, page: PageParams, status: Text = None, event: Text = None, recipient: Text = None
) -> Response:
    chosen_status = query_choice(status, [s.value for s in OutboxStatus])
    chosen_event = query_choice(event, [e.value for e in EventType])
    filters = MailLogFilters(
        status=OutboxStatus(chosen_status) if chosen_status else None,
        event_type=EventType(chosen_event) if chosen_event else None,
        recipient=(recipient or "").strip() or None,
    )
    stats = notification_service.outbox_stats(session, actor)
    context = {
        "messages": notification_service.list_messages(session, actor, filters=filters, page=page),
        "stats": stats,
        "figures": {
            "waiting": stats.count(OutboxStatus.QUEUED, OutboxStatus.SENDING),
            "retrying": stats.count(OutboxStatus.RETRYING),
            "dead": stats.count(OutboxStatus.DEAD),
            "delivered": stats.count(OutboxStatus.SENT, OutboxStatus.LOGGED),
        },
        "statuses": list(OutboxStatus),
        "events": list(EventType),
        "values": {"status": chosen_status or "", "event": chosen_event or "", "recipient": filters.recipient or ""},
        "smtp_host": request.app.state.settings.smtp_host,
    }
    return render(request, "notifications/mail_log.html", context)


@router.get("/console/mail/{message_id}", dependencies=VENDOR_ONLY)
def mail_message(request: Request, message_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    row, message = notification_service.get_message(session, actor, message_id=message_id)
    settings = request.app.state.settings
    renderer = Renderer(public_base_url=settings.public_base_url, sender=settings.mail_from)
    rendered = renderer.render(message)
    return render(request, "notifications/mail_message.html", {"row": row, "rendered": rendered, "sender": settings.mail_from})


@router.get("/console/notifications", dependencies=VENDOR_ONLY)
def console_preferences(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _preferences_page(request, session, actor)


@router.post("/console/notifications", dependencies=VENDOR_ONLY)
def save_console_preferences(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _save(request, session, actor, form)


@router.get("/portal/notifications", dependencies=PORTAL_ONLY)
def portal_preferences(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _preferences_page(request, session, actor)


@router.post("/portal/notifications", dependencies=PORTAL_ONLY)
def save_portal_preferences(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _save(request, session, actor, form)


def _path(actor: Actor) -> str:
    return PREFERENCES_PATHS["partner" if actor.is_partner else "vendor"]


def _save(request: Request, session: Session, actor: WebActor, form: FormData) -> Response:
    events = {e.value for e in EventType}
    values: dict[str, Any] = {"choices": {key: str(form.get(key, "")) for key in form if key in events}}
    if form.get("time_zone"):
        values["time_zone"] = str(form["time_zone"])

    def save(data: PreferencesUpdate) -> Any:
        return notification_service.set_preferences(session, actor, choices=data.choices, time_zone=data.time_zone)

    submission = submit(session, PreferencesUpdate, values, save, shown={**values["choices"], "time_zone": values.get("time_zone")})
    if submission.ok:
        flash(request, "Your e-mail choices were saved.")
        return RedirectResponse(_path(actor), status_code=303)
    return _preferences_page(request, session, actor, submission=submission)


def _preferences_page(request: Request, session: Session, actor: Actor, *, submission: Submission[Any] | None = None) -> Response:
    settings = request.app.state.settings
    view = notification_service.settings(session, actor, default_zone=settings.time_zone, digest_hour=settings.digest_hour)
    preferences = view.preferences
    shown = submission.values if submission else {}
    context = {
        "preferences": preferences,
        "settings": view,
        "time_zone": shown.get("time_zone") or view.time_zone,
        "time_zones": time_zone_names(),
        "chosen": {p.event_type.value: shown.get(p.event_type.value, p.cadence.value) for p in preferences},
        "cadences": list(Cadence),
        "errors": submission.errors if submission else {},
        "action": _path(actor),
    }
    return render(request, "notifications/preferences.html", context, status_code=submission.status if submission else 200)
