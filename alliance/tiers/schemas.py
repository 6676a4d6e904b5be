"""What the tier engine answers and accepts over the API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from alliance.kit.schemas import InputSchema
from alliance.partners.vocabulary import Comparison, CriteriaMode
from alliance.tiers.evaluation import Gap, TierSpec
from alliance.tiers.service import (
    EvaluationSummary,
    PartnerEvaluation,
    RecommendationView,
)
from alliance.tiers.vocabulary import RecommendationAction, RecommendationStatus, TierDecision


class TierRef(BaseModel):
    id: int
    key: str
    name: str
    rank: int

    @classmethod
    def of(cls, tier: TierSpec | None) -> TierRef | None:
        return cls(id=tier.id, key=tier.key, name=tier.name, rank=tier.rank) if tier else None


class GapRead(BaseModel):
    metric: str
    label: str
    unit: str
    comparison: Comparison
    threshold: Decimal
    value: Decimal
    met: bool
    shortfall: Decimal
    no_data: bool = Field(
        description="The metric has no data (no source yet, or no confirmed figure): the criterion is held, never decides against the partner"
    )
    words: str
    currency: str = Field(description="The program's currency, for metrics whose unit is currency")

    @classmethod
    def of(cls, gap: Gap) -> GapRead:
        return cls(**{name: getattr(gap, name) for name in cls.model_fields})


class ForecastChangeRead(BaseModel):
    from_date: date
    tier: TierRef | None
    sentence: str


class TierEvaluationRead(BaseModel):
    partner_id: int
    partner_name: str
    program_id: int
    program_name: str
    evaluated_on: date
    current_tier: TierRef | None
    qualifying_tier: TierRef | None
    next_tier: TierRef | None = Field(description="The tier in question: the current tier when `keeping`, else the tier above the qualifying one")
    next_tier_mode: CriteriaMode | None
    keeping: bool = Field(description="The partner no longer meets its current tier; the gaps say what it takes to keep it")
    gaps: list[GapRead] = Field(description="Every criterion of the tier in question against the partner's value")
    summary: list[str] = Field(description="What it takes to reach (or keep) the tier in question, in words")
    forecast: list[ForecastChangeRead] = Field(description="Projected tier changes as certifications end")
    metrics: dict[str, Decimal] = Field(description="Currency metrics count only amounts in the program currency")
    currency: str = Field(description="The program's ISO 4217 currency")
    uncounted: dict[str, dict[str, Decimal]] = Field(description="Per currency metric, credit in other currencies: never converted or added")
    no_data: list[str]

    @classmethod
    def of(cls, found: PartnerEvaluation) -> TierEvaluationRead:
        evaluation = found.evaluation
        return cls(
            partner_id=found.partner_id,
            partner_name=found.partner_name,
            program_id=found.program_id,
            program_name=found.program_name,
            evaluated_on=found.evaluated_on,
            current_tier=TierRef.of(found.current_tier),
            qualifying_tier=TierRef.of(evaluation.qualifying_tier),
            next_tier=TierRef.of(evaluation.next_tier),
            next_tier_mode=CriteriaMode(evaluation.next_tier_mode) if evaluation.next_tier_mode else None,
            keeping=evaluation.keeping,
            gaps=[GapRead.of(g) for g in evaluation.gaps],
            summary=evaluation.summary,
            forecast=[ForecastChangeRead(from_date=c.from_date, tier=TierRef.of(c.tier), sentence=c.sentence) for c in found.forecast.changes],
            metrics=found.values,
            currency=found.currency,
            uncounted=found.uncounted,
            no_data=sorted(found.no_data),
        )


class EvaluationSummaryRead(BaseModel):
    evaluated_on: date
    evaluated: int
    at_tier: int
    upgrades: int
    downgrades: int
    grace_started: int
    in_grace: int
    unchanged: int
    superseded: int
    seconds: float

    @classmethod
    def of(cls, summary: EvaluationSummary) -> EvaluationSummaryRead:
        return cls(**{name: getattr(summary, name) for name in cls.model_fields})


class RecommendationRead(BaseModel):
    id: int
    partner_id: int
    partner_name: str | None
    program_id: int
    evaluated_at: datetime
    action: RecommendationAction
    current_tier_id: int | None
    qualifying_tier_id: int | None
    recommended_tier_id: int | None
    grace_until: date | None
    explanation: dict[str, Any]
    status: RecommendationStatus
    decided_by_user_id: int | None
    decided_at: datetime | None
    decision_reason: str | None
    actions: list[TierDecision] = Field(default_factory=list, description="What the caller may decide (program admins, pending only)")

    @classmethod
    def of(cls, view: RecommendationView) -> RecommendationRead:
        r = view.recommendation
        fields = {name: getattr(r, name) for name in cls.model_fields if name not in ("partner_name", "actions")}
        return cls(partner_name=view.partner_name, actions=view.actions, **fields)


class RecommendationDecision(InputSchema):
    accept: bool
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)] = Field(description="Recorded in the audit trail")
