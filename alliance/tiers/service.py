"""The explainable tier engine: evaluate one partner or the whole portfolio, queue the resulting
recommendations for a program admin, and apply the admin's decision."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.partners import service as partner_service
from alliance.partners.models import Program
from alliance.partners.repository import ProgramRepository
from alliance.partners.schemas import PartnerUpdate
from alliance.tiers import forecast as tier_forecast
from alliance.tiers import notice_service
from alliance.tiers.evaluation import (
    CriterionSpec,
    Evaluation,
    Gap,
    TierSpec,
    evaluate,
    explain_tier,
    qualifying_tier,
    summary_lines,
)
from alliance.tiers.metrics_repository import PartnerMetrics, TierMetricsRepository
from alliance.tiers.models import TierRecommendation
from alliance.tiers.repository import PendingRow, TierRecommendationRepository
from alliance.tiers.vocabulary import RecommendationAction, RecommendationStatus, TierDecision

# Called with (partners evaluated so far, partners to evaluate).
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class PartnerEvaluation:
    partner_id: int
    partner_name: str
    program_id: int
    program_name: str
    evaluated_on: date
    current_tier: TierSpec | None
    evaluation: Evaluation
    forecast: tier_forecast.Forecast
    values: dict[str, Decimal]
    no_data: frozenset[str]
    currency: str
    uncounted: dict[str, dict[str, Decimal]]


@dataclass
class EvaluationSummary:
    evaluated_on: date
    evaluated: int = 0
    at_tier: int = 0  # qualifying tier equals the current tier
    upgrades: int = 0  # new upgrade recommendations
    downgrades: int = 0  # new downgrade recommendations (grace period over)
    grace_started: int = 0  # shortfall found for the first time: hold until the grace period ends
    in_grace: int = 0  # shortfall still within its grace period
    unchanged: int = 0  # the same recommendation is already pending
    superseded: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class RecommendationView:
    recommendation: TierRecommendation
    partner_name: str | None
    actions: list[TierDecision] = field(default_factory=list)  # what the caller may decide


@dataclass
class _Plan:
    """What one portfolio run writes: rows to insert and pending rows to supersede."""

    insert: list[dict[str, Any]] = field(default_factory=list)
    supersede: list[int] = field(default_factory=list)


def ladder_of(program: Program) -> list[TierSpec]:
    return [
        TierSpec(
            id=t.id,
            key=t.key,
            name=t.name,
            rank=t.rank,
            mode=t.criteria_mode,
            criteria=tuple(CriterionSpec(c.metric, c.comparison, Decimal(c.threshold)) for c in t.criteria),
            currency=program.currency,
        )
        for t in sorted(program.tiers, key=lambda t: t.rank)
    ]


# --- one partner ------------------------------------------------------------------------------


def evaluate_partner(session: Session, actor: Actor, *, partner_id: int, today: date | None = None) -> PartnerEvaluation:
    """What tier the partner qualifies for, what it takes to reach the next one, and how its tier
    will change as certifications end. Partner users may evaluate only their own partner."""
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    if partner.program_id is None:
        raise RuleViolation(f"Partner {partner_id} is not enrolled in a program, so it has no tier to evaluate.")
    program = ProgramRepository(session).get_loaded(partner.program_id)
    if program is None:
        raise NotFound(f"Program {partner.program_id} not found.")
    today = today or clock.today()
    repository = TierMetricsRepository(session)
    metrics = repository.metrics(today=today, partner_ids=[partner_id]).get(partner_id)
    if metrics is None:
        raise RuleViolation(f"Partner {partner_id} is not evaluated (terminated or without a program).")
    ladder = ladder_of(program)
    current = next((t for t in ladder if t.id == partner.tier_id), None)
    certifications = repository.counted_certifications(partner_id, today=today)
    held_rank = current.rank if current else 0
    return PartnerEvaluation(
        partner_id=partner_id,
        partner_name=partner.display_name,
        program_id=program.id,
        program_name=program.name,
        evaluated_on=today,
        current_tier=current,
        evaluation=evaluate(ladder, metrics.values, no_data=metrics.no_data, current=current, uncounted=metrics.uncounted),
        forecast=tier_forecast.project(ladder, metrics.values, certifications, today=today, no_data=metrics.no_data, held_rank=held_rank),
        values=metrics.values,
        no_data=metrics.no_data,
        currency=metrics.currency,
        uncounted=metrics.uncounted,
    )


# --- the whole portfolio ----------------------------------------------------------------------


def evaluate_all(session: Session, actor: Actor, *, today: date, on_progress: Progress | None = None) -> EvaluationSummary:
    """Evaluate every partner in a program from a few grouped queries, then write the changed
    recommendations in batches: upgrade at once, downgrade only after the program's grace period."""
    require(actor, Permission.TIER_RECOMMENDATIONS_DECIDE)
    started = time.perf_counter()
    repository = TierRecommendationRepository(session)
    programs = repository.programs_with_tiers()
    ladders = {program.id: ladder_of(program) for program in programs}
    grace = {program.id: program.downgrade_grace_days for program in programs}
    metrics = TierMetricsRepository(session).metrics(today=today)
    pending = repository.pending_by_partner()
    summary = EvaluationSummary(evaluated_on=today)
    plan = _Plan()
    evaluated_at = clock.now()
    total = len(metrics)
    for done, found in enumerate(metrics.values(), start=1):
        ladder = ladders.get(found.program_id)
        if ladder:
            _decide(
                found,
                ladder,
                pending.get(found.partner_id, []),
                today=today,
                grace_days=grace[found.program_id],
                evaluated_at=evaluated_at,
                plan=plan,
                summary=summary,
            )
        if on_progress and (done % PROGRESS_EVERY == 0 or done == total):
            on_progress(done, total)
    summary.superseded = repository.supersede(plan.supersede)
    repository.insert_many(plan.insert)
    notice_service.announce_recommended(session, actor, evaluated_at=evaluated_at)
    summary.seconds = time.perf_counter() - started
    counts = {k: v for k, v in asdict(summary).items() if k not in ("seconds", "evaluated_on")}
    audit.record(session, actor, "tiers.evaluated", entity_type="tier_evaluation", entity_id=today.isoformat(), after={"evaluated_on": today, **counts})
    return summary


