"""Joint business plans: a draft per partner per fiscal period, proposed and signed by both sides
(agreements.signoff, the rules co-delivery plans share), amended in versions signed again while the
agreed version stays in force, milestones completed with evidence and confirmed by the vendor.

Who signs: the partner admin for the partner; for the vendor the partner's CAM or a program admin
(Permission.BUSINESS_PLANS_SIGN, and BUSINESS_PLANS_ANY_PARTNER for vendor staff who are not the
partner's CAM).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from alliance import audit
from alliance.agreements import signoff
from alliance.agreements.signoff import Side, VersionStatus
from alliance.assets.repository import AssetRepository
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.files import service as file_service
from alliance.files.storage import BlobStore
from alliance.files.vocabulary import FilePurpose
from alliance.identity.permissions import Permission, can, require
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.kit.pagination import Page, PageRequest
from alliance.planning import notice_service as notices
from alliance.planning import rules as plan_rules
from alliance.planning.models import BusinessPlan, BusinessPlanVersion, ItemProgress, PlanItem
from alliance.planning.repository import BusinessPlanRepository, PartnerFacts, PlanFilters, TemplateRepository
from alliance.planning.schemas import BusinessPlanSummaryRead, PlanItemInput, ProgressInput, TemplateItem
from alliance.planning.vocabulary import ItemKind, ItemStatus, PlanAction, PlanStatus
from alliance.registrations.repository import RegistrationRepository

SIGN_FIELDS = ("status", "partner_signed_by_user_id", "partner_signed_at", "vendor_signed_by_user_id", "vendor_signed_at")


@dataclass(frozen=True)
class PlanView:
    """A plan with its versions and progress, where it stands today and what the reader may do."""

    plan: BusinessPlan
    status: PlanStatus
    actions: list[PlanAction]

    @property
    def latest(self) -> BusinessPlanVersion:
        return self.plan.versions[-1]

    @property
    def in_force(self) -> BusinessPlanVersion | None:
        """The agreed version (what plan-vs-actual measures), None before the first agreement."""
        return next((v for v in self.plan.versions if v.id == self.plan.agreed_version_id), None)


# --- reading -----------------------------------------------------------------------------------


def get_plan(session: Session, actor: Actor, *, plan_id: int) -> BusinessPlan:
    """A plan with every version, its items and progress (partners: only their own)."""
    require(actor, Permission.BUSINESS_PLANS_READ)
    plan = BusinessPlanRepository(session).get_loaded(plan_id)
    if plan is None:
        raise NotFound(f"Business plan {plan_id} not found.")
    return plan


def get_plans(session: Session, actor: Actor, *, plan_ids: Sequence[int]) -> list[BusinessPlan]:
    """Several plans loaded at once (those the actor may read), for measuring them together."""
    require(actor, Permission.BUSINESS_PLANS_READ)
    return BusinessPlanRepository(session).loaded(plan_ids)


def view_plan(session: Session, actor: Actor, *, plan_id: int) -> PlanView:
    plan = get_plan(session, actor, plan_id=plan_id)
    facts = _partner(BusinessPlanRepository(session), plan.partner_id)
    status = plan_rules.effective_status(plan.status, starts_on=plan.starts_on, ends_on=plan.ends_on, today=clock.today())
    latest = plan.versions[-1]
    found = plan_rules.actions(
        status,
        VersionStatus(latest.status),
        side=signoff.side_of(actor, Permission.BUSINESS_PLANS_SIGN),
        may_act=_may_sign_for(actor, facts),
        partner_signed=latest.partner_signed_at is not None,
        vendor_signed=latest.vendor_signed_at is not None,
        may_close=can(actor, Permission.BUSINESS_PLANS_CONFIRM) and _may_sign_for(actor, facts),
    )
    return PlanView(plan=plan, status=status, actions=found)


def list_plans(session: Session, actor: Actor, *, filters: PlanFilters, page: PageRequest, sort: str | None = None) -> Page[BusinessPlanSummaryRead]:
    """Partners see their own plans; vendor users every partner's. `sort`: a PLAN_SORTS key (422 otherwise)."""
    require(actor, Permission.BUSINESS_PLANS_READ)
    repository = BusinessPlanRepository(session)
    today = clock.today()
    found, total = repository.rows(repository.summaries(filters, today=today, sort=sort), limit=page.limit, offset=page.offset)
    items = [
        BusinessPlanSummaryRead(
            id=plan.id,
            partner_id=plan.partner_id,
            partner_name=partner_name,
            title=plan.title,
            period_key=plan.period_key,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            currency=plan.currency,
            status=plan_rules.effective_status(plan.status, starts_on=plan.starts_on, ends_on=plan.ends_on, today=today),
            agreed_number=agreed_number,
            latest_number=latest_number,
            latest_status=VersionStatus(latest_status),
            updated_at=plan.updated_at,
        )
        for plan, partner_name, latest_number, latest_status, agreed_number in found
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


# --- writing the draft -------------------------------------------------------------------------


def create_plan(
    session: Session,
    actor: Actor,
    *,
    partner_id: int | None,
    period: str,
    title: str,
    items: Sequence[PlanItemInput] = (),
    template_id: int | None = None,
) -> BusinessPlan:
    """A draft plan for the partner's fiscal period (one per partner and period), in its program's
    currency; a template of the partner's program pre-fills its items (given items come after)."""
    require(actor, Permission.BUSINESS_PLANS_SIGN)
    repository = BusinessPlanRepository(session)
    if actor.is_partner and partner_id not in (None, actor.partner_id):
        raise RuleViolation("Partners start plans for their own organisation.", details=[{"field": "partner_id", "message": "leave it out"}])
    target = actor.partner_id if actor.is_partner else partner_id
    if target is None:
        raise RuleViolation("Name the partner the plan is for.", details=[{"field": "partner_id", "message": "required for vendor users"}])
    facts = _partner(repository, target)
    _require_signer(actor, facts)
    try:
        found = fiscal.current().parse(period)
    except ValueError as error:
        raise RuleViolation(f"“{period}” is not a fiscal period.", details=[{"field": "period", "message": str(error)}]) from error
    if repository.for_period(target, found.key) is not None:
        raise Conflict(f"{facts.name} already has a business plan for {found.key}; amend that one.")
    if template_id is not None:
        template = TemplateRepository(session).get(template_id)
        if template is None or template.program_id != facts.program_id:
            raise RuleViolation(
                f"Template {template_id} is not a template of {facts.name}'s program.",
                details=[{"field": "template_id", "message": "pick one of its program's"}],
            )
        prefilled = [TemplateItem(**item) for item in template.items]
        items = [*plan_rules.from_template(prefilled, starts_on=found.start, ends_on=found.end), *items]
    plan_rules.validate_items(items, starts_on=found.start, ends_on=found.end)
    plan = BusinessPlan(
        partner_id=target,
        title=title,
        period_key=found.key,
        starts_on=found.start,
        ends_on=found.end,
        currency=facts.currency,
        status=PlanStatus.DRAFT,
        created_by_user_id=actor.user_id,
    )
    repository.add(plan)
    version = BusinessPlanVersion(partner_id=target, plan_id=plan.id, number=1, status=VersionStatus.DRAFT)
    version.items = _items(session, plan, items, known_refs=set(), next_ref=1)
    repository.add_row(version)
    audit.record(
        session,
        actor,
        "business_plan.created",
        entity_type="business_plan",
        entity_id=plan.id,
        partner_id=target,
        after={"title": title, "period_key": found.key, "currency": plan.currency, "items": [_plain(i) for i in version.items]},
    )
    return plan


def update_draft(session: Session, actor: Actor, *, plan_id: int, title: str, items: Sequence[PlanItemInput]) -> BusinessPlan:
    """Replace the draft's title and items (only while the latest version is a draft)."""
    plan, facts, versions = _for_change(session, actor, plan_id)
    _require_signer(actor, facts)
    draft = versions[-1]
    if draft.status != VersionStatus.DRAFT:
        raise Conflict(f"Version {draft.number} was proposed; change the plan by proposing an amendment.")
    plan_rules.validate_items(items, starts_on=plan.starts_on, ends_on=plan.ends_on)
    before = {"title": plan.title, "items": [_plain(i) for i in draft.items]}
    rebuilt = _items(session, plan, items, known_refs=_refs(versions), next_ref=_next_ref(versions))
    draft.items.clear()
    session.flush()
    draft.items.extend(rebuilt)
    plan.title = title
    plan.updated_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "business_plan.draft_changed",
        entity_type="business_plan",
        entity_id=plan.id,
        partner_id=plan.partner_id,
        before=before,
        after={"title": title, "items": [_plain(i) for i in draft.items]},
    )
    return plan


