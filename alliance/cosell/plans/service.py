"""Co-delivery plans on project registrations: proposed versions, double sign-off, comparison,
and the agreed lead the rules of engagement and dispute decisions read and write.

While a scope dispute on one of a version's activities is open, neither side signs that version:
the dispute's decision becomes a new version to sign instead.

A proposal never signs; the previous proposed version is superseded by it, while the agreed
version stays agreed (and `plan.agreed_version_id` stays on it) until a newer one is agreed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.cosell.disputes.repository import DisputeRepository
from alliance.cosell.models import CodeliveryPlan, PlanActivity, PlanVersion, ScopeDispute
from alliance.cosell.plans import notice_service
from alliance.cosell.plans import rules as plan_rules
from alliance.cosell.plans.repository import PlanFilters, PlanRepository
from alliance.cosell.plans.rules import Row
from alliance.cosell.plans.schemas import PlanActivityInput, PlanComparisonRead, PlanSummaryRead
from alliance.cosell.vocabulary import Activity, Lead, PlanAction, PlanVersionStatus, Side
from alliance.errors import Conflict, NotFound
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest
from alliance.notifications.vocabulary import EventType
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status

PLANNABLE = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED})
SIGN_FIELDS = ("status", "partner_signed_by_user_id", "partner_signed_at", "vendor_signed_by_user_id", "vendor_signed_at")


@dataclass(frozen=True)
class OpenDispute:
    """An open scope dispute on one of a plan's activities (by the activity's key across versions)."""

    dispute: ScopeDispute
    activity_key: str
    activity_name: str


@dataclass(frozen=True)
class PlanView:
    """A plan with its versions, the open disputes on its activities, and what the reader may do."""

    plan: CodeliveryPlan
    open_disputes: list[OpenDispute]
    actions: list[PlanAction]

    @property
    def latest(self) -> PlanVersion:
        return self.plan.versions[-1]

    def disputes_on(self, activity: PlanActivity) -> list[OpenDispute]:
        key = _row_of(activity).key
        return [d for d in self.open_disputes if d.activity_key == key]


# --- reading -----------------------------------------------------------------------------------


def get_plan(session: Session, actor: Actor, *, plan_id: int) -> CodeliveryPlan:
    """A plan with every version and its rows (partners: only their own)."""
    require(actor, Permission.COSELL_READ)
    plan = PlanRepository(session).get_loaded(plan_id)
    if plan is None:
        raise NotFound(f"Co-delivery plan {plan_id} not found.")
    return plan


def plan_for_registration(session: Session, actor: Actor, *, registration_id: int) -> CodeliveryPlan | None:
    """The registration's plan with its versions, None before the first proposal."""
    require(actor, Permission.COSELL_READ)
    return PlanRepository(session).for_registration(registration_id)


def list_plans(session: Session, actor: Actor, *, filters: PlanFilters, page: PageRequest) -> Page[PlanSummaryRead]:
    """Partners see their own plans; vendor users every partner's."""
    require(actor, Permission.COSELL_READ)
    repository = PlanRepository(session)
    found, total = repository.rows(repository.summaries(filters), limit=page.limit, offset=page.offset)
    items = [
        PlanSummaryRead(
            id=plan.id,
            partner_id=plan.partner_id,
            registration_id=plan.registration_id,
            customer_id=plan.customer_id,
            agreed_version_id=plan.agreed_version_id,
            agreed_number=agreed_number,
            latest_number=latest_number,
            latest_status=PlanVersionStatus(latest_status),
            updated_at=plan.updated_at,
        )
        for plan, latest_number, latest_status, agreed_number in found
    ]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


def may_start_plan(actor: Actor, *, kind: str, status: str) -> bool:
    """Whether the actor may propose the first plan of a registration of this kind in this (effective) status."""
    return plan_rules.side_of(actor) is not None and kind == RegistrationKind.PROJECT and status in PLANNABLE


def view_plan(session: Session, actor: Actor, *, plan_id: int) -> PlanView:
    plan = get_plan(session, actor, plan_id=plan_id)
    disputes = open_disputes(session, plan_id=plan.id)
    return PlanView(plan=plan, open_disputes=disputes, actions=plan_actions(actor, plan, disputes))


