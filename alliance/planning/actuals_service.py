"""Plan vs actual, computed and never typed: for each item of the version in force (the agreed
one; before agreement, the latest), what is reached on a day, where its trajectory leads and
whether it is at risk (planning.risk). Set-based: `measure` reads a portfolio's plans as plain rows
and measures them with one query per item kind; `compute` does the same for plans already loaded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from alliance.enablement.vocabulary import Level
from alliance.funds.ledger_repository import LedgerRepository
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners.territories import TerritoryMap
from alliance.planning import risk
from alliance.planning import service as plan_service
from alliance.planning.actuals_repository import ActualsRepository, ItemRow, PlanInput, PlanRow, VersionRow
from alliance.planning.models import BusinessPlan
from alliance.planning.repository import PlanFilters
from alliance.planning.schemas import ItemActualRead, PlanActualsRead, TerritoryActualRead
from alliance.planning.vocabulary import InvestmentKind, ItemKind, ItemStatus, RevenueKind
from alliance.registrations.vocabulary import CreditType

CREDIT_OF = {RevenueKind.DIRECT: CreditType.DIRECT, RevenueKind.INFLUENCED: CreditType.INFLUENCE, RevenueKind.SERVICES: CreditType.SERVICES}


@dataclass(frozen=True)
class ItemActual:
    item: ItemRow
    status: ItemStatus  # targets: completed once reached
    progress: risk.TargetProgress | None  # targets only
    unit: str | None
    finding: risk.Finding | None
    territory: str | None = None  # revenue targets: the program territory measured (None: all the partner's credit)


@dataclass(frozen=True)
class TerritoryActual:
    """Revenue of one kind in one sales territory of the program (None: customers outside them
    all, or of unknown country) against the targets the plan's items set there."""

    territory: str | None
    revenue_kind: RevenueKind
    target: Decimal
    actual: Decimal
    currency: str


@dataclass(frozen=True)
class PlanActuals:
    plan: PlanRow
    version: VersionRow
    as_of: date
    items: list[ItemActual]
    territories: list[TerritoryActual] = field(default_factory=list)

    @property
    def at_risk(self) -> list[ItemActual]:
        return [i for i in self.items if i.finding is not None]


def plan_vs_actual(session: Session, actor: Actor, *, plan_id: int, as_of: date | None = None) -> PlanActuals:
    plan = plan_service.get_plan(session, actor, plan_id=plan_id)
    return compute(session, [plan], as_of=as_of or clock.today())[plan.id]


def compute(session: Session, plans: Sequence[BusinessPlan], *, as_of: date) -> dict[int, PlanActuals]:
    """Plans already loaded with versions, items and progress (one plan's page, closing, the QBR)."""
    return _measure(session, [PlanInput.of(plan) for plan in plans], as_of=as_of)


def measure(session: Session, actor: Actor, *, plan_ids: Sequence[int], as_of: date) -> dict[int, PlanActuals]:
    """A portfolio's plans (those the actor may read), read as plain rows and measured together:
    the list page's at-risk column, the CSV export, the benchmark."""
    require(actor, Permission.BUSINESS_PLANS_READ)
    return _measure(session, ActualsRepository(session).plan_inputs(plan_ids), as_of=as_of)


