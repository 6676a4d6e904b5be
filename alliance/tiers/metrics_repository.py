"""Every tier metric for the whole portfolio (or a list of partners) in a few grouped queries.

Each query groups across all partners and is streamed; nothing here runs a query per partner.
Amounts are summed per currency and never converted: a revenue metric adds only the entries in
the partner's program currency; entries in other currencies are kept apart (`uncounted`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from alliance.assets.models import CustomerReference
from alliance.assets.vocabulary import ReferenceStatus
from alliance.enablement.models import Certification, CertificationTrack, ProductRelease
from alliance.enablement.vocabulary import COUNTING, LEVEL_RANK, Level
from alliance.kit.money import DEFAULT_CURRENCY
from alliance.kit.statements import AnySelect
from alliance.partners.metrics import CERTIFICATION_LEVELS, METRICS
from alliance.partners.models import Partner, Person, Program
from alliance.partners.vocabulary import PartnerStatus, RegistrationKind
from alliance.planning.models import BusinessPlan, ItemProgress, PlanItem
from alliance.planning.vocabulary import ItemKind, ItemStatus
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import AttributionEntry, Registration
from alliance.registrations.vocabulary import CreditType
from alliance.tiers.figure_repository import ReportedFigureRepository
from alliance.tiers.forecast import DELIVERY_ROLES, CountedCertification
from alliance.tiers.vocabulary import REPORTED_METRICS

STREAM_ROWS = 5_000
TRAILING_DAYS = 365
# Catalog metrics without a source yet: their criteria are held (evaluation.py) and every
# explanation says so. (Customer references have theirs: approved references, trailing 24 months.)
NO_SOURCE: frozenset[str] = frozenset()
REFERENCE_DAYS = 730
# Metrics the partner reports and the vendor confirms: without a confirmed figure they are held too.
REPORTED = frozenset(REPORTED_METRICS)
ZERO = Decimal(0)


@dataclass
class PartnerMetrics:
    partner_id: int
    program_id: int
    tier_id: int | None
    values: dict[str, Decimal] = field(default_factory=dict)
    no_data: frozenset[str] = NO_SOURCE | REPORTED
    currency: str = DEFAULT_CURRENCY  # the program's; currency metrics are in it
    # metric -> currency -> amount: credit in other currencies, never added to `values`.
    uncounted: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def add_amount(self, metric: str, currency: str, amount: Decimal) -> None:
        if currency == self.currency:
            self.values[metric] += amount
        else:
            cell = self.uncounted.setdefault(metric, {})
            cell[currency] = cell.get(currency, ZERO) + amount


def _level_rank() -> Any:
    return case(*((CertificationTrack.level == level, rank) for level, rank in LEVEL_RANK.items()), else_=0)


def counting_on(today: date, *, by_partner: bool = False) -> list[Any]:
    """A certification counts today: issued, a counting status, not expired, recertification not
    overdue (the person must also be active: see `_counted`).

    `by_partner`: the query also filters on a few partners. Without planner statistics SQLite then
    still prefers the (status, expires_on) index and reads every counting certification of the
    portfolio to find a partner's few dozen; comparing an expression instead of the bare column
    leaves it the (partner_id, status) index. Same result on every backend."""
    expires_on = func.coalesce(Certification.expires_on, Certification.expires_on) if by_partner else Certification.expires_on
    return [
        Certification.status.in_([s.value for s in COUNTING]),
        Certification.issued_on <= today,
        expires_on >= today,
        (Certification.recert_due_on.is_(None)) | (Certification.recert_due_on >= today),
    ]


class TierMetricsRepository:
    """Read-only grouped queries; the session's scope still applies (a partner sees only itself)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def metrics(self, *, today: date, partner_ids: Collection[int] | None = None) -> dict[int, PartnerMetrics]:
        rows = {
            pid: PartnerMetrics(pid, program_id, tier_id, _zeroes(headcount), currency=currency)
            for pid, program_id, tier_id, headcount, currency in self._partners(partner_ids)
        }
        for pid, role, rank, people in self._stream(self._certified_by_role_rank(today, partner_ids)):
            found = rows.get(pid)
            if found is None:
                continue
            found.values[f"certified.{role}"] += people
            for level in CERTIFICATION_LEVELS:
                if rank >= LEVEL_RANK[Level(level)]:
                    found.values[f"certified.{role}.{level}"] += people
        for pid, everyone, delivery in self._stream(self._certified_people(today, partner_ids)):
            if pid in rows:
                rows[pid].values["certified_people"] = Decimal(everyone)
                rows[pid].values["certified_delivery_people"] = Decimal(delivery or 0)
        for pid, credit_type, currency, amount in self._stream(self._revenue(today, partner_ids)):
            if pid in rows and amount is not None:
                metric = "influenced_revenue_12m" if credit_type == CreditType.INFLUENCE else "direct_revenue_12m"
                rows[pid].add_amount(metric, currency, Decimal(amount))
                rows[pid].add_amount("total_revenue_12m", currency, Decimal(amount))
        for pid, kind, won in self._stream(self._won(today, partner_ids)):
            if pid in rows:
                rows[pid].values["won_projects_12m" if kind == RegistrationKind.PROJECT else "won_deals_12m"] = Decimal(won)
        for pid, milestones in self._stream(self._milestones(today, partner_ids)):
            if pid in rows:
                rows[pid].values["practice_milestones_completed"] = Decimal(milestones)
        for pid, references in self._stream(self._references(today, partner_ids)):
            if pid in rows:
                rows[pid].values["customer_references"] = Decimal(references)
        confirmed = ReportedFigureRepository(self.session).latest_confirmed(today=today, partner_ids=partner_ids)
        reported: dict[int, set[str]] = {}
        for (pid, metric), value in confirmed.items():
            if pid in rows:
                rows[pid].values[metric] = Decimal(value)
                reported.setdefault(pid, set()).add(metric)
        for pid, found in rows.items():
            found.no_data = NO_SOURCE | (REPORTED - reported.get(pid, set()))
        return rows

    def counted_certifications(self, partner_id: int, *, today: date) -> list[CountedCertification]:
        """One partner's certifications that count today, with the release that opened a recertification window."""
        statement = (
            select(
                Certification.person_id,
                CertificationTrack.delivery_role,
                CertificationTrack.level,
                Certification.expires_on,
                Certification.recert_due_on,
                ProductRelease.version,
            )
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .outerjoin(ProductRelease, ProductRelease.id == Certification.recert_release_id)
            .where(Certification.partner_id == partner_id, *counting_on(today, by_partner=True), Person.is_active.is_(True))
            .order_by(Certification.id)
        )
        return [CountedCertification(*row) for row in self.session.execute(statement)]

    def _stream(self, statement: AnySelect) -> Iterator[Any]:
        yield from self.session.execute(statement.execution_options(yield_per=STREAM_ROWS))

    def _partners(self, partner_ids: Collection[int] | None) -> Iterator[Any]:
        statement = (
            select(Partner.id, Partner.program_id, Partner.tier_id, Partner.consultant_headcount, Program.currency)
            .join(Program, Program.id == Partner.program_id)
            .where(Partner.status != PartnerStatus.TERMINATED)
            .order_by(Partner.id)
        )
        return self._stream(_only(statement, Partner.id, partner_ids))

    def _certified_by_role_rank(self, today: date, partner_ids: Collection[int] | None) -> AnySelect:
        # Each person once per role, at their best counting level; then people per (partner, role, level).
        best = (
            select(
                Certification.partner_id.label("partner_id"),
                Certification.person_id.label("person_id"),
                CertificationTrack.delivery_role.label("role"),
                func.max(_level_rank()).label("rank"),
            )
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .where(*counting_on(today, by_partner=partner_ids is not None), Person.is_active.is_(True))
            .group_by(Certification.partner_id, Certification.person_id, CertificationTrack.delivery_role)
        )
        best_sq = _only(best, Certification.partner_id, partner_ids).subquery()
        return select(best_sq.c.partner_id, best_sq.c.role, best_sq.c.rank, func.count()).group_by(best_sq.c.partner_id, best_sq.c.role, best_sq.c.rank)

    def _certified_people(self, today: date, partner_ids: Collection[int] | None) -> AnySelect:
        delivery = case((CertificationTrack.delivery_role.in_([r.value for r in DELIVERY_ROLES]), Certification.person_id), else_=None)
        statement = (
            select(Certification.partner_id, func.count(func.distinct(Certification.person_id)), func.count(func.distinct(delivery)))
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .where(*counting_on(today, by_partner=partner_ids is not None), Person.is_active.is_(True))
            .group_by(Certification.partner_id)
        )
        return _only(statement, Certification.partner_id, partner_ids)

    def _revenue(self, today: date, partner_ids: Collection[int] | None) -> AnySelect:
        # Reversals are negative entries in the same window, so the sum is already net of them.
        # Services credit (delivering SI of a won project) is not part of either revenue metric.
        statement = (
            select(AttributionEntry.partner_id, AttributionEntry.credit_type, AttributionEntry.currency, func.sum(AttributionEntry.amount))
            .where(
                AttributionEntry.partner_id.is_not(None),
                AttributionEntry.credit_type.in_([CreditType.INFLUENCE.value, CreditType.DIRECT.value]),
                AttributionEntry.effective_on > today - timedelta(days=TRAILING_DAYS),
                AttributionEntry.effective_on <= today,
            )
            .group_by(AttributionEntry.partner_id, AttributionEntry.credit_type, AttributionEntry.currency)
        )
        return _only(statement, AttributionEntry.partner_id, partner_ids)

    def _won(self, today: date, partner_ids: Collection[int] | None) -> AnySelect:
        statement = (
            select(Registration.partner_id, Registration.kind, func.count())
            .where(
                Registration.status == Status.WON,
                Registration.kind.in_([RegistrationKind.PROJECT.value, RegistrationKind.DEAL.value]),
                Registration.closed_on > today - timedelta(days=TRAILING_DAYS),
                Registration.closed_on <= today,
            )
            .group_by(Registration.partner_id, Registration.kind)
        )
        return _only(statement, Registration.partner_id, partner_ids)

    def _milestones(self, today: date, partner_ids: Collection[int] | None) -> AnySelect:
        """Joint business plan milestones the vendor confirmed in the trailing 12 months (solution,
        demo environment and vertical milestones of the version in force; vendor co-investments
        are the vendor's commitments, not the partner's practice)."""
        since = datetime.combine(today - timedelta(days=TRAILING_DAYS - 1), time.min, tzinfo=UTC)
        until = datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)
        statement = (
            select(ItemProgress.partner_id, func.count())
            .join(BusinessPlan, BusinessPlan.id == ItemProgress.plan_id)
            .join(PlanItem, (PlanItem.version_id == BusinessPlan.agreed_version_id) & (PlanItem.ref == ItemProgress.ref))
            .where(
                ItemProgress.status == ItemStatus.CONFIRMED,
                ItemProgress.confirmed_at >= since,
                ItemProgress.confirmed_at < until,
                PlanItem.kind != ItemKind.CO_INVESTMENT,
            )
            .group_by(ItemProgress.partner_id)
        )
        return _only(statement, ItemProgress.partner_id, partner_ids)

    def _references(self, today: date, partner_ids: Collection[int] | None) -> AnySelect:
        """Customer references the vendor approved in the trailing 24 months."""
        since, until = _reference_window(today)
        statement = (
            select(CustomerReference.partner_id, func.count())
            .where(CustomerReference.status == ReferenceStatus.APPROVED, CustomerReference.decided_at >= since, CustomerReference.decided_at < until)
            .group_by(CustomerReference.partner_id)
        )
        return _only(statement, CustomerReference.partner_id, partner_ids)


def _reference_window(today: date) -> tuple[datetime, datetime]:
    return datetime.combine(today - timedelta(days=REFERENCE_DAYS - 1), time.min, tzinfo=UTC), datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)


def _only(statement: AnySelect, column: Any, partner_ids: Collection[int] | None) -> AnySelect:
    return statement if partner_ids is None else statement.where(column.in_(list(partner_ids)))


def _zeroes(headcount: int | None) -> dict[str, Decimal]:
    values = dict.fromkeys(METRICS, ZERO)
    values["consultant_headcount"] = Decimal(headcount or 0)
    return values
