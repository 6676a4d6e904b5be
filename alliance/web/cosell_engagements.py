"""Vendor PS engagements in the console: staff one on a customer picked by name (the rules of
engagement may block it, and the page then says which rule and the way forward; program admins
may override with a reason), read the engagements and the rule-of-engagement violations, and open
one engagement with its disputes. In the portal, "Vendor PS on your accounts": the engagements on
accounts the partner protected when staffed, with their disputes, where its partner admin opens
one. Calls cosell.engagements.service and cosell.disputes.service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import DisputeCreate, DisputeFilters, DisputeView
from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.engagements.schemas import (
    EngagementFilters,
    PsEngagementCreate,
    ViolationFilters,
)
from alliance.cosell.labels import service as label_service
from alliance.cosell.vocabulary import Activity
from alliance.errors import NotFound, RuleViolation
from alliance.http.params import IdPath, PageParams
from alliance.identity import service as identity_service
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.web.cosell_plans import LEAD_LABELS
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, submit
from alliance.web.templating import render

router = APIRouter()
CONSOLE = "/console/engagements"
PORTAL = "/portal/engagements"
ACTIVITY_OPTIONS = [(a.value, a.value.replace("_", " ").capitalize()) for a in Activity]
NONE_PICKED = "Type the customer's name and pick the customer from the suggestions."
UNKNOWN_CUSTOMER = "There is no such customer: type the name again and pick one of the suggestions."


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def engagements(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    return _page(request, session, actor, page=page, submission=Submission())


@router.post(CONSOLE, dependencies=VENDOR_ONLY)
def staff(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {k: v for k, v in form_values(form).items() if k in PsEngagementCreate.model_fields}

    def create(data: PsEngagementCreate) -> Any:
        try:
            return engagement_service.create_engagement(session, actor, data=data)
        except NotFound as exc:
            # The customer is the one record staffing looks up by id: a stale or forged pick is
            # that field's error, not a missing page.
            raise RuleViolation(UNKNOWN_CUSTOMER, details=[{"field": "customer_id", "message": UNKNOWN_CUSTOMER}]) from exc

    submission = submit(session, PsEngagementCreate, values, create, shown=echo(form))
    if submission.ok:
        overridden = submission.result is not None and submission.result.outcome == "overridden"
        flash(request, "Staffed by override: a violation is on the protecting partner's record." if overridden else "Engagement staffed.")
        return RedirectResponse(CONSOLE, status_code=303)
    return _page(request, session, actor, page=PageRequest(), submission=_customer_picker(session, actor, submission))


@router.get(CONSOLE + "/{engagement_id}", dependencies=VENDOR_ONLY)
def engagement(request: Request, engagement_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return render_engagement(request, session, actor, engagement_id=engagement_id)


def render_engagement(request: Request, session: Session, actor: Actor, *, engagement_id: int, dispute: Submission[Any] | None = None) -> Response:
    """One engagement, its disputes and the form that opens one (cosell_disputes re-renders it with errors)."""
    found = engagement_service.get_engagement(session, actor, engagement_id=engagement_id)
    disputes = dispute_service.list_disputes(session, actor, filters=DisputeFilters(engagement_id=engagement_id), page=PageRequest(limit=MAX_LIMIT))
    dispute = dispute or Submission()
    context = {
        "e": found,
        "disputes": disputes,
        "dispute": dispute,
        "lead_labels": LEAD_LABELS,
        "customer_names": label_service.name_customers(session, actor, customer_ids=[found.customer_id]),
        "partner_names": label_service.name_partners(session, actor, partner_ids=[found.protecting_partner_id]),
        "user_names": {u.id: u.name for u in identity_service.vendor_users(session)},
        "actions": engagement_service.engagement_actions(actor, found),
    }
    return render(request, "cosell/engagement.html", context, status_code=dispute.status)


def _customer_picker(session: Session, actor: Actor, submission: Submission[Any]) -> Submission[Any]:
    """Customer errors go next to the name the user typed; a bad pick is dropped so the widget
    does not show it as chosen, and a good one is shown by its name."""
    picked = str(submission.values.get("customer_id", "")).strip()
    if submission.errors.pop("customer_id", None) is not None:
        submission.errors["customer_name"] = UNKNOWN_CUSTOMER if picked else NONE_PICKED
        if submission.errors.get("__all__") == UNKNOWN_CUSTOMER:
            del submission.errors["__all__"]
        submission.values["customer_id"] = ""
    elif picked.isdigit() and not submission.values.get("customer_name"):
        submission.values["customer_name"] = label_service.name_customers(session, actor, customer_ids=[int(picked)]).get(int(picked), "")
    return submission


def _page(request: Request, session: Session, actor: Actor, *, page: PageRequest, submission: Submission[Any]) -> Response:
    staff_users = identity_service.vendor_users(session)
    errors = submission.errors
    # A blocked engagement: the service's Conflict names the rule and the way forward.
    blocked = {"rule": errors["activity"], "way_forward": errors["way_forward"]} if submission.status == 409 and "way_forward" in errors else None
    found = engagement_service.list_engagements(session, actor, filters=EngagementFilters(), page=page)
    violations = engagement_service.list_violations(session, actor, filters=ViolationFilters(), page=PageRequest())
    context = {
        "engagements": found,
        "violations": violations,
        "customer_names": label_service.name_customers(
            session, actor, customer_ids=[*(e.customer_id for e in found.items), *(v.customer_id for v in violations.items)]
        ),
        "partner_names": label_service.name_partners(
            session,
            actor,
            partner_ids=[*(e.protecting_partner_id for e in found.items), *(v.partner_id for v in violations.items)],
        ),
        "values": submission.values,
        "errors": {k: v for k, v in errors.items() if not blocked or k not in ("activity", "way_forward", "__all__")},
        "blocked": blocked,
        "actions": engagement_service.engagement_actions(actor),
        "staff_options": [(str(u.id), u.name) for u in staff_users],
        "staff_names": {u.id: u.name for u in staff_users},
        "activity_options": ACTIVITY_OPTIONS,
    }
    return render(request, "cosell/engagements.html", context, status_code=submission.status)


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_engagements(request: Request, session: WebSession, actor: PortalActor, page: PageParams) -> Response:
    return _portal_page(request, session, actor, page=page)


@router.post(PORTAL + "/{engagement_id}/disputes", dependencies=PORTAL_ONLY)
def portal_open_dispute(request: Request, engagement_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    # The engagement first: another partner's (or a missing) one is a 404 whatever the form says.
    engagement_service.get_engagement(session, actor, engagement_id=engagement_id)
    submission = submit_engagement_dispute(session, actor, engagement_id=engagement_id, form=form)
    if submission.ok:
        flash(request, "Dispute opened: the escalation ladder's first level decides it.")
        return RedirectResponse("/portal/disputes", status_code=303)
    return _portal_page(request, session, actor, page=PageRequest(), forms={engagement_id: submission})


def _portal_page(request: Request, session: Session, actor: Actor, *, page: PageRequest, forms: dict[int, Submission[Any]] | None = None) -> Response:
    """The engagements on accounts this partner protected when staffed, each with its disputes."""
    forms = forms or {}
    found = engagement_service.list_engagements(session, actor, filters=EngagementFilters(), page=page)
    ids = [e.id for e in found.items]
    disputes: dict[int, list[DisputeView]] = {}
    if ids:
        opened = dispute_service.list_disputes(session, actor, filters=DisputeFilters(engagement_ids=tuple(ids)), page=PageRequest(limit=MAX_LIMIT))
        for view in opened.items:
            disputes.setdefault(view.dispute.engagement_id or 0, []).append(view)
    actions = {e.id: engagement_service.engagement_actions(actor, e) for e in found.items}
    # A refusal with no form on this page to show it (a partner user's post, or an engagement past this page) is said at the top.
    stray = [f.errors for engagement_id, f in forms.items() if "dispute" not in actions.get(engagement_id, ())]
    context = {
        "engagements": found,
        "labels": label_service.label_engagements(session, actor, engagement_ids=ids),
        "disputes": disputes,
        "forms": forms,
        "actions": actions,
        "can_dispute": can(actor, Permission.DISPUTES_OPEN),
        "lead_labels": LEAD_LABELS,
        "page_errors": {"__all__": stray[0].get("__all__") or " ".join(stray[0].values())} if stray else {},
    }
    return render(request, "cosell/portal_engagements.html", context, status_code=max((s.status for s in forms.values()), default=200))


def submit_engagement_dispute(session: Session, actor: Actor, *, engagement_id: int, form: FormData) -> Submission[Any]:
    """Open a dispute on the engagement from a form with its subject (console and portal)."""
    values = {"engagement_id": engagement_id, **{k: v for k, v in form_values(form).items() if k == "subject"}}

    def open_(data: DisputeCreate) -> Any:
        return dispute_service.open_dispute(session, actor, data=data)

    return submit(session, DisputeCreate, values, open_, shown=echo(form))
