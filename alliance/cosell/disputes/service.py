"""Scope disputes on a plan activity or a vendor PS engagement: opened by either side, climbing
the program's escalation ladder at each level's deadline (manually or by `alliance sweep`), and
decided with a rationale; a plan-activity decision becomes a new plan version.

Who may open, escalate and decide at all is in the permission table (DISPUTES_OPEN, _ESCALATE,
_DECIDE); a partner opens for the partner side, vendor staff for the vendor. Who decides at a given
level is the program's data: each ladder level names its deciding roles (by default a CAM, PS lead
or program admin at the first level, a program admin for the channel director, an executive or
program admin for the VP channel). Partners read their own disputes; vendor users read all.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.cosell.disputes import escalation, notice_service
from alliance.cosell.disputes.repository import DISPUTE_SORTS, DisputeRepository
from alliance.cosell.disputes.schemas import (
    DisputeCreate,
    DisputeDecision,
    DisputeFilters,
    DisputeReport,
    DisputeView,
    LevelCount,
)
from alliance.cosell.engagements.repository import EngagementRepository
from alliance.cosell.models import ScopeDispute
from alliance.cosell.plans import service as plan_service
from alliance.cosell.vocabulary import DisputeAction, DisputeStatus, Side
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.business_time import business_days_between
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.sorting import apply_sort

AUDITED_IDS = 1000  # the sweep's audit event names this many ids; the count is always exact
DISPUTE_FIELDS = ("status", "level", "level_deadline_at", "resolved_at", "decision_lead", "decision_split", "rationale", "resulting_version_id")


# --- opening, escalating, deciding ---------------------------------------------------------------


def open_dispute(session: Session, actor: Actor, *, data: DisputeCreate) -> ScopeDispute:
    # The target first: another partner's plan or engagement is a 404 whatever the caller's role.
    if data.engagement_id is not None:
        partner_id = _engagement_partner(session, data.engagement_id)
    else:
        assert data.plan_id is not None and data.activity_id is not None
        found = DisputeRepository(session).plan_activity(plan_id=data.plan_id, activity_id=data.activity_id)
        if found is None:
            raise NotFound(f"Activity {data.activity_id} of plan {data.plan_id} not found.")
        partner_id = found.partner_id
    require(actor, Permission.DISPUTES_OPEN)
    if data.plan_id is not None:
        plan_service.hold_plan(session, plan_id=data.plan_id)
    side = Side.PARTNER if actor.is_partner else Side.VENDOR
    ladder = _ladders(session, [partner_id])[partner_id]
    now = clock.now()
    dispute = DisputeRepository(session).add(
        ScopeDispute(
            partner_id=partner_id,
            plan_id=data.plan_id,
            activity_id=data.activity_id,
            engagement_id=data.engagement_id,
            subject=data.subject,
            opened_by_side=side,
            opened_by_user_id=actor.user_id,
            opened_at=now,
            status=DisputeStatus.OPEN,
            level=0,
            level_deadline_at=escalation.deadline(ladder, 0, started_at=now),
            escalations=[],
        )
    )
    audit.record(
        session,
        actor,
        "scope_dispute.opened",
        entity_type="scope_dispute",
        entity_id=dispute.id,
        partner_id=partner_id,
        after={
            "plan_id": data.plan_id,
            "activity_id": data.activity_id,
            "engagement_id": data.engagement_id,
            "subject": data.subject,
            **snapshot(dispute, ("level", "level_deadline_at")),
        },
    )
    notice_service.announce_opened(session, actor, dispute, ladder)
    return dispute


def escalate_dispute(session: Session, actor: Actor, *, dispute_id: int, reason: str) -> ScopeDispute:
    """A vendor user takes an open dispute one level up before its deadline."""
    require(actor, Permission.DISPUTES_ESCALATE)
    dispute = _locked_open(session, dispute_id)
    ladder = _ladders(session, [dispute.partner_id])[dispute.partner_id]
    if escalation.next_level(ladder, dispute.level) is None:
        raise Conflict(
            f"The dispute is already at the top of the ladder ({escalation.level_name(ladder, dispute.level)}).",
            details=[{"field": "level", "message": str(dispute.level)}],
        )
    before = snapshot(dispute, DISPUTE_FIELDS)
    _climb(dispute, ladder, now=clock.now(), by=actor.label, reason=reason)
    audit.record(
        session,
        actor,
        "scope_dispute.escalated",
        entity_type="scope_dispute",
        entity_id=dispute.id,
        partner_id=dispute.partner_id,
        before=before,
        after=snapshot(dispute, DISPUTE_FIELDS),
        reason=reason,
    )
    notice_service.announce_escalated(session, actor, dispute, ladder, reason=reason)
    return dispute


def sweep_disputes(session: Session, actor: Actor, *, now: datetime | None = None) -> int:
    """Escalate every open dispute past its level's deadline by one level (a new level's clock
    starts at the sweep), or flag it overdue once at the top; one audit event for the sweep.
    Idempotent at a given moment: a second run finds nothing left to change."""
    require(actor, Permission.COSELL_SWEEP)
    now = now or clock.now()
    repository = DisputeRepository(session)
    due = repository.due(now)
    ladders = _ladders(session, {d.partner_id for d in due})
    escalated, overdue = [], []
    for dispute in due:
        ladder = ladders[dispute.partner_id]
        if escalation.next_level(ladder, dispute.level) is not None:
            _climb(dispute, ladder, now=now, by="System (deadline passed)", reason="deadline passed")
            notice_service.announce_escalated(session, actor, dispute, ladder, reason="the deadline passed")
            escalated.append(dispute.id)
        elif not _flagged_overdue(dispute):
            dispute.escalations = [*dispute.escalations, {"level": dispute.level, "at": now.isoformat(), "by": "System (deadline passed)", "overdue": True}]
            overdue.append(dispute.id)
    if escalated or overdue:
        session.flush()
        audit.record(
            session,
            actor,
            "scope_dispute.sweep_escalated",
            entity_type="scope_dispute_sweep",
            entity_id=now.isoformat(),
            after={"escalated": len(escalated), "overdue_at_top": len(overdue), "dispute_ids": (escalated + overdue)[:AUDITED_IDS]},
            reason="escalation deadline passed",
        )
    return len(escalated) + len(overdue)


def decide_dispute(session: Session, actor: Actor, *, dispute_id: int, data: DisputeDecision) -> ScopeDispute:
    """Record who leads (and any split) with the rationale; a plan-activity dispute's decision
    becomes a new version of the plan."""
    require(actor, Permission.DISPUTES_DECIDE)
    dispute = _locked_open(session, dispute_id)
    ladder = _ladders(session, [dispute.partner_id])[dispute.partner_id]
    allowed = escalation.deciders_at(ladder, dispute.level)
    if actor.role.value not in allowed:
        raise PermissionDenied(
            f"At the {escalation.level_name(ladder, dispute.level)} level the program's ladder has this dispute decided by {escalation.deciders_in_words(allowed)}.",
        )
    before = snapshot(dispute, DISPUTE_FIELDS)
    if dispute.plan_id is not None and dispute.activity_id is not None:
        version = plan_service.record_decision_version(
            session,
            actor,
            plan_id=dispute.plan_id,
            activity_id=dispute.activity_id,
            lead=data.lead,
            split_note=data.split_note,
            rationale=data.rationale,
        )
        dispute.resulting_version_id = version.id
    dispute.status = DisputeStatus.RESOLVED
    dispute.resolved_at = clock.now()
    dispute.decided_by_user_id = actor.user_id
    dispute.decision_lead = data.lead
    dispute.decision_split = data.split_note
    dispute.rationale = data.rationale
    dispute.level_deadline_at = None
    session.flush()
    audit.record(
        session,
        actor,
        "scope_dispute.decided",
        entity_type="scope_dispute",
        entity_id=dispute.id,
        partner_id=dispute.partner_id,
        before=before,
        after=snapshot(dispute, DISPUTE_FIELDS),
        reason=data.rationale,
    )
    notice_service.announce_decided(session, actor, dispute)
    return dispute


# --- reading -----------------------------------------------------------------------------------


def get_dispute(session: Session, actor: Actor, *, dispute_id: int) -> ScopeDispute:
    require(actor, Permission.COSELL_READ)
    dispute = DisputeRepository(session).get(dispute_id)
    if dispute is None:
        raise NotFound(f"Dispute {dispute_id} not found.")
    return dispute


def view_dispute(session: Session, actor: Actor, *, dispute_id: int) -> DisputeView:
    return present(session, actor, [get_dispute(session, actor, dispute_id=dispute_id)])[0]


def list_disputes(session: Session, actor: Actor, *, filters: DisputeFilters, page: PageRequest, sort: str | None = None) -> Page[DisputeView]:
    """Partners: their own disputes (the scope); vendor users: every partner's. Newest first, or
    by `sort` (a DISPUTE_SORTS key, - for descending)."""
    require(actor, Permission.COSELL_READ)
    statement = DisputeRepository(session).filtered(filters, now=clock.now())
    if sort is not None:
        statement = apply_sort(statement.order_by(None), sort, DISPUTE_SORTS, default="-opened", tiebreak=ScopeDispute.id.desc())
    found = paginate(session, statement, page)
    return Page(items=present(session, actor, found.items), total=found.total, limit=found.limit, offset=found.offset)


def present(session: Session, actor: Actor, disputes: list[ScopeDispute] | Any) -> list[DisputeView]:
    now = clock.now()
    ladders = _ladders(session, {d.partner_id for d in disputes})
    return [
        DisputeView(
            dispute=d,
            level_name=escalation.level_name(ladders[d.partner_id], d.level),
            overdue=d.status == DisputeStatus.OPEN and escalation.is_due(d.level_deadline_at, now),
            deciders=escalation.deciders_at(ladders[d.partner_id], d.level),
            deciders_text=escalation.deciders_in_words(escalation.deciders_at(ladders[d.partner_id], d.level)),
            actions=dispute_actions(actor, d, ladders[d.partner_id]),
        )
        for d in disputes
    ]


def dispute_actions(actor: Actor, dispute: ScopeDispute, ladder: tuple[escalation.Level, ...]) -> list[DisputeAction]:
    """Escalate below the ladder's top; decide where the ladder names the actor's role a decider at
    the dispute's level. Nothing once decided."""
    if dispute.status != DisputeStatus.OPEN:
        return []
    found = []
    if can(actor, Permission.DISPUTES_ESCALATE) and escalation.next_level(ladder, dispute.level) is not None:
        found.append(DisputeAction.ESCALATE)
    if can(actor, Permission.DISPUTES_DECIDE) and actor.role.value in escalation.deciders_at(ladder, dispute.level):
        found.append(DisputeAction.DECIDE)
    return found


