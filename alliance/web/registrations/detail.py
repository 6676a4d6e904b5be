"""The registration page both sides see: the labels its templates use, the detail page itself and
the lifecycle actions posted from it. The portal and the console mount their own routes on it."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.assets import service as asset_service
from alliance.errors import NotFound
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.partners import product_line_service
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import ACTION_LABELS, EVENT_LABELS, STATUS_LABELS, Action
from alliance.registrations.models import Registration
from alliance.registrations.schemas import ActionRequest
from alliance.registrations.vocabulary import DealStage, RegistrantRole
from alliance.web import cosell_panel
from alliance.web.forms import Submission, echo, form_values, query_choice, submit
from alliance.web.templating import render, templates

KINDS = tuple(k.value for k in RegistrationKind)

KIND_LABELS = {"deal": "Deal", "project": "Project", "influence": "Architecture influence"}
CONFLICT_LABELS = {
    "same_kind_overlap": "Overlapping registration",
    "influence_holds": "Influence holds",
    "cross_kind_overlap": "Other kind overlaps",
    "vendor_direct": "Vendor-direct account",
    "si_protected": "SI-protected account",
}
VOCABULARY = {
    "kinds": list(KIND_LABELS.items()),
    "statuses": list(STATUS_LABELS.items()),
    "stages": [(s.value, s.value.capitalize()) for s in DealStage],
    "roles": [(r.value, r.value.replace("_", " ").capitalize()) for r in RegistrantRole],
    "evidence_kinds": [("meeting", "Meeting"), ("artefact", "Artefact")],
}


def form_text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def template_context() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "event_labels": EVENT_LABELS,
        "action_labels": ACTION_LABELS,
        "conflict_labels": CONFLICT_LABELS,
        "vocab": VOCABULARY,
        "today": clock.today(),
    }


def posted_action(form: FormData) -> Action:
    """The posted lifecycle action; which the actor may take is the service's answer."""
    name = query_choice(form_text(form, "action"), tuple(Action))
    if name is None:
        raise NotFound("There is no such action.")
    return Action(name)


def act(session: Session, actor: Actor, registration_id: int, action: Action, form: FormData) -> Submission[Any]:
    def apply(data: ActionRequest) -> Registration:
        return registration_service.act(session, actor, registration_id=registration_id, action=action, reason=data.reason)

    return submit(session, ActionRequest, {k: v for k, v in form_values(form).items() if k == "reason"}, apply, shown=echo(form))


def render_detail(  # the co-sell request form re-renders this page with its errors too
    request: Request, session: Session, actor: Actor, *, registration_id: int, template: str, forms: dict[str, Submission[Any]] | None = None
) -> Response:
    view = registration_service.view_registration(session, actor, registration_id=registration_id)
    history = registration_service.registration_history(session, actor, registration_id=registration_id)
    catalog = product_line_service.list_product_lines(session, actor, active=None, page=PageRequest(limit=MAX_LIMIT)).items
    forms = forms or {}
    context = {
        "view": view,
        "r": view.registration,
        "history": history,
        "pending_extension": view.pending_extension,
        "max_extensions": view.max_extensions,
        "line_names": {line.key: line.name for line in catalog},
        "forms": forms,
        "cosell": cosell_panel.registration_panel(session, actor, registration_id=registration_id, status=str(view.effective_status)),
        "used_assets": _used_assets(session, actor, view.registration),
        **template_context(),
    }
    status = max((s.status for s in forms.values()), default=200)
    return render(request, template, context, status_code=status)


def _used_assets(session: Session, actor: Actor, registration: Registration) -> list[Any]:
    """The library assets recorded as used on a project ("used in"), for readers of the library."""
    if registration.kind != RegistrationKind.PROJECT or not can(actor, Permission.ASSETS_READ):
        return []
    return asset_service.used_in_registration(session, actor, registration_id=registration.id)


templates.env.globals.update(registration_labels=template_context)
