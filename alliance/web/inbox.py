"""Each person's in-app inbox, in the console and the portal: the events that reached them (also
those whose e-mail they turned off), read or unread. Opening an item marks it read and follows
its link; the bell in every page's header counts the unread ones (web/deps.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.delivery.inbox import inbox_item, inbox_items
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.notifications import inbox_service
from alliance.notifications.inbox_repository import InboxFilters
from alliance.notifications.vocabulary import EventType
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, Text, VendorActor, WebSession, flash
from alliance.web.forms import query_choice
from alliance.web.templating import render

router = APIRouter()

INBOX_PATHS = {"vendor": "/console/inbox", "partner": "/portal/inbox"}


def inbox_path(actor: Actor) -> str:
    return INBOX_PATHS["partner" if actor.is_partner else "vendor"]


@router.get("/console/inbox", dependencies=VENDOR_ONLY)
def console_inbox(request: Request, session: WebSession, actor: VendorActor, page: PageParams, show: Text = None, event: Text = None) -> Response:
    return _inbox_page(request, session, actor, page, show, event)


@router.get("/portal/inbox", dependencies=PORTAL_ONLY)
def portal_inbox(request: Request, session: WebSession, actor: PortalActor, page: PageParams, show: Text = None, event: Text = None) -> Response:
    return _inbox_page(request, session, actor, page, show, event)


@router.post("/console/inbox/{message_id}/open", dependencies=VENDOR_ONLY)
def console_open(request: Request, message_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _open(session, actor, message_id)


@router.post("/portal/inbox/{message_id}/open", dependencies=PORTAL_ONLY)
def portal_open(request: Request, message_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _open(session, actor, message_id)


@router.post("/console/inbox/read-all", dependencies=VENDOR_ONLY)
def console_read_all(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _read_all(request, session, actor)


@router.post("/portal/inbox/read-all", dependencies=PORTAL_ONLY)
def portal_read_all(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _read_all(request, session, actor)


def _inbox_page(request: Request, session: Session, actor: Actor, page: PageRequest, show: str | None, event: str | None) -> Response:
    chosen_show = query_choice(show, ["unread", "all"]) or "all"
    chosen_event = query_choice(event, [e.value for e in EventType])
    filters = InboxFilters(unread_only=chosen_show == "unread", event_type=EventType(chosen_event) if chosen_event else None)
    found = inbox_service.list_inbox(session, actor, filters=filters, page=page)
    context = {
        "messages": found,
        "items": inbox_items(found.items),
        "events": list(EventType),
        "values": {"show": chosen_show, "event": chosen_event or ""},
        "action": inbox_path(actor),
    }
    return render(request, "inbox/inbox.html", context)


def _open(session: Session, actor: Actor, message_id: int) -> Response:
    item = inbox_item(inbox_service.mark_read(session, actor, message_id=message_id))
    return RedirectResponse(item.link or inbox_path(actor), status_code=303)


def _read_all(request: Request, session: Session, actor: Actor) -> Response:
    marked = inbox_service.mark_all_read(session, actor)
    flash(request, f"{marked} item{'' if marked == 1 else 's'} marked read." if marked else "Nothing was unread.", "success" if marked else "info")
    return RedirectResponse(inbox_path(actor), status_code=303)
