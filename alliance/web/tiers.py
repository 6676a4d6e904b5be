"""Tier engine pages: the program admin's review queue of tier recommendations, and the
"what it takes to reach the next tier" panel shown on the portal tier page and the console
partner profile. Every page calls tiers.service, exactly as the API does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.errors import RuleViolation
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners import program_service
from alliance.tiers import service as tier_service
from alliance.tiers.evaluation import NO_DATA_NOTE, Gap, TierSpec, format_amount
from alliance.tiers.forecast import long_date
from alliance.tiers.schemas import RecommendationDecision
from alliance.tiers.vocabulary import RecommendationAction
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, submit
from alliance.web.templating import render

router = APIRouter(prefix="/console/tiers", dependencies=VENDOR_ONLY)
QUEUE = "/console/tiers/review"
UPWARD = (">=", ">")


# --- the evaluation panel (portal tier page, console partner profile) --------------------------


@dataclass(frozen=True)
class GapRow:
    """One criterion of the tier in question, ready to show: words, numbers and a bar."""

    label: str
    words: str
    met: bool
    no_data: bool
    value: str
    threshold: str
    comparison: str
    percent: int  # of the threshold reached, 0-100; a bound (at most, below) is 100 when met


@dataclass(frozen=True)
class EvaluationPanel:
    evaluation: tier_service.PartnerEvaluation | None
    unavailable: str | None = None  # why there is nothing to evaluate (no program, terminated)

    @property
    def current(self) -> TierSpec | None:
        return self.evaluation.current_tier if self.evaluation else None

    @property
    def qualifying(self) -> TierSpec | None:
        return self.evaluation.evaluation.qualifying_tier if self.evaluation else None

    @property
    def next_tier(self) -> TierSpec | None:
        return self.evaluation.evaluation.next_tier if self.evaluation else None

    @property
    def keeping(self) -> bool:
        """The tier in question is the one the partner holds now but no longer meets."""
        return bool(self.evaluation and self.evaluation.evaluation.keeping)

    @property
    def held(self) -> int:
        return len(self.evaluation.evaluation.held) if self.evaluation else 0

    @property
    def gaps(self) -> list[GapRow]:
        return [gap_row(g) for g in self.evaluation.evaluation.gaps] if self.evaluation else []

    @property
    def unmet(self) -> int:
        return len(self.evaluation.evaluation.unmet) if self.evaluation else 0

    @property
    def mode(self) -> str:
        return (self.evaluation.evaluation.next_tier_mode if self.evaluation else None) or "all"

    @property
    def forecast(self) -> list[dict[str, Any]]:
        if not self.evaluation:
            return []
        return [
            {"date": long_date(c.from_date), "iso": c.from_date.isoformat(), "tier": c.tier, "down": _rank(c.tier) < _rank(c.previous), "sentence": c.sentence}
            for c in self.evaluation.forecast.changes
        ]

    @property
    def horizon(self) -> str:
        return long_date(self.evaluation.forecast.horizon) if self.evaluation else ""

    @property
    def evaluated_on(self) -> str:
        return long_date(self.evaluation.evaluated_on) if self.evaluation else ""


def gap_row(gap: Gap) -> GapRow:
    if gap.comparison in UPWARD:
        percent = 100 if gap.threshold <= 0 else int(min(gap.value / gap.threshold, Decimal(1)) * 100)
    else:
        percent = 100 if gap.met else 0
    return GapRow(
        label=gap.label,
        words=gap.words.removesuffix(f" {NO_DATA_NOTE}"),
        met=gap.met,
        no_data=gap.no_data,
        value=format_amount(gap.value, gap.unit, gap.currency),
        threshold=format_amount(gap.threshold, gap.unit, gap.currency),
        comparison=gap.comparison,
        percent=max(0, percent),
    )


def evaluation_panel(session: Session, actor: Actor, *, partner_id: int, enrolled: bool, today: date | None = None) -> EvaluationPanel:
    """The partner's evaluation, or why there is none; a partner outside a program is not an error."""
    if not enrolled:
        return EvaluationPanel(None, "Not enrolled in a program yet, so there is no tier to evaluate.")
    try:
        return EvaluationPanel(tier_service.evaluate_partner(session, actor, partner_id=partner_id, today=today))
    except RuleViolation as exc:
        return EvaluationPanel(None, exc.message)


def _rank(tier: TierSpec | None) -> int:
    return tier.rank if tier else 0


# --- the console review queue ------------------------------------------------------------------


@router.get("/review")
def review_queue(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    return _queue(request, session, actor, page=page)


def _queue(request: Request, session: Session, actor: Actor, *, page: PageRequest, forms: dict[str, Submission[Any]] | None = None) -> Response:
    forms = forms or {}
    queue = tier_service.recommendation_queue(session, actor, page=page)
    context = {
        "queue": queue,
        "forms": forms,
        "tiers": _tier_names(session, actor),
    }
    return render(request, "tiers/review.html", context, status_code=max((s.status for s in forms.values()), default=200))


@router.post("/evaluate")
def evaluate_all(request: Request, session: WebSession, actor: VendorActor) -> Response:
    summary = tier_service.evaluate_all(session, actor, today=clock.today())
    flash(request, summary_message(summary))
    return RedirectResponse(QUEUE, status_code=303)


@router.post("/recommendations/{recommendation_id}/decision")
def decide(request: Request, recommendation_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    accept = str(form.get("decision", "")) == "accept"
    values = {"accept": accept, **{k: v for k, v in form_values(form).items() if k == "reason"}}

    def apply(data: RecommendationDecision) -> tier_service.RecommendationView:
        return tier_service.decide_recommendation(session, actor, recommendation_id=recommendation_id, accept=data.accept, reason=data.reason)

    submission = submit(session, RecommendationDecision, values, apply, shown=echo(form))
    if submission.ok and submission.result is not None:
        flash(request, decision_message(submission.result, _tier_names(session, actor), accepted=accept))
        return RedirectResponse(QUEUE, status_code=303)
    if "reason" in submission.errors:
        submission.errors["reason"] = "Give a reason for the decision; it is recorded in the audit trail."
    return _queue(request, session, actor, page=PageRequest(), forms={f"recommendation-{recommendation_id}": submission})


def _tier_names(session: Session, actor: Actor) -> dict[int, Any]:
    return {t.id: t for p in program_service.list_programs(session, actor) for t in p.tiers}


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def summary_message(summary: tier_service.EvaluationSummary) -> str:
    return (
        f"Evaluated {_plural(summary.evaluated, 'partner')} in {summary.seconds:.1f} s: "
        f"{_plural(summary.upgrades, 'upgrade')} and {_plural(summary.downgrades, 'downgrade')} recommended, "
        f"{summary.grace_started} grace {'period' if summary.grace_started == 1 else 'periods'} started, {summary.in_grace} still in grace, "
        f"{summary.at_tier} at their tier, {summary.unchanged} unchanged, {summary.superseded} superseded."
    )


def decision_message(view: tier_service.RecommendationView, tiers: dict[int, Any], *, accepted: bool) -> str:
    r = view.recommendation
    name = view.partner_name or f"Partner {r.partner_id}"
    action = "Upgrade" if r.action == RecommendationAction.UPGRADE else "Downgrade"
    if accepted:
        tier = tiers.get(r.recommended_tier_id) if r.recommended_tier_id else None
        return f"{action} accepted: {name} is now {tier.name if tier else 'without a tier'}."
    return f"{action} rejected: {name} keeps its tier."