# --- proposing, amending, signing --------------------------------------------------------------


def propose_plan(session: Session, actor: Actor, *, plan_id: int, note: str | None = None) -> BusinessPlanVersion:
    """Propose the draft for both sides to sign (proposing does not sign)."""
    plan, facts, versions = _for_change(session, actor, plan_id)
    side = _require_signer(actor, facts)
    draft = versions[-1]
    if draft.status != VersionStatus.DRAFT:
        raise Conflict(f"Version {draft.number} is already {draft.status}; propose changes as an amendment.")
    if not draft.items:
        raise RuleViolation("A plan needs at least one item before it is proposed.", details=[{"field": "items", "message": "add at least one item"}])
    now = clock.now()
    draft.status, draft.proposed_by_side, draft.proposed_by_user_id, draft.proposed_at, draft.note = VersionStatus.PROPOSED, side, actor.user_id, now, note
    if plan.status == PlanStatus.DRAFT:
        plan.status = PlanStatus.PROPOSED
    plan.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "business_plan.proposed",
        entity_type="business_plan_version",
        entity_id=draft.id,
        partner_id=plan.partner_id,
        after={"plan_id": plan.id, "number": draft.number, "side": side.value, "note": note},
        reason=note,
    )
    notices.awaiting_signature(session, actor, plan, draft, facts=facts, waiting_for=(Side.PARTNER, Side.VENDOR))
    return draft