def plan_actions(actor: Actor, plan: CodeliveryPlan, disputes: Sequence[OpenDispute]) -> list[PlanAction]:
    """Propose for either side's signers; sign while the actor's side has not signed the latest
    version and no open dispute is on one of its activities; dispute for those who open disputes."""
    found = []
    side = plan_rules.side_of(actor)
    if side is not None:
        found.append(PlanAction.PROPOSE)
        latest = plan.versions[-1]
        signed = {"partner_signed": latest.partner_signed_at is not None, "vendor_signed": latest.vendor_signed_at is not None}
        if plan_rules.unsigned_by(PlanVersionStatus(latest.status), side, **signed) and not _blocking(disputes, latest):
            found.append(PlanAction.SIGN)
    if can(actor, Permission.DISPUTES_OPEN):
        found.append(PlanAction.DISPUTE)
    return found


def open_disputes(session: Session, *, plan_id: int) -> list[OpenDispute]:
    """The open disputes on the plan's activities, oldest first."""
    found = []
    for dispute, activity, label in DisputeRepository(session).open_on_plan(plan_id):
        row = Row(activity=Activity(activity), lead=Lead.SI, label=label)
        found.append(OpenDispute(dispute=dispute, activity_key=row.key, activity_name=row.name))
    return found


def _blocking(disputes: Sequence[OpenDispute], version: PlanVersion) -> list[OpenDispute]:
    keys = {_row_of(a).key for a in version.activities}
    return [d for d in disputes if d.activity_key in keys]


def _row_of(activity: PlanActivity) -> Row:
    return Row(activity=Activity(activity.activity), lead=Lead(activity.lead), label=activity.label)


def compare_versions(session: Session, actor: Actor, *, plan_id: int, from_number: int | None = None, to_number: int | None = None) -> PlanComparisonRead:
    """What changed from one version to another, activity by activity, in words. Without numbers:
    the latest version against the agreed one (or, when the latest is the agreed one or nothing
    is agreed, against the version before it)."""
    plan = get_plan(session, actor, plan_id=plan_id)
    by_number = {version.number: version for version in plan.versions}
    to_number = to_number if to_number is not None else max(by_number)
    if from_number is None:
        agreed = next((v.number for v in plan.versions if v.id == plan.agreed_version_id), None)
        from_number = agreed if agreed is not None and agreed != to_number else max(to_number - 1, 1)
    missing = [n for n in (from_number, to_number) if n not in by_number]
    if missing:
        raise NotFound(f"Plan {plan_id} has no version {missing[0]}.")
    changes = plan_rules.compare(rows_of(by_number[from_number]), rows_of(by_number[to_number]))
    return PlanComparisonRead(plan_id=plan.id, from_number=from_number, to_number=to_number, changes=changes)


def _input_row(row: PlanActivityInput) -> Row:
    return Row(activity=row.activity, lead=row.lead, label=row.label, effort_days=row.effort_days, notes=row.notes or None)


def rows_of(version: PlanVersion) -> list[Row]:
    return [Row(activity=Activity(a.activity), lead=Lead(a.lead), label=a.label, effort_days=a.effort_days, notes=a.notes) for a in version.activities]


def agreed_lead(session: Session, *, customer_id: int, activity: Activity) -> Lead | None:
    """Who leads `activity` on the customer under the agreed plan(s); None when no agreed plan of a
    live registration covers it. Several agreed plans on one customer: SI if any gives the
    activity to the SI, then joint, then vendor PS. Reads in the session's scope, so a vendor
    session sees every partner's plans (the rules of engagement need exactly that)."""
    return plan_rules.combined_lead(PlanRepository(session).agreed_leads(customer_id=customer_id, activity=activity))


# --- proposing and signing ---------------------------------------------------------------------