def _measure(session: Session, inputs: Sequence[PlanInput], *, as_of: date) -> dict[int, PlanActuals]:
    """One query per item kind for all the plans, then each plan's arithmetic."""
    repository = ActualsRepository(session)
    before = as_of - timedelta(days=risk.PACE_DAYS)
    kinds = {i.kind for p in inputs for i in p.items}
    plan_ids = [p.plan.id for p in inputs]
    wants_revenue = ItemKind.REVENUE_TARGET in kinds
    maps = repository.territory_maps(plan_ids) if wants_revenue else {}
    revenue: dict[tuple[int, str, str], dict[str | None, tuple[Decimal, Decimal]]] = defaultdict(dict)
    if wants_revenue:
        for plan_id, credit, currency, territory, total, earlier in repository.revenue(plan_ids, as_of=as_of, maps=maps):
            revenue[(plan_id, str(credit), currency)][territory] = (total, earlier)
    partner_ids = {p.plan.partner_id for p in inputs}
    wants_people = ItemKind.CERTIFICATION_TARGET in kinds
    now_people = _people(repository.certified(partner_ids, on=as_of)) if wants_people else {}
    then_people = _people(repository.certified(partner_ids, on=before)) if wants_people else {}
    wants_mdf = ItemKind.CO_INVESTMENT in kinds and any(_is_mdf(i) for p in inputs for i in p.items)
    mdf_spent = LedgerRepository(session).spent_by_plan(plan_ids, before=_end_of(as_of)) if wants_mdf else {}
    found = {}
    for measuring in inputs:
        plan, version, progress = measuring.plan, measuring.version, measuring.progress
        measured = []
        for item in measuring.items:
            if item.kind == ItemKind.REVENUE_TARGET:
                assert item.revenue_kind is not None and item.amount is not None  # rules.validate_items
                by_territory = revenue.get((plan.id, str(CREDIT_OF[item.revenue_kind]), plan.currency), {})
                territory = maps[plan.id].named(item.territory) if plan.id in maps else None
                total, earlier = _sum(by_territory.values()) if territory is None else by_territory.get(territory, (Decimal(0), Decimal(0)))
                earlier_or_none = earlier if before >= plan.starts_on else None
                measured.append(_target(plan, item, Decimal(item.amount), total, earlier_or_none, plan.currency, as_of, territory=territory))
            elif item.kind == ItemKind.CERTIFICATION_TARGET:
                assert item.delivery_role is not None and item.level is not None and item.target_count is not None
                now = _count(now_people, plan.partner_id, item.delivery_role, item.level)
                then = _count(then_people, plan.partner_id, item.delivery_role, item.level) if before >= plan.starts_on else None
                measured.append(_target(plan, item, Decimal(item.target_count), Decimal(now), Decimal(then) if then is not None else None, "people", as_of))
            else:
                status = progress.get(item.ref, ItemStatus.NOT_STARTED)
                if _is_mdf(item):
                    measured.append(_mdf(plan, item, status, mdf_spent, as_of))
                    continue
                if item.kind == ItemKind.CO_INVESTMENT:
                    finding = risk.investment_risk(item.title, status=status, due_on=item.due_on, today=as_of)
                else:
                    finding = risk.milestone_risk(item.title, status=status, due_on=item.due_on, today=as_of)
                measured.append(ItemActual(item=item, status=status, progress=None, unit=None, finding=finding))
        split = _territories(plan, measured, revenue, maps) if plan.id in maps and maps[plan.id].by_key else []
        found[plan.id] = PlanActuals(plan=plan, version=version, as_of=as_of, items=measured, territories=split)
    return found


