"""Co-sell routing pages: the ordered routing rules, team queues and business calendars every vendor
role reads, and the forms program admins change them with. Every page calls cosell.routing.service,
as the API does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.cosell.models import BusinessCalendar, CosellTeam, RoutingRule
from alliance.cosell.routing import rules as routing_rules
from alliance.cosell.routing import service as routing_service
from alliance.cosell.routing import words as routing_words
from alliance.cosell.routing.schemas import CalendarCreate, CalendarUpdate, RuleCreate, RuleUpdate, TeamCreate, TeamUpdate
from alliance.http.params import IdPath
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.partners import product_line_service, program_service
from alliance.partners.vocabulary import REGIONS
from alliance.web.cosell_panel import TYPE_LABELS
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, submit
from alliance.web.templating import render

BASE = "/console/cosell/routing"
router = APIRouter(prefix=BASE, dependencies=VENDOR_ONLY)

ALL = PageRequest(limit=MAX_LIMIT)
PRIORITIES = ("1", "2", "3", "4", "5")
# The services' field lists, less the ones a form carries in its own shape (five priority inputs, one holiday per line).
RULE_FIELDS = tuple(name for name in routing_service.RULE_FIELDS if name != "priority_hours")
TEAM_FIELDS = routing_service.TEAM_FIELDS
CALENDAR_FIELDS = tuple(name for name in routing_service.CALENDAR_FIELDS if name != "holidays")
DAY_OPTIONS = [(str(number), name) for number, name in enumerate(routing_words.DAY_NAMES, start=1)]
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Stockholm",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Asia/Shanghai",
    "Australia/Sydney",
)
# Messages of the calendar schema and service, said next to the field they are about.
NO_DAYS = "Choose at least one working day."
DAY_ORDER = "The working day must end after it starts."


def _can_change(actor: Actor) -> bool:
    return can(actor, Permission.COSELL_ROUTING_WRITE)


def _line_names(session: Session, actor: Actor) -> dict[str, str]:
    return {line.key: line.name for line in product_line_service.list_product_lines(session, actor, active=None, page=ALL).items}


# --- the overview --------------------------------------------------------------------------------


@router.get("")
def overview(request: Request, session: WebSession, actor: VendorActor) -> Response:
    rules = routing_service.list_rules(session, actor)
    teams = routing_service.list_teams(session, actor)
    calendars = routing_service.list_calendars(session, actor)
    lines = _line_names(session, actor)
    context = {
        "rules": rules,
        "teams": teams,
        "calendars": calendars,
        "default_team": next((t for t in teams if t.is_default), None),
        "conditions": {r.id: routing_words.conditions(r, type_labels=TYPE_LABELS, product_lines=lines) for r in rules},
        "team_names": {t.id: t.name for t in teams},
        "calendar_names": {c.id: c.name for c in calendars},
        "default_hours": routing_words.hours(routing_rules.DEFAULT_FIRST_RESPONSE_HOURS),
        "words": routing_words,
        "today": clock.today(),
        "can_change": _can_change(actor),
    }
    return render(request, "cosell/routing.html", context)


# --- rules ---------------------------------------------------------------------------------------


@router.get("/rules/new")
def new_rule(request: Request, session: WebSession, actor: VendorActor) -> Response:
    routing_service.require_admin(actor)
    return _rule_form(request, session, actor, rule=None, submission=Submission(values={"is_active": True}))


@router.post("/rules/new")
def create_rule(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    routing_service.require_admin(actor)

    def create(data: RuleCreate) -> RoutingRule:
        return routing_service.create_rule(session, actor, data=data)

    submission = submit(session, RuleCreate, _rule_input(form, optional=False), create, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"Rule “{submission.result.name}” created at position {submission.result.position}.")
        return RedirectResponse(f"{BASE}#rule-{submission.result.id}", status_code=303)
    return _rule_form(request, session, actor, rule=None, submission=submission)


@router.get("/rules/{rule_id}")
def edit_rule(request: Request, rule_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    routing_service.require_admin(actor)
    rule = routing_service.get_rule(session, actor, rule_id=rule_id)
    return _rule_form(request, session, actor, rule=rule, submission=Submission(values=_rule_values(rule)))


@router.post("/rules/{rule_id}")
def update_rule(request: Request, rule_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    routing_service.require_admin(actor)
    routing_service.get_rule(session, actor, rule_id=rule_id)

    def update(data: RuleUpdate) -> RoutingRule:
        return routing_service.update_rule(session, actor, rule_id=rule_id, data=data)

    # Every condition is sent, blank as null: RuleUpdate clears a condition sent as null.
    submission = submit(session, RuleUpdate, _rule_input(form, optional=True), update, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"Rule “{submission.result.name}” saved.")
        return RedirectResponse(f"{BASE}#rule-{rule_id}", status_code=303)
    return _rule_form(request, session, actor, rule=routing_service.get_rule(session, actor, rule_id=rule_id), submission=submission)


def _rule_input(form: FormData, *, optional: bool) -> dict[str, Any]:
    """The rule's fields from the form; the five priority inputs become priority_hours {"1": hours}."""
    values = form_values(form, bool_fields=("is_active",), optional=optional)
    found = {name: value for name, value in values.items() if name in RULE_FIELDS}
    found["priority_hours"] = {p: values[f"priority_hours.{p}"] for p in PRIORITIES if values.get(f"priority_hours.{p}")}
    return found


