"""Plan-vs-actual reads: the plans themselves as plain rows (their version in force, its items,
their progress), then one grouped query per item kind for any number of plans. Certified people
come from enablement's counting certifications, revenue from the attribution ledger; the session
scope keeps a partner to its own figures."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from alliance.customers.models import Customer
from alliance.enablement.capacity_repository import counting_certifications
from alliance.enablement.recert_repository import effective_dates
from alliance.enablement.vocabulary import Level
from alliance.kit.repository import within_scope
from alliance.partners.models import Partner, Program
from alliance.partners.territories import TerritoryMap
from alliance.partners.vocabulary import DeliveryRole
from alliance.planning.models import BusinessPlan, BusinessPlanVersion, ItemProgress, PlanItem
from alliance.planning.risk import PACE_DAYS
from alliance.planning.vocabulary import InvestmentKind, ItemKind, ItemStatus, RevenueKind
from alliance.registrations.models import AttributionEntry, Registration

ZERO = literal(0)


@dataclass(frozen=True, slots=True)
class PlanRow:
    """What measuring needs of a plan."""

    id: int
    partner_id: int
    starts_on: date
    ends_on: date
    currency: str


@dataclass(frozen=True, slots=True)
class VersionRow:
    id: int
    number: int


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One item of the version in force, as measuring and the readers of its result see it."""

    ref: int
    kind: ItemKind
    title: str
    owner_user_id: int | None
    due_on: date
    territory: str | None
    revenue_kind: RevenueKind | None
    amount: Decimal | None
    currency: str | None
    delivery_role: DeliveryRole | None
    level: Level | None
    target_count: int | None
    investment_kind: InvestmentKind | None


ITEM_FIELDS = tuple(f.name for f in fields(ItemRow))
ITEM_COLUMNS = tuple(getattr(PlanItem, name) for name in ITEM_FIELDS)


@dataclass(frozen=True)
class PlanInput:
    """A plan to measure: the plan, its version in force (the agreed one; before agreement, the
    latest), that version's items in order, and each item's recorded status by ref."""

    plan: PlanRow
    version: VersionRow
    items: list[ItemRow]
    progress: dict[int, ItemStatus]

    @classmethod
    def of(cls, plan: BusinessPlan) -> PlanInput:
        """From a plan loaded with its versions, items and progress (one plan's page, closing)."""
        version = next((v for v in plan.versions if v.id == plan.agreed_version_id), plan.versions[-1])
        return cls(
            plan=PlanRow(id=plan.id, partner_id=plan.partner_id, starts_on=plan.starts_on, ends_on=plan.ends_on, currency=plan.currency),
            version=VersionRow(id=version.id, number=version.number),
            items=[ItemRow(*(getattr(item, name) for name in ITEM_FIELDS)) for item in version.items],
            progress={row.ref: ItemStatus(row.status) for row in plan.progress},
        )


class ActualsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def plan_inputs(self, plan_ids: Sequence[int]) -> list[PlanInput]:
        """The plans (those the session may read) as PlanInput, in `plan_ids` order, read as plain
        rows in four statements whatever their number: a portfolio is measured without building
        an ORM object per plan, version, item and progress row."""
        if not plan_ids:
            return []
        scope = self.session.info["scope"]
        plans_statement = select(
            BusinessPlan.id, BusinessPlan.partner_id, BusinessPlan.starts_on, BusinessPlan.ends_on, BusinessPlan.currency, BusinessPlan.agreed_version_id
        ).where(BusinessPlan.id.in_(plan_ids))
        plans = {row[0]: row for row in self.session.execute(within_scope(plans_statement, BusinessPlan.partner_id, scope))}
        if not plans:
            return []
        in_force: dict[int, VersionRow] = {}
        latest: dict[int, VersionRow] = {}
        versions = select(BusinessPlanVersion.plan_id, BusinessPlanVersion.id, BusinessPlanVersion.number).where(BusinessPlanVersion.plan_id.in_(plans))
        for plan_id, version_id, number in self.session.execute(versions):
            if version_id == plans[plan_id][5]:
                in_force[plan_id] = VersionRow(id=version_id, number=number)
            if plan_id not in latest or number > latest[plan_id].number:
                latest[plan_id] = VersionRow(id=version_id, number=number)
        in_force = {plan_id: in_force.get(plan_id) or latest[plan_id] for plan_id in latest}
        items: dict[int, list[ItemRow]] = {version.id: [] for version in in_force.values()}
        items_statement = (
            select(PlanItem.version_id, *ITEM_COLUMNS).where(PlanItem.version_id.in_(list(items))).order_by(PlanItem.version_id, PlanItem.position)
        )
        for version_id, *values in self.session.execute(items_statement):
            items[version_id].append(ItemRow(*values))
        progress: dict[int, dict[int, ItemStatus]] = {plan_id: {} for plan_id in plans}
        for plan_id, ref, status in self.session.execute(
            select(ItemProgress.plan_id, ItemProgress.ref, ItemProgress.status).where(ItemProgress.plan_id.in_(plans))
        ):
            progress[plan_id][ref] = ItemStatus(status)
        return [
            PlanInput(plan=PlanRow(*plans[plan_id][:5]), version=in_force[plan_id], items=items[in_force[plan_id].id], progress=progress[plan_id])
            for plan_id in dict.fromkeys(plan_ids)
            if plan_id in in_force
        ]

    def revenue(self, plan_ids: Collection[int], *, as_of: date, maps: Mapping[int, TerritoryMap]) -> list[Any]:
        """(plan_id, credit_type, currency, territory, amount, amount PACE_DAYS before as_of): the
        partner's attribution credit from each plan's first day to `as_of` (never past its last),
        per credit type, currency (never summed across currencies) and sales territory of the
        partner's program the customer's country lies in (None: outside them all, or unknown).
        The customer's country is its record's, else the one typed on the partner's registration;
        the database groups by country, the program's territory map (`maps`, by plan) names the
        territory."""
        before = as_of - timedelta(days=PACE_DAYS)
        country = func.coalesce(Customer.country, Registration.customer_country)
        statement = (
            select(
                BusinessPlan.id,
                AttributionEntry.credit_type,
                AttributionEntry.currency,
                country,
                func.sum(AttributionEntry.amount),
                func.sum(case((AttributionEntry.effective_on <= before, AttributionEntry.amount), else_=ZERO)),
            )
            .join(AttributionEntry, AttributionEntry.partner_id == BusinessPlan.partner_id)
            .outerjoin(Customer, Customer.id == AttributionEntry.customer_id)
            .outerjoin(Registration, Registration.id == AttributionEntry.registration_id)
            .where(
                BusinessPlan.id.in_(plan_ids),
                AttributionEntry.effective_on >= BusinessPlan.starts_on,
                AttributionEntry.effective_on <= BusinessPlan.ends_on,
                AttributionEntry.effective_on <= as_of,
            )
            .group_by(BusinessPlan.id, AttributionEntry.credit_type, AttributionEntry.currency, country)
        )
        found: dict[tuple[int, str, str, str | None], list[Decimal]] = {}
        for plan_id, credit, currency, customer_country, total, earlier in self.session.execute(statement):
            territory = maps[plan_id].territory_of(customer_country) if plan_id in maps else None
            sums = found.setdefault((plan_id, credit, currency, territory), [Decimal(0), Decimal(0)])
            sums[0] += Decimal(total or 0)
            sums[1] += Decimal(earlier or 0)
        return [(*key, total, earlier) for key, (total, earlier) in found.items()]

    def territory_maps(self, plan_ids: Collection[int]) -> dict[int, TerritoryMap]:
        """Each plan's partner's program territories (plans without a program: none)."""
        if not plan_ids:
            return {}
        statement = (
            select(BusinessPlan.id, Program.territories)
            .join(Partner, Partner.id == BusinessPlan.partner_id)
            .join(Program, Program.id == Partner.program_id)
            .where(BusinessPlan.id.in_(plan_ids))
        )
        return {plan_id: TerritoryMap.of(stored) for plan_id, stored in self.session.execute(statement)}

    def certified(self, partner_ids: Collection[int], *, on: date) -> list[Any]:
        """(partner_id, person_id, delivery_role, level) of every counting certification on `on`,
        one row per person, role and level (the caller counts people at or above a level)."""
        found = counting_certifications(effective_dates(self.session, today=on)).subquery()
        statement = select(found.c.partner_id, found.c.person_id, found.c.delivery_role, found.c.level).where(found.c.partner_id.in_(partner_ids)).distinct()
        return list(self.session.execute(statement))
