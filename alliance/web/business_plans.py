"""Joint business plan pages, the same in the portal and the console: plans by partner, CAM,
period and status; a plan with its items' progress bars (computed plan vs actual), the at-risk
items in words, its versions and signatures, and signing for one's own side. Every page calls
planning services; what the reader may do comes from plan_service.view_plan."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from alliance.db import Database
from alliance.enablement.vocabulary import Level
from alliance.errors import Conflict
from alliance.files.storage import store_for
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.http.session import get_database
from alliance.identity import service as identity_service
from alliance.identity.permissions import Permission, can, roles_with
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.kit.pagination import PageRequest
from alliance.kit.schemas import MAX_ROW_ID, InputSchema
from alliance.kit.sorting import known_sort
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, DeliveryRole
from alliance.planning import actuals_service, item_service, template_service
from alliance.planning import service as plan_service
from alliance.planning.repository import PLAN_SORTS, PlanFilters
from alliance.planning.schemas import MAX_ITEMS, Amendment, BusinessPlanCreate, BusinessPlanDraft, ProgressInput, Proposal
from alliance.planning.vocabulary import InvestmentKind, ItemKind, PlanAction, PlanStatus, RevenueKind
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_rows, form_values, query_int, submit
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


@router.post(CONSOLE, dependencies=VENDOR_ONLY)
def console_create(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _create(request, session, actor, form=form, base=CONSOLE)


@router.post(PORTAL, dependencies=PORTAL_ONLY)
def portal_create(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _create(request, session, actor, form=form, base=PORTAL)


def _create(request: Request, session: Session, actor: Actor, *, form: FormData, base: str) -> Response:
    """A new draft for a fiscal period, pre-filled from a template of the partner's program."""
    values = {key: value for key, value in form_values(form).items() if value not in ("", None) and key in ("partner_id", "period", "title", "template_id")}
    if actor.is_partner:
        values.pop("partner_id", None)

    def create(data: BusinessPlanCreate) -> Any:
        return plan_service.create_plan(
            session, actor, partner_id=data.partner_id, period=data.period, title=data.title, items=data.items, template_id=data.template_id
        )

    submission = submit(session, BusinessPlanCreate, values, create, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, "Draft plan started: change its items, then propose it for both sides to sign.")
        return RedirectResponse(f"{base}/{submission.result.id}", status_code=303)
    return _list(request, session, actor, base=base, create=submission)


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def console_csv(request: Request, actor: VendorActor, database: WebDatabase) -> Response:
    return downloads.business_plans_csv(database, actor, _filters(request), clock.today(), _sort(request))


@router.get(PORTAL + ".csv", dependencies=PORTAL_ONLY)
def portal_csv(request: Request, actor: PortalActor, database: WebDatabase) -> Response:
    return downloads.business_plans_csv(database, actor, _filters(request), clock.today(), _sort(request))


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


def _sort(request: Request) -> str | None:
    """The list's order from the query (an unknown key: the default, most recently changed first)."""
    sort = request.query_params.get("sort")
    return sort if known_sort(sort, PLAN_SORTS) else None


def _list(request: Request, session: Session, actor: Actor, *, base: str, create: Submission[Any] | None = None) -> Response:
    params = request.query_params
    filters = _filters(request)
    offset = max(query_int(params.get("offset", "")) or 0, 0)
    sort = _sort(request)
    page = plan_service.list_plans(session, actor, filters=filters, page=PageRequest(limit=PAGE_SIZE, offset=offset), sort=sort)
    context = {
        "page": page,
        "base": base,
        "filters": filters,
        "sort": sort or "-updated",
        "cams": [] if actor.is_partner else identity_service.vendor_users(session, *roles_with(Permission.PARTNERS_MANAGE)),
        "statuses": [s.value for s in PlanStatus],
        "at_risk": actuals_service.at_risk_counts(session, actor, plan_ids=[p.id for p in page.items], as_of=clock.today()),
        "create": create,
        "may_start": can(actor, Permission.BUSINESS_PLANS_SIGN),
        "templates": [(str(i), name) for i, name in template_service.template_choices(session, actor)],
        "partners": [] if actor.is_partner else [(str(p.id), p.display_name) for p in _partners(session, actor)],
        "this_year": fiscal.current().period(fiscal.PeriodKind.YEAR, clock.today()).key,
    }
    return render(request, "business_plans/list.html", context, status_code=create.status if create else 200)


