"""What a plan's items point at: the people who may own them (by name, for the editor and the
plan page) and the evidence file behind a completed milestone (downloaded through the file store,
only by those who may read the plan)."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from alliance.errors import NotFound
from alliance.files import service as file_service
from alliance.files.models import StoredFile
from alliance.files.storage import BlobStore
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.planning import service as plan_service
from alliance.planning.models import BusinessPlan
from alliance.planning.repository import BusinessPlanRepository


def owner_choices(session: Session, actor: Actor, *, plan: BusinessPlan) -> list[tuple[int, str]]:
    """(user id, "Name (side)") of who may own the plan's items: the partner's active people and
    vendor staff. A partner is offered its CAM and the vendor owners the plan already names."""
    vendor_ids: list[int] | None = None
    if actor.is_partner:
        facts = BusinessPlanRepository(session).partner(plan.partner_id)
        named = {i.owner_user_id for v in plan.versions for i in v.items if i.owner_user_id is not None}
        vendor_ids = sorted(named | ({facts.cam_user_id} if facts and facts.cam_user_id else set()))
    found = UserRepository(session).owner_choices(partner_id=plan.partner_id, vendor_ids=vendor_ids)
    return [(user_id, f"{name} ({'vendor' if is_vendor else 'partner'})") for user_id, name, is_vendor in found]


def open_evidence(session: Session, actor: Actor, *, plan_id: int, ref: int, store: BlobStore) -> tuple[StoredFile, BinaryIO]:
    """The evidence file of item `ref` of the plan, opened for reading: the same answer (not found)
    for another partner's plan, an item without a file and a missing one."""
    plan = plan_service.get_plan(session, actor, plan_id=plan_id)
    progress = next((p for p in plan.progress if p.ref == ref), None)
    if progress is None or progress.evidence_file_id is None:
        raise NotFound(f"Item {ref} of business plan {plan_id} has no evidence file.")
    found, handle = file_service.open_file(session, actor, file_id=progress.evidence_file_id, store=store)
    if found.partner_id != plan.partner_id:
        handle.close()
        raise NotFound(f"Item {ref} of business plan {plan_id} has no evidence file.")
    return found, handle
