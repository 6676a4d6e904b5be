"""Routing configuration as data: business calendars, team queues (exactly one default) and
ordered routing rules. Program admins change them; every vendor role reads them; each change is
audited."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.cosell.models import BusinessCalendar, CosellTeam, RoutingRule
from alliance.cosell.routing import rules as routing_rules
from alliance.cosell.routing.repository import RoutingRepository
from alliance.cosell.routing.schemas import (
    CalendarCreate,
    CalendarUpdate,
    RuleCreate,
    RuleUpdate,
    TeamCreate,
    TeamUpdate,
)
from alliance.cosell.vocabulary import RequestType
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import business_time as business_calendar

CALENDAR_FIELDS = ("key", "name", "time_zone", "work_days", "day_starts", "day_ends", "holidays", "holiday_country", "holiday_subdivision")
TEAM_FIELDS = ("key", "name", "calendar_id", "is_default")
RULE_FIELDS = (
    "position",
    "name",
    "request_type",
    "region",
    "territory",
    "vertical",
    "product_line",
    "tier_key",
    "team_id",
    "first_response_hours",
    "priority_hours",
    "is_active",
)
DEFAULT_TEAM_KEY = "cosell-desk"


def _calendar_state(found: BusinessCalendar) -> dict[str, Any]:
    # The audit trail's JSON knows dates but not times of day.
    return {name: value.isoformat() if isinstance(value, time) else value for name, value in snapshot(found, CALENDAR_FIELDS).items()}


def require_vendor(actor: Actor) -> None:
    require(actor, Permission.COSELL_ROUTING_READ)


def require_admin(actor: Actor) -> None:
    require(actor, Permission.COSELL_ROUTING_WRITE)


# --- calendars ---------------------------------------------------------------------------------


def list_calendars(session: Session, actor: Actor) -> list[BusinessCalendar]:
    require_vendor(actor)
    return RoutingRepository(session).calendars()


def get_calendar(session: Session, actor: Actor, *, calendar_id: int) -> BusinessCalendar:
    require_vendor(actor)
    found = RoutingRepository(session).calendar(calendar_id)
    if found is None:
        raise NotFound(f"Business calendar {calendar_id} not found.")
    return found


def _check_calendar(values: dict[str, Any]) -> None:
    try:
        business_calendar.Calendar(
            time_zone=values["time_zone"],
            work_days=frozenset(values["work_days"]),
            day_starts=values["day_starts"],
            day_ends=values["day_ends"],
            holiday_country=values.get("holiday_country"),
            holiday_subdivision=values.get("holiday_subdivision"),
        )
    except business_calendar.CalendarError as exc:
        field = "time_zone" if "zone" in str(exc) else "holiday_subdivision" if "holiday" in str(exc) else "calendar"
        raise RuleViolation(str(exc), details=[{"field": field, "message": str(exc)}]) from None


def create_calendar(session: Session, actor: Actor, *, data: CalendarCreate) -> BusinessCalendar:
    require_admin(actor)
    repository = RoutingRepository(session)
    if repository.calendar_by_key(data.key) is not None:
        raise Conflict(f"A business calendar with key {data.key!r} exists.", details=[{"field": "key", "message": "already used"}])
    values = data.model_dump()
    _check_calendar(values)
    values["holidays"] = [d.isoformat() for d in data.holidays]
    found = BusinessCalendar(**values)
    session.add(found)
    session.flush()
    audit.record(session, actor, "cosell_calendar.created", entity_type="business_calendar", entity_id=found.id, after=_calendar_state(found))
    return found


def update_calendar(session: Session, actor: Actor, *, calendar_id: int, data: CalendarUpdate) -> BusinessCalendar:
    require_admin(actor)
    found = get_calendar(session, actor, calendar_id=calendar_id)
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "time_zone", "work_days", "day_starts", "day_ends", "holidays"):
        if name in changes and changes[name] is None:
            raise RuleViolation(f"{name} cannot be empty.", details=[{"field": name, "message": "required"}])
    before = _calendar_state(found)
    merged = {
        name: changes.get(name, getattr(found, name)) for name in ("time_zone", "work_days", "day_starts", "day_ends", "holiday_country", "holiday_subdivision")
    }
    _check_calendar(merged)
    if "holidays" in changes:
        changes["holidays"] = sorted({d.isoformat() for d in changes["holidays"]})
    for name, value in changes.items():
        setattr(found, name, value)
    session.flush()
    after = _calendar_state(found)
    audit.record_update(session, actor, "cosell_calendar.updated", entity_type="business_calendar", entity_id=found.id, before=before, after=after)
    return found


# --- teams -------------------------------------------------------------------------------------


def list_teams(session: Session, actor: Actor) -> list[CosellTeam]:
    require_vendor(actor)
    return RoutingRepository(session).teams()


def get_team(session: Session, actor: Actor, *, team_id: int) -> CosellTeam:
    require_vendor(actor)
    found = RoutingRepository(session).team(team_id)
    if found is None:
        raise NotFound(f"Co-sell team {team_id} not found.")
    return found


def _known_calendar(repository: RoutingRepository, calendar_id: int) -> None:
    if repository.calendar(calendar_id) is None:
        raise RuleViolation(f"Business calendar {calendar_id} does not exist.", details=[{"field": "calendar_id", "message": "unknown calendar"}])


def create_team(session: Session, actor: Actor, *, data: TeamCreate) -> CosellTeam:
    """A new team queue; it becomes the default when asked to, or when there is none yet."""
    require_admin(actor)
    repository = RoutingRepository(session)
    if repository.team_by_key(data.key) is not None:
        raise Conflict(f"A co-sell team with key {data.key!r} exists.", details=[{"field": "key", "message": "already used"}])
    _known_calendar(repository, data.calendar_id)
    team = CosellTeam(key=data.key, name=data.name, calendar_id=data.calendar_id, is_default=data.is_default or repository.default_team() is None)
    session.add(team)
    session.flush()
    if team.is_default:
        repository.clear_default(except_team_id=team.id)
    audit.record(session, actor, "cosell_team.created", entity_type="cosell_team", entity_id=team.id, after=snapshot(team, TEAM_FIELDS))
    return team


def update_team(session: Session, actor: Actor, *, team_id: int, data: TeamUpdate) -> CosellTeam:
    """Making a team the default moves the flag from the previous one; the default cannot simply
    be unset (there is always exactly one)."""
    require_admin(actor)
    repository = RoutingRepository(session)
    team = get_team(session, actor, team_id=team_id)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("is_default") is False and team.is_default:
        raise Conflict(
            "There is always exactly one default team: make another team the default instead.", details=[{"field": "is_default", "message": "the default team"}]
        )
    if ("name" in changes and changes["name"] is None) or ("calendar_id" in changes and changes["calendar_id"] is None):
        raise RuleViolation("name and calendar_id cannot be empty.", details=[{"field": "name", "message": "required"}])
    if changes.get("calendar_id") is not None:
        _known_calendar(repository, changes["calendar_id"])
    before = snapshot(team, TEAM_FIELDS)
    for name, value in changes.items():
        if value is not None:
            setattr(team, name, value)
    session.flush()
    if team.is_default:
        repository.clear_default(except_team_id=team.id)
    after = snapshot(team, TEAM_FIELDS)
    audit.record_update(session, actor, "cosell_team.updated", entity_type="cosell_team", entity_id=team.id, before=before, after=after)
    return team


# --- rules -------------------------------------------------------------------------------------


def list_rules(session: Session, actor: Actor) -> list[RoutingRule]:
    require_vendor(actor)
    return RoutingRepository(session).rules()


def get_rule(session: Session, actor: Actor, *, rule_id: int) -> RoutingRule:
    require_vendor(actor)
    found = RoutingRepository(session).get(rule_id)
    if found is None:
        raise NotFound(f"Routing rule {rule_id} not found.")
    return found


def _stored_hours(hours: dict[str, Decimal]) -> dict[str, Any]:
    return {key: int(value) if value == int(value) else float(value) for key, value in sorted(hours.items())}


def _place(repository: RoutingRepository, rule: RoutingRule, position: int) -> None:
    """Move `rule` to `position` (1 = first) and number every rule 1..n again."""
    others = [r for r in repository.rules() if r.id != rule.id]
    index = max(0, min(position - 1, len(others)))
    others.insert(index, rule)
    for number, each in enumerate(others, start=1):
        if each.position != number:
            each.position = number


def create_rule(session: Session, actor: Actor, *, data: RuleCreate) -> RoutingRule:
    require_admin(actor)
    repository = RoutingRepository(session)
    if repository.team(data.team_id) is None:
        raise RuleViolation(f"Co-sell team {data.team_id} does not exist.", details=[{"field": "team_id", "message": "unknown team"}])
    values = data.model_dump(exclude={"position", "priority_hours"})
    rule = RoutingRule(**values, position=repository.last_position() + 1, priority_hours=_stored_hours(data.priority_hours))
    session.add(rule)
    session.flush()
    if data.position is not None:
        _place(repository, rule, data.position)
        session.flush()
    audit.record(session, actor, "routing_rule.created", entity_type="routing_rule", entity_id=rule.id, after=snapshot(rule, RULE_FIELDS))
    return rule


def update_rule(session: Session, actor: Actor, *, rule_id: int, data: RuleUpdate) -> RoutingRule:
    require_admin(actor)
    repository = RoutingRepository(session)
    rule = get_rule(session, actor, rule_id=rule_id)
    changes = data.model_dump(exclude_unset=True)
    for required in ("name", "team_id", "first_response_hours", "is_active", "priority_hours"):
        if required in changes and changes[required] is None:
            raise RuleViolation(f"{required} cannot be empty.", details=[{"field": required, "message": "required"}])
    if "team_id" in changes and repository.team(changes["team_id"]) is None:
        raise RuleViolation(f"Co-sell team {changes['team_id']} does not exist.", details=[{"field": "team_id", "message": "unknown team"}])
    before = snapshot(rule, RULE_FIELDS)
    position = changes.pop("position", None)
    if "priority_hours" in changes:
        changes["priority_hours"] = _stored_hours(data.priority_hours or {})
    for name, value in changes.items():
        setattr(rule, name, value)
    if position is not None:
        _place(repository, rule, position)
    session.flush()
    after = snapshot(rule, RULE_FIELDS)
    audit.record_update(session, actor, "routing_rule.updated", entity_type="routing_rule", entity_id=rule.id, before=before, after=after)
    return rule


# --- what routing reads ------------------------------------------------------------------------


def routing_table(session: Session) -> tuple[list[routing_rules.Rule], CosellTeam]:
    """Active rules in precedence order and the default team (created with the defaults when a
    deployment has none yet)."""
    repository = RoutingRepository(session)
    default = repository.default_team()
    if default is None:
        ensure_default_routing(session, Actor.system(label="system (default co-sell routing)"))
        default = repository.default_team()
        assert default is not None
    return routing_rules.ordered(routing_rules.Rule.of(r) for r in repository.rules(active_only=True)), default


def team_calendars(session: Session, team_ids: set[int] | None = None) -> dict[int, business_calendar.Calendar]:
    return {team_id: business_calendar.Calendar.of(row) for team_id, row in RoutingRepository(session).calendars_of_teams(team_ids).items()}


# --- defaults ----------------------------------------------------------------------------------

DEFAULT_CALENDARS = (
    ("utc-business", "Business hours (UTC)", "UTC"),
    ("emea", "EMEA business hours (Berlin)", "Europe/Berlin"),
    ("apac", "APAC business hours (Singapore)", "Asia/Singapore"),
    ("na", "North America business hours (New York)", "America/New_York"),
)
DEFAULT_TEAMS = (
    (DEFAULT_TEAM_KEY, "Partner co-sell desk", "utc-business", True),
    ("emea-architects", "EMEA solution architects", "emea", False),
    ("apac-architects", "APAC solution architects", "apac", False),
    ("na-architects", "North America solution architects", "na", False),
    ("ps-desk", "Professional services desk", "utc-business", False),
    ("executive-programs", "Executive programs", "na", False),
)
# (name, team, conditions, first-response hours, hours by tier priority)
DEFAULT_RULES: tuple[tuple[str, str, dict[str, str], int, dict[str, int]], ...] = (
    ("Executive sponsors", "executive-programs", {"request_type": RequestType.EXECUTIVE_SPONSOR}, 16, {"1": 8}),
    ("Professional services", "ps-desk", {"request_type": RequestType.PROFESSIONAL_SERVICES}, 16, {"1": 8, "2": 12}),
    ("EMEA partners", "emea-architects", {"region": "EMEA"}, 8, {"1": 4, "2": 6}),
    ("APAC partners", "apac-architects", {"region": "APAC"}, 8, {"1": 4, "2": 6}),
    ("North America partners", "na-architects", {"region": "NA"}, 8, {"1": 4, "2": 6}),
)


def ensure_default_routing(session: Session, actor: Actor) -> dict[str, int]:
    """Idempotently create the default calendars and teams (by key) and, when no rule exists yet,
    the default rules; returns how many of each were created."""
    repository = RoutingRepository(session)
    created = {"calendars": 0, "teams": 0, "rules": 0}
    calendars: dict[str, int] = {}
    for key, name, zone in DEFAULT_CALENDARS:
        found = repository.calendar_by_key(key)
        if found is None:
            found = create_calendar(session, actor, data=CalendarCreate(key=key, name=name, time_zone=zone))
            created["calendars"] += 1
        calendars[key] = found.id
    teams: dict[str, int] = {}
    has_default = repository.default_team() is not None
    for key, name, calendar_key, is_default in DEFAULT_TEAMS:
        team = repository.team_by_key(key)
        if team is None:
            team = create_team(
                session, actor, data=TeamCreate(key=key, name=name, calendar_id=calendars[calendar_key], is_default=is_default and not has_default)
            )
            created["teams"] += 1
        teams[key] = team.id
    if repository.rule_count() == 0:
        for name, team_key, conditions, hours, by_priority in DEFAULT_RULES:
            data = RuleCreate.model_validate(
                {"name": name, "team_id": teams[team_key], **conditions, "first_response_hours": hours, "priority_hours": by_priority}
            )
            create_rule(session, actor, data=data)
            created["rules"] += 1
    return created
