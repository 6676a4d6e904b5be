"""The vendor's product-line catalog: what registrations name as their scope."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit.changes import reject_nulls
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.partners.models import ProductLine
from alliance.partners.product_line_repository import ProductLineRepository
from alliance.partners.schemas import ProductLineCreate, ProductLineUpdate

FIELDS = ("key", "name", "is_active")

DEFAULT_CATALOG = (
    ("data-platform", "Data Platform"),
    ("integration-hub", "Integration Hub"),
    ("analytics", "Analytics"),
    ("security-suite", "Security Suite"),
    ("observability", "Observability"),
    ("api-management", "API Management"),
    ("edge-iot", "Edge & IoT"),
    ("ml-studio", "ML Studio"),
)


def list_product_lines(session: Session, actor: Actor, *, active: bool | None, page: PageRequest) -> Page[ProductLine]:
    """Every signed-in user reads the catalog: partners pick from it when they register."""
    return paginate(session, ProductLineRepository(session).listed(active=active), page)


def get_product_line(session: Session, actor: Actor, *, product_line_id: int) -> ProductLine:
    product_line = ProductLineRepository(session).get(product_line_id)
    if product_line is None:
        raise NotFound(f"Product line {product_line_id} not found.")
    return product_line


def create_product_line(session: Session, actor: Actor, *, data: ProductLineCreate) -> ProductLine:
    require(actor, Permission.PROGRAMS_WRITE)
    repository = ProductLineRepository(session)
    if repository.existing_keys([data.key]):
        raise Conflict(f"A product line with key {data.key} already exists.", details=[{"field": "key", "message": "already in use"}])
    product_line = repository.add(ProductLine(**data.model_dump()))
    audit.record(session, actor, "product_line.created", entity_type="product_line", entity_id=product_line.id, after=snapshot(product_line, FIELDS))
    return product_line


def update_product_line(session: Session, actor: Actor, *, product_line_id: int, data: ProductLineUpdate) -> ProductLine:
    require(actor, Permission.PROGRAMS_WRITE)
    product_line = get_product_line(session, actor, product_line_id=product_line_id)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    reject_nulls(changes, changes.keys())
    before = snapshot(product_line, FIELDS)
    for field, value in changes.items():
        setattr(product_line, field, value)
    session.flush()
    after = snapshot(product_line, FIELDS)
    if after != before:
        audit.record(
            session, actor, "product_line.updated", entity_type="product_line", entity_id=product_line.id, before=before, after=after, reason=data.reason
        )
    return product_line


def ensure_default_catalog(session: Session, actor: Actor) -> list[str]:
    """Create the default product lines that are missing (idempotent); returns the keys created."""
    present = ProductLineRepository(session).existing_keys()
    created = []
    for key, name in DEFAULT_CATALOG:
        if key not in present:
            create_product_line(session, actor, data=ProductLineCreate(key=key, name=name))
            created.append(key)
    return created


def check_active_keys(session: Session, keys: Collection[str], *, field: str = "product_lines") -> None:
    """Every key names an active product line, or a 422 naming the ones that do not."""
    known = ProductLineRepository(session).active_keys(keys)
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise RuleViolation(
            f"Unknown or inactive product line(s): {', '.join(unknown)}.",
            details=[{"field": field, "message": f"unknown or inactive product line '{key}'"} for key in unknown],
        )