def dispute_report(session: Session, actor: Actor, *, partner_id: int | None = None) -> DisputeReport:
    """Counts, open disputes by level, and the median time from opening to decision in business
    days (vendor users; partners read their own disputes in the list)."""
    require(actor, Permission.COSELL_OVERSIGHT)
    repository = DisputeRepository(session)
    total = open_ = resolved = overdue = 0
    by_level: dict[int, int] = {}
    for status, level, count, late in repository.counts(now=clock.now(), partner_id=partner_id):
        total += count
        if status == DisputeStatus.OPEN:
            open_ += count
            overdue += int(late or 0)
            by_level[level] = by_level.get(level, 0) + count
        else:
            resolved += count
    durations = [business_days_between(opened, done) for opened, done in repository.resolutions(partner_id=partner_id)]
    return DisputeReport(
        total=total,
        open=open_,
        resolved=resolved,
        overdue=overdue,
        open_by_level=[LevelCount(level=level, open=count) for level, count in sorted(by_level.items())],
        median_resolution_business_days=round(statistics.median(durations), 2) if durations else None,
    )


# --- helpers -----------------------------------------------------------------------------------


def _engagement_partner(session: Session, engagement_id: int) -> int:
    # The repository's scope: a partner finds only engagements on accounts it protected.
    engagement = EngagementRepository(session).get(engagement_id)
    if engagement is None:
        raise NotFound(f"Engagement {engagement_id} not found.")
    if engagement.protecting_partner_id is None:
        raise RuleViolation(
            "No partner protected the account when this engagement was staffed: there is no other side to dispute with.",
            details=[{"field": "engagement_id", "message": "not on an SI-protected account"}],
        )
    return engagement.protecting_partner_id


