"""Vendor console: programs, their tier ladders, and the tier editor for program admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.cosell.disputes.escalation import deciders_in_words
from alliance.http.params import IdPath
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.partners import program_service
from alliance.partners.models import Program, Tier
from alliance.partners.schemas import ProgramUpdate, TierUpdate
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, form_rows, form_values, submit
from alliance.web.templating import render

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)

TIER_FIELDS = ("name", *program_service.BENEFIT_FIELDS, "criteria_mode")
CRITERION_COLUMNS = ("metric", "comparison", "threshold")
BLANK_ROWS = 2
SETTINGS_FIELDS = (
    "name",
    "description",
    "currency",
    "influence_credit_percent",
    "influence_credit_split",
    "downgrade_grace_days",
    "mdf_claim_deadline_days",
    "mdf_reimbursement_percent",
    "review_calendar_id",
)
LADDER_COLUMNS = ("name", "days", "deciders")
DECIDER_CHOICES = [("cam", "CAM"), ("ps_lead", "PS lead"), ("executive", "Executive"), ("program_admin", "Program admin")]


@router.get("/programs")
def list_programs(request: Request, session: WebSession, actor: VendorActor) -> Response:
    programs = program_service.list_programs(session, actor)
    counts = program_service.partner_counts_by_tier(session, actor)
    return render(request, "programs/list.html", {"programs": programs, "counts": counts})


@router.get("/programs/{program_id}")
def program_detail(request: Request, program_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    program = program_service.get_program(session, actor, program_id=program_id)
    counts = program_service.partner_counts_by_tier(session, actor)
    context = {
        "program": program,
        "counts": counts,
        "decider_words": lambda roles: deciders_in_words(frozenset(roles)),
        "review_calendar": program_service.review_calendar(session, actor, program=program),
    }
    return render(request, "programs/detail.html", context)


@router.get("/programs/{program_id}/settings")
def edit_settings(request: Request, program_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    require(actor, Permission.PROGRAMS_WRITE)
    program = program_service.get_program(session, actor, program_id=program_id)
    return _settings_form(request, session, actor, program, Submission(values=_settings_values(program)))


@router.post("/programs/{program_id}/settings")
def update_settings(request: Request, program_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    require(actor, Permission.PROGRAMS_WRITE)
    ladder = _submitted_ladder(form)
    # Blank fields are sent as null: a blank description clears it, a blank required field is refused.
    values: dict[str, Any] = {k: v for k, v in form_values(form, optional=True).items() if k in SETTINGS_FIELDS}
    values["is_active"] = form.get("is_active") == "on"
    values["dispute_ladder"] = ladder
    shown = {k: str(form.get(k, "")) for k in SETTINGS_FIELDS} | {"is_active": values["is_active"], "dispute_ladder": ladder}

    def save(data: ProgramUpdate) -> Program:
        return program_service.update_program(session, actor, program_id=program_id, data=data)

    submission = submit(session, ProgramUpdate, values, save, shown=shown)
    if submission.ok:
        flash(request, "Program settings saved.")
        return RedirectResponse(f"/console/programs/{program_id}#program-settings", status_code=303)
    return _settings_form(request, session, actor, program_service.get_program(session, actor, program_id=program_id), submission)


def _submitted_ladder(form: FormData) -> list[dict[str, Any]]:
    """Ladder rows in form order; a row without a name is removed (or unused)."""
    return [row for _, row in form_rows(form, "ladder", LADDER_COLUMNS, limit=100, separator="-", lists=("deciders",)) if row["name"]]


def _settings_values(program: Program) -> dict[str, Any]:
    values: dict[str, Any] = {name: "" if getattr(program, name) is None else str(getattr(program, name)) for name in SETTINGS_FIELDS}
    values["influence_credit_percent"] = format(program.influence_credit_percent.normalize(), "f")
    values["mdf_reimbursement_percent"] = format(program.mdf_reimbursement_percent.normalize(), "f")
    values["is_active"] = program.is_active
    values["dispute_ladder"] = [dict(level) for level in program.dispute_ladder]
    return values


def _settings_form(request: Request, session: Session, actor: Actor, program: Program, submission: Submission[Any]) -> Response:
    rows = [*list(submission.values.get("dispute_ladder", [])), {"name": "", "days": "", "deciders": []}]
    calendars = program_service.calendar_choices(session, actor)
    context = {
        "program": program,
        "values": submission.values,
        "errors": submission.errors,
        "rows": rows,
        "decider_choices": DECIDER_CHOICES,
        "calendar_choices": [(c.id, f"{c.name} ({c.time_zone})") for c in calendars],
        "default_calendar": f"Default: {calendars[0].name}" if calendars else "Default: Monday to Friday, UTC",
    }
    return render(request, "programs/settings_form.html", context, status_code=submission.status)


@router.get("/tiers/{tier_id}/edit")
def edit_tier(request: Request, tier_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    require(actor, Permission.PROGRAMS_WRITE)
    tier = program_service.get_tier(session, actor, tier_id=tier_id)
    return _form(request, tier, Submission(values=_tier_values(tier)))


@router.post("/tiers/{tier_id}/edit")
def update_tier(request: Request, tier_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    tier = program_service.get_tier(session, actor, tier_id=tier_id)
    program_id = tier.program_id
    rows = _submitted_rows(form)
    values = {k: v for k, v in form_values(form, optional=True).items() if not k.startswith("criteria-")}
    values["criteria"] = [{"metric": r["metric"], "comparison": r["comparison"] or ">=", "threshold": r["threshold"]} for r in rows]
    shown = {k: str(form.get(k, "")) for k in (*TIER_FIELDS, "reason")} | {"criteria": rows}
    submission = submit(session, TierUpdate, values, lambda data: program_service.update_tier(session, actor, tier_id=tier_id, data=data), shown=shown)
    if submission.ok and submission.result is not None:
        flash(request, f"Tier {submission.result.name} saved.")
        return RedirectResponse(f"/console/programs/{program_id}#tier-{tier_id}", status_code=303)
    return _form(request, program_service.get_tier(session, actor, tier_id=tier_id), submission)


def _submitted_rows(form: FormData) -> list[dict[str, str]]:
    """Criterion rows in form order; a row without a metric is a removed (or unused) row."""
    return [row for _, row in form_rows(form, "criteria", CRITERION_COLUMNS, limit=1000, separator="-") if row["metric"]]


def _tier_values(tier: Tier) -> dict[str, Any]:
    values: dict[str, Any] = {name: str(getattr(tier, name)) for name in TIER_FIELDS}
    values["mdf_allocation"] = format(tier.mdf_allocation.normalize(), "f")
    values["discount_percent"] = format(tier.discount_percent.normalize(), "f")
    values["criteria"] = [{"metric": c.metric, "comparison": c.comparison, "threshold": format(c.threshold.normalize(), "f")} for c in tier.criteria]
    return values


def _form(request: Request, tier: Tier, submission: Submission[Any]) -> Response:
    rows = list(submission.values.get("criteria", [])) + [{"metric": "", "comparison": ">=", "threshold": ""}] * BLANK_ROWS
    context = {"tier": tier, "values": submission.values, "errors": submission.errors, "rows": rows, "metrics": program_service.list_metrics()}
    return render(request, "programs/tier_form.html", context, status_code=submission.status)
