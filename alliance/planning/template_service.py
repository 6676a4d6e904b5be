"""Plan templates per program (e.g. "Regional SI annual plan"): program admins write them; a new
plan names one to pre-fill its items."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import Conflict, NotFound
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.planning.models import PlanTemplate
from alliance.planning.repository import BusinessPlanRepository, TemplateRepository
from alliance.planning.schemas import PlanTemplateCreate


def list_templates(session: Session, actor: Actor, *, program_id: int | None = None) -> list[PlanTemplate]:
    require(actor, Permission.BUSINESS_PLANS_READ)
    return TemplateRepository(session).listed(program_id)


def create_template(session: Session, actor: Actor, *, data: PlanTemplateCreate) -> PlanTemplate:
    require(actor, Permission.PROGRAMS_WRITE)
    repository = TemplateRepository(session)
    if not repository.program_exists(data.program_id):
        raise NotFound(f"Program {data.program_id} not found.")
    if repository.named(data.program_id, data.name) is not None:
        raise Conflict(f"The program already has a template named “{data.name}”.")
    items = [item.model_dump(mode="json", exclude_none=True) for item in data.items]
    template = repository.add(PlanTemplate(program_id=data.program_id, name=data.name, items=items))
    audit.record(
        session,
        actor,
        "business_plan_template.created",
        entity_type="business_plan_template",
        entity_id=template.id,
        after={"program_id": data.program_id, "name": data.name, "items": items},
    )
    return template


def template_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """(id, label) of the templates a reader may start a plan from: a partner its own program's;
    vendor staff every program's, each named with its program."""
    require(actor, Permission.BUSINESS_PLANS_READ)
    if actor.is_partner:
        facts = BusinessPlanRepository(session).partner(actor.partner_id or 0)
        if facts is None or facts.program_id is None:
            return []
        return [(t.id, t.name) for t in TemplateRepository(session).listed(facts.program_id)]
    names = TemplateRepository(session).program_names()
    return [(t.id, f"{names.get(t.program_id, '')}: {t.name}") for t in TemplateRepository(session).listed(None)]