def _ladders(session: Session, partner_ids: Any) -> dict[int, tuple[escalation.Level, ...]]:
    raw = DisputeRepository(session).ladders(set(partner_ids))
    return {partner_id: escalation.ladder_of(raw.get(partner_id)) for partner_id in partner_ids}


def _locked_open(session: Session, dispute_id: int) -> ScopeDispute:
    dispute = DisputeRepository(session).get_for_change(dispute_id)
    if dispute is None:
        raise NotFound(f"Dispute {dispute_id} not found.")
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict("The dispute is already decided.", details=[{"field": "status", "message": dispute.status}])
    return dispute


def _climb(dispute: ScopeDispute, ladder: tuple[escalation.Level, ...], *, now: datetime, by: str, reason: str) -> None:
    level = escalation.next_level(ladder, dispute.level)
    assert level is not None
    dispute.level = level
    dispute.level_deadline_at = escalation.deadline(ladder, level, started_at=now)
    # A new list, so the JSON column is seen as changed.
    dispute.escalations = [
        *dispute.escalations,
        {"level": level, "name": escalation.level_name(ladder, level), "at": now.isoformat(), "by": by, "reason": reason},
    ]


def _flagged_overdue(dispute: ScopeDispute) -> bool:
    return any(entry.get("overdue") and entry.get("level") == dispute.level for entry in dispute.escalations)