def amend_plan(session: Session, actor: Actor, *, plan_id: int, items: Sequence[PlanItemInput], note: str) -> BusinessPlanVersion:
    """A new proposed version of a proposed or agreed plan; the agreed version stays in force until
    both sides sign this one (an earlier unsigned proposal is superseded by it)."""
    plan, facts, versions = _for_change(session, actor, plan_id)
    side = _require_signer(actor, facts)
    if plan.status == PlanStatus.CLOSED:
        raise Conflict(f"Plan {plan.id} is closed; its final scorecard is kept as it was.")
    if versions[-1].status == VersionStatus.DRAFT:
        raise Conflict(f"Version {versions[-1].number} is still a draft; change the draft instead of amending.")
    plan_rules.validate_items(items, starts_on=plan.starts_on, ends_on=plan.ends_on)
    superseded = [v.number for v in versions if v.status == VersionStatus.PROPOSED]
    for version in versions:
        if version.status == VersionStatus.PROPOSED:
            version.status = VersionStatus.SUPERSEDED
    now = clock.now()
    version = BusinessPlanVersion(
        partner_id=plan.partner_id,
        plan_id=plan.id,
        number=versions[-1].number + 1,
        status=VersionStatus.PROPOSED,
        proposed_by_side=side,
        proposed_by_user_id=actor.user_id,
        proposed_at=now,
        note=note,
    )
    version.items = _items(session, plan, items, known_refs=_refs(versions), next_ref=_next_ref(versions))
    plan.updated_at = now
    BusinessPlanRepository(session).add_row(version)
    audit.record(
        session,
        actor,
        "business_plan.amendment_proposed",
        entity_type="business_plan_version",
        entity_id=version.id,
        partner_id=plan.partner_id,
        after={"plan_id": plan.id, "number": version.number, "side": side.value, "items": [_plain(i) for i in version.items], "superseded": superseded},
        reason=note,
    )
    notices.changed(session, actor, plan, version, facts=facts)
    return version


