"""Scope disputes: opened on a co-delivery plan activity from the plan page (either side) or on a
vendor PS engagement from its console page, read by partners in the portal, and worked by the
vendor on a board by escalation level and deadline, where they are escalated or decided with a
lead and a rationale. Calls cosell.disputes.service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.schemas import (
    DisputeCreate,
    DisputeDecision,
    DisputeEscalation,
    DisputeFilters,
)
from alliance.cosell.labels import service as label_service
from alliance.cosell.vocabulary import DisputeStatus
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.web import cosell_engagements, cosell_plans
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, submit
from alliance.web.templating import render

router = APIRouter()
RESOLVED_SHOWN = 20


@router.post(cosell_plans.PORTAL + "/{plan_id}/disputes", dependencies=PORTAL_ONLY)
def portal_open(request: Request, plan_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _open(request, session, actor, plan_id=plan_id, form=form, base=cosell_plans.PORTAL, board="/portal/disputes")


@router.post(cosell_plans.CONSOLE + "/{plan_id}/disputes", dependencies=VENDOR_ONLY)
def console_open(request: Request, plan_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _open(request, session, actor, plan_id=plan_id, form=form, base=cosell_plans.CONSOLE, board="/console/disputes")


def _open(request: Request, session: Session, actor: Actor, *, plan_id: int, form: FormData, base: str, board: str) -> Response:
    values = {"plan_id": plan_id, **{k: v for k, v in form_values(form).items() if k in ("activity_id", "subject")}}

    def open_(data: DisputeCreate) -> Any:
        return dispute_service.open_dispute(session, actor, data=data)

    submission = submit(session, DisputeCreate, values, open_, shown=echo(form))
    if submission.ok:
        flash(request, "Dispute opened: the escalation ladder's first level decides it.")
        return RedirectResponse(board, status_code=303)
    if "activity_id" not in values:
        # The schema's "plan_id and activity_id" wording means nothing on this form.
        submission.errors.pop("__all__", None)
        submission.errors["activity_id"] = "Choose the activity in dispute."
    return cosell_plans.render_plan(request, session, actor, plan_id=plan_id, base=base, forms={"dispute": submission})


@router.post(cosell_engagements.CONSOLE + "/{engagement_id}/disputes", dependencies=VENDOR_ONLY)
def console_open_on_engagement(request: Request, engagement_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = cosell_engagements.submit_engagement_dispute(session, actor, engagement_id=engagement_id, form=form)
    if submission.ok:
        flash(request, "Dispute opened: the escalation ladder's first level decides it.")
        return RedirectResponse("/console/disputes", status_code=303)
    return cosell_engagements.render_engagement(request, session, actor, engagement_id=engagement_id, dispute=submission)


@router.get("/portal/disputes", dependencies=PORTAL_ONLY)
def portal_disputes(request: Request, session: WebSession, actor: PortalActor, page: PageParams) -> Response:
    found = dispute_service.list_disputes(session, actor, filters=DisputeFilters(), page=page)
    subjects = label_service.describe_disputes(session, actor, dispute_ids=[v.dispute.id for v in found.items])
    return render(request, "cosell/portal_disputes.html", {"disputes": found, "subjects": subjects})


@router.get("/console/disputes", dependencies=VENDOR_ONLY)
def board(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _board(request, session, actor)


@router.post("/console/disputes/{dispute_id}/decision", dependencies=VENDOR_ONLY)
def decide(request: Request, dispute_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {k: v for k, v in form_values(form).items() if k in DisputeDecision.model_fields}

    def apply(data: DisputeDecision) -> Any:
        return dispute_service.decide_dispute(session, actor, dispute_id=dispute_id, data=data)

    submission = submit(session, DisputeDecision, values, apply, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, "Dispute decided." + (" The plan has a new version with the decision." if submission.result.resulting_version_id else ""))
        return RedirectResponse("/console/disputes", status_code=303)
    return _board(request, session, actor, forms={f"decide-{dispute_id}": submission})


@router.post("/console/disputes/{dispute_id}/escalate", dependencies=VENDOR_ONLY)
def escalate(request: Request, dispute_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {k: v for k, v in form_values(form).items() if k == "reason"}

    def apply(data: DisputeEscalation) -> Any:
        return dispute_service.escalate_dispute(session, actor, dispute_id=dispute_id, reason=data.reason)

    submission = submit(session, DisputeEscalation, values, apply, shown=echo(form))
    if submission.ok:
        flash(request, "Escalated one level.")
        return RedirectResponse("/console/disputes", status_code=303)
    return _board(request, session, actor, forms={f"escalate-{dispute_id}": submission})


def _board(request: Request, session: Session, actor: Actor, *, forms: dict[str, Submission[Any]] | None = None) -> Response:
    # get_dispute first, so a missing dispute id is a 404 rather than a board with errors.
    for key in forms or {}:
        dispute_service.get_dispute(session, actor, dispute_id=int(key.split("-")[1]))
    open_ = dispute_service.list_disputes(session, actor, filters=DisputeFilters(status=DisputeStatus.OPEN), page=PageRequest(limit=MAX_LIMIT))
    levels: dict[tuple[int, str], list[Any]] = {}
    for view in sorted(open_.items, key=lambda v: (v.dispute.level, v.dispute.level_deadline_at or v.dispute.opened_at)):
        levels.setdefault((view.dispute.level, view.level_name), []).append(view)
    resolved = dispute_service.list_disputes(session, actor, filters=DisputeFilters(status=DisputeStatus.RESOLVED), page=PageRequest(limit=RESOLVED_SHOWN))
    forms = forms or {}
    subjects = label_service.describe_disputes(session, actor, dispute_ids=[v.dispute.id for v in (*open_.items, *resolved.items)])
    context = {
        "levels": sorted(levels.items()),
        "open_total": open_.total,
        "resolved": resolved,
        "forms": forms,
        "subjects": subjects,
        "lead_options": [(k.value, v) for k, v in cosell_plans.LEAD_LABELS.items()],
        "lead_labels": cosell_plans.LEAD_LABELS,
    }
    return render(request, "cosell/disputes_board.html", context, status_code=max((s.status for s in forms.values()), default=200))
