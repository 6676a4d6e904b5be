"""Registration pages in the partner portal: partners register deals, projects and influence, edit
their drafts and follow each registration. Every page calls registrations.service, exactly as the
API does, and has no query code of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.errors import Conflict, NotFound
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.partners import product_line_service
from alliance.partners import service as partner_service
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import conflict_service, extension_service
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import EVENT_LABELS, STATUS_LABELS, Status
from alliance.registrations.models import Registration
from alliance.registrations.repository import RegistrationFilters
from alliance.registrations.schemas import (
    DealCreate,
    ExtensionRequest,
    InfluenceCreate,
    ProjectCreate,
    RegistrationUpdate,
)
from alliance.registrations.vocabulary import DealStage
from alliance.web.deps import PORTAL_ONLY, PortalActor, Text, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, query_choice, submit
from alliance.web.registrations.detail import KINDS, act, form_text, posted_action, render_detail, template_context
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/registrations"

SCHEMAS: dict[str, type[DealCreate | ProjectCreate | InfluenceCreate]] = {
    RegistrationKind.DEAL: DealCreate,
    RegistrationKind.PROJECT: ProjectCreate,
    RegistrationKind.INFLUENCE: InfluenceCreate,
}
# Repeated rows of the project and influence forms: (list field, its columns); blank rows are ignored.
ROWS = {"phases": ("name", "starts_on", "ends_on"), "evidence": ("kind", "on", "description")}
MIN_ROWS = 3
MAX_ROWS = 60
COUNTRY_HINT = "Use a two-letter country code, such as US or DE."
EMPTY_LIST = {
    "product_lines": "Choose at least one product line.",
    "phases": "Add at least one phase (name, start and end).",
    "evidence": "Add at least one piece of evidence (a meeting or an artefact).",
}


# --- the partner portal: list ------------------------------------------------------------------


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_list(request: Request, session: WebSession, actor: PortalActor, page: PageParams, kind: Text = None, status: Text = None) -> Response:
    filters = RegistrationFilters(
        kind=RegistrationKind(v) if (v := query_choice(kind, KINDS)) else None,
        status=Status(v) if (v := query_choice(status, STATUS_LABELS)) else None,
    )
    found = registration_service.list_registrations(session, actor, filters=filters, sort="-created", page=page)
    context = {
        "registrations": found,
        "filters": filters,
        "filtered": filters.kind is not None or filters.status is not None,
        "conflicts": conflict_service.conflict_counts(session, [v.registration.id for v in found.items]),
        **template_context(),
    }
    return render(request, "registrations/portal_list.html", context)


# --- the partner portal: register and edit -----------------------------------------------------


@router.get(PORTAL + "/new", dependencies=PORTAL_ONLY)
def new_registration(request: Request, session: WebSession, actor: PortalActor, kind: Text = None) -> Response:
    chosen = query_choice(kind, KINDS)
    if chosen is None:
        return render(request, "registrations/choose_kind.html", template_context())
    currency = registration_service.registration_currency(session, actor)
    values: dict[str, Any] = {"currency": currency, "stage": DealStage.QUALIFYING.value, "product_lines": []}
    return _form(request, session, actor, kind=chosen, registration=None, submission=Submission(values=values))


@router.post(PORTAL + "/new", dependencies=PORTAL_ONLY)
def create_registration(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    kind = query_choice(form_text(form, "kind"), KINDS)
    if kind is None:
        raise NotFound("There is no registration form for this kind.")
    intent = _intent(form)

    def create(data: Any) -> Registration:
        return registration_service.create_registration(session, actor, data=data)

    submission = _save(session, kind, form, create, submit_now=intent == "submit")
    if submission.ok and submission.result is not None:
        flash(request, f"“{submission.result.title}” was {'submitted for review' if intent == 'submit' else 'saved as a draft'}.")
        return RedirectResponse(f"{PORTAL}/{submission.result.id}", status_code=303)
    return _form(request, session, actor, kind=kind, registration=None, submission=submission)


@router.get(PORTAL + "/{registration_id}/edit", dependencies=PORTAL_ONLY)
def edit_registration(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    registration = _editable(session, actor, registration_id)
    return _form(request, session, actor, kind=registration.kind, registration=registration, submission=Submission(values=_stored_values(registration)))


@router.post(PORTAL + "/{registration_id}/edit", dependencies=PORTAL_ONLY)
def update_registration(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    registration = _editable(session, actor, registration_id)
    kind, intent = str(registration.kind), _intent(form)

    def update(data: Any) -> Registration:
        changes = RegistrationUpdate.model_validate(data.model_dump(exclude={"kind", "submit"}))
        updated = registration_service.update_registration(session, actor, registration_id=registration_id, data=changes)
        if intent == "submit":
            return registration_service.act(session, actor, registration_id=registration_id, action="submit")
        return updated

    submission = _save(session, kind, form, update, submit_now=False)
    if submission.ok and submission.result is not None:
        flash(request, "Submitted for review." if intent == "submit" else "Draft saved.")
        return RedirectResponse(f"{PORTAL}/{registration_id}", status_code=303)
    registration = registration_service.get_registration(session, actor, registration_id=registration_id)
    return _form(request, session, actor, kind=kind, registration=registration, submission=submission)


def _editable(session: Session, actor: Actor, registration_id: int) -> Registration:
    registration = registration_service.get_registration(session, actor, registration_id=registration_id)
    if registration.status not in registration_service.EDITABLE:
        raise Conflict(f"A registration that is {STATUS_LABELS.get(registration.status, registration.status).lower()} cannot be edited.")
    return registration


def _intent(form: FormData) -> str:
    return "submit" if form_text(form, "intent") == "submit" else "draft"


def _save(session: Session, kind: str, form: FormData, action: Callable[[Any], Registration], *, submit_now: bool) -> Submission[Registration]:
    """Validate the form as the kind's schema and run `action`; errors come back keyed by the
    form's own field names (a phase error names the row the user typed it in)."""
    values, origins = _input(kind, form)
    values["submit"] = submit_now
    shown = echo(form, list_fields=("product_lines",))
    submission = submit(session, SCHEMAS[kind], values, action, shown=shown)
    picked = values["customer"].get("customer_id")
    if picked is not None and any(key.startswith("customer.customer_id") for key in submission.errors) and values["customer"].get("name"):
        # The picked customer is only a hint (suggest.html): fall back to the company as typed.
        values["customer"] = {k: v for k, v in values["customer"].items() if k != "customer_id"}
        submission = submit(session, SCHEMAS[kind], values, action, shown={**shown, "customer.customer_id": ""})
    submission.errors = _field_errors(submission.errors, origins)
    if submission.errors and not (values["customer"].get("name") or values["customer"].get("customer_id")):
        # Pydantic checks "an id or a name" only once the other customer fields are valid.
        submission.errors.setdefault("customer.name", "Enter the customer's name.")
    return submission


