"""Early-access program pages. Console: programs (create one per release with terms and
eligibility), applications across programs (filter, sort, CSV), a program's applications with each
partner's eligibility and the accept / decline forms, and partners' feedback. Portal: the
programs with the partner's eligibility and application, applying (accepting the terms), the
pre-release assets and feedback on them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.assets.early_access import service as early_access_service
from alliance.assets.early_access.repository import APPLICATION_SORTS, ApplicationFilters
from alliance.assets.early_access.rules import ApplicationStatus
from alliance.assets.early_access.schemas import EarlyAccessApplicationInput, EarlyAccessDecisionInput, EarlyAccessFeedbackInput, EarlyAccessProgramInput
from alliance.enablement import catalog_service
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.kit.sorting import known_sort
from alliance.partners import product_line_service
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, query_int, submit
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/early-access"
CONSOLE = "/console/early-access"
PAGE_SIZE = 50
TIER_RANKS = [(1, "Registered (1)"), (2, "Silver (2)"), (3, "Gold (3)"), (4, "Platinum (4)")]
CSV_COLUMNS = (
    "id",
    "program",
    "partner",
    "status",
    "terms_accepted_at",
    "terms_accepted_by",
    "terms_sha256",
    "decided_at",
    "decided_by",
    "decision_reason",
    "note",
)


# --- console ---------------------------------------------------------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_programs(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _programs(request, session, actor, values={}, errors={})


@router.post(CONSOLE, dependencies=VENDOR_ONLY)
def console_create(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {
        "product_line": str(form.get("product_line", "")),
        "version": str(form.get("version", "")),
        "terms": str(form.get("terms", "")),
        "minimum_tier_rank": query_int(str(form.get("minimum_tier_rank", ""))),
        "required_track_id": query_int(str(form.get("required_track_id", ""))),
    }
    submission = submit(session, EarlyAccessProgramInput, values, lambda data: early_access_service.create_program(session, actor, data=data), shown=values)
    if submission.ok and submission.result is not None:
        flash(request, f"The {submission.result.name} early-access program is open for applications.")
        return RedirectResponse(f"{CONSOLE}/{submission.result.id}", status_code=303)
    return _programs(request, session, actor, values=submission.values, errors=submission.errors, status=submission.status)


@router.get(CONSOLE + "/applications", dependencies=VENDOR_ONLY)
def console_applications(request: Request, session: WebSession, actor: VendorActor) -> Response:
    filters, sort = _filters(request)
    offset = max(query_int(request.query_params.get("offset", "")) or 0, 0)
    page = early_access_service.list_applications(session, actor, filters=filters, sort=sort, page=PageRequest(limit=PAGE_SIZE, offset=offset))
    context = {
        "page": page,
        "filters": filters,
        "sort": sort or "-applied",
        "programs": [(e.program.id, e.program.name) for e in early_access_service.list_programs(session, actor)],
        "statuses": [(s.value, s.label) for s in ApplicationStatus],
    }
    return render(request, "early_access/applications.html", context)


@router.get(CONSOLE + "/applications.csv", dependencies=VENDOR_ONLY)
def console_applications_csv(request: Request, session: WebSession, actor: VendorActor) -> Response:
    filters, sort = _filters(request)
    page = early_access_service.list_applications(session, actor, filters=filters, sort=sort, page=PageRequest(limit=500))
    rows: list[tuple[Any, ...]] = [CSV_COLUMNS]
    for application, program, partner, accepted_by, decided_by in page.items:
        rows.append(
            (
                application.id,
                program,
                partner,
                application.status.value,
                application.terms_accepted_at.isoformat(),
                accepted_by or "",
                application.terms_sha256,
                application.decided_at.isoformat() if application.decided_at else "",
                decided_by or "",
                application.decision_reason or "",
                application.note,
            )
        )
    return downloads.csv_attachment((downloads.csv_line(row) for row in rows), "early_access_applications.csv")


@router.get(CONSOLE + "/{early_access_program_id}", dependencies=VENDOR_ONLY)
def console_program(request: Request, early_access_program_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _program(request, session, actor, program_id=early_access_program_id, base=CONSOLE)


@router.post(CONSOLE + "/{early_access_program_id}/open", dependencies=VENDOR_ONLY)
def console_set_open(request: Request, early_access_program_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    program = early_access_service.set_open(session, actor, program_id=early_access_program_id, is_open=form.get("is_open") == "true")
    flash(request, f"The {program.name} program is {'open for' if program.is_open else 'closed to'} applications.")
    return RedirectResponse(f"{CONSOLE}/{early_access_program_id}", status_code=303)


@router.post(CONSOLE + "/{early_access_program_id}/applications/{early_access_application_id}/decision", dependencies=VENDOR_ONLY)
def console_decide(
    request: Request, early_access_program_id: IdPath, early_access_application_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody
) -> Response:
    values = {"decision": str(form.get("decision", "")), "reason": str(form.get("reason", "")).strip() or None}
    submission = submit(
        session,
        EarlyAccessDecisionInput,
        values,
        lambda data: early_access_service.decide_application(session, actor, application_id=early_access_application_id, data=data),
        shown=values,
    )
    if submission.ok and submission.result is not None:
        flash(request, f"Application {ApplicationStatus(submission.result.status).label.lower()}.")
        return RedirectResponse(f"{CONSOLE}/{early_access_program_id}", status_code=303)
    return _program(request, session, actor, program_id=early_access_program_id, base=CONSOLE, forms={f"decision-{early_access_application_id}": submission})


# --- portal ----------------------------------------------------------------------------------


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_programs(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return render(request, "early_access/programs.html", {"entries": early_access_service.list_programs(session, actor), "base": PORTAL})


@router.get(PORTAL + "/{early_access_program_id}", dependencies=PORTAL_ONLY)
def portal_program(request: Request, early_access_program_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _program(request, session, actor, program_id=early_access_program_id, base=PORTAL)


@router.post(PORTAL + "/{early_access_program_id}/apply", dependencies=PORTAL_ONLY)
def portal_apply(request: Request, early_access_program_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    early_access_service.view_program(session, actor, program_id=early_access_program_id)  # 404 before the form is read
    values = {"accept_terms": form.get("accept_terms") == "on", "note": str(form.get("note", ""))}
    submission = submit(
        session,
        EarlyAccessApplicationInput,
        values,
        lambda data: early_access_service.apply(session, actor, program_id=early_access_program_id, data=data),
        shown=values,
    )
    if submission.ok:
        flash(request, "Applied: the vendor's channel team will decide.")
        return RedirectResponse(f"{PORTAL}/{early_access_program_id}", status_code=303)
    return _program(request, session, actor, program_id=early_access_program_id, base=PORTAL, forms={"apply": submission})


@router.post(PORTAL + "/{early_access_program_id}/feedback", dependencies=PORTAL_ONLY)
def portal_feedback(request: Request, early_access_program_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    early_access_service.view_program(session, actor, program_id=early_access_program_id)  # 404 before the form is read
    asset_id = query_int(str(form.get("asset_id", ""))) or 0
    values = {"body": str(form.get("body", ""))}
    submission = submit(
        session,
        EarlyAccessFeedbackInput,
        values,
        lambda data: early_access_service.leave_feedback(session, actor, asset_id=asset_id, data=data),
        shown={**values, "asset_id": asset_id},
    )
    if submission.ok:
        flash(request, "Thank you: your feedback reached the vendor.")
        return RedirectResponse(f"{PORTAL}/{early_access_program_id}#feedback", status_code=303)
    return _program(request, session, actor, program_id=early_access_program_id, base=PORTAL, forms={"feedback": submission})


# --- helpers ---------------------------------------------------------------------------------


def _filters(request: Request) -> tuple[ApplicationFilters, str | None]:
    params = request.query_params
    status = params.get("status") or None
    sort = params.get("sort") or None
    return (
        ApplicationFilters(
            program_id=query_int(params.get("program_id")),
            status=ApplicationStatus(status) if status in set(ApplicationStatus) else None,
            partner=(params.get("partner") or "").strip()[:100] or None,
        ),
        sort if known_sort(sort, APPLICATION_SORTS) else None,
    )


def _programs(request: Request, session: Session, actor: Actor, *, values: dict[str, Any], errors: dict[str, str], status: int = 200) -> Response:
    lines = product_line_service.list_product_lines(session, actor, active=True, page=PageRequest(limit=500)).items
    tracks = catalog_service.list_tracks(session, actor, active=True, page=PageRequest(limit=500)).items
    context = {
        "entries": early_access_service.list_programs(session, actor),
        "base": CONSOLE,
        "values": values,
        "errors": errors,
        "line_options": [(line.key, line.name) for line in lines],
        "tier_options": TIER_RANKS,
        "track_options": [(t.id, t.name) for t in tracks],
    }
    return render(request, "early_access/programs.html", context, status_code=status)


def _program(request: Request, session: Session, actor: Actor, *, program_id: int, base: str, forms: dict[str, Submission[Any]] | None = None) -> Response:
    view = early_access_service.view_program(session, actor, program_id=program_id)
    forms = forms or {}
    context = {"view": view, "program": view.entry.program, "entry": view.entry, "base": base, "forms": forms}
    return render(request, "early_access/program.html", context, status_code=max((s.status for s in forms.values()), default=200))