def _rule_values(rule: RoutingRule) -> dict[str, Any]:
    values: dict[str, Any] = {name: "" if getattr(rule, name) is None else str(getattr(rule, name)) for name in RULE_FIELDS}
    values["first_response_hours"] = routing_words.hours(rule.first_response_hours)
    values["is_active"] = rule.is_active
    values.update({f"priority_hours.{key}": routing_words.hours(value) for key, value in (rule.priority_hours or {}).items()})
    return values


def _keep(options: list[tuple[str, str]], current: Any) -> list[tuple[str, str]]:
    """The options, plus the stored value when the list no longer offers it (saving keeps it)."""
    value = str(current or "")
    if not value or value in {key for key, _ in options}:
        return options
    return [*options, (value, f"{value} (no longer listed)")]


def _tier_options(session: Session, actor: Actor) -> list[tuple[str, str]]:
    names: dict[str, set[str]] = {}
    for program in program_service.list_programs(session, actor):
        for tier in program.tiers:
            names.setdefault(tier.key, set()).add(tier.name)
    return [(key, f"{key} ({', '.join(sorted(found))})") for key, found in sorted(names.items())]


def _rule_form(request: Request, session: Session, actor: Actor, *, rule: RoutingRule | None, submission: Submission[Any]) -> Response:
    values = submission.values
    lines = sorted(_line_names(session, actor).items(), key=lambda item: item[1])
    context = {
        "rule": rule,
        "values": values,
        "errors": submission.errors,
        "priorities": PRIORITIES,
        "teams": [(str(t.id), t.name) for t in routing_service.list_teams(session, actor)],
        "type_options": [(t.value, label) for t, label in TYPE_LABELS.items()],
        "region_options": _keep([(r, r) for r in REGIONS], values.get("region")),
        "line_options": _keep(lines, values.get("product_line")),
        "tier_options": _keep(_tier_options(session, actor), values.get("tier_key")),
    }
    return render(request, "cosell/routing_rule_form.html", context, status_code=submission.status)


# --- teams ---------------------------------------------------------------------------------------


@router.get("/teams/new")
def new_team(request: Request, session: WebSession, actor: VendorActor) -> Response:
    routing_service.require_admin(actor)
    return _team_form(request, session, actor, team=None, submission=Submission())


