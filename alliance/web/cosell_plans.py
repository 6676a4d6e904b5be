"""Co-delivery plan pages, the same in the portal and the console: the latest version's rows and
sign-offs, signing for one's own side, proposing a new version, and what changed since the agreed
version, and the open disputes on its activities (which hold signing back). Every page calls
cosell.plans.service; what the reader may do comes from plan_service.plan_actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.cosell.labels import service as label_service
from alliance.cosell.plans import rules as plan_rules
from alliance.cosell.plans import service as plan_service
from alliance.cosell.plans.schemas import MAX_ROWS, PlanProposal
from alliance.cosell.vocabulary import Activity, Lead
from alliance.http.params import IdPath
from alliance.identity.scope import Actor
from alliance.kit.schemas import InputSchema
from alliance.registrations import service as registration_service
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_rows, query_int, submit
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/cosell/plans"
CONSOLE = "/console/cosell/plans"
COLUMNS = ("activity", "label", "lead", "effort_days", "notes")
BLANK_ROWS = 2
ACTIVITY_OPTIONS = [(a.value, a.value.replace("_", " ").capitalize()) for a in Activity]
# The rows a first plan starts with, led by the SI until the proposer says otherwise.
STARTING_ACTIVITIES = (
    Activity.ARCHITECTURE_DESIGN,
    Activity.IMPLEMENTATION,
    Activity.INTEGRATION,
    Activity.DATA_MIGRATION,
    Activity.PROJECT_MANAGEMENT,
    Activity.TRAINING,
)
LEAD_LABELS = {Lead.SI: "Partner (SI)", Lead.VENDOR_PS: "Vendor PS", Lead.JOINT: "Joint"}


@router.get(PORTAL + "/{plan_id}", dependencies=PORTAL_ONLY)
def portal_plan(request: Request, plan_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _page(request, session, actor, plan_id=plan_id, base=PORTAL)


@router.get(CONSOLE + "/{plan_id}", dependencies=VENDOR_ONLY)
def console_plan(request: Request, plan_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _page(request, session, actor, plan_id=plan_id, base=CONSOLE)


@router.post(PORTAL + "/{plan_id}/sign", dependencies=PORTAL_ONLY)
def portal_sign(request: Request, plan_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _sign(request, session, actor, plan_id=plan_id, form=form, base=PORTAL)


@router.post(CONSOLE + "/{plan_id}/sign", dependencies=VENDOR_ONLY)
def console_sign(request: Request, plan_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _sign(request, session, actor, plan_id=plan_id, form=form, base=CONSOLE)


@router.post(PORTAL + "/{plan_id}/versions", dependencies=PORTAL_ONLY)
def portal_propose(request: Request, plan_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _propose(request, session, actor, plan_id=plan_id, form=form, base=PORTAL)


@router.post(CONSOLE + "/{plan_id}/versions", dependencies=VENDOR_ONLY)
def console_propose(request: Request, plan_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _propose(request, session, actor, plan_id=plan_id, form=form, base=CONSOLE)


@router.get("/portal/registrations/{registration_id}/plan/new", dependencies=PORTAL_ONLY)
def portal_new_plan(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _new_plan(request, session, actor, registration_id=registration_id, base=PORTAL)


@router.get("/console/registrations/{registration_id}/plan/new", dependencies=VENDOR_ONLY)
def console_new_plan(request: Request, registration_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _new_plan(request, session, actor, registration_id=registration_id, base=CONSOLE)


@router.post("/portal/registrations/{registration_id}/plan/new", dependencies=PORTAL_ONLY)
def portal_start_plan(request: Request, registration_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _start_plan(request, session, actor, registration_id=registration_id, form=form, base=PORTAL)


@router.post("/console/registrations/{registration_id}/plan/new", dependencies=VENDOR_ONLY)
def console_start_plan(request: Request, registration_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _start_plan(request, session, actor, registration_id=registration_id, form=form, base=CONSOLE)


def _new_plan(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    registration_id: int,
    base: str,
    submission: Submission[Any] | None = None,
) -> Response:
    """The first version of a plan for a project registration (an existing plan opens instead)."""
    registration = registration_service.get_registration(session, actor, registration_id=registration_id)
    existing = plan_service.plan_for_registration(session, actor, registration_id=registration_id)
    if existing is not None:
        return RedirectResponse(f"{base}/{existing.id}", status_code=303)
    values = (
        submission.values
        if submission
        else {
            key: value
            for i, a in enumerate(STARTING_ACTIVITIES)
            for key, value in ((f"activities.{i}.activity", a.value), (f"activities.{i}.lead", Lead.SI.value))
        }
    )
    used = [int(k.split(".")[1]) for k in values if k.startswith("activities.") and k.split(".")[1].isdigit()]
    context = {
        "registration": registration,
        "registration_url": ("/portal" if base == PORTAL else "/console") + f"/registrations/{registration_id}",
        "form_action": request.url.path,
        "values": values,
        "errors": submission.errors if submission else {},
        "row_count": max(used, default=-1) + 1 + BLANK_ROWS,
        "activity_options": ACTIVITY_OPTIONS,
        "lead_options": [(k.value, v) for k, v in LEAD_LABELS.items()],
    }
    return render(request, "cosell/plan_new.html", context, status_code=submission.status if submission else 200)


def _start_plan(request: Request, session: Session, actor: Actor, *, registration_id: int, form: FormData, base: str) -> Response:
    registration_service.get_registration(session, actor, registration_id=registration_id)  # 404 for another partner's
    rows, origins = _rows(form)
    note = str(form.get("note", "")).strip() or None

    def propose(data: PlanProposal) -> Any:
        return plan_service.propose_plan(session, actor, registration_id=registration_id, activities=data.activities, note=data.note)

    submission = submit(session, PlanProposal, {"activities": rows, "note": note}, propose, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, "Plan proposed; both sides sign it to agree.")
        return RedirectResponse(f"{base}/{submission.result.plan_id}", status_code=303)
    submission.errors = _form_errors(submission.errors, origins)
    return _new_plan(request, session, actor, registration_id=registration_id, base=base, submission=submission)


def _sign(request: Request, session: Session, actor: Actor, *, plan_id: int, form: FormData, base: str) -> Response:
    version_id = query_int(str(form.get("version_id", ""))) or 0

    def sign(_: Any) -> Any:
        return plan_service.sign_version(session, actor, version_id=version_id, plan_id=plan_id)

    submission = submit(session, SignRequest, {}, sign, shown={})
    if submission.ok:
        signed = submission.result
        assert signed is not None
        flash(request, f"Version {signed.number} signed.")
        return RedirectResponse(f"{base}/{plan_id}", status_code=303)
    return _page(request, session, actor, plan_id=plan_id, base=base, forms={"sign": submission})


def _propose(request: Request, session: Session, actor: Actor, *, plan_id: int, form: FormData, base: str) -> Response:
    plan = plan_service.get_plan(session, actor, plan_id=plan_id)
    rows, origins = _rows(form)
    note = str(form.get("note", "")).strip() or None
    shown = echo(form)

    def propose(data: PlanProposal) -> Any:
        return plan_service.propose_plan(session, actor, registration_id=plan.registration_id, activities=data.activities, note=data.note)

    submission = submit(session, PlanProposal, {"activities": rows, "note": note}, propose, shown=shown)
    if submission.ok:
        flash(request, "New version proposed; both sides sign it to agree.")
        return RedirectResponse(f"{base}/{plan_id}", status_code=303)
    submission.errors = _form_errors(submission.errors, origins)
    return _page(request, session, actor, plan_id=plan_id, base=base, forms={"propose": submission})


class SignRequest(InputSchema):
    """Signing takes no input but the version (in the path's plan): the side comes from the actor."""


def _rows(form: FormData) -> tuple[list[dict[str, str]], list[int]]:
    """The filled rows of the form (blank rows ignored) and the form row each came from."""
    rows, origins = [], []
    for index, row in form_rows(form, "activities", COLUMNS, limit=MAX_ROWS + BLANK_ROWS):
        if any(row.values()):
            rows.append({column: value for column, value in row.items() if value})
            origins.append(index)
    return rows, origins


def _form_errors(errors: dict[str, str], origins: list[int]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] == "activities" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(origins):
            parts[1] = str(origins[int(parts[1])])
        elif key == "activities":
            message = "Add at least one activity (activity and lead)."
        shown.setdefault(".".join(parts), message)
    return shown


def _values_of(version: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for index, a in enumerate(version.activities):
        values.update(
            {
                f"activities.{index}.activity": str(a.activity),
                f"activities.{index}.label": a.label or "",
                f"activities.{index}.lead": str(a.lead),
                f"activities.{index}.effort_days": "" if a.effort_days is None else str(a.effort_days),
                f"activities.{index}.notes": a.notes or "",
            }
        )
    return values


def _page(request: Request, session: Session, actor: Actor, *, plan_id: int, base: str, forms: dict[str, Submission[Any]] | None = None) -> Response:
    found = plan_service.view_plan(session, actor, plan_id=plan_id)
    plan, latest = found.plan, found.latest
    comparison = plan_service.compare_versions(session, actor, plan_id=plan_id) if len(plan.versions) > 1 else None
    forms = forms or {}
    proposal = forms.get("propose")
    values = proposal.values if proposal else _values_of(latest)
    used = [int(k.split(".")[1]) for k in values if k.startswith("activities.") and k.split(".")[1].isdigit()]
    side = plan_rules.side_of(actor)
    signed = {"partner": latest.partner_signed_at is not None, "vendor": latest.vendor_signed_at is not None}
    context = {
        "plan": plan,
        "latest": latest,
        "agreed": next((v for v in plan.versions if v.id == plan.agreed_version_id), None),
        "comparison": comparison,
        "base": f"{base}/{plan_id}",
        "side": side,
        "signed": signed,
        "actions": found.actions,
        "open_disputes": found.open_disputes,
        "disputes_on": {a.id: found.disputes_on(a) for a in latest.activities},
        "disputes_url": ("/portal" if base == PORTAL else "/console") + "/disputes",
        "registration_url": ("/portal" if base == PORTAL else "/console") + f"/registrations/{plan.registration_id}",
        "registration": label_service.label_registrations(session, actor, registration_ids=[plan.registration_id]).get(plan.registration_id),
        "forms": forms,
        "values": values,
        "errors": proposal.errors if proposal else {},
        "row_count": max(used, default=-1) + 1 + BLANK_ROWS,
        "activity_options": ACTIVITY_OPTIONS,
        "lead_options": [(k.value, v) for k, v in LEAD_LABELS.items()],
        "lead_labels": LEAD_LABELS,
        "activity_rows": [(str(a.id), a.label or str(a.activity).replace("_", " ").capitalize()) for a in latest.activities],
        "dispute": forms["dispute"] if "dispute" in forms else Submission(),
    }
    return render(request, "cosell/plan.html", context, status_code=max((s.status for s in forms.values()), default=200))


render_plan = _page  # the dispute form on the plan page re-renders it with its errors