def sign_version(session: Session, actor: Actor, *, version_id: int) -> BusinessPlanVersion:
    """Sign a proposed version for the actor's side; once both sides signed it is the agreed
    version in force and the one agreed before it is superseded. Signing twice changes nothing."""
    repository = BusinessPlanRepository(session)
    found = repository.get_version(version_id)
    if found is None:
        raise NotFound(f"Business plan version {version_id} not found.")
    plan, facts, versions = _for_change(session, actor, found.plan_id)
    side = _require_signer(actor, facts)
    if plan.status == PlanStatus.CLOSED:
        raise Conflict(f"Plan {plan.id} is closed.")
    version = next(v for v in versions if v.id == version_id)
    outcome = signoff.sign(
        VersionStatus(version.status), side=side, partner_signed=version.partner_signed_at is not None, vendor_signed=version.vendor_signed_at is not None
    )
    if not outcome.changed:
        return version
    before = snapshot(version, SIGN_FIELDS)
    now = clock.now()
    if side == Side.PARTNER:
        version.partner_signed_by_user_id, version.partner_signed_at = actor.user_id, now
    else:
        version.vendor_signed_by_user_id, version.vendor_signed_at = actor.user_id, now
    superseded: list[int] = []
    if outcome.agreed:
        version.status = VersionStatus.AGREED
        for other in versions:
            if other is not version and other.status == VersionStatus.AGREED and other.number < version.number:
                other.status = VersionStatus.SUPERSEDED
                superseded.append(other.number)
        plan.agreed_version_id = version.id
        plan.status = PlanStatus.AGREED
    plan.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "business_plan.version_agreed" if outcome.agreed else "business_plan.version_signed",
        entity_type="business_plan_version",
        entity_id=version.id,
        partner_id=plan.partner_id,
        before=before,
        after=snapshot(version, SIGN_FIELDS) | {"side": side.value, "superseded": superseded},
    )
    if outcome.agreed:
        notices.agreed(session, actor, plan, version, facts=facts)
    else:
        notices.awaiting_signature(session, actor, plan, version, facts=facts, waiting_for=(Side.VENDOR if side == Side.PARTNER else Side.PARTNER,))
    return version


# --- milestones ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceUpload:
    """A file handed in with the progress (a page's upload): stored as plan evidence of the plan's partner."""

    source: BinaryIO
    filename: str
    store: BlobStore
    max_bytes: int


def record_progress(session: Session, actor: Actor, *, plan_id: int, ref: int, data: ProgressInput, upload: EvidenceUpload | None = None) -> ItemProgress:
    """Start a milestone or co-investment, or mark it completed with evidence (a note, a link, a
    file — already uploaded, or `upload` stored now — or a registration of the partner). The
    vendor then confirms it."""
    require(actor, Permission.BUSINESS_PLANS_PROGRESS)
    plan, _facts, versions = _for_change(session, actor, plan_id)
    item = _item_in_force(plan, versions, ref)
    if not item.kind.is_milestone:
        raise RuleViolation(f"Item {ref} is a {item.kind.label.lower()}: its progress is computed, never typed.")
    if item.kind == ItemKind.CO_INVESTMENT and signoff.side_of(actor, Permission.BUSINESS_PLANS_PROGRESS) != Side.VENDOR:
        raise PermissionDenied(f"Item {ref} is the vendor's co-investment: the vendor records delivering it.")
    if data.status not in (ItemStatus.IN_PROGRESS, ItemStatus.COMPLETED):
        raise RuleViolation(
            "Progress is in_progress or completed; the vendor confirms a completed item.", details=[{"field": "status", "message": "in_progress or completed"}]
        )
    if upload is not None:
        stored = file_service.upload(
            session,
            actor,
            source=upload.source,
            filename=upload.filename,
            purpose=FilePurpose.PLAN_EVIDENCE,
            partner_id=plan.partner_id,
            store=upload.store,
            max_bytes=upload.max_bytes,
        )
        data = data.model_copy(update={"evidence_file_id": stored.id})
    if data.status == ItemStatus.COMPLETED and not (
        data.evidence_note or data.evidence_url or data.evidence_registration_id or data.evidence_file_id or data.evidence_asset_id
    ):
        raise RuleViolation(
            f"Item {ref} is marked complete only with evidence.",
            details=[
                {
                    "field": "evidence_note",
                    "message": "give a note, a link (evidence_url), a file (evidence_file_id), a registration (evidence_registration_id) "
                    "or a published contribution (evidence_asset_id)",
                }
            ],
        )
    _check_evidence(session, actor, plan, data)
    if data.evidence_asset_id is not None:
        data = data.model_copy(update={"evidence_note": _contribution_note(session, plan, data)})
    repository = BusinessPlanRepository(session)
    progress = repository.progress(plan.id, fresh=True).get(ref)
    if progress is None:
        progress = ItemProgress(partner_id=plan.partner_id, plan_id=plan.id, ref=ref, status=ItemStatus.NOT_STARTED)
        repository.add_row(progress)
    if progress.status == ItemStatus.CONFIRMED:
        raise Conflict(f"Item {ref} was confirmed by the vendor; its evidence is kept as confirmed.")
    fields = ("status", "started_on", "evidence_note", "evidence_url", "evidence_registration_id", "evidence_file_id", "completed_by_user_id", "completed_at")
    before = snapshot(progress, fields)
    progress.status = data.status
    progress.started_on = progress.started_on or clock.today()
    if data.status == ItemStatus.COMPLETED:
        progress.evidence_note, progress.evidence_url, progress.evidence_registration_id = data.evidence_note, data.evidence_url, data.evidence_registration_id
        progress.evidence_file_id = data.evidence_file_id
        progress.completed_by_user_id, progress.completed_at = actor.user_id, clock.now()
    plan.updated_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "business_plan.progress_recorded",
        entity_type="business_plan",
        entity_id=plan.id,
        partner_id=plan.partner_id,
        before=before | {"ref": ref},
        after=snapshot(progress, fields) | {"ref": ref},
    )
    return progress


