"""Market development fund pages. Console: budgets, the ledger of allocations (set by hand or
generated from the tiers), the request and claim review queues with their SLA age, payments and
expiry. Portal: the organisation's MDF balance, its requests and claims, a new request, proof
uploads and a claim. Every form is one service call and parses into the API's schema."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from alliance.db import Database
from alliance.errors import AllianceError, RuleViolation
from alliance.files import service as file_service
from alliance.files.storage import store_for
from alliance.files.vocabulary import FilePurpose
from alliance.funds import service as fund_service
from alliance.funds.repository import CLAIM_SORTS, REQUEST_SORTS, FundFilters
from alliance.funds.schemas import (
    AllocationGenerate,
    AllocationSet,
    BudgetCreate,
    BudgetUpdate,
    BudgetWithdrawal,
    ClaimCreate,
    Decision,
    FundRequestCreate,
    Payment,
)
from alliance.funds.vocabulary import ActivityType, ClaimStatus, CostCategory, ProofKind, RequestStatus
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.http.session import get_database
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.kit.sorting import known_sort
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_rows, form_values, query_choice, query_int, refused, submit
from alliance.web.templating import render

router = APIRouter()
WebDatabase = Annotated[Database, Depends(get_database)]
PORTAL = "/portal/funds"
CONSOLE = "/console/funds"
PAGE_SIZE = 50
MAX_LINES = 8
S = TypeVar("S", bound=BaseModel)


def _filters(request: Request, *, statuses: list[str], default_status: str | None = None) -> FundFilters:
    params = request.query_params
    status = params.get("status", default_status or "")
    return FundFilters(
        partner_id=query_int(params.get("partner_id", "")),
        period_key=(params.get("period") or "").strip()[:16] or None,
        status=query_choice(status, statuses),
        activity_type=query_choice(params.get("activity_type"), [a.value for a in ActivityType]),
    )


def _sort(request: Request, columns: dict[str, Any], default: str) -> str:
    sort = request.query_params.get("sort") or default
    return sort if known_sort(sort, columns) else default


def _offset(request: Request) -> int:
    return max(query_int(request.query_params.get("offset", "")) or 0, 0)


# --- console: budgets, ledger, allocations -------------------------------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_overview(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _overview(request, session, actor)


def _overview(request: Request, session: Session, actor: Actor, forms: dict[str, Submission[Any]] | None = None) -> Response:
    period = (request.query_params.get("period") or "").strip()[:16] or None
    partner_id = query_int(request.query_params.get("partner_id", ""))
    rows = fund_service.ledger(session, actor, partner_id=partner_id, period_key=period)
    sort = query_choice(request.query_params.get("sort"), ["partner", "-partner", "available", "-available", "period", "-period"]) or "-period"
    key = sort.lstrip("-")
    rows.sort(key=lambda r: r.partner_name if key == "partner" else r.balances.available if key == "available" else r.expires_on, reverse=sort.startswith("-"))
    partners = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=500)).items
    forms = forms or {}
    budgets = fund_service.list_budgets(session, actor)
    context = {
        "budgets": budgets,
        "budget_options": [(str(v.budget.id), f"{v.program_name} {v.budget.period_key}") for v in budgets],
        "programs": [(str(p.id), p.name) for p in program_service.list_programs(session, actor)],
        "rows": rows,
        "today": clock.today(),
        "period": period or "",
        "partner_id": partner_id,
        "sort": sort,
        "partners": [(str(p.id), p.display_name) for p in partners],
        "forms": forms,
        "may_manage": can(actor, Permission.FUNDS_MANAGE),
        "returns": fund_service.returns(session, actor, by_partner=True, partner_id=partner_id, period_key=period),
    }
    return render(request, "funds/console_overview.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.get(CONSOLE + "/ledger.csv", dependencies=VENDOR_ONLY)
def console_ledger_csv(request: Request, actor: VendorActor, database: WebDatabase) -> Response:
    period = (request.query_params.get("period") or "").strip()[:16] or None
    return downloads.fund_ledger_csv(database, actor, partner_id=query_int(request.query_params.get("partner_id", "")), period_key=period, today=clock.today())


@router.post(CONSOLE + "/budgets", dependencies=VENDOR_ONLY)
def console_create_budget(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = submit(session, BudgetCreate, form_values(form), lambda data: fund_service.create_budget(session, actor, data=data), shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"Budget for {submission.result.period_key} created.")
        return RedirectResponse(CONSOLE, status_code=303)
    return _overview(request, session, actor, forms={"budget": submission})


@router.get(CONSOLE + "/budgets/{budget_id}", dependencies=VENDOR_ONLY)
def console_budget(request: Request, budget_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _budget(request, session, actor, budget_id=budget_id)


def _budget(request: Request, session: Session, actor: Actor, *, budget_id: int, forms: dict[str, Submission[Any]] | None = None) -> Response:
    """A budget's edit page: its amount and grace date changed with a reason, or money withdrawn
    from what is not allocated (the service refuses to go below what partners were allocated)."""
    view = fund_service.get_budget(session, actor, budget_id=budget_id)
    forms = forms or {}
    context = {"view": view, "forms": forms, "may_manage": can(actor, Permission.FUNDS_MANAGE)}
    return render(request, "funds/budget.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.post(CONSOLE + "/budgets/{budget_id}", dependencies=VENDOR_ONLY)
def console_update_budget(request: Request, budget_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    def update(data: BudgetUpdate) -> Any:
        return fund_service.update_budget(session, actor, budget_id=budget_id, data=data)

    return _change_budget(request, session, actor, form, budget_id=budget_id, schema=BudgetUpdate, change=update, done="Budget changed.", form_key="edit")


@router.post(CONSOLE + "/budgets/{budget_id}/withdrawal", dependencies=VENDOR_ONLY)
def console_withdraw_budget(request: Request, budget_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    def withdraw(data: BudgetWithdrawal) -> Any:
        return fund_service.withdraw_budget(session, actor, budget_id=budget_id, data=data)

    done = "Money withdrawn from the budget."
    return _change_budget(request, session, actor, form, budget_id=budget_id, schema=BudgetWithdrawal, change=withdraw, done=done, form_key="withdraw")


def _change_budget(
    request: Request,
    session: Session,
    actor: Actor,
    form: FormData,
    *,
    budget_id: int,
    schema: type[S],
    change: Callable[[S], Any],
    done: str,
    form_key: str,
) -> Response:
    """One of the budget page's forms (blank fields left out) through its one service call."""
    fund_service.get_budget(session, actor, budget_id=budget_id)  # 404 before the form is read
    values = {key: value for key, value in form_values(form).items() if value not in ("", None)}
    submission = submit(session, schema, values, change, shown=echo(form))
    again = functools.partial(_budget, request, session, actor, budget_id=budget_id)
    return _after(request, submission, done=done, to=f"{CONSOLE}/budgets/{budget_id}", again=lambda: again(forms={form_key: submission}))