def _input(kind: str, form: FormData) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The form as the kind's create schema input (blank inputs left out, so that a missing value
    says "required"), and for each repeated list the form row each kept item came from."""
    flat = form_values(form, list_fields=("product_lines",))
    customer = {name: flat[f"customer.{name}"] for name in ("name", "website", "country", "customer_id") if f"customer.{name}" in flat}
    values: dict[str, Any] = {"kind": kind, "customer": customer, "product_lines": flat.get("product_lines", [])}
    fields = set(SCHEMAS[kind].model_fields) - {"kind", "customer", "product_lines", "submit", *ROWS}
    values.update({name: flat[name] for name in fields if name in flat})
    for name in ("candidate_platforms", "competitors"):
        if name in fields:
            values[name] = [item.strip() for item in form_text(form, name).split(",") if item.strip()]
    origins: dict[str, list[int]] = {}
    for name, columns in ROWS.items():
        if name in SCHEMAS[kind].model_fields:
            values[name], origins[name] = _rows(form, name, columns)
    return values, origins


def _rows(form: FormData, name: str, columns: tuple[str, ...]) -> tuple[list[dict[str, str]], list[int]]:
    indexes = sorted({int(part) for key in form if key.startswith(name + ".") and (part := key.split(".")[1]).isdigit() and int(part) < MAX_ROWS})
    rows, origins = [], []
    for index in indexes:
        row = {column: form_text(form, f"{name}.{index}.{column}") for column in columns}
        if any(row.values()):
            rows.append({column: value for column, value in row.items() if value})
            origins.append(index)
    return rows, origins


def _field_errors(errors: dict[str, str], origins: dict[str, list[int]]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] in origins and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(origins[parts[0]]):
            parts[1] = str(origins[parts[0]][int(parts[1])])
        elif parts[0] in EMPTY_LIST and len(parts) == 1 and "at least 1" in message:
            message = EMPTY_LIST[parts[0]]
        elif parts[0] == "customer" and (len(parts) == 1 or parts[1] == "customer_id"):
            # "give customer_id or the customer's name", or a picked customer that is gone.
            parts, message = ["customer", "name"], "Enter the customer's name." if len(parts) == 1 else message
        elif key == "customer.country":
            message = COUNTRY_HINT
        shown.setdefault(".".join(parts), message)
    return shown


def _stored_values(registration: Registration) -> dict[str, Any]:
    """A stored registration as the strings its form shows."""
    details = dict(registration.details or {})
    values: dict[str, Any] = {
        "title": registration.title,
        "customer.name": registration.customer_name,
        "customer.website": registration.customer_website or "",
        "customer.country": registration.customer_country or "",
        "customer.customer_id": str(registration.customer_id or ""),
        "product_lines": registration.product_lines,
        "currency": registration.currency,
        "amount": "" if registration.amount is None else str(registration.amount),
        "transacting_partner_id": "" if registration.transacting_partner_id in (None, registration.partner_id) else str(registration.transacting_partner_id),
        "campaign_code": f"MDF-{registration.fund_request_id}" if registration.fund_request_id else "",
    }
    for name, columns in ROWS.items():
        for index, row in enumerate(details.pop(name, []) or []):
            values.update({f"{name}.{index}.{column}": str(row.get(column) or "") for column in columns})
    for name, value in details.items():
        values[name] = ", ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return values


def _row_count(values: dict[str, Any], name: str) -> int:
    used = [int(part) for key in values if key.startswith(name + ".") and (part := key.split(".")[1]).isdigit()]
    return max(MIN_ROWS, max(used, default=-1) + 2)


def _form(request: Request, session: Session, actor: Actor, *, kind: str, registration: Registration | None, submission: Submission[Any]) -> Response:
    catalog = product_line_service.list_product_lines(session, actor, active=True, page=PageRequest(limit=MAX_LIMIT)).items
    partner = partner_service.get_partner(session, actor, partner_id=actor.partner_id or 0)
    context = {
        "kind": kind,
        "registration": registration,
        "values": submission.values,
        "errors": submission.errors,
        "catalog": [(line.key, line.name) for line in catalog],
        "partner": partner,
        "phase_rows": _row_count(submission.values, "phases"),
        "evidence_rows": _row_count(submission.values, "evidence"),
        **template_context(),
    }
    return render(request, "registrations/form.html", context, status_code=submission.status)


# --- the partner portal: detail and actions ----------------------------------------------------


@router.get(PORTAL + "/{registration_id}", dependencies=PORTAL_ONLY)
def portal_detail(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return render_detail(request, session, actor, registration_id=registration_id, template="registrations/portal_detail.html")


@router.post(PORTAL + "/{registration_id}/actions", dependencies=PORTAL_ONLY)
def portal_act(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    action = posted_action(form)
    submission = act(session, actor, registration_id, action, form)
    if submission.ok:
        flash(request, f"{EVENT_LABELS[action]}.")
        return RedirectResponse(f"{PORTAL}/{registration_id}", status_code=303)
    return render_detail(request, session, actor, registration_id=registration_id, template="registrations/portal_detail.html", forms={action: submission})


@router.post(PORTAL + "/{registration_id}/extension", dependencies=PORTAL_ONLY)
def portal_request_extension(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    def ask(data: ExtensionRequest) -> Any:
        return extension_service.request_extension(session, actor, registration_id=registration_id, reason=data.reason)

    submission = submit(session, ExtensionRequest, form_values(form), ask, shown=echo(form))
    if submission.ok:
        flash(request, "Extension requested: your channel account manager will decide.")
        return RedirectResponse(f"{PORTAL}/{registration_id}", status_code=303)
    forms = {"request_extension": submission}
    return render_detail(request, session, actor, registration_id=registration_id, template="registrations/portal_detail.html", forms=forms)
