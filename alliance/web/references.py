"""Customer reference pages. Portal: the library's approved references every partner may use (by
vertical and product line, searched by customer or partner name; sortable, exportable), a form to
submit one, and "Our references" with their status and the vendor's reason. Console: the review
queue (pending first), a reference with the decision form, and the approved references' library.
Every form is one service call and parses into the API's schema."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.assets import reference_service
from alliance.assets.reference_repository import REFERENCE_SORTS, STORY_SORTS, ReferenceEntry, ReferenceFilters, StoryFilters
from alliance.assets.schemas import ReferenceCreate, ReferenceDecision, ReferenceInput
from alliance.assets.vocabulary import ReferenceStatus
from alliance.db import Database
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.http.session import get_database
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.kit.sorting import known_sort
from alliance.web.assets import CONSOLE as CONSOLE_LIBRARY
from alliance.web.assets import PORTAL as LIBRARY
from alliance.web.assets import product_lines_named
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, query_choice, query_int, submit
from alliance.web.templating import render

router = APIRouter()
PORTAL = LIBRARY + "/references"
OURS = PORTAL + "/ours"
CONSOLE = "/console/references"
PAGE_SIZE = 25
WebDatabase = Annotated[Database, Depends(get_database)]
STATUSES = [s.value for s in ReferenceStatus]


def _text(request: Request, name: str) -> str | None:
    return (request.query_params.get(name) or "").strip()[:100] or None


def _offset(request: Request) -> int:
    return max(query_int(request.query_params.get("offset", "")) or 0, 0)


def _filters(request: Request) -> StoryFilters:
    sort = request.query_params.get("sort")
    return StoryFilters(
        text=_text(request, "q"),
        vertical=_text(request, "vertical"),
        product_line=_text(request, "product_line"),
        sort=sort if known_sort(sort, STORY_SORTS) else None,
    )


def _list_filters(request: Request, *, default_sort: str) -> ReferenceFilters:
    sort = request.query_params.get("sort") or default_sort
    status = query_choice(request.query_params.get("status"), STATUSES)
    return ReferenceFilters(
        text=_text(request, "q"),
        vertical=_text(request, "vertical"),
        product_line=_text(request, "product_line"),
        status=ReferenceStatus(status) if status else None,
        sort=sort if known_sort(sort, REFERENCE_SORTS) else default_sort,
    )


# --- the library of approved references (both sides) ---------------------------------------------


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_references(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _library(request, session, actor, base=PORTAL, library=LIBRARY, detail=PORTAL)


@router.get(PORTAL + ".csv", dependencies=PORTAL_ONLY)
def portal_references_csv(request: Request, actor: PortalActor, database: WebDatabase) -> Response:
    return downloads.reference_library_csv(database, actor, _filters(request))


@router.get(CONSOLE + "/library", dependencies=VENDOR_ONLY)
def console_library(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _library(request, session, actor, base=CONSOLE + "/library", library=CONSOLE_LIBRARY, detail=CONSOLE)


@router.get(CONSOLE + "/library.csv", dependencies=VENDOR_ONLY)
def console_library_csv(request: Request, actor: VendorActor, database: WebDatabase) -> Response:
    return downloads.reference_library_csv(database, actor, _filters(request))


def _library(request: Request, session: Session, actor: Actor, *, base: str, library: str, detail: str) -> Response:
    filters = _filters(request)
    page = reference_service.library_references(session, actor, filters=filters, page=PageRequest(limit=PAGE_SIZE, offset=_offset(request)))
    context = {
        "page": page,
        "filters": filters,
        "base": base,
        "detail": detail,
        "library": library,
        "verticals": reference_service.library_verticals(session, actor),
        "product_lines": product_lines_named(session, actor),
    }
    return render(request, "assets/references.html", context)


# --- portal: submit a reference, "Our references" -----------------------------------------------


@router.get(PORTAL + "/new", dependencies=PORTAL_ONLY)
def portal_new(request: Request, session: WebSession, actor: PortalActor) -> Response:
    """The form, prefilled from a registration's link (customer and product lines) when given."""
    params = request.query_params
    values = {"customer_name": (params.get("customer_name") or "")[:200], "product_lines": [v for v in params.getlist("product_lines") if v]}
    return _form(request, session, actor, Submission(values=values))