def _contribution_note(session: Session, plan: BusinessPlan, data: ProgressInput) -> str:
    """The evidence note naming a contribution of the plan's partner published in the asset library
    (RuleViolation on evidence_asset_id otherwise), before the note given with it."""
    asset = AssetRepository(session).get(data.evidence_asset_id or 0)
    if asset is None or asset.contributed_by_partner_id != plan.partner_id or asset.published_at is None:
        raise RuleViolation(
            "The evidence does not belong to this plan's partner.",
            details=[{"field": "evidence_asset_id", "message": f"no published asset library contribution {data.evidence_asset_id} of this partner"}],
        )
    named = f"Published in the asset library: {asset.title} (asset {asset.id}, published {asset.published_at.date().isoformat()})"
    return f"{named}. {data.evidence_note}" if data.evidence_note else named


def _check_evidence(session: Session, actor: Actor, plan: BusinessPlan, data: ProgressInput) -> None:
    """A linked file is plan evidence of the plan's partner; a linked registration is the partner's."""
    problems = []
    if data.evidence_file_id is not None:
        try:
            found = file_service.get_file(session, actor, file_id=data.evidence_file_id)
        except NotFound:
            found = None
        if found is None or found.partner_id != plan.partner_id:
            problems.append({"field": "evidence_file_id", "message": f"no file {data.evidence_file_id} of this partner"})
        elif found.purpose != FilePurpose.PLAN_EVIDENCE:
            problems.append({"field": "evidence_file_id", "message": f"upload it with purpose {FilePurpose.PLAN_EVIDENCE.value}"})
    if data.evidence_registration_id is not None:
        registration = RegistrationRepository(session).get(data.evidence_registration_id)
        if registration is None or registration.partner_id != plan.partner_id:
            problems.append({"field": "evidence_registration_id", "message": f"no registration {data.evidence_registration_id} of this partner"})
    if problems:
        raise RuleViolation("The evidence does not belong to this plan's partner.", details=problems)


def confirm_item(session: Session, actor: Actor, *, plan_id: int, ref: int) -> ItemProgress:
    """The vendor confirms a completed milestone (its evidence); it then counts for the tier metric."""
    require(actor, Permission.BUSINESS_PLANS_CONFIRM)
    plan, facts, versions = _for_change(session, actor, plan_id)
    _require_signer(actor, facts)
    _item_in_force(plan, versions, ref)
    progress = BusinessPlanRepository(session).progress(plan.id, fresh=True).get(ref)
    if progress is None or progress.status != ItemStatus.COMPLETED:
        raise Conflict(f"Item {ref} is {progress.status if progress else ItemStatus.NOT_STARTED}; only a completed item with evidence is confirmed.")
    progress.status, progress.confirmed_by_user_id, progress.confirmed_at = ItemStatus.CONFIRMED, actor.user_id, clock.now()
    plan.updated_at = clock.now()
    session.flush()
    audit.record(
        session,
        actor,
        "business_plan.item_confirmed",
        entity_type="business_plan",
        entity_id=plan.id,
        partner_id=plan.partner_id,
        after={"ref": ref, "status": progress.status},
    )
    return progress


def lock_for_closing(session: Session, actor: Actor, *, plan_id: int) -> BusinessPlan:
    """The plan locked until commit, loaded with its versions, items and progress, for a vendor
    signer of its partner (closing_service)."""
    plan, facts, _versions = _for_change(session, actor, plan_id)
    _require_signer(actor, facts)
    BusinessPlanRepository(session).progress(plan.id, fresh=True)
    loaded = BusinessPlanRepository(session).get_loaded(plan.id)
    assert loaded is plan  # the identity map holds one object per row
    return loaded


# --- helpers -----------------------------------------------------------------------------------


