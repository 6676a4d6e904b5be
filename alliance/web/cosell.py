"""Co-sell pages: partners ask for vendor help on a registration and follow their requests in the
portal; vendor teams work their queues (SLA timers in business hours), act on and assign requests,
and watch breaches in the console. Every page calls cosell.requests.service, as the API does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.cosell.labels import service as label_service
from alliance.cosell.labels.repository import RegistrationLabel
from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.repository import REQUEST_SORTS, RequestFilters
from alliance.cosell.requests.schemas import (
    AssignmentRequest,
    RequestActionBody,
    RequestView,
    ResourceRequestCreate,
)
from alliance.cosell.routing import service as routing_service
from alliance.cosell.vocabulary import RequestAction, RequestStatus
from alliance.errors import NotFound
from alliance.http import downloads
from alliance.http.params import IdPath, PageParams
from alliance.identity import service as identity_service
from alliance.identity.permissions import PERMISSIONS, Permission, can
from alliance.identity.scope import Actor
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.kit.sorting import sort_keys
from alliance.web import partner_pick
from alliance.web.cosell_panel import STATUS_LABELS, TYPE_LABELS, sla_of
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, Text, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, query_choice, query_int, submit
from alliance.web.partner_pick import PartnerPick
from alliance.web.registrations import detail as registration_pages
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/cosell"
CONSOLE = "/console/cosell"


def _labels() -> dict[str, Any]:
    return {
        "type_labels": TYPE_LABELS,
        "request_status_labels": STATUS_LABELS,
        "status_options": [(s.value, label) for s, label in STATUS_LABELS.items()],
    }


# --- the partner portal ------------------------------------------------------------------------


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_list(request: Request, session: WebSession, actor: PortalActor, page: PageParams, status: Text = None) -> Response:
    chosen = query_choice(status, [s.value for s in RequestStatus])
    filters = RequestFilters(status=RequestStatus(chosen) if chosen else None)
    found = request_service.list_requests(session, actor, filters=filters, page=page)
    context = {
        "requests": found,
        "sla": sla_of(found.items, session),
        "status": chosen,
        "registrations": _registrations(session, actor, found.items),
        **_labels(),
    }
    return render(request, "cosell/portal_list.html", context)


@router.post("/portal/registrations/{registration_id}/cosell", dependencies=PORTAL_ONLY)
def create_request(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    values = {k: v for k, v in form_values(form).items() if k in ResourceRequestCreate.model_fields}

    def create(data: ResourceRequestCreate) -> Any:
        return request_service.create_request(session, actor, registration_id=registration_id, data=data)

    submission = submit(session, ResourceRequestCreate, values, create, shown=echo(form))
    if submission.ok:
        flash(request, "Request sent: the vendor's co-sell team will answer within its first-response time.")
        return RedirectResponse(f"/portal/registrations/{registration_id}#cosell", status_code=303)
    return registration_pages.render_detail(
        request,
        session,
        actor,
        registration_id=registration_id,
        template="registrations/portal_detail.html",
        forms={"cosell_request": submission},
    )


# --- the vendor console: queues and breaches ---------------------------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def queue(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    teams = routing_service.list_teams(session, actor)
    filters, partners, sort = _queue_filters(request, session, actor, teams)
    found = request_service.list_requests(session, actor, filters=filters, page=page, sort=sort)
    context = {
        "requests": found,
        "sla": sla_of(found.items, session),
        "teams": teams,
        "team_names": {t.id: t.name for t in teams},
        "registrations": _registrations(session, actor, found.items),
        "team_id": filters.team_id,
        "status": filters.status.value if filters.status else None,
        "mine": filters.assignee_user_id is not None,
        "partners": partners,
        "sort": sort or "-submitted",
        # "My requests" for those who are assigned requests.
        "is_resource": can(actor, Permission.COSELL_REQUESTS_ASSIGNEE),
        **_labels(),
    }
    return render(request, "cosell/queue.html", context)


QUEUE_CSV = ("id", "submitted_at", "partner", "registration", "team", "type", "status", "first_response_due_at", "first_responded_at", "breached", "needed_by")


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def queue_csv(request: Request, session: WebSession, actor: VendorActor) -> Response:
    """The queue as filtered and sorted on the page, every row (up to the export limit)."""
    teams = routing_service.list_teams(session, actor)
    filters, _, sort = _queue_filters(request, session, actor, teams)
    found = request_service.list_requests(session, actor, filters=filters, page=PageRequest(limit=MAX_LIMIT), sort=sort)
    registrations = _registrations(session, actor, found.items)
    team_names = {t.id: t.name for t in teams}
    rows: list[Sequence[Any]] = [QUEUE_CSV]
    for v in found.items:
        q, reg = v.request, registrations.get(v.request.registration_id)
        rows.append(
            (
                q.id,
                q.submitted_at.isoformat(),
                reg.partner_name if reg else "",
                f"{reg.customer_name} — {reg.title}" if reg else "",
                team_names.get(q.team_id, "") if q.team_id else "",
                q.request_type.value,
                q.status.value,
                q.first_response_due_at.isoformat() if q.first_response_due_at else "",
                q.first_responded_at.isoformat() if q.first_responded_at else "",
                "yes" if v.breached else "no",
                q.needed_by.isoformat(),
            )
        )
    return downloads.csv_attachment((downloads.csv_line(row) for row in rows), "cosell_requests.csv")


def _queue_filters(request: Request, session: Session, actor: Actor, teams: Sequence[Any]) -> tuple[RequestFilters, PartnerPick, str | None]:
    params = request.query_params
    team_id = query_int(params.get("team"))
    chosen = query_choice(params.get("status"), [s.value for s in RequestStatus])
    partners = partner_pick.pick(request, session, actor)
    filters = RequestFilters(
        team_id=team_id if team_id in {t.id for t in teams} else None,
        status=RequestStatus(chosen) if chosen else None,
        assignee_user_id=actor.user_id if params.get("mine") == "1" else None,
        **partner_pick.filters_of(partners),
    )
    return filters, partners, query_choice(params.get("sort"), sort_keys(REQUEST_SORTS))


@router.get(CONSOLE + "/breaches", dependencies=VENDOR_ONLY)
def breaches(request: Request, session: WebSession, actor: VendorActor, page: PageParams, team: Text = None) -> Response:
    teams = routing_service.list_teams(session, actor)
    team_id = query_int(team)
    team_id = team_id if team_id in {t.id for t in teams} else None
    partners = partner_pick.pick(request, session, actor)
    found = request_service.list_breaches(session, actor, team_id=team_id, page=page, **partner_pick.filters_of(partners))
    context = {
        "requests": found,
        "partners": partners,
        "teams": teams,
        "team_names": {t.id: t.name for t in teams},
        "registrations": _registrations(session, actor, found.items),
        "team_id": team_id,
        **_labels(),
    }
    return render(request, "cosell/breaches.html", context)


# --- the vendor console: one request -----------------------------------------------------------


@router.get(CONSOLE + "/requests/{request_id}", dependencies=VENDOR_ONLY)
def detail(request: Request, request_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _detail(request, session, actor, request_id=request_id)


@router.post(CONSOLE + "/requests/{request_id}/actions", dependencies=VENDOR_ONLY)
def act(request: Request, request_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    try:
        action = RequestAction(str(form.get("action", "")).strip())
    except ValueError:
        raise NotFound("There is no such action.") from None
    values = {k: v for k, v in form_values(form).items() if k in RequestActionBody.model_fields}

    def apply(data: RequestActionBody) -> Any:
        return request_service.act(
            session,
            actor,
            request_id=request_id,
            action=action,
            reason=data.reason,
            outcome_rating=data.outcome_rating,
            notes=data.notes,
        )

    submission = submit(session, RequestActionBody, values, apply, shown=echo(form))
    if submission.ok:
        flash(request, f"{action.done}.")
        return RedirectResponse(f"{CONSOLE}/requests/{request_id}", status_code=303)
    return _detail(request, session, actor, request_id=request_id, forms={action: submission})


@router.post(CONSOLE + "/requests/{request_id}/assign", dependencies=VENDOR_ONLY)
def assign(request: Request, request_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {k: v for k, v in form_values(form).items() if k == "assignee_user_id"}

    def apply(data: AssignmentRequest) -> Any:
        return request_service.assign(session, actor, request_id=request_id, assignee_user_id=data.assignee_user_id)

    submission = submit(session, AssignmentRequest, values, apply, shown=echo(form))
    if submission.ok:
        flash(request, f"{RequestAction.ASSIGN.done}.")
        return RedirectResponse(f"{CONSOLE}/requests/{request_id}", status_code=303)
    return _detail(request, session, actor, request_id=request_id, forms={"assign": submission})


def _registrations(session: Session, actor: Actor, views: Sequence[RequestView]) -> dict[int, RegistrationLabel]:
    """The page's registrations by name, in one query."""
    return label_service.label_registrations(session, actor, registration_ids=(v.request.registration_id for v in views))


def _detail(request: Request, session: Session, actor: Actor, *, request_id: int, forms: dict[str, Submission[Any]] | None = None) -> Response:
    found = request_service.view_request(session, actor, request_id=request_id)
    r = found.request
    forms = forms or {}
    resources = identity_service.vendor_users(session, *PERMISSIONS[Permission.COSELL_REQUESTS_ASSIGNEE].roles)
    teams = routing_service.list_teams(session, actor)
    context = {
        "view": found,
        "r": r,
        "sla": sla_of([found], session)[r.id],
        "forms": forms,
        "registration": label_service.label_registrations(session, actor, registration_ids=[r.registration_id]).get(r.registration_id),
        "actions": found.actions,
        "can_act": can(actor, Permission.COSELL_REQUESTS_RESPOND),
        "resources": [(str(u.id), u.name) for u in resources],
        "resource_names": {u.id: u.name for u in resources},
        "team_names": {t.id: t.name for t in teams},
        **_labels(),
    }
    status = max((s.status for s in forms.values()), default=200)
    return render(request, "cosell/console_detail.html", context, status_code=status)