@router.post(PORTAL, dependencies=PORTAL_ONLY)
def portal_submit(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    values = form_values(form, list_fields=("product_lines",))

    def record(data: ReferenceCreate) -> Any:
        return reference_service.submit_reference(session, actor, partner_id=data.partner_id, data=ReferenceInput(**data.model_dump(exclude={"partner_id"})))

    submission = submit(session, ReferenceCreate, values, record, shown=echo(form, list_fields=("product_lines",)))
    if submission.ok and submission.result is not None:
        flash(request, f"“{submission.result.title}” submitted: the vendor reviews it before it joins the library.")
        return RedirectResponse(f"{OURS}/{submission.result.id}", status_code=303)
    return _form(request, session, actor, submission)


def _form(request: Request, session: Session, actor: Actor, submission: Submission[Any]) -> Response:
    context = {
        "values": submission.values,
        "errors": submission.errors,
        "action": PORTAL,
        "library": LIBRARY,
        "base": PORTAL,
        "line_options": list(product_lines_named(session, actor).items()),
    }
    return render(request, "assets/reference_form.html", context, status_code=submission.status)


@router.get(OURS, dependencies=PORTAL_ONLY)
def portal_ours(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _list(request, session, actor, base=OURS, default_sort="-submitted")


@router.get(OURS + ".csv", dependencies=PORTAL_ONLY)
def portal_ours_csv(request: Request, actor: PortalActor, database: WebDatabase) -> Response:
    return downloads.reference_list_csv(database, actor, _list_filters(request, default_sort="-submitted"))


@router.get(OURS + "/{reference_id}", dependencies=PORTAL_ONLY)
def portal_reference_entry(request: Request, reference_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _entry(request, session, actor, reference_id=reference_id, base=OURS)


@router.get(PORTAL + "/{reference_id}", dependencies=PORTAL_ONLY)
def portal_reference(request: Request, reference_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    story = reference_service.library_reference(session, actor, reference_id=reference_id)
    context = {"story": story, "base": PORTAL, "library": LIBRARY, "product_lines": product_lines_named(session, actor)}
    return render(request, "assets/reference.html", context)


# --- console: the review queue, a reference and its decision ----------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_queue(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _list(request, session, actor, base=CONSOLE, default_sort="status")


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def console_queue_csv(request: Request, actor: VendorActor, database: WebDatabase) -> Response:
    return downloads.reference_list_csv(database, actor, _list_filters(request, default_sort="status"))


@router.get(CONSOLE + "/{reference_id}", dependencies=VENDOR_ONLY)
def console_reference(request: Request, reference_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _entry(request, session, actor, reference_id=reference_id, base=CONSOLE)


@router.post(CONSOLE + "/{reference_id}/decision", dependencies=VENDOR_ONLY)
def console_decide(request: Request, reference_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    reference_service.get_reference(session, actor, reference_id=reference_id)  # 404 before the form is read
    values = form_values(form)
    values["approve"] = values.get("approve") == "approve"
    submission = submit(
        session,
        ReferenceDecision,
        values,
        lambda data: reference_service.decide_reference(session, actor, reference_id=reference_id, data=data),
        shown=echo(form),
    )
    if submission.ok and submission.result is not None:
        flash(request, f"Reference {ReferenceStatus(submission.result.status).value}.")
        return RedirectResponse(f"{CONSOLE}/{reference_id}", status_code=303)
    return _entry(request, session, actor, reference_id=reference_id, base=CONSOLE, decision=submission)


def _list(request: Request, session: Session, actor: Actor, *, base: str, default_sort: str) -> Response:
    filters = _list_filters(request, default_sort=default_sort)
    page = reference_service.list_references(session, actor, filters=filters, page=PageRequest(limit=PAGE_SIZE, offset=_offset(request)))
    context = {
        "page": page,
        "filters": filters,
        "base": base,
        "library": LIBRARY if actor.is_partner else CONSOLE_LIBRARY,
        "statuses": STATUSES,
        "verticals": reference_service.library_verticals(session, actor),
        "product_lines": product_lines_named(session, actor),
    }
    return render(request, "assets/reference_list.html", context)


def _entry(request: Request, session: Session, actor: Actor, *, reference_id: int, base: str, decision: Submission[Any] | None = None) -> Response:
    entry: ReferenceEntry = reference_service.get_reference(session, actor, reference_id=reference_id)
    reference = entry.reference
    recorded = {
        "customer_approved_on": reference.customer_approved_on.isoformat() if reference.customer_approved_on else "",
        "customer_approver": reference.customer_approver or "",
    }
    context = {
        "entry": entry,
        "r": reference,
        "base": base,
        "library": LIBRARY if actor.is_partner else CONSOLE_LIBRARY,
        "story": f"{PORTAL}/{reference.id}" if actor.is_partner and reference.status == ReferenceStatus.APPROVED else None,
        "product_lines": product_lines_named(session, actor),
        "may_decide": not actor.is_partner and can(actor, Permission.REFERENCES_APPROVE) and reference.status == ReferenceStatus.SUBMITTED,
        "decision": decision or Submission(values=recorded),
    }
    return render(request, "assets/reference_entry.html", context, status_code=decision.status if decision else 200)
