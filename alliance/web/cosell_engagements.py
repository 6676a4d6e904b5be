"""Vendor PS engagements in the console: staff one (the rules of engagement may block it, and the
page then says which rule and the way forward; program admins may override with a reason), and
read the engagements and the rule-of-engagement violations. Calls cosell.engagement_service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.api.params import PageParams
from alliance.cosell import engagement_service
from alliance.cosell.engagement_schemas import (
    EngagementFilters,
    PsEngagementCreate,
    ViolationFilters,
)
from alliance.cosell.vocabulary import Activity
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit.pagination import PageRequest
from alliance.web.deps import VendorActor, WebSession, flash, vendor_actor
from alliance.web.forms import FormBody, Submission, echo, form_values, submit
from alliance.web.templating import render

router = APIRouter()
CONSOLE = "/console/engagements"
VENDOR_ONLY = [Depends(vendor_actor)]
ACTIVITY_OPTIONS = [(a.value, a.value.replace("_", " ").capitalize()) for a in Activity]


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def engagements(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    return _page(request, session, actor, page=page, submission=Submission())


@router.post(CONSOLE, dependencies=VENDOR_ONLY)
def staff(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {k: v for k, v in form_values(form).items() if k in PsEngagementCreate.model_fields}

    def create(data: PsEngagementCreate) -> Any:
        return engagement_service.create_engagement(session, actor, data=data)

    submission = submit(session, PsEngagementCreate, values, create, shown=echo(form))
    if submission.ok:
        overridden = submission.result is not None and submission.result.outcome == "overridden"
        flash(request, "Staffed by override: a violation is on the protecting partner's record." if overridden else "Engagement staffed.")
        return RedirectResponse(CONSOLE, status_code=303)
    return _page(request, session, actor, page=PageRequest(), submission=submission)


def _page(request: Request, session: Session, actor: Actor, *, page: PageRequest, submission: Submission[Any]) -> Response:
    staff_users = identity_service.vendor_users(session)
    errors = submission.errors
    # A blocked engagement: the service's Conflict names the rule and the way forward.
    blocked = {"rule": errors["activity"], "way_forward": errors["way_forward"]} if submission.status == 409 and "way_forward" in errors else None
    context = {
        "engagements": engagement_service.list_engagements(session, actor, filters=EngagementFilters(), page=page),
        "violations": engagement_service.list_violations(session, actor, filters=ViolationFilters(), page=PageRequest()),
        "values": submission.values, "errors": {k: v for k, v in errors.items() if not blocked or k not in ("activity", "way_forward", "__all__")},
        "blocked": blocked, "can_staff": actor.role in engagement_service.STAFFING_ROLES, "can_override": actor.role == Role.PROGRAM_ADMIN,
        "staff_options": [(str(u.id), u.name) for u in staff_users], "staff_names": {u.id: u.name for u in staff_users},
        "activity_options": ACTIVITY_OPTIONS,
    }
    return render(request, "cosell/engagements.html", context, status_code=submission.status)
