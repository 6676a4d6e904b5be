"""Figures a partner reports per month for the metrics only it knows (managed customers for an
MSP, sub-resellers for a distributor). The vendor confirms or rejects each; the tier engine counts
the latest confirmed figure, and until there is one the criterion is held (see evaluation.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require, require_edit_partner
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.schemas import field_errors
from alliance.partners import service as partner_service
from alliance.partners.metrics import METRICS
from alliance.partners.vocabulary import TYPE_LABELS, PartnerType
from alliance.tiers.figure_repository import ReportedFigureRepository
from alliance.tiers.figure_schemas import FigureReport
from alliance.tiers.models import ReportedFigure
from alliance.tiers.repository import TierRecommendationRepository
from alliance.tiers.vocabulary import REPORTED_METRICS, FigureStatus


@dataclass(frozen=True)
class FigureView:
    figure: ReportedFigure
    partner_name: str | None

    @property
    def metric_label(self) -> str:
        return metric_label(self.figure.metric)


@dataclass
class FigureImportSummary:
    rows: int = 0
    recorded: int = 0
    rejected: int = 0
    rejections: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def metric_label(metric: str) -> str:
    found = METRICS.get(metric)
    return found.label if found else metric


def metrics_for(partner_type: str) -> list[str]:
    """The metrics a partner of this type reports."""
    return [metric for metric, kind in REPORTED_METRICS.items() if kind == partner_type]


def report_figure(session: Session, actor: Actor, *, partner_id: int, data: FigureReport, confirm: bool = False) -> ReportedFigure:
    """Record (or correct, until confirmed) the partner's figure for a month; audited. `confirm`
    (vendor imports) records it as confirmed at once."""
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    require_edit_partner(actor, partner_id)
    if confirm:
        require(actor, Permission.PARTNERS_WRITE)
    expected = REPORTED_METRICS[data.metric]
    if partner.partner_type != expected:
        who = TYPE_LABELS[PartnerType(expected)]
        raise RuleViolation(
            f"{metric_label(data.metric)} are reported by {who} partners; {partner.display_name} is not one.",
            details=[{"field": "metric", "message": f"reported by {who} partners only"}],
        )
    if data.period > clock.today().replace(day=1):
        raise RuleViolation("A figure is reported for the current month or an earlier one.", details=[{"field": "period", "message": "in the future"}])
    repository = ReportedFigureRepository(session)
    figure = repository.for_period(partner_id, data.metric, data.period)
    now = clock.now()
    before: dict[str, Any] | None = None
    if figure is None:
        figure = repository.add(ReportedFigure(partner_id=partner_id, metric=data.metric, period=data.period, value=data.value, reported_at=now))
    elif figure.status == FigureStatus.CONFIRMED:
        raise Conflict(
            f"The {metric_label(data.metric).lower()} figure for {data.period:%B %Y} is already confirmed ({figure.value:,}); report the next month instead.",
            details=[{"field": "period", "message": "already confirmed"}],
        )
    else:
        before = {"value": figure.value, "status": figure.status, "note": figure.note}
        figure.value = data.value
    figure.note = data.note
    figure.status = FigureStatus.CONFIRMED if confirm else FigureStatus.REPORTED
    figure.reported_by_user_id = actor.user_id
    figure.reported_at = now
    figure.decided_by_user_id = actor.user_id if confirm else None
    figure.decided_at = now if confirm else None
    figure.decision_reason = None
    session.flush()
    after = {"metric": figure.metric, "period": figure.period, "value": figure.value, "status": figure.status, "note": figure.note}
    audit.record(
        session, actor, "reported_figure.reported", entity_type="reported_figure", entity_id=figure.id, partner_id=partner_id, before=before, after=after
    )
    return figure


def decide_figure(session: Session, actor: Actor, *, figure_id: int, confirm: bool, reason: str | None = None) -> FigureView:
    """Confirm (the tier engine counts it from now on) or reject with a reason; audited."""
    require(actor, Permission.PARTNERS_WRITE)
    reason = (reason or "").strip() or None
    if not confirm and reason is None:
        raise RuleViolation("A rejection needs a reason.", details=[{"field": "reason", "message": "required to reject"}])
    repository = ReportedFigureRepository(session)
    figure = repository.get_for_change(figure_id)
    if figure is None:
        raise NotFound(f"Reported figure {figure_id} not found.")
    if figure.status != FigureStatus.REPORTED:
        raise Conflict(f"This figure is already {figure.status}.")
    before = {"status": figure.status}
    figure.status = FigureStatus.CONFIRMED if confirm else FigureStatus.REJECTED
    figure.decided_by_user_id = actor.user_id
    figure.decided_at = clock.now()
    figure.decision_reason = reason
    session.flush()
    audit.record(
        session,
        actor,
        f"reported_figure.{figure.status}",
        entity_type="reported_figure",
        entity_id=figure.id,
        partner_id=figure.partner_id,
        before=before,
        after={"status": figure.status, "metric": figure.metric, "period": figure.period, "value": figure.value},
        reason=reason,
    )
    names = TierRecommendationRepository(session).partner_names({figure.partner_id})
    return FigureView(figure, names.get(figure.partner_id))


def list_figures(session: Session, actor: Actor, *, partner_id: int) -> list[ReportedFigure]:
    """The partner's figures, latest month first (partner users: their own organisation's)."""
    partner_service.get_partner(session, actor, partner_id=partner_id)
    repository = ReportedFigureRepository(session)
    return repository.figures(repository.of_partner(partner_id))


def figure_queue(session: Session, actor: Actor, *, page: PageRequest) -> Page[FigureView]:
    """Figures awaiting confirmation, oldest first (program admins and CAMs)."""
    require(actor, Permission.PARTNERS_WRITE)
    found = paginate(session, ReportedFigureRepository(session).awaiting_decision(), page)
    names = TierRecommendationRepository(session).partner_names({f.partner_id for f in found.items})
    return Page(items=[FigureView(f, names.get(f.partner_id)) for f in found.items], total=found.total, limit=found.limit, offset=found.offset)


def import_figures(session: Session, actor: Actor, *, rows: Iterable[tuple[int, dict[str, str]]], confirm: bool = False) -> FigureImportSummary:
    """Rows (line number, CSV columns partner_id, metric, period, value[, note]) validated by the
    API's schema and recorded one by one; a bad row is reported with its line and skipped."""
    summary = FigureImportSummary()
    for line, row in rows:
        summary.rows += 1
        try:
            partner_id = int(row.get("partner_id") or "")
        except ValueError:
            summary.rejected += 1
            summary.rejections.append(f"line {line}: partner_id: not a partner id")
            continue
        try:
            data = FigureReport.model_validate({k: row.get(k) or None for k in ("metric", "period", "value", "note")})
            with session.begin_nested():
                report_figure(session, actor, partner_id=partner_id, data=data, confirm=confirm)
        except ValidationError as exc:
            summary.rejected += 1
            summary.rejections.append(f"line {line}: " + "; ".join(f"{name}: {message}" for name, message in field_errors(exc)))
            continue
        except (RuleViolation, Conflict, NotFound) as exc:
            summary.rejected += 1
            summary.rejections.append(f"line {line}: {exc.message}")
            continue
        summary.recorded += 1
    return summary


def month(day: date) -> str:
    return f"{day:%B %Y}"