@router.post("/teams/new")
def create_team(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    routing_service.require_admin(actor)

    def create(data: TeamCreate) -> CosellTeam:
        return routing_service.create_team(session, actor, data=data)

    submission = submit(session, TeamCreate, _team_input(form, optional=False), create, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"Team “{submission.result.name}” created.")
        return RedirectResponse(f"{BASE}#team-{submission.result.id}", status_code=303)
    return _team_form(request, session, actor, team=None, submission=submission)


@router.get("/teams/{team_id}")
def edit_team(request: Request, team_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    routing_service.require_admin(actor)
    team = routing_service.get_team(session, actor, team_id=team_id)
    values = {"name": team.name, "calendar_id": str(team.calendar_id), "is_default": team.is_default}
    return _team_form(request, session, actor, team=team, submission=Submission(values=values))


@router.post("/teams/{team_id}")
def update_team(request: Request, team_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    routing_service.require_admin(actor)
    routing_service.get_team(session, actor, team_id=team_id)

    def update(data: TeamUpdate) -> CosellTeam:
        return routing_service.update_team(session, actor, team_id=team_id, data=data)

    submission = submit(session, TeamUpdate, _team_input(form, optional=True), update, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, f"Team “{submission.result.name}” saved.")
        return RedirectResponse(f"{BASE}#team-{team_id}", status_code=303)
    return _team_form(request, session, actor, team=routing_service.get_team(session, actor, team_id=team_id), submission=submission)


def _team_input(form: FormData, *, optional: bool) -> dict[str, Any]:
    fields = TEAM_FIELDS if not optional else TEAM_FIELDS[1:]  # the key names the team for good
    return {name: value for name, value in form_values(form, bool_fields=("is_default",), optional=optional).items() if name in fields}


def _team_form(request: Request, session: Session, actor: Actor, *, team: CosellTeam | None, submission: Submission[Any]) -> Response:
    calendars = [(str(c.id), f"{c.name} ({c.time_zone})") for c in routing_service.list_calendars(session, actor)]
    context = {"team": team, "values": submission.values, "errors": submission.errors, "calendars": calendars}
    return render(request, "cosell/routing_team_form.html", context, status_code=submission.status)


# --- calendars -----------------------------------------------------------------------------------


@router.get("/calendars/new")
def new_calendar(request: Request, session: WebSession, actor: VendorActor) -> Response:
    routing_service.require_admin(actor)
    values = {"time_zone": "UTC", "work_days": ["1", "2", "3", "4", "5"], "day_starts": "09:00", "day_ends": "17:00"}
    return _calendar_form(request, calendar=None, submission=Submission(values=values))


@router.post("/calendars/new")
def create_calendar(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    routing_service.require_admin(actor)
    values, lines = _calendar_input(form, optional=False)

    def create(data: CalendarCreate) -> BusinessCalendar:
        return routing_service.create_calendar(session, actor, data=data)

    submission = submit(session, CalendarCreate, values, create, shown=echo(form, list_fields=("work_days",)))
    if submission.ok and submission.result is not None:
        flash(request, f"Calendar “{submission.result.name}” created.")
        return RedirectResponse(f"{BASE}#calendar-{submission.result.id}", status_code=303)
    submission.errors = _calendar_errors(submission.errors, lines)
    return _calendar_form(request, calendar=None, submission=submission)


@router.get("/calendars/{calendar_id}")
def edit_calendar(request: Request, calendar_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    routing_service.require_admin(actor)
    calendar = routing_service.get_calendar(session, actor, calendar_id=calendar_id)
    return _calendar_form(request, calendar=calendar, submission=Submission(values=_calendar_values(calendar)))


@router.post("/calendars/{calendar_id}")
def update_calendar(request: Request, calendar_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    routing_service.require_admin(actor)
    routing_service.get_calendar(session, actor, calendar_id=calendar_id)
    values, lines = _calendar_input(form, optional=True)

    def update(data: CalendarUpdate) -> BusinessCalendar:
        return routing_service.update_calendar(session, actor, calendar_id=calendar_id, data=data)

    submission = submit(session, CalendarUpdate, values, update, shown=echo(form, list_fields=("work_days",)))
    if submission.ok and submission.result is not None:
        flash(request, f"Calendar “{submission.result.name}” saved.")
        return RedirectResponse(f"{BASE}#calendar-{calendar_id}", status_code=303)
    submission.errors = _calendar_errors(submission.errors, lines)
    return _calendar_form(request, calendar=routing_service.get_calendar(session, actor, calendar_id=calendar_id), submission=submission)


def _calendar_input(form: FormData, *, optional: bool) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """The calendar's fields from the form, and the filled holiday lines with their line numbers
    (so an error can name the line the user wrote)."""
    fields = CALENDAR_FIELDS if not optional else CALENDAR_FIELDS[1:]  # the key names the calendar for good
    values = {name: value for name, value in form_values(form, list_fields=("work_days",), optional=optional).items() if name in fields}
    lines = [(number, text.strip()) for number, text in enumerate(str(form.get("holidays", "")).splitlines(), start=1) if text.strip()]
    values["holidays"] = [text for _, text in lines]
    return values, lines


def _calendar_errors(errors: dict[str, str], lines: list[tuple[int, str]]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for key, message in errors.items():
        name, _, index = key.partition(".")
        if name == "holidays" and index.isdigit() and int(index) < len(lines):
            number, text = lines[int(index)]
            shown.setdefault("holidays", f"Line {number}: “{text}” is not a date; write one date per line as YYYY-MM-DD.")
        elif name == "work_days":
            shown["work_days"] = NO_DAYS
        elif key == "calendar" or message == "day_starts must be before day_ends":
            # The schema (create) and the service (update) both refuse a day that ends before it starts.
            shown["day_ends"] = DAY_ORDER
        else:
            shown.setdefault(key, message)
    return shown


def _calendar_values(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "work_days": [str(d) for d in calendar.work_days],
        "day_starts": f"{calendar.day_starts:%H:%M}",
        "day_ends": f"{calendar.day_ends:%H:%M}",
        "holidays": "\n".join(sorted(calendar.holidays)),
        "holiday_country": calendar.holiday_country or "",
        "holiday_subdivision": calendar.holiday_subdivision or "",
    }


def _calendar_form(request: Request, *, calendar: BusinessCalendar | None, submission: Submission[Any]) -> Response:
    context = {"calendar": calendar, "values": submission.values, "errors": submission.errors, "days": DAY_OPTIONS, "zones": COMMON_ZONES}
    return render(request, "cosell/routing_calendar_form.html", context, status_code=submission.status)
