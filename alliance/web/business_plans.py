"""Joint business plan pages, the same in the portal and the console: plans by partner, CAM,
period and status; a plan with its items' progress bars (computed plan vs actual), the at-risk
items in words, its versions and signatures, and signing for one's own side. Every page calls
planning services; what the reader may do comes from plan_service.view_plan."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.db import Database
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.http.session import get_database
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.kit.schemas import InputSchema
from alliance.planning import actuals_service
from alliance.planning import service as plan_service
from alliance.planning.repository import PlanFilters
from alliance.planning.vocabulary import PlanStatus
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, query_int, submit
from alliance.web.templating import render

router = APIRouter()
WebDatabase = Annotated[Database, Depends(get_database)]
PORTAL = "/portal/business-plans"
CONSOLE = "/console/business-plans"
PAGE_SIZE = 50


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_list(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _list(request, session, actor, base=CONSOLE)


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_list(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _list(request, session, actor, base=PORTAL)


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def console_csv(request: Request, actor: VendorActor, database: WebDatabase) -> Response:
    return downloads.business_plans_csv(database, actor, _filters(request), clock.today())


@router.get(PORTAL + ".csv", dependencies=PORTAL_ONLY)
def portal_csv(request: Request, actor: PortalActor, database: WebDatabase) -> Response:
    return downloads.business_plans_csv(database, actor, _filters(request), clock.today())


@router.get(CONSOLE + "/{business_plan_id}", dependencies=VENDOR_ONLY)
def console_plan(request: Request, business_plan_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _page(request, session, actor, plan_id=business_plan_id, base=CONSOLE)


@router.get(PORTAL + "/{business_plan_id}", dependencies=PORTAL_ONLY)
def portal_plan(request: Request, business_plan_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _page(request, session, actor, plan_id=business_plan_id, base=PORTAL)


@router.post(CONSOLE + "/{business_plan_id}/sign", dependencies=VENDOR_ONLY)
def console_sign(request: Request, business_plan_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _sign(request, session, actor, plan_id=business_plan_id, form=form, base=CONSOLE)


@router.post(PORTAL + "/{business_plan_id}/sign", dependencies=PORTAL_ONLY)
def portal_sign(request: Request, business_plan_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _sign(request, session, actor, plan_id=business_plan_id, form=form, base=PORTAL)


class SignRequest(InputSchema):
    """Signing takes no input but the version: the side comes from the actor."""


def _filters(request: Request) -> PlanFilters:
    params = request.query_params
    status = params.get("status") or None
    return PlanFilters(
        partner_id=query_int(params.get("partner_id", "")),
        cam_user_id=query_int(params.get("cam_user_id", "")),
        period_key=(params.get("period") or "").strip()[:16] or None,
        status=PlanStatus(status) if status in set(PlanStatus) else None,
    )


def _list(request: Request, session: Session, actor: Actor, *, base: str) -> Response:
    params = request.query_params
    filters = _filters(request)
    offset = max(query_int(params.get("offset", "")) or 0, 0)
    page = plan_service.list_plans(session, actor, filters=filters, page=PageRequest(limit=PAGE_SIZE, offset=offset))
    context = {
        "page": page,
        "base": base,
        "filters": filters,
        "statuses": [s.value for s in PlanStatus],
        "at_risk": actuals_service.at_risk_counts(session, actor, plan_ids=[p.id for p in page.items], as_of=clock.today()),
    }
    return render(request, "business_plans/list.html", context)


def _page(request: Request, session: Session, actor: Actor, *, plan_id: int, base: str, forms: dict[str, Submission[Any]] | None = None) -> Response:
    view = plan_service.view_plan(session, actor, plan_id=plan_id)
    measured = actuals_service.read(actuals_service.plan_vs_actual(session, actor, plan_id=plan_id))
    forms = forms or {}
    context = {
        "view": view,
        "plan": view.plan,
        "latest": view.latest,
        "agreed": view.in_force,
        "actuals": measured,
        "base": f"{base}/{plan_id}",
        "list_url": base,
        "forms": forms,
    }
    return render(request, "business_plans/plan.html", context, status_code=max((s.status for s in forms.values()), default=200))


def _sign(request: Request, session: Session, actor: Actor, *, plan_id: int, form: FormData, base: str) -> Response:
    plan = plan_service.get_plan(session, actor, plan_id=plan_id)  # 404 for another partner's
    version_id = query_int(str(form.get("version_id", ""))) or 0
    if version_id not in {v.id for v in plan.versions}:
        version_id = plan.versions[-1].id

    def sign(_: Any) -> Any:
        return plan_service.sign_version(session, actor, version_id=version_id)

    submission = submit(session, SignRequest, {}, sign, shown={})
    if submission.ok and submission.result is not None:
        flash(request, f"Version {submission.result.number} signed.")
        return RedirectResponse(f"{base}/{plan_id}", status_code=303)
    return _page(request, session, actor, plan_id=plan_id, base=base, forms={"sign": submission})