def _sum(pairs: Iterable[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    total, earlier = Decimal(0), Decimal(0)
    for a, b in pairs:
        total, earlier = total + a, earlier + b
    return total, earlier


def _territories(
    plan: PlanRow,
    measured: Sequence[ItemActual],
    revenue: dict[tuple[int, str, str], dict[str | None, tuple[Decimal, Decimal]]],
    maps: dict[int, TerritoryMap],
) -> list[TerritoryActual]:
    """Targets vs actual per program territory and revenue kind (and what came from customers
    outside every territory), for the kinds the plan targets; rows with neither left out."""
    kinds = sorted({m.item.revenue_kind for m in measured if m.item.revenue_kind is not None}, key=list(RevenueKind).index)
    names: list[str | None] = [*dict.fromkeys(maps[plan.id].by_key.values()), None]
    rows = []
    for kind in kinds:
        actual = revenue.get((plan.id, str(CREDIT_OF[kind]), plan.currency), {})
        for name in names:
            target = sum(
                (Decimal(m.item.amount or 0) for m in measured if m.item.revenue_kind == kind and name is not None and m.territory == name), Decimal(0)
            )
            reached = actual.get(name, (Decimal(0), Decimal(0)))[0]
            if target or reached:
                rows.append(TerritoryActual(territory=name, revenue_kind=kind, target=target, actual=reached, currency=plan.currency))
    return rows


def _is_mdf(item: ItemRow) -> bool:
    return item.kind == ItemKind.CO_INVESTMENT and item.investment_kind == InvestmentKind.MDF and item.amount is not None


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def _mdf(plan: PlanRow, item: ItemRow, recorded: ItemStatus, spent: dict[tuple[int, str], Decimal], as_of: date) -> ItemActual:
    """An MDF co-investment against the MDF the partner was paid or approved (funds' ledger) for
    activities starting in the plan's period, in the item's currency: delivered once it reaches
    the amount (or when recorded so); at risk only when undelivered after its due date."""
    assert item.amount is not None
    currency = item.currency or plan.currency
    target, actual = Decimal(item.amount), spent.get((plan.id, currency), Decimal(0))
    progress = risk.target_progress(target=target, actual=actual, actual_before=None, starts_on=plan.starts_on, due_on=item.due_on, today=as_of)
    status: ItemStatus = recorded
    if recorded not in (ItemStatus.COMPLETED, ItemStatus.CONFIRMED):
        status = ItemStatus.COMPLETED if actual >= target else (ItemStatus.IN_PROGRESS if actual > 0 else recorded)
    finding = risk.investment_risk(item.title, status=status, due_on=item.due_on, today=as_of)
    return ItemActual(item=item, status=status, progress=progress, unit=currency, finding=finding)


def _target(
    plan: PlanRow, item: ItemRow, target: Decimal, actual: Decimal, earlier: Decimal | None, unit: str, as_of: date, *, territory: str | None = None
) -> ItemActual:
    progress = risk.target_progress(target=target, actual=actual, actual_before=earlier, starts_on=plan.starts_on, due_on=item.due_on, today=as_of)
    status = ItemStatus.COMPLETED if actual >= target else (ItemStatus.IN_PROGRESS if actual > 0 else ItemStatus.NOT_STARTED)
    finding = risk.target_risk(item.title, progress, unit=unit, today=as_of, due_on=item.due_on)
    return ItemActual(item=item, status=status, progress=progress, unit=unit, finding=finding, territory=territory)


def _people(rows: Sequence[tuple[int, int, str, str]]) -> dict[tuple[int, str], dict[int, int]]:
    """(partner, role) → person → the highest level rank they hold in the role."""
    found: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    for partner_id, person_id, role, level in rows:
        people = found[(partner_id, str(role))]
        people[person_id] = max(people.get(person_id, 0), Level(level).rank)
    return found


def _count(people: dict[tuple[int, str], dict[int, int]], partner_id: int, role: str, level: Level) -> int:
    """People certified in the role at `level` or above, each once."""
    return sum(1 for rank in people.get((partner_id, str(role)), {}).values() if rank >= level.rank)


def read(actuals: PlanActuals) -> PlanActualsRead:
    """The API's and the CSV's shape of plan vs actual."""
    items = []
    for measured in actuals.items:
        progress, item = measured.progress, measured.item
        items.append(
            ItemActualRead(
                ref=item.ref,
                kind=item.kind,
                title=item.title,
                due_on=item.due_on,
                owner_user_id=item.owner_user_id,
                territory=item.territory,
                territory_measured=measured.territory,
                status=measured.status,
                target=progress.target if progress else None,
                actual=progress.actual if progress else None,
                unit=measured.unit,
                expected_by_now=progress.expected if progress else None,
                projected_from_start=progress.projected_from_start if progress else None,
                projected_from_pace=progress.projected_from_pace if progress else None,
                percent=progress.percent if progress else (100 if measured.status in (ItemStatus.COMPLETED, ItemStatus.CONFIRMED) else 0),
                at_risk=measured.finding.text if measured.finding else None,
                risk_rule=measured.finding.rule if measured.finding else None,
            )
        )
    territories = [
        TerritoryActualRead(territory=t.territory, revenue_kind=t.revenue_kind, target=t.target, actual=t.actual, currency=t.currency)
        for t in actuals.territories
    ]
    return PlanActualsRead(
        plan_id=actuals.plan.id, version_number=actuals.version.number, as_of=actuals.as_of, items=items, at_risk=len(actuals.at_risk), territories=territories
    )


def at_risk_counts(session: Session, actor: Actor, *, plan_ids: Sequence[int], as_of: date) -> dict[int, int]:
    """How many items of each plan are at risk (a list page's column), measured together."""
    return {plan_id: len(found.at_risk) for plan_id, found in measure(session, actor, plan_ids=plan_ids, as_of=as_of).items()}


CSV_COLUMNS = (
    "partner_id",
    "partner_name",
    "plan_id",
    "plan_title",
    "fiscal_period",
    "plan_status",
    "version_in_force",
    "item_ref",
    "item_kind",
    "item_title",
    "territory",
    "owner_user_id",
    "due_date",
    "item_status",
    "target",
    "actual",
    "unit",
    "expected_by_today",
    "projected_at_start_pace",
    "projected_at_90_day_pace",
    "at_risk",
    "as_of",
)
EXPORT_BATCH = 200


def export_rows(session: Session, actor: Actor, *, filters: PlanFilters, as_of: date, sort: str | None = None) -> Iterator[tuple[object, ...]]:
    """Plans and plan-vs-actual as CSV rows (CSV_COLUMNS), one per item of each plan's version in
    force, every plan matching `filters` in the list's `sort` order (measured a batch of plans at a time)."""
    offset = 0
    while True:
        page = plan_service.list_plans(session, actor, filters=filters, page=PageRequest(limit=EXPORT_BATCH, offset=offset), sort=sort)
        measured = measure(session, actor, plan_ids=[p.id for p in page.items], as_of=as_of)
        for summary in page.items:
            found = read(measured[summary.id])
            for i in found.items:
                yield (
                    summary.partner_id,
                    summary.partner_name,
                    summary.id,
                    summary.title,
                    summary.period_key,
                    summary.status.value,
                    found.version_number,
                    i.ref,
                    i.kind.value,
                    i.title,
                    i.territory_measured or i.territory or "",
                    i.owner_user_id or "",
                    i.due_on.isoformat(),
                    i.status.value,
                    _csv(i.target),
                    _csv(i.actual),
                    i.unit or "",
                    _csv(i.expected_by_now),
                    _csv(i.projected_from_start),
                    _csv(i.projected_from_pace),
                    i.at_risk or "",
                    as_of.isoformat(),
                )
        offset += EXPORT_BATCH
        if offset >= page.total:
            return


def _csv(value: Decimal | None) -> str:
    return "" if value is None else str(value)