def propose_plan(
    session: Session, actor: Actor, *, registration_id: int, activities: Sequence[PlanActivityInput | Row], note: str | None = None
) -> PlanVersion:
    """A new proposed version of the registration's plan (the plan itself on the first proposal),
    unsigned by both sides."""
    registration = registration_service.get_registration(session, actor, registration_id=registration_id)
    side = plan_rules.require_side(actor)
    if registration.kind != RegistrationKind.PROJECT:
        raise Conflict(f"Co-delivery plans are for project registrations; this one is a {registration.kind} registration.")
    status = registration_service.effective_status(registration, clock.today())
    if status not in PLANNABLE:
        raise Conflict(f"A {status} registration takes no co-delivery plan; plans are for submitted, in-review or approved projects.")
    rows = [_input_row(row) if isinstance(row, PlanActivityInput) else row for row in activities]
    plan_rules.validate_rows(rows)
    repository = PlanRepository(session)
    plan = repository.lock_for_registration(registration.id)
    if plan is None:
        plan = repository.add(CodeliveryPlan(partner_id=registration.partner_id, registration_id=registration.id, customer_id=registration.customer_id))
        audit.record(
            session,
            actor,
            "codelivery_plan.created",
            entity_type="codelivery_plan",
            entity_id=plan.id,
            partner_id=plan.partner_id,
            after={"registration_id": plan.registration_id, "customer_id": plan.customer_id},
        )
    elif plan.customer_id is None and registration.customer_id is not None:
        plan.customer_id = registration.customer_id
    versions = repository.versions(plan.id, fresh=True)
    if versions and plan_rules.same_rows(rows_of(versions[-1]), rows):
        raise Conflict(f"Version {versions[-1].number} already says exactly this; change a row to propose a new version.")
    return _new_version(session, actor, plan, versions, rows, side=side, note=note, action="codelivery_plan.version_proposed")


def sign_version(session: Session, actor: Actor, *, version_id: int, plan_id: int | None = None) -> PlanVersion:
    """Sign a version (of plan `plan_id`, when given) for the actor's side; once both sides signed
    it is the agreed version and the one agreed before it is superseded. Signing again for the
    same side changes nothing; an open dispute on one of its activities refuses the signature."""
    repository = PlanRepository(session)
    found = repository.get_version(version_id)
    if found is None or (plan_id is not None and found.plan_id != plan_id):
        raise NotFound(f"Plan version {version_id} not found.")
    side = plan_rules.require_side(actor)
    plan = repository.get_for_change(found.plan_id)
    assert plan is not None  # the version is readable, so is its plan
    versions = repository.versions(plan.id, fresh=True)
    version = next(v for v in versions if v.id == version_id)
    outcome = plan_rules.sign(
        PlanVersionStatus(version.status),
        side=side,
        partner_signed=version.partner_signed_at is not None,
        vendor_signed=version.vendor_signed_at is not None,
    )
    if not outcome.changed:
        return version
    blocking = _blocking(open_disputes(session, plan_id=plan.id), version)
    if blocking:
        raise _disputed(version, blocking[0])
    before = snapshot(version, SIGN_FIELDS)
    now = clock.now()
    if side == Side.PARTNER:
        version.partner_signed_by_user_id, version.partner_signed_at = actor.user_id, now
    else:
        version.vendor_signed_by_user_id, version.vendor_signed_at = actor.user_id, now
    superseded = None
    if outcome.agreed:
        version.status = PlanVersionStatus.AGREED
        superseded = _supersede(versions, keep=version, statuses=(PlanVersionStatus.AGREED, PlanVersionStatus.PROPOSED), older_than=version.number)
        plan.agreed_version_id = version.id
    plan.updated_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "codelivery_plan.version_agreed" if outcome.agreed else "codelivery_plan.version_signed",
        entity_type="plan_version",
        entity_id=version.id,
        partner_id=version.partner_id,
        before=before | {"superseded": []},
        after=snapshot(version, SIGN_FIELDS) | {"side": side.value, "superseded": superseded or []},
    )
    if outcome.agreed:
        notice_service.announce(session, actor, plan, version, EventType.PLAN_AGREED)
    return version


def hold_plan(session: Session, *, plan_id: int) -> None:
    """Lock the plan until commit (db.Aggregate): a dispute opened on one of its activities and a
    sign-off, which refuses to sign over an open dispute, wait for each other."""
    PlanRepository(session).get_for_change(plan_id)


