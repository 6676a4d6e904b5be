"""Customer references: a partner (or the vendor for it) records a joint reference story with the
customer's approval for external use (the date and the approver's name); the vendor approves or
rejects it. Approved references of the trailing 24 months are the tier metric
`customer_references` (tiers.metrics_repository)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from alliance import audit
from alliance.assets.models import CustomerReference
from alliance.assets.reference_repository import ReferenceEntry, ReferenceFilters, ReferenceRepository, ReferenceStory, StoryFilters
from alliance.assets.schemas import ReferenceDecision, ReferenceInput
from alliance.assets.vocabulary import ReferenceStatus
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, Page, PageRequest

# The reference library's CSV, one row per approved reference (names, not ids).
CSV_COLUMNS = (
    "reference_id",
    "customer",
    "partner",
    "title",
    "vertical",
    "product_lines",
    "product_versions",
    "outcome",
    "customer_approved_on",
    "customer_approver",
    "approved_by",
    "approved_at",
)
# A list of references of any status (the partner's own, or the vendor's review queue).
LIST_CSV_COLUMNS = (
    "reference_id",
    "status",
    "customer",
    "partner",
    "title",
    "vertical",
    "product_lines",
    "product_versions",
    "customer_approved_on",
    "customer_approver",
    "submitted_by",
    "submitted_at",
    "decided_by",
    "decided_at",
    "decision_note",
)
FIELDS = ("customer_name", "title", "vertical", "product_lines", "customer_approved_on", "customer_approver", "status")


def submit_reference(session: Session, actor: Actor, *, partner_id: int | None, data: ReferenceInput) -> CustomerReference:
    """A reference story for the partner (partners: their own), awaiting the vendor's approval."""
    require(actor, Permission.REFERENCES_SUBMIT)
    repository = ReferenceRepository(session)
    if actor.is_partner and partner_id not in (None, actor.partner_id):
        raise NotFound(f"Partner {partner_id} not found.", details=[{"field": "partner_id", "message": "no such partner"}])
    owner = actor.partner_id if actor.is_partner else partner_id
    if owner is None:
        raise RuleViolation("Name the partner the reference is with.", details=[{"field": "partner_id", "message": "required for vendor users"}])
    if not actor.is_partner and not repository.partner_exists(owner):
        raise NotFound(f"Partner {owner} not found.", details=[{"field": "partner_id", "message": "no such partner"}])
    reference = CustomerReference(partner_id=owner, created_by_user_id=actor.user_id, status=ReferenceStatus.SUBMITTED, **data.model_dump())
    repository.add(reference)
    audit.record(
        session,
        actor,
        "customer_reference.submitted",
        entity_type="customer_reference",
        entity_id=reference.id,
        partner_id=owner,
        after=snapshot(reference, FIELDS),
    )
    return reference


def decide_reference(session: Session, actor: Actor, *, reference_id: int, data: ReferenceDecision) -> CustomerReference:
    """Approve (only with the customer's approval for external use on record: the approver may
    record or correct its date and name in the same act) or reject with a reason."""
    require(actor, Permission.REFERENCES_APPROVE)
    repository = ReferenceRepository(session)
    reference = repository.get_for_change(reference_id)
    if reference is None:
        raise NotFound(f"Customer reference {reference_id} not found.")
    if reference.status != ReferenceStatus.SUBMITTED:
        raise Conflict(f"This reference was already {ReferenceStatus(reference.status).value}.")
    if not data.approve and not data.note:
        raise RuleViolation("A rejection says why.", details=[{"field": "note", "message": "required to reject"}])
    approved_on = data.customer_approved_on or reference.customer_approved_on
    approver = data.customer_approver or reference.customer_approver
    if data.approve and (approved_on is None or not approver):
        missing = "customer_approved_on" if approved_on is None else "customer_approver"
        raise RuleViolation(
            "A reference is approved only once the customer approved it for external use: record the date and the approver's name.",
            details=[{"field": missing, "message": "the customer's approval is missing"}],
        )
    before = snapshot(reference, FIELDS)
    if data.approve:
        reference.customer_approved_on, reference.customer_approver = approved_on, approver
    reference.status = ReferenceStatus.APPROVED if data.approve else ReferenceStatus.REJECTED
    reference.decided_by_user_id, reference.decided_at, reference.decision_note = actor.user_id, clock.now(), data.note
    session.flush()
    audit.record_update(
        session,
        actor,
        "customer_reference.decided",
        entity_type="customer_reference",
        entity_id=reference.id,
        partner_id=reference.partner_id,
        before=before,
        after=snapshot(reference, FIELDS),
    )
    return reference