def _partners(session: Session, actor: Actor) -> list[Any]:
    return list(partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=500)).items)


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
        "owners": dict(item_service.owner_choices(session, actor, plan=view.plan)),
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


# --- the plan editor: a draft's items, or an amendment of the agreed plan ---------------------------

ITEM_COLUMNS = (
    "ref",
    "kind",
    "title",
    "due_on",
    "territory",
    "revenue_kind",
    "amount",
    "delivery_role",
    "level",
    "target_count",
    "investment_kind",
    "quantity",
    "owner_user_id",
    "notes",
    "remove",
)
BLANK_ROWS = 3


@router.get(CONSOLE + "/{business_plan_id}/edit", dependencies=VENDOR_ONLY)
def console_editor(request: Request, business_plan_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _editor(request, session, actor, plan_id=business_plan_id, base=CONSOLE)


@router.get(PORTAL + "/{business_plan_id}/edit", dependencies=PORTAL_ONLY)
def portal_editor(request: Request, business_plan_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _editor(request, session, actor, plan_id=business_plan_id, base=PORTAL)


@router.post(CONSOLE + "/{business_plan_id}/draft", dependencies=VENDOR_ONLY)
def console_save_draft(request: Request, business_plan_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _save_draft(request, session, actor, plan_id=business_plan_id, form=form, base=CONSOLE)


@router.post(PORTAL + "/{business_plan_id}/draft", dependencies=PORTAL_ONLY)
def portal_save_draft(request: Request, business_plan_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _save_draft(request, session, actor, plan_id=business_plan_id, form=form, base=PORTAL)


@router.post(CONSOLE + "/{business_plan_id}/amendments", dependencies=VENDOR_ONLY)
def console_amend(request: Request, business_plan_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _amend(request, session, actor, plan_id=business_plan_id, form=form, base=CONSOLE)


@router.post(PORTAL + "/{business_plan_id}/amendments", dependencies=PORTAL_ONLY)
def portal_amend(request: Request, business_plan_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _amend(request, session, actor, plan_id=business_plan_id, form=form, base=PORTAL)


@router.post(CONSOLE + "/{business_plan_id}/propose", dependencies=VENDOR_ONLY)
def console_propose(request: Request, business_plan_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _propose(request, session, actor, plan_id=business_plan_id, form=form, base=CONSOLE)


@router.post(PORTAL + "/{business_plan_id}/propose", dependencies=PORTAL_ONLY)
def portal_propose(request: Request, business_plan_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _propose(request, session, actor, plan_id=business_plan_id, form=form, base=PORTAL)


def _editor(request: Request, session: Session, actor: Actor, *, plan_id: int, base: str, submission: Submission[Any] | None = None) -> Response:
    """The latest version's items as rows to change, remove or add to: saved into the draft, or
    proposed as an amendment (the agreed version stays in force until both sides sign it)."""
    view = plan_service.view_plan(session, actor, plan_id=plan_id)
    mode = "draft" if PlanAction.EDIT in view.actions else "amend" if PlanAction.AMEND in view.actions else None
    if mode is None:
        raise Conflict(f"{view.plan.title} cannot be changed by you now: it is {view.status.value} and version {view.latest.number} is {view.latest.status}.")
    values = submission.values if submission else _item_values(view.latest.items) | {"title": view.plan.title}
    used = [int(key.split(".")[1]) for key in values if key.startswith("items.") and key.split(".")[1].isdigit()]
    context = {
        "view": view,
        "plan": view.plan,
        "mode": mode,
        "values": values,
        "errors": submission.errors if submission else {},
        "row_count": max(used, default=-1) + 1 + BLANK_ROWS,
        "options": _item_options() | {"owner_user_id": [(str(i), name) for i, name in item_service.owner_choices(session, actor, plan=view.plan)]},
        "base": f"{base}/{plan_id}",
    }
    return render(request, "business_plans/edit.html", context, status_code=submission.status if submission else 200)


def _save_draft(request: Request, session: Session, actor: Actor, *, plan_id: int, form: FormData, base: str) -> Response:
    plan_service.get_plan(session, actor, plan_id=plan_id)  # 404 for another partner's
    rows, origins = _item_rows(form)
    title = str(form.get("title", "")).strip()

    def save(data: BusinessPlanDraft) -> Any:
        return plan_service.update_draft(session, actor, plan_id=plan_id, title=data.title, items=data.items)

    submission = submit(session, BusinessPlanDraft, {"title": title, "items": rows}, save, shown=echo(form))
    if submission.ok:
        flash(request, "Draft saved.")
        return RedirectResponse(f"{base}/{plan_id}", status_code=303)
    submission.errors = _row_errors(submission.errors, origins)
    return _editor(request, session, actor, plan_id=plan_id, base=base, submission=submission)


def _amend(request: Request, session: Session, actor: Actor, *, plan_id: int, form: FormData, base: str) -> Response:
    plan_service.get_plan(session, actor, plan_id=plan_id)
    rows, origins = _item_rows(form)
    note = str(form.get("note", "")).strip()

    def amend(data: Amendment) -> Any:
        return plan_service.amend_plan(session, actor, plan_id=plan_id, items=data.items, note=data.note)

    submission = submit(session, Amendment, {"items": rows, "note": note}, amend, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"Amendment proposed as version {submission.result.number}; the agreed version stays in force until both sides sign it.")
        return RedirectResponse(f"{base}/{plan_id}", status_code=303)
    submission.errors = _row_errors(submission.errors, origins)
    return _editor(request, session, actor, plan_id=plan_id, base=base, submission=submission)


def _propose(request: Request, session: Session, actor: Actor, *, plan_id: int, form: FormData, base: str) -> Response:
    plan_service.get_plan(session, actor, plan_id=plan_id)
    note = str(form.get("note", "")).strip() or None

    def propose(data: Proposal) -> Any:
        return plan_service.propose_plan(session, actor, plan_id=plan_id, note=data.note)

    submission = submit(session, Proposal, {"note": note} if note else {}, propose, shown=echo(form))
    if submission.ok:
        flash(request, "Plan proposed: both sides sign it to agree.")
        return RedirectResponse(f"{base}/{plan_id}", status_code=303)
    return _page(request, session, actor, plan_id=plan_id, base=base, forms={"propose": submission})


def _item_rows(form: FormData) -> tuple[list[dict[str, str]], list[int]]:
    """The kept rows of the editor (blank rows and rows marked for removal left out), as the
    API's item dicts, and the form row each came from."""
    rows, origins = [], []
    for index, row in form_rows(form, "items", ITEM_COLUMNS, limit=MAX_ITEMS + BLANK_ROWS):
        if row["remove"] or not (row["kind"] or row["title"]):
            continue
        rows.append({column: value for column, value in row.items() if value and column != "remove"})
        origins.append(index)
    return rows, origins


def _row_errors(errors: dict[str, str], origins: list[int]) -> dict[str, str]:
    """Errors on items.<n>.* name the form row the n-th kept item came from."""
    shown: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(origins):
            parts[1] = str(origins[int(parts[1])])
        shown.setdefault(".".join(parts), message)
    return shown


def _item_values(items: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for index, item in enumerate(items):
        fields = {
            "ref": item.ref,
            "kind": item.kind,
            "title": item.title,
            "due_on": item.due_on.isoformat(),
            "territory": item.territory,
            "revenue_kind": item.revenue_kind,
            "amount": item.amount,
            "delivery_role": item.delivery_role,
            "level": item.level,
            "target_count": item.target_count,
            "investment_kind": item.investment_kind,
            "quantity": item.quantity,
            "owner_user_id": item.owner_user_id,
            "notes": item.notes,
        }
        values.update({f"items.{index}.{name}": "" if value is None else str(value) for name, value in fields.items()})
    return values


def _item_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "kind": [(k.value, k.label) for k in ItemKind],
        "revenue_kind": [(k.value, k.value.capitalize()) for k in RevenueKind],
        "delivery_role": [(r.value, DELIVERY_ROLE_LABELS[r]) for r in DeliveryRole],
        "level": [(level.value, level.value.capitalize()) for level in Level],
        "investment_kind": [(k.value, k.value.replace("_", " ").capitalize().replace("Mdf", "MDF").replace("Se ", "SE ")) for k in InvestmentKind],
    }


# --- milestone progress and evidence ---------------------------------------------------------------

RefPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


@router.post(CONSOLE + "/{business_plan_id}/items/{ref}/progress", dependencies=VENDOR_ONLY)
def console_progress(request: Request, business_plan_id: IdPath, ref: RefPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _progress(request, session, actor, plan_id=business_plan_id, ref=ref, form=form, base=CONSOLE)


@router.post(PORTAL + "/{business_plan_id}/items/{ref}/progress", dependencies=PORTAL_ONLY)
def portal_progress(request: Request, business_plan_id: IdPath, ref: RefPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _progress(request, session, actor, plan_id=business_plan_id, ref=ref, form=form, base=PORTAL)


@router.get(CONSOLE + "/{business_plan_id}/items/{ref}/evidence", dependencies=VENDOR_ONLY)
def console_evidence(request: Request, business_plan_id: IdPath, ref: RefPath, session: WebSession, actor: VendorActor) -> Response:
    return _evidence(request, session, actor, plan_id=business_plan_id, ref=ref)


@router.get(PORTAL + "/{business_plan_id}/items/{ref}/evidence", dependencies=PORTAL_ONLY)
def portal_evidence(request: Request, business_plan_id: IdPath, ref: RefPath, session: WebSession, actor: PortalActor) -> Response:
    return _evidence(request, session, actor, plan_id=business_plan_id, ref=ref)


def _evidence(request: Request, session: Session, actor: Actor, *, plan_id: int, ref: int) -> Response:
    store = store_for(request.app.state.settings)
    found, handle = item_service.open_evidence(session, actor, plan_id=plan_id, ref=ref, store=store)
    return downloads.stored_file(
        store=store, filename=found.filename, content_type=found.content_type, size_bytes=found.size_bytes, sha256=found.sha256, handle=handle
    )


@router.post(CONSOLE + "/{business_plan_id}/items/{ref}/confirm", dependencies=VENDOR_ONLY)
def console_confirm(request: Request, business_plan_id: IdPath, ref: RefPath, session: WebSession, actor: VendorActor) -> Response:
    plan_service.get_plan(session, actor, plan_id=business_plan_id)

    def confirm(_: Any) -> Any:
        return plan_service.confirm_item(session, actor, plan_id=business_plan_id, ref=ref)

    submission = submit(session, SignRequest, {}, confirm, shown={})
    if submission.ok:
        flash(request, f"Item {ref} confirmed.")
        return RedirectResponse(f"{CONSOLE}/{business_plan_id}", status_code=303)
    return _page(request, session, actor, plan_id=business_plan_id, base=CONSOLE, forms={f"progress-{ref}": submission})


def _progress(request: Request, session: Session, actor: Actor, *, plan_id: int, ref: int, form: FormData, base: str) -> Response:
    """Started, or completed with evidence: a note, a link, a registration of the partner, or a file
    uploaded with the form (stored as plan evidence of the plan's partner by the same service call)."""
    plan_service.get_plan(session, actor, plan_id=plan_id)  # 404 for another partner's
    values = form_values(form)
    values.pop("file", None)
    handed = form.get("file")
    settings = request.app.state.settings
    upload = None
    if isinstance(handed, StarletteUpload) and handed.filename:
        upload = plan_service.EvidenceUpload(source=handed.file, filename=handed.filename, store=store_for(settings), max_bytes=settings.max_upload_bytes)

    def record(data: ProgressInput) -> Any:
        return plan_service.record_progress(session, actor, plan_id=plan_id, ref=ref, data=data, upload=upload)

    submission = submit(session, ProgressInput, values, record, shown=echo(form))
    if submission.ok:
        flash(request, f"Progress of item {ref} recorded.")
        return RedirectResponse(f"{base}/{plan_id}", status_code=303)
    return _page(request, session, actor, plan_id=plan_id, base=base, forms={f"progress-{ref}": submission})