def record_decision_version(
    session: Session, actor: Actor, *, plan_id: int, activity_id: int, lead: Lead, split_note: str | None, rationale: str
) -> PlanVersion:
    """The plan as a scope dispute decided it: the latest version's rows with `lead` on the
    disputed activity (its notes replaced by `split_note` when given; the row is appended if the
    latest version no longer has it), proposed by the vendor side and signed by neither side."""
    require(actor, Permission.DISPUTES_DECIDE)
    repository = PlanRepository(session)
    plan = repository.get_for_change(plan_id)
    disputed = repository.get_activity(activity_id)
    if plan is None:
        raise NotFound(f"Co-delivery plan {plan_id} not found.")
    versions = repository.versions(plan.id, fresh=True)
    if disputed is None or disputed.version_id not in {v.id for v in versions}:
        raise NotFound(f"Plan {plan_id} has no activity {activity_id}.")
    target = Row(activity=Activity(disputed.activity), lead=Lead(disputed.lead), label=disputed.label).key
    rows = rows_of(versions[-1]) if versions else []
    decided = [_decided(row, lead, split_note) if row.key == target else row for row in rows]
    if all(row.key != target for row in rows):
        source = Row(activity=Activity(disputed.activity), lead=lead, label=disputed.label, effort_days=disputed.effort_days, notes=disputed.notes)
        decided.append(_decided(source, lead, split_note))
    note = f"Dispute decision: {rationale}"
    return _new_version(session, actor, plan, versions, decided, side=Side.VENDOR, note=note, action="codelivery_plan.decision_recorded")


def _disputed(version: PlanVersion, found: OpenDispute) -> Conflict:
    dispute = found.dispute
    opened = dispute.opened_at.date().isoformat()
    return Conflict(
        f"Version {version.number} cannot be signed while dispute #{dispute.id} on {found.activity_name} is open "
        f"(“{dispute.subject}”, opened by the {dispute.opened_by_side} on {opened}).",
        details=[
            {"field": "dispute_id", "message": str(dispute.id)},
            {
                "field": "way_forward",
                "message": "The dispute is decided on the program's escalation ladder; its decision becomes a new plan version, which both sides then sign.",
            },
        ],
    )


def _decided(row: Row, lead: Lead, split_note: str | None) -> Row:
    return Row(activity=row.activity, lead=lead, label=row.label, effort_days=row.effort_days, notes=split_note or row.notes)


def _new_version(
    session: Session, actor: Actor, plan: CodeliveryPlan, versions: list[PlanVersion], rows: Sequence[Row], *, side: Side, note: str | None, action: str
) -> PlanVersion:
    number = versions[-1].number + 1 if versions else 1
    superseded = _supersede(versions, statuses=(PlanVersionStatus.PROPOSED,))
    now = clock.now()
    version = PlanVersion(
        partner_id=plan.partner_id,
        plan_id=plan.id,
        number=number,
        status=PlanVersionStatus.PROPOSED,
        proposed_by_side=side,
        proposed_by_user_id=actor.user_id,
        proposed_at=now,
        note=note,
    )
    version.activities = [
        PlanActivity(
            partner_id=plan.partner_id,
            position=position,
            activity=row.activity,
            label=row.label if row.activity == Activity.CUSTOM else None,
            lead=row.lead,
            effort_days=row.effort_days,
            notes=row.notes,
        )
        for position, row in enumerate(rows, start=1)
    ]
    plan.updated_at = now
    PlanRepository(session).add_version(version)
    audit.record(
        session,
        actor,
        action,
        entity_type="plan_version",
        entity_id=version.id,
        partner_id=plan.partner_id,
        after={
            "plan_id": plan.id,
            "number": number,
            "status": version.status,
            "proposed_by_side": side.value,
            "note": note,
            "activities": [_plain(row) for row in rows],
            "superseded": superseded,
        },
        reason=note,
    )
    changed = plan.agreed_version_id is not None
    notice_service.announce(session, actor, plan, version, EventType.PLAN_CHANGED if changed else EventType.PLAN_AWAITING_SIGNATURE)
    return version


def _supersede(
    versions: Sequence[PlanVersion], *, statuses: Sequence[PlanVersionStatus], keep: PlanVersion | None = None, older_than: int | None = None
) -> list[int]:
    """Mark versions in `statuses` superseded; returns their numbers."""
    numbers = []
    for version in versions:
        if version is keep or version.status not in statuses or (older_than is not None and version.number >= older_than):
            continue
        version.status = PlanVersionStatus.SUPERSEDED
        numbers.append(version.number)
    return numbers


def _plain(row: Row) -> dict[str, Any]:
    return {"activity": row.activity.value, "label": row.label, "lead": row.lead.value, "effort_days": row.effort_days, "notes": row.notes}
