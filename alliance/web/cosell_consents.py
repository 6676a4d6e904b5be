"""Engagement consents in the portal: the partner admin of an SI lets vendor PS work an activity
on an account it protects until a date, and revokes that consent. Calls engagement_service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.schemas import (
    ConsentCreate,
    ConsentFilters,
    ConsentRevocation,
)
from alliance.cosell.labels import service as label_service
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.repository import RegistrationFilters
from alliance.web.cosell_engagements import ACTIVITY_OPTIONS
from alliance.web.deps import PORTAL_ONLY, PortalActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, query_int, submit
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/consents"


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def consents(request: Request, session: WebSession, actor: PortalActor, page: PageParams) -> Response:
    return _page(request, session, actor, page=page)


@router.post(PORTAL, dependencies=PORTAL_ONLY)
def give(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    customer_id = query_int(str(form.get("customer_id", "")))
    values = {k: v for k, v in form_values(form).items() if k in ConsentCreate.model_fields}

    def give_(data: ConsentCreate) -> Any:
        return engagement_service.give_consent(session, actor, customer_id=customer_id or 0, data=data)

    if customer_id is None:
        submission: Submission[Any] = Submission(values=echo(form), errors={"customer_id": "Choose an account you protect."}, status=422)
    else:
        submission = submit(session, ConsentCreate, values, give_, shown=echo(form))
    if submission.ok:
        flash(request, "Consent recorded: vendor PS may staff this work until the date you gave.")
        return RedirectResponse(PORTAL, status_code=303)
    return _page(request, session, actor, page=PageRequest(), forms={"give": submission})


@router.post(PORTAL + "/{consent_id}/revoke", dependencies=PORTAL_ONLY)
def revoke(request: Request, consent_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    engagement_service.get_consent(session, actor, consent_id=consent_id)
    values = {k: v for k, v in form_values(form).items() if k == "reason"}

    def revoke_(data: ConsentRevocation) -> Any:
        return engagement_service.revoke_consent(session, actor, consent_id=consent_id, reason=data.reason)

    submission = submit(session, ConsentRevocation, values, revoke_, shown=echo(form))
    if submission.ok:
        flash(request, "Consent revoked.")
        return RedirectResponse(PORTAL, status_code=303)
    return _page(request, session, actor, page=PageRequest(), forms={f"revoke-{consent_id}": submission})


def _accounts(session: Session, actor: Actor) -> dict[int, str]:
    """Customers of the partner's approved project and influence registrations: the accounts it may protect."""
    found = registration_service.list_registrations(
        session,
        actor,
        filters=RegistrationFilters(status=Status.APPROVED),
        sort="-created",
        page=PageRequest(limit=MAX_LIMIT),
    ).items
    return {
        v.registration.customer_id: v.registration.customer_name
        for v in found
        if v.registration.kind in engagement_service.PROTECTING_KINDS and v.registration.customer_id
    }


def _page(request: Request, session: Session, actor: Actor, *, page: PageRequest, forms: dict[str, Submission[Any]] | None = None) -> Response:
    forms = forms or {}
    accounts = _accounts(session, actor)
    give_form = forms.get("give") or Submission()
    consents = engagement_service.list_consents(session, actor, filters=ConsentFilters(), page=page)
    # A consent outlives the registration that made the account the partner's: name those too.
    named = label_service.name_consent_accounts(session, actor, consent_ids=[c.id for c in consents.items if c.customer_id not in accounts])
    context = {
        "consents": consents,
        "consent_accounts": {**named, **accounts},
        "accounts": accounts,
        "account_options": [(str(k), v) for k, v in accounts.items()],
        "activity_options": ACTIVITY_OPTIONS,
        "actions": engagement_service.consent_actions(actor),
        "consent_actions": {c.id: engagement_service.consent_actions(actor, c) for c in consents.items},
        "values": give_form.values,
        "errors": give_form.errors,
        "forms": forms,
        "today": clock.today(),
    }
    return render(request, "cosell/consents.html", context, status_code=max((s.status for s in forms.values()), default=200))
