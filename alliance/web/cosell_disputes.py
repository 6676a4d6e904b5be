"""Scope disputes: opened on a co-delivery plan activity from the plan page (either side) or on a
vendor PS engagement from its console page, read by partners in the portal, and worked by the
vendor on a board by escalation level and deadline, where they are escalated or decided with a
lead and a rationale. Calls cosell.disputes.service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.disputes.repository import DISPUTE_SORTS
from alliance.cosell.disputes.schemas import (
    DisputeCreate,
    DisputeDecision,
    DisputeEscalation,
    DisputeFilters,
)
from alliance.cosell.labels import service as label_service
from alliance.cosell.vocabulary import DisputeStatus
from alliance.http import downloads
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.kit.sorting import sort_keys
from alliance.web import cosell_engagements, cosell_plans, partner_pick
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, query_choice, submit
from alliance.web.partner_pick import PartnerPick
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


LIST = "/console/disputes/all"
LIST_CSV = ("id", "opened_at", "partner", "subject", "about", "status", "level", "deadline", "overdue", "resolved_at", "lead", "rationale")


@router.get(LIST, dependencies=VENDOR_ONLY)
def listed(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    """Every dispute, open and decided, by partner (one by name, or the executive dashboard's views), sortable."""
    filters, partners, sort = _list_filters(request, session, actor)
    found = dispute_service.list_disputes(session, actor, filters=filters, page=page, sort=sort or "-opened")
    context = {
        "disputes": found,
        "partners": partners,
        "sort": sort or "-opened",
        "status": filters.status.value if filters.status else None,
        "statuses": [(s.value, s.value.capitalize()) for s in DisputeStatus],
        "subjects": label_service.describe_disputes(session, actor, dispute_ids=[v.dispute.id for v in found.items]),
        "lead_labels": cosell_plans.LEAD_LABELS,
    }
    return render(request, "cosell/disputes_list.html", context)


@router.get(LIST + ".csv", dependencies=VENDOR_ONLY)
def listed_csv(request: Request, session: WebSession, actor: VendorActor) -> Response:
    filters, _, sort = _list_filters(request, session, actor)
    found = dispute_service.list_disputes(session, actor, filters=filters, page=PageRequest(limit=MAX_LIMIT), sort=sort or "-opened")
    subjects = label_service.describe_disputes(session, actor, dispute_ids=[v.dispute.id for v in found.items])
    rows: list[Sequence[Any]] = [LIST_CSV]
    for v in found.items:
        d, s = v.dispute, subjects.get(v.dispute.id)
        rows.append(
            (
                d.id,
                d.opened_at.isoformat(),
                s.partner_name if s else "",
                d.subject,
                _about(s),
                d.status.value,
                v.level_name,
                d.level_deadline_at.isoformat() if d.level_deadline_at and d.status == DisputeStatus.OPEN else "",
                "yes" if v.overdue else "no",
                d.resolved_at.isoformat() if d.resolved_at else "",
                cosell_plans.LEAD_LABELS.get(d.decision_lead, "") if d.decision_lead else "",
                d.rationale or "",
            )
        )
    return downloads.csv_attachment((downloads.csv_line(row) for row in rows), "scope_disputes.csv")


def _about(s: Any) -> str:
    """What a dispute is about, in words (the CSV twin of cosell/_parts.html dispute_subject)."""
    if s is None:
        return ""
    activity = str(s.activity or "").replace("_", " ")
    if s.plan_id:
        return f"{s.activity_label or activity} in the co-delivery plan for {s.customer_name} — {s.registration_title}"
    return f"PS engagement: {activity} for {s.customer_name}"


def _list_filters(request: Request, session: Session, actor: Actor) -> tuple[DisputeFilters, PartnerPick, str | None]:
    partners = partner_pick.pick(request, session, actor)
    chosen = query_choice(request.query_params.get("status"), [s.value for s in DisputeStatus])
    filters = DisputeFilters(status=DisputeStatus(chosen) if chosen else None, **partner_pick.filters_of(partners))
    return filters, partners, query_choice(request.query_params.get("sort"), sort_keys(DISPUTE_SORTS))


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