def _decide(
    found: PartnerMetrics,
    ladder: Sequence[TierSpec],
    pending: list[PendingRow],
    *,
    today: date,
    grace_days: int,
    evaluated_at: Any,
    plan: _Plan,
    summary: EvaluationSummary,
) -> None:
    summary.evaluated += 1
    current = next((t for t in ladder if t.id == found.tier_id), None)
    qualifying = qualifying_tier(ladder, found.values, no_data=found.no_data, held_rank=current.rank if current else 0)
    q_rank, c_rank = (qualifying.rank if qualifying else 0), (current.rank if current else 0)

    def write(action: RecommendationAction, recommended: TierSpec | None, explained: TierSpec | None, grace_until: date | None) -> None:
        plan.supersede.extend(p.id for p in pending)
        plan.insert.append(
            {
                "partner_id": found.partner_id,
                "program_id": found.program_id,
                "evaluated_at": evaluated_at,
                "current_tier_id": found.tier_id,
                "qualifying_tier_id": qualifying.id if qualifying else None,
                "recommended_tier_id": recommended.id if recommended else None,
                "action": action.value,
                "grace_until": grace_until,
                "status": RecommendationStatus.PENDING.value,
                "explanation": explanation(action, current=current, qualifying=qualifying, explained=explained, found=found, grace_until=grace_until),
            }
        )

    if q_rank == c_rank:
        summary.at_tier += 1
        plan.supersede.extend(p.id for p in pending)  # the shortfall (or the chance to upgrade) is gone
        return
    if q_rank > c_rank:
        assert qualifying is not None  # its rank is above the current one's, so it exists
        if any(p.action == RecommendationAction.UPGRADE and p.recommended_tier_id == qualifying.id and p.current_tier_id == found.tier_id for p in pending):
            summary.unchanged += 1
            return
        summary.upgrades += 1
        write(RecommendationAction.UPGRADE, qualifying, qualifying, None)
        return
    target_id = qualifying.id if qualifying else None
    if any(p.action == RecommendationAction.DOWNGRADE and p.recommended_tier_id == target_id and p.current_tier_id == found.tier_id for p in pending):
        summary.unchanged += 1
        return
    grace = next((p.grace_until for p in pending if p.grace_until and p.current_tier_id == found.tier_id), None)
    if grace is None:
        summary.grace_started += 1
        write(RecommendationAction.HOLD, current, current, today + timedelta(days=grace_days))
    elif today > grace:
        summary.downgrades += 1
        write(RecommendationAction.DOWNGRADE, qualifying, current, grace)
    else:
        summary.in_grace += 1