def list_references(session: Session, actor: Actor, *, filters: ReferenceFilters, page: PageRequest) -> Page[ReferenceEntry]:
    """References of any status by vertical, product line, status and name, sorted (partners:
    their own; the vendor's review queue sorts by status, the pending ones first)."""
    require(actor, Permission.PARTNERS_READ)
    return ReferenceRepository(session).listed(filters, page)


def get_reference(session: Session, actor: Actor, *, reference_id: int) -> ReferenceEntry:
    """One reference of any status with its names (partners: their own; another's is not found)."""
    require(actor, Permission.PARTNERS_READ)
    entry = ReferenceRepository(session).entry(reference_id)
    if entry is None:
        raise NotFound(f"Customer reference {reference_id} not found.")
    return entry


def export_list_rows(session: Session, actor: Actor, *, filters: ReferenceFilters) -> Iterator[tuple[object, ...]]:
    """Every reference matching the filters, in the list's order, as LIST_CSV_COLUMNS rows."""
    offset = 0
    while True:
        page = list_references(session, actor, filters=filters, page=PageRequest(limit=MAX_LIMIT, offset=offset))
        for e in page.items:
            r = e.reference
            yield (
                r.id,
                ReferenceStatus(r.status).value,
                r.customer_name,
                e.partner_name,
                r.title,
                r.vertical or "",
                " ".join(r.product_lines),
                r.product_versions or "",
                r.customer_approved_on.isoformat() if r.customer_approved_on else "",
                r.customer_approver or "",
                e.submitted_by or "",
                r.created_at.isoformat(),
                e.decided_by or "",
                r.decided_at.isoformat() if r.decided_at else "",
                r.decision_note or "",
            )
        if not page.has_next:
            return
        offset += MAX_LIMIT


def library_references(session: Session, actor: Actor, *, filters: StoryFilters, page: PageRequest) -> Page[ReferenceStory]:
    """The references every partner may use: approved by the vendor, with the customer's approval
    for external use on record; by vertical and product line, searched by customer, partner or title."""
    require(actor, Permission.ASSETS_READ)
    return ReferenceRepository(session).stories(filters, page)


def library_reference(session: Session, actor: Actor, *, reference_id: int) -> ReferenceStory:
    """One approved reference; any other (submitted, rejected, missing) is not found, to everyone."""
    require(actor, Permission.ASSETS_READ)
    story = ReferenceRepository(session).story(reference_id)
    if story is None:
        raise NotFound(f"Customer reference {reference_id} not found.")
    return story


def library_verticals(session: Session, actor: Actor) -> list[str]:
    require(actor, Permission.ASSETS_READ)
    return ReferenceRepository(session).story_verticals()


def export_rows(session: Session, actor: Actor, *, filters: StoryFilters) -> Iterator[tuple[object, ...]]:
    """Every approved reference matching the filters, in the list's order, as CSV_COLUMNS rows."""
    offset = 0
    while True:
        page = library_references(session, actor, filters=filters, page=PageRequest(limit=MAX_LIMIT, offset=offset))
        for s in page.items:
            yield (
                s.id,
                s.customer_name,
                s.partner_name,
                s.title,
                s.vertical or "",
                " ".join(s.product_lines),
                s.product_versions or "",
                s.outcome,
                s.customer_approved_on.isoformat(),
                s.customer_approver,
                s.approved_by or "",
                s.approved_at.isoformat() if s.approved_at else "",
            )
        if not page.has_next:
            return
        offset += MAX_LIMIT
