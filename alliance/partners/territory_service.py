"""A program's sales territories, one at a time: add, change (rename, countries), delete. The
console and the API call these; the whole-list paths (program PATCH, program file) share the rule
that a territory open plans measure cannot disappear (`refuse_dropping_used`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import Conflict, NotFound
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit.countries import country_name, country_names
from alliance.partners import territories as territory_rules
from alliance.partners.models import Program
from alliance.partners.repository import ProgramRepository
from alliance.partners.schemas import Territory

PLANS_NAMED = 5  # plans an error names before it says "and N more"
TERRITORY_SORTS = ("name", "-name", "countries", "-countries", "plans", "-plans")


@dataclass(frozen=True)
class TerritoryView:
    """A territory as the console lists it: its countries by name and the open plans measuring it."""

    name: str
    countries: list[str]  # ISO codes, as stored
    country_names: list[str]  # alphabetical
    plans: list[str]  # "Partner: plan title" of open plans whose revenue targets name it


def list_territories(session: Session, actor: Actor, *, program_id: int, q: str | None = None, sort: str = "name") -> list[TerritoryView]:
    """The program's territories; `q` keeps those whose name or a country's name or code contains it."""
    require(actor, Permission.PROGRAMS_READ)
    program = _program(session, program_id)
    targets = ProgramRepository(session).plan_targets_by_territory(program.id)
    views = [
        TerritoryView(
            name=str(t["name"]),
            countries=[str(c) for c in t.get("countries", ())],
            country_names=country_names(t.get("countries", ())),
            plans=_plans_naming(targets, str(t["name"])),
        )
        for t in program.territories
    ]
    if q and q.strip():
        needle = q.strip().casefold()
        views = [v for v in views if needle in v.name.casefold() or any(needle in n.casefold() for n in v.country_names) or needle.upper() in v.countries]
    key = sort.lstrip("-") if sort in TERRITORY_SORTS else "name"
    views.sort(key=lambda v: (len(v.countries) if key == "countries" else len(v.plans) if key == "plans" else 0, v.name.casefold()))
    if sort.startswith("-") and sort in TERRITORY_SORTS:
        views.reverse()
    return views


def get_territory(session: Session, actor: Actor, *, program_id: int, name: str) -> dict[str, Any]:
    require(actor, Permission.PROGRAMS_READ)
    program = _program(session, program_id)
    return dict(program.territories[_index_of(program, name)])


def add_territory(session: Session, actor: Actor, *, program_id: int, data: Territory) -> Program:
    require(actor, Permission.PROGRAMS_WRITE)
    program = _program_for_change(session, program_id)
    stored = list(program.territories)
    _refuse_overlap(stored, data)
    after = _stored(data)
    program.territories = [*stored, after]
    session.flush()
    audit.record(session, actor, "program.territory_added", entity_type="program", entity_id=program.id, after={"territory": after})
    return program


def change_territory(session: Session, actor: Actor, *, program_id: int, name: str, data: Territory) -> Program:
    """Rename a territory and/or set its countries. A rename is refused while open plans' revenue
    targets name the territory: their actuals would silently switch to all the partner's credit."""
    require(actor, Permission.PROGRAMS_WRITE)
    program = _program_for_change(session, program_id)
    stored = list(program.territories)
    index = _index_of(program, name)
    before = dict(stored[index])
    others = stored[:index] + stored[index + 1 :]
    _refuse_overlap(others, data)
    after = _stored(data)
    if not territory_rules.same_name(before["name"], after["name"]):
        refuse_dropping_used(session, program, [*others, after], field="name", doing="renamed")
    stored[index] = after
    program.territories = stored
    session.flush()
    audit.record_update(
        session, actor, "program.territory_changed", entity_type="program", entity_id=program.id, before={"territory": before}, after={"territory": after}
    )
    return program


def delete_territory(session: Session, actor: Actor, *, program_id: int, name: str) -> Program:
    require(actor, Permission.PROGRAMS_WRITE)
    program = _program_for_change(session, program_id)
    stored = list(program.territories)
    index = _index_of(program, name)
    before = stored.pop(index)
    refuse_dropping_used(session, program, stored, field="name", doing="deleted")
    program.territories = stored
    session.flush()
    audit.record(session, actor, "program.territory_deleted", entity_type="program", entity_id=program.id, before={"territory": before})
    return program


def refuse_dropping_used(session: Session, program: Program, after: Iterable[Mapping[str, Any]], *, field: str, doing: str = "removed") -> None:
    """409 naming the plans when `after` drops (deletes or renames) a territory that revenue
    targets of the program's open plans name."""
    dropped = territory_rules.dropped(program.territories, list(after))
    if not dropped:
        return
    targets = ProgramRepository(session).plan_targets_by_territory(program.id)
    for name in dropped:
        plans = _plans_naming(targets, name)
        if plans:
            named = "; ".join(plans[:PLANS_NAMED]) + (f"; and {len(plans) - PLANS_NAMED} more" if len(plans) > PLANS_NAMED else "")
            raise Conflict(
                f"Territory “{name}” cannot be {doing}: revenue targets of {len(plans)} open plan{'s' if len(plans) != 1 else ''} measure it "
                f"({named}). Amend those plans to name another territory, or wait until they are closed.",
                details=[{"field": field, "message": f"“{name}” is measured by {len(plans)} open plan{'s' if len(plans) != 1 else ''}"}],
            )


def _plans_naming(targets: list[tuple[int, str, str, str]], name: str) -> list[str]:
    return list(dict.fromkeys(f"{partner}: {title}" for _, partner, title, written in targets if territory_rules.same_name(written, name)))


def _program(session: Session, program_id: int) -> Program:
    program = ProgramRepository(session).get_loaded(program_id)
    if program is None:
        raise NotFound(f"Program {program_id} not found.")
    return program


def _program_for_change(session: Session, program_id: int) -> Program:
    """The program locked until commit: two admins editing its territories at once take turns, and
    the second one's overlap and rename checks see the first one's result."""
    program = ProgramRepository(session).get_loaded_for_change(program_id)
    if program is None:
        raise NotFound(f"Program {program_id} not found.")
    return program


def _index_of(program: Program, name: str) -> int:
    for index, territory in enumerate(program.territories):
        if territory_rules.same_name(str(territory["name"]), name):
            return index
    raise NotFound(f"Program {program.name} has no territory “{name}”.")


def _refuse_overlap(others: list[dict[str, Any]], data: Territory) -> None:
    """409 when another territory has the name or one of the countries (a country lies in at most
    one territory, so revenue is never counted twice)."""
    for territory in others:
        if territory_rules.same_name(str(territory["name"]), data.name):
            raise Conflict(f"The program already has a territory “{territory['name']}”.", details=[{"field": "name", "message": "name taken"}])
    taken = {str(code): str(t["name"]) for t in others for code in t.get("countries", ())}
    clashes = [(code, taken[code]) for code in data.countries if code in taken]
    if clashes:
        words = ", ".join(f"{country_name(code)} is in “{other}”" for code, other in clashes)
        raise Conflict(
            f"A country lies in at most one territory: {words}. Take {'it' if len(clashes) == 1 else 'them'} out of there first.",
            details=[{"field": "countries", "message": words}],
        )


def _stored(data: Territory) -> dict[str, Any]:
    return {"name": " ".join(data.name.split()), "countries": list(dict.fromkeys(data.countries))}