def _after(request: Request, submission: Submission[Any], *, done: str, to: str, again: Callable[[], Response]) -> Response:
    """Post-redirect-get: the flash and the redirect when the service accepted the form, else the page again with its errors."""
    if submission.ok:
        flash(request, done)
        return RedirectResponse(to, status_code=303)
    return again()


@router.post(CONSOLE + "/budgets/{budget_id}/allocations", dependencies=VENDOR_ONLY)
def console_generate(request: Request, budget_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    def generate(data: AllocationGenerate) -> Any:
        return fund_service.generate_allocations(session, actor, budget_id=budget_id, reason=data.reason)

    submission = submit(session, AllocationGenerate, form_values(form), generate, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"{len(submission.result)} allocations generated from the tiers' MDF benefits.")
        return RedirectResponse(CONSOLE, status_code=303)
    return _overview(request, session, actor, forms={"generate": submission})


@router.post(CONSOLE + "/allocations", dependencies=VENDOR_ONLY)
def console_allocate(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = submit(session, AllocationSet, form_values(form), lambda data: fund_service.set_allocation(session, actor, data=data), shown=echo(form))
    if submission.ok:
        flash(request, "Allocation saved.")
        return RedirectResponse(CONSOLE, status_code=303)
    return _overview(request, session, actor, forms={"allocation": submission})


# --- requests ------------------------------------------------------------------------------------


@router.get(CONSOLE + "/requests", dependencies=VENDOR_ONLY)
def console_requests(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _requests(request, session, actor, base=CONSOLE, default_status=RequestStatus.SUBMITTED.value)


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_overview(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _portal(request, session, actor)


def _portal(request: Request, session: Session, actor: Actor, forms: dict[str, Submission[Any]] | None = None) -> Response:
    forms = forms or {}
    requests = fund_service.list_requests(session, actor, filters=FundFilters(), page=PageRequest(limit=PAGE_SIZE), sort="-submitted_at")
    claims = fund_service.list_claims(session, actor, filters=FundFilters(), page=PageRequest(limit=PAGE_SIZE), sort="-submitted_at")
    context = {
        "rows": fund_service.ledger(session, actor),
        "requests": requests,
        "claims": claims,
        "forms": forms,
        "activity_types": [(a.value, a.label) for a in ActivityType],
        "today": clock.today(),
        "returns": fund_service.returns(session, actor, by_partner=False),
    }
    return render(request, "funds/portal_overview.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.post(PORTAL + "/requests", dependencies=PORTAL_ONLY)
def portal_submit_request(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    submission = submit(session, FundRequestCreate, form_values(form), lambda data: fund_service.submit_request(session, actor, data=data), shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, "Fund request submitted for review.")
        return RedirectResponse(f"{PORTAL}/requests/{submission.result.id}", status_code=303)
    return _portal(request, session, actor, forms={"request": submission})


def _requests(request: Request, session: Session, actor: Actor, *, base: str, default_status: str | None = None) -> Response:
    return _queue(request, session, actor, base=base, default_status=default_status, of_claims=False)


def _queue(request: Request, session: Session, actor: Actor, *, base: str, default_status: str | None, of_claims: bool) -> Response:
    """The request or claim list: filtered, sorted (oldest first while it is a review queue), paged."""
    statuses = [s.value for s in (ClaimStatus if of_claims else RequestStatus)]
    filters = _filters(request, statuses=statuses, default_status=default_status)
    sort = _sort(request, CLAIM_SORTS if of_claims else REQUEST_SORTS, "submitted_at" if filters.status == "submitted" else "-submitted_at")
    lister = fund_service.list_claims if of_claims else fund_service.list_requests
    page = lister(session, actor, filters=filters, page=PageRequest(limit=PAGE_SIZE, offset=_offset(request)), sort=sort)
    context = {
        "page": page,
        "base": base,
        "filters": filters,
        "statuses": statuses,
        "sort": sort,
        "now": clock.now(),
        "activity_types": [a.value for a in ActivityType],
    }
    return render(request, "funds/claims.html" if of_claims else "funds/requests.html", context)


@router.get(CONSOLE + "/requests/{fund_request_id}", dependencies=VENDOR_ONLY)
def console_request(request: Request, fund_request_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _request(request, session, actor, request_id=fund_request_id, base=CONSOLE)


@router.get(PORTAL + "/requests/{fund_request_id}", dependencies=PORTAL_ONLY)
def portal_request(request: Request, fund_request_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _request(request, session, actor, request_id=fund_request_id, base=PORTAL)


def _request(request: Request, session: Session, actor: Actor, *, request_id: int, base: str, forms: dict[str, Submission[Any]] | None = None) -> Response:
    found = fund_service.get_request(session, actor, request_id=request_id)
    forms = forms or {}
    context = {
        "item": found,
        "claims": fund_service.claims_of_request(session, actor, request_id=request_id),
        "base": base,
        "forms": forms,
        "proofs": fund_service.unattached_proofs(session, actor) if actor.is_partner else [],
        "categories": [(c.value, c.value.replace("_", " ").capitalize()) for c in CostCategory],
        "proof_kinds": [(k.value, k.value.replace("_", " ").capitalize()) for k in ProofKind],
        "line_rows": range(MAX_LINES),
        "today": clock.today(),
        "may_review": can(actor, Permission.FUNDS_REVIEW),
    }
    return render(request, "funds/request.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.post(CONSOLE + "/requests/{fund_request_id}/decision", dependencies=VENDOR_ONLY)
def console_decide_request(request: Request, fund_request_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = _decision(session, form, lambda data: fund_service.decide_request(session, actor, request_id=fund_request_id, decision=data))
    again = functools.partial(_request, request, session, actor, request_id=fund_request_id, base=CONSOLE, forms={"decision": submission})
    return _after(request, submission, done="Decision recorded.", to=f"{CONSOLE}/requests/{fund_request_id}", again=again)


def _decision(session: Session, form: FormData, decide: Callable[[Decision], Any]) -> Submission[Any]:
    """A reviewer's approve/decline form on a request or a claim (the button says which), decided by one service call."""
    values = form_values(form)
    values["approve"] = values.get("approve") == "approve"
    return submit(session, Decision, values, decide, shown=echo(form))


@router.post(PORTAL + "/requests/{fund_request_id}/proofs", dependencies=PORTAL_ONLY)
def portal_upload_proof(request: Request, fund_request_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    fund_service.get_request(session, actor, request_id=fund_request_id)  # 404 for another partner's
    upload = form.get("file")
    settings = request.app.state.settings
    try:
        if not isinstance(upload, UploadFile):
            raise RuleViolation("Choose a file to upload.", details=[{"field": "file", "message": "choose a file"}])
        file_service.upload(
            session,
            actor,
            source=upload.file,
            filename=upload.filename or "",
            purpose=FilePurpose.FUND_CLAIM,
            partner_id=None,
            store=store_for(settings),
            max_bytes=settings.max_upload_bytes,
        )
    except AllianceError as error:
        status, errors = refused(session, error)
        return _request(request, session, actor, request_id=fund_request_id, base=PORTAL, forms={"upload": Submission(errors=errors, status=status)})
    flash(request, "Proof uploaded: tick it in the claim below.")
    return RedirectResponse(f"{PORTAL}/requests/{fund_request_id}#claim", status_code=303)


@router.post(PORTAL + "/requests/{fund_request_id}/claims", dependencies=PORTAL_ONLY)
def portal_submit_claim(request: Request, fund_request_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    fund_service.get_request(session, actor, request_id=fund_request_id)  # 404 for another partner's
    values = _claim_values(form, fund_request_id)
    submission = submit(session, ClaimCreate, values, lambda data: fund_service.submit_claim(session, actor, data=data), shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, "Claim submitted for review.")
        return RedirectResponse(f"{PORTAL}/claims/{submission.result.id}", status_code=303)
    return _request(request, session, actor, request_id=fund_request_id, base=PORTAL, forms={"claim": submission})


def _claim_values(form: FormData, request_id: int) -> dict[str, Any]:
    lines = [row for _n, row in form_rows(form, "lines", ("category", "description", "amount"), limit=MAX_LINES) if row["description"] or row["amount"]]
    proofs = [{"file_id": value, "kind": str(form.get(f"kind-{value}", "other"))} for value in (str(v) for v in form.getlist("proof")) if value]
    return {"request_id": request_id, "lines": lines, "proofs": proofs, "notes": str(form.get("notes", "")).strip() or None}


# --- claims --------------------------------------------------------------------------------------


@router.get(CONSOLE + "/claims", dependencies=VENDOR_ONLY)
def console_claims(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _claims(request, session, actor, base=CONSOLE, default_status=ClaimStatus.SUBMITTED.value)


@router.get(CONSOLE + "/claims.csv", dependencies=VENDOR_ONLY)
def console_claims_csv(request: Request, actor: VendorActor, database: WebDatabase) -> Response:
    filters = _filters(request, statuses=[s.value for s in ClaimStatus])
    return downloads.fund_claims_csv(database, actor, filters=filters, sort=None, today=clock.today())


@router.get(PORTAL + "/claims.csv", dependencies=PORTAL_ONLY)
def portal_claims_csv(request: Request, actor: PortalActor, database: WebDatabase) -> Response:
    filters = _filters(request, statuses=[s.value for s in ClaimStatus])
    return downloads.fund_claims_csv(database, actor, filters=filters, sort=None, today=clock.today())


@router.get(PORTAL + "/ledger.csv", dependencies=PORTAL_ONLY)
def portal_ledger_csv(request: Request, actor: PortalActor, database: WebDatabase) -> Response:
    return downloads.fund_ledger_csv(database, actor, partner_id=None, period_key=None, today=clock.today())


def _claims(request: Request, session: Session, actor: Actor, *, base: str, default_status: str | None = None) -> Response:
    return _queue(request, session, actor, base=base, default_status=default_status, of_claims=True)


@router.get(CONSOLE + "/claims/{claim_id}", dependencies=VENDOR_ONLY)
def console_claim(request: Request, claim_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _claim(request, session, actor, claim_id=claim_id, base=CONSOLE)


@router.get(PORTAL + "/claims/{claim_id}", dependencies=PORTAL_ONLY)
def portal_claim(request: Request, claim_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _claim(request, session, actor, claim_id=claim_id, base=PORTAL)


def _claim(request: Request, session: Session, actor: Actor, *, claim_id: int, base: str, forms: dict[str, Submission[Any]] | None = None) -> Response:
    claim = fund_service.get_claim(session, actor, claim_id=claim_id)
    forms = forms or {}
    context = {
        "claim": claim,
        "item": fund_service.get_request(session, actor, request_id=claim.request_id),
        "proofs": fund_service.proofs_of(session, actor, claim=claim),
        "base": base,
        "forms": forms,
        "today": clock.today(),
        "may_review": can(actor, Permission.FUNDS_REVIEW),
        "may_pay": can(actor, Permission.FUNDS_PAY),
    }
    return render(request, "funds/claim.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.post(CONSOLE + "/claims/{claim_id}/decision", dependencies=VENDOR_ONLY)
def console_decide_claim(request: Request, claim_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = _decision(session, form, lambda data: fund_service.decide_claim(session, actor, claim_id=claim_id, decision=data))
    again = functools.partial(_claim, request, session, actor, claim_id=claim_id, base=CONSOLE, forms={"decision": submission})
    return _after(request, submission, done="Decision recorded.", to=f"{CONSOLE}/claims/{claim_id}", again=again)


@router.post(CONSOLE + "/claims/{claim_id}/payment", dependencies=VENDOR_ONLY)
def console_pay_claim(request: Request, claim_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = submit(
        session, Payment, form_values(form), lambda data: fund_service.pay_claim(session, actor, claim_id=claim_id, payment=data), shown=echo(form)
    )
    again = functools.partial(_claim, request, session, actor, claim_id=claim_id, base=CONSOLE, forms={"payment": submission})
    return _after(request, submission, done="Payment recorded.", to=f"{CONSOLE}/claims/{claim_id}", again=again)