def explanation(
    action: RecommendationAction,
    *,
    current: TierSpec | None,
    qualifying: TierSpec | None,
    explained: TierSpec | None,
    found: PartnerMetrics,
    grace_until: date | None,
) -> dict[str, Any]:
    """Why: the criteria of the tier in question (the one earned for an upgrade, the one no longer
    met for a hold or downgrade) with the partner's values, in words and numbers."""
    gaps = explain_tier(explained, found.values, no_data=found.no_data, uncounted=found.uncounted) if explained else ()
    if action == RecommendationAction.UPGRADE:
        lines = [f"qualifies for {_name(qualifying)} (currently {_name(current)})", *(g.words for g in gaps)]
    else:
        lines = [f"no longer meets {_name(current)}: qualifies for {_name(qualifying)}", *summary_lines(gaps, explained.mode if explained else "all")]
        if action == RecommendationAction.HOLD and grace_until:
            lines.append(f"grace period until {tier_forecast.long_date(grace_until)}; a downgrade is recommended if the shortfall remains after it")
    return {"summary": lines, "criteria": [gap_json(g) for g in gaps], "tier": _name(explained)}


def gap_json(gap: Gap) -> dict[str, Any]:
    return {
        "metric": gap.metric,
        "label": gap.label,
        "comparison": gap.comparison,
        "threshold": str(gap.threshold),
        "value": str(gap.value),
        "met": gap.met,
        "shortfall": str(gap.shortfall),
        "no_data": gap.no_data,
        "words": gap.words,
        "currency": gap.currency,
    }


def _name(tier: TierSpec | None) -> str:
    return tier.name if tier else "no tier"


# --- the review queue -------------------------------------------------------------------------


def recommendation_queue(session: Session, actor: Actor, *, page: PageRequest) -> Page[RecommendationView]:
    """Pending upgrades and downgrades, oldest first: every vendor role reads them (CAMs prepare
    their partners' conversations); program admins decide."""
    require(actor, Permission.TIER_RECOMMENDATIONS_READ)
    repository = TierRecommendationRepository(session)
    found = paginate(session, repository.queue(), page)
    names = repository.partner_names({r.partner_id for r in found.items})
    views = [RecommendationView(r, names.get(r.partner_id), decisions(actor, r)) for r in found.items]
    return Page(items=views, total=found.total, limit=found.limit, offset=found.offset)


def decisions(actor: Actor, recommendation: TierRecommendation) -> list[TierDecision]:
    """Program admins accept or reject a pending upgrade or downgrade; everyone else reads."""
    if recommendation.status != RecommendationStatus.PENDING or not can(actor, Permission.TIER_RECOMMENDATIONS_DECIDE):
        return []
    return list(TierDecision)


def decide_recommendation(session: Session, actor: Actor, *, recommendation_id: int, accept: bool, reason: str) -> RecommendationView:
    """Accept (the partner's tier, and so its benefits, change) or reject, with a reason; audited."""
    require(actor, Permission.TIER_RECOMMENDATIONS_DECIDE)
    if not reason or not reason.strip():
        raise RuleViolation("A decision needs a reason.", details=[{"field": "reason", "message": "required"}])
    repository = TierRecommendationRepository(session)
    recommendation = repository.get_for_change(recommendation_id)
    if recommendation is None or recommendation.action not in (RecommendationAction.UPGRADE, RecommendationAction.DOWNGRADE):
        raise NotFound(f"Tier recommendation {recommendation_id} not found.")
    if recommendation.status != RecommendationStatus.PENDING:
        raise Conflict(f"Tier recommendation {recommendation_id} is already {recommendation.status}.")
    # Under the partner's lock: another decision on it (a stale recommendation) waits, then sees the new tier.
    partner = partner_service.get_partner(session, actor, partner_id=recommendation.partner_id, for_change=True)
    if partner.tier_id != recommendation.current_tier_id:
        raise Conflict("The partner's tier changed after this recommendation was made; evaluate again.")
    before = {"status": recommendation.status}
    if accept:
        # The partner service checks the tier belongs to the program and records partner.tier_changed.
        partner_service.update_partner(session, actor, partner_id=partner.id, data=PartnerUpdate(tier_id=recommendation.recommended_tier_id, reason=reason))
    recommendation.status = RecommendationStatus.ACCEPTED if accept else RecommendationStatus.REJECTED
    recommendation.decided_by_user_id = actor.user_id
    recommendation.decided_at = clock.now()
    recommendation.decision_reason = reason.strip()
    session.flush()
    audit.record(
        session,
        actor,
        f"tier_recommendation.{recommendation.status}",
        entity_type="tier_recommendation",
        entity_id=recommendation.id,
        partner_id=recommendation.partner_id,
        before=before,
        after={
            "status": recommendation.status,
            "action": recommendation.action,
            "current_tier_id": recommendation.current_tier_id,
            "recommended_tier_id": recommendation.recommended_tier_id,
        },
        reason=reason.strip(),
    )
    notice_service.announce_decided(session, actor, recommendation)
    return RecommendationView(recommendation, partner.display_name)
