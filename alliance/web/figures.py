"""Reported figures on the web: partner admins report a month's figure on the portal tier page;
program admins and CAMs confirm or reject them on the console. Each form is one service call."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission, can, can_edit_partner
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.tiers import figure_service
from alliance.tiers.figure_schemas import FigureDecision, FigureReport
from alliance.tiers.models import ReportedFigure
from alliance.web.deps import PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, submit
from alliance.web.templating import render
from alliance.web.tiers import evaluation_panel

router = APIRouter()
PORTAL_TIER = "/portal/tier"
CONSOLE_QUEUE = "/console/tiers/review/figures"


def figures_context(session: Session, actor: Actor, *, partner_id: int, partner_type: str) -> dict[str, Any]:
    """What the figures section of a partner's page needs: the metrics it reports, its figures, and whether the actor may report."""
    metrics = figure_service.metrics_for(partner_type)
    figures = figure_service.list_figures(session, actor, partner_id=partner_id) if metrics else []
    return {
        "figure_metrics": [(m, figure_service.metric_label(m)) for m in metrics],
        "figures": [figure_service.FigureView(f, None) for f in figures],
        "may_report": bool(metrics) and can_edit_partner(actor, partner_id),
        "this_month": clock.today().strftime("%Y-%m"),
    }


@router.post("/portal/tier/figures")
def report_figure(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    assert actor.partner_id is not None  # portal_actor guarantees it
    partner_id = actor.partner_id

    def apply(data: FigureReport) -> ReportedFigure:
        return figure_service.report_figure(session, actor, partner_id=partner_id, data=data)

    submission = submit(session, FigureReport, form_values(form), apply, shown=echo(form))
    if submission.ok and submission.result is not None:
        figure = submission.result
        flash(
            request,
            f"{figure_service.metric_label(figure.metric)} for {figure_service.month(figure.period)}: {figure.value:,} reported; it counts once your channel account manager confirms it.",
        )
        return RedirectResponse(f"{PORTAL_TIER}#figures", status_code=303)
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    program = program_service.get_program(session, actor, program_id=partner.program_id) if partner.program_id else None
    context = {
        "partner": partner,
        "program": program,
        "tier_panel": evaluation_panel(session, actor, partner_id=partner_id, enrolled=partner.program_id is not None),
        "figure_form": submission,
        **figures_context(session, actor, partner_id=partner_id, partner_type=partner.partner_type),
    }
    return render(request, "portal/tier.html", context, status_code=submission.status)


@router.get(CONSOLE_QUEUE)
def figure_queue(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    return _queue(request, session, actor, page=page)


def _queue(request: Request, session: Session, actor: Actor, *, page: PageRequest, forms: dict[str, Submission[Any]] | None = None) -> Response:
    forms = forms or {}
    deciding = can(actor, Permission.PARTNERS_WRITE)
    queue = figure_service.figure_queue(session, actor, page=page) if deciding else None
    context = {"queue": queue, "forms": forms, "deciding": deciding}
    return render(request, "tiers/figures.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.post("/console/tiers/figures/{figure_id}/decision")
def decide_figure(request: Request, figure_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    confirm = str(form.get("decision", "")) == "confirm"
    values = {"confirm": confirm, **{k: v for k, v in form_values(form).items() if k == "reason"}}

    def apply(data: FigureDecision) -> figure_service.FigureView:
        return figure_service.decide_figure(session, actor, figure_id=figure_id, confirm=data.confirm, reason=data.reason)

    submission = submit(session, FigureDecision, values, apply, shown=echo(form))
    if submission.ok and submission.result is not None:
        view = submission.result
        f = view.figure
        flash(request, f"{view.partner_name}: {view.metric_label.lower()} for {figure_service.month(f.period)} ({f.value:,}) {f.status}.")
        return RedirectResponse(CONSOLE_QUEUE, status_code=303)
    return _queue(request, session, actor, page=PageRequest(), forms={f"figure-{figure_id}": submission})
