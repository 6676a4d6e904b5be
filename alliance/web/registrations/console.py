"""Registration pages in the vendor console: the review queue with extension decisions, the list
with filters, and each registration's detail with its decisions (approve, reject, mark won).
Every page calls registrations.service, exactly as the API does, and has no query code of its own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, Page, PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import RegistrationKind
from alliance.qbr import service as qbr_service
from alliance.registrations import conflict_service, extension_service, review_service
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import EVENT_LABELS, STATUS_LABELS, Status
from alliance.registrations.models import Registration
from alliance.registrations.repository import RegistrationFilters
from alliance.registrations.schemas import (
    ExtensionDecision,
    RegistrationView,
    WonRequest,
)
from alliance.web import partner_pick
from alliance.web.deps import VENDOR_ONLY, SortText, Text, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, query_choice, query_int, submit
from alliance.web.registrations.detail import KINDS, act, form_text, posted_action, render_detail, template_context
from alliance.web.templating import render

router = APIRouter()
CONSOLE = "/console/registrations"


# --- the vendor console: review queue ----------------------------------------------------------


@router.get(CONSOLE + "/review", dependencies=VENDOR_ONLY)
def review_queue(request: Request, session: WebSession, actor: VendorActor, page: PageParams, mine: Text = None) -> Response:
    return _queue(request, session, actor, page=page, mine=mine == "1")


def _queue(request: Request, session: Session, actor: Actor, *, page: PageRequest, mine: bool, forms: dict[str, Submission[Any]] | None = None) -> Response:
    queue = review_service.review_queue(session, actor, page=page, cam_user_id=actor.user_id if mine else None)
    forms = forms or {}
    context = {
        "queue": queue,
        "mine": mine,
        "forms": forms,
        "now": clock.now(),
        **template_context(),
    }
    return render(request, "registrations/queue.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.post(CONSOLE + "/extensions/{extension_id}/decision", dependencies=VENDOR_ONLY)
def decide_extension(request: Request, extension_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    approve = form_text(form, "decision") == "approve"
    values = {"approve": approve, **{k: v for k, v in form_values(form).items() if k == "reason"}}

    def decide(data: ExtensionDecision) -> Any:
        return extension_service.decide_extension(session, actor, extension_id=extension_id, approve=data.approve, reason=data.reason)

    submission = submit(session, ExtensionDecision, values, decide, shown=echo(form))
    if submission.ok:
        flash(request, "Extension approved: protection was extended." if approve else "Extension declined.")
        return RedirectResponse(f"{CONSOLE}/review", status_code=303)
    return _queue(request, session, actor, page=PageRequest(), mine=False, forms={f"extension-{extension_id}": submission})


# --- the vendor console: list, detail and decisions --------------------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_list(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    q: Text = None,
    kind: Text = None,
    status: Text = None,
    partner: Text = None,
    customer: Text = None,
    sort: SortText = None,
) -> Response:
    # The executive dashboard's "mine" / "sponsored" views land here with their partners only.
    view = query_choice(request.query_params.get("view"), partner_pick.VIEWS)
    in_view = qbr_service.view_partner_ids(session, actor, view=view) if view else None
    filters = RegistrationFilters(
        kind=RegistrationKind(v) if (v := query_choice(kind, KINDS)) else None,
        status=Status(v) if (v := query_choice(status, STATUS_LABELS)) else None,
        partner_id=query_int(partner),
        customer_id=query_int(customer),
        q=(q or "").strip() or None,
        partner_ids=tuple(in_view) if in_view is not None else None,
    )
    notices = []
    if sort and sort.removeprefix("-") not in registration_service.REGISTRATION_SORTS:
        notices.append(f"Cannot sort by '{sort}'; newest first instead.")
        sort = None
    found = registration_service.list_registrations(session, actor, filters=filters, sort=sort, page=page)
    partners = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=MAX_LIMIT)).items
    context = {
        "registrations": found,
        "filters": filters,
        "sort": sort or "-created",
        "notices": notices,
        "partners": [(p.id, p.display_name) for p in partners],
        "view": view,
        "view_label": partner_pick.VIEWS.get(view or ""),
        "filtered": any(value is not None for value in vars(filters).values()),
        "conflicts": conflict_service.conflict_counts(session, [v.registration.id for v in found.items]),
        **template_context(),
    }
    return render(request, "registrations/console_list.html", context)


@router.get(CONSOLE + "/{registration_id}", dependencies=VENDOR_ONLY)
def console_detail(request: Request, registration_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return render_detail(request, session, actor, registration_id=registration_id, template="registrations/console_detail.html")


@router.post(CONSOLE + "/{registration_id}/actions", dependencies=VENDOR_ONLY)
def console_act(request: Request, registration_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    action = posted_action(form)
    from_queue = form_text(form, "back") == "queue"
    submission = act(session, actor, registration_id, action, form)
    if submission.ok:
        flash(request, f"{EVENT_LABELS[action]}: “{submission.result.title}”." if submission.result else f"{EVENT_LABELS[action]}.")
        return RedirectResponse(f"{CONSOLE}/review" if from_queue else f"{CONSOLE}/{registration_id}", status_code=303)
    if from_queue:
        return _queue(request, session, actor, page=PageRequest(), mine=False, forms={f"registration-{registration_id}": submission})
    return render_detail(request, session, actor, registration_id=registration_id, template="registrations/console_detail.html", forms={action: submission})


@router.post(CONSOLE + "/{registration_id}/won", dependencies=VENDOR_ONLY)
def console_mark_won(request: Request, registration_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = form_values(form, bool_fields=("vendor_transacted",))
    if not values["vendor_transacted"]:
        values.pop("vendor_transacted")  # unticked: attribution reads who transacted from the deal

    def won(data: WonRequest) -> Registration:
        return registration_service.mark_won(
            session,
            actor,
            registration_id=registration_id,
            booked_amount=data.booked_amount,
            closed_on=data.closed_on,
            reason=data.reason,
            vendor_transacted=data.vendor_transacted,
            transacting_partner_id=data.transacting_partner_id,
        )

    submission = submit(session, WonRequest, values, won, shown=echo(form))
    if submission.ok:
        flash(request, "Marked won: the booking is recorded and attribution credited.")
        return RedirectResponse(f"{CONSOLE}/{registration_id}", status_code=303)
    return render_detail(request, session, actor, registration_id=registration_id, template="registrations/console_detail.html", forms={"mark_won": submission})


# --- registrations on a customer (customers/detail.html) ---------------------------------------


CUSTOMER_LIMIT = 25


def customer_registrations(session: Session, actor: Actor, *, customer_id: int) -> Page[RegistrationView]:
    """The newest registrations on one customer, for the customer page's registrations block."""
    filters = RegistrationFilters(customer_id=customer_id)
    return registration_service.list_registrations(session, actor, filters=filters, sort="-created", page=PageRequest(limit=CUSTOMER_LIMIT))