def _for_change(session: Session, actor: Actor, plan_id: int) -> tuple[BusinessPlan, PartnerFacts, list[BusinessPlanVersion]]:
    """The plan locked until commit (db.Aggregate), its partner and its versions read afresh."""
    require(actor, Permission.BUSINESS_PLANS_READ)
    repository = BusinessPlanRepository(session)
    plan = repository.get_for_change(plan_id)
    if plan is None:
        raise NotFound(f"Business plan {plan_id} not found.")
    return plan, _partner(repository, plan.partner_id), repository.versions(plan.id, fresh=True)


def _partner(repository: BusinessPlanRepository, partner_id: int) -> PartnerFacts:
    facts = repository.partner(partner_id)
    if facts is None:
        raise NotFound(f"Partner {partner_id} not found.")
    return facts


def _may_sign_for(actor: Actor, facts: PartnerFacts) -> bool:
    """Partner signers sign their own partner's plans (scope sees to it); vendor signers their
    own partners' unless they may act for any partner."""
    if actor.is_partner or can(actor, Permission.BUSINESS_PLANS_ANY_PARTNER):
        return True
    return facts.cam_user_id is not None and facts.cam_user_id == actor.user_id


def _require_signer(actor: Actor, facts: PartnerFacts) -> Side:
    side = signoff.require_side(actor, Permission.BUSINESS_PLANS_SIGN)
    if not _may_sign_for(actor, facts):
        raise PermissionDenied(f"Only {facts.name}'s channel account manager or a program admin acts on its business plans for the vendor.")
    return side


def _item_in_force(plan: BusinessPlan, versions: Sequence[BusinessPlanVersion], ref: int) -> PlanItem:
    agreed = next((v for v in versions if v.id == plan.agreed_version_id), None)
    if agreed is None:
        raise Conflict(f"Plan {plan.id} has no agreed version yet; progress is recorded against the agreed plan.")
    item = next((i for i in agreed.items if i.ref == ref), None)
    if item is None:
        raise NotFound(f"The agreed version of plan {plan.id} has no item {ref}.")
    return item


def _refs(versions: Sequence[BusinessPlanVersion]) -> set[int]:
    return {item.ref for version in versions for item in version.items}


def _next_ref(versions: Sequence[BusinessPlanVersion]) -> int:
    return max(_refs(versions), default=0) + 1


def _items(session: Session, plan: BusinessPlan, items: Sequence[PlanItemInput], *, known_refs: set[int], next_ref: int) -> list[PlanItem]:
    unknown = [(index, item.ref) for index, item in enumerate(items) if item.ref is not None and item.ref not in known_refs]
    owners = {item.owner_user_id for item in items if item.owner_user_id is not None}
    strangers = owners - UserRepository(session).owner_ids(partner_id=plan.partner_id, among=owners) if owners else set()
    problems = [{"field": f"items[{index}].ref", "message": f"plan {plan.id} has no item {ref}"} for index, ref in unknown]
    problems += [
        {"field": f"items[{index}].owner_user_id", "message": "must be an active person of the partner or of the vendor"}
        for index, item in enumerate(items)
        if item.owner_user_id in strangers
    ]
    if problems:
        raise RuleViolation("The plan's items are not valid.", details=problems)
    built = []
    for position, item in enumerate(items, start=1):
        ref = item.ref
        if ref is None:
            ref, next_ref = next_ref, next_ref + 1
        money = item.amount is not None
        built.append(
            PlanItem(
                partner_id=plan.partner_id,
                plan_id=plan.id,
                ref=ref,
                position=position,
                kind=item.kind,
                title=item.title,
                owner_user_id=item.owner_user_id,
                due_on=item.due_on,
                territory=item.territory,
                revenue_kind=item.revenue_kind,
                amount=item.amount,
                currency=plan.currency if money else None,
                delivery_role=item.delivery_role,
                level=item.level,
                target_count=item.target_count,
                investment_kind=item.investment_kind,
                quantity=item.quantity,
                notes=item.notes,
            )
        )
    return built


def _plain(item: PlanItem) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "kind": item.kind.value,
        "title": item.title,
        "owner_user_id": item.owner_user_id,
        "due_on": item.due_on.isoformat(),
        "amount": str(item.amount) if item.amount is not None else None,
        "currency": item.currency,
        "target_count": item.target_count,
        "quantity": str(item.quantity) if item.quantity is not None else None,
    }
