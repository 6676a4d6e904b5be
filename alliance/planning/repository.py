"""Every joint business plan query; partner-owned reads start from readable()."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, and_, cast, func, literal, not_, or_, select
from sqlalchemy.orm import aliased, selectinload

from alliance.agreements.signoff import VersionStatus
from alliance.identity.models import User
from alliance.kit.pagination import PageRequest, paginate
from alliance.kit.repository import Repository, within_scope
from alliance.kit.sorting import SortColumn, apply_sort
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Program
from alliance.planning.models import BusinessPlan, BusinessPlanVersion, ItemProgress, PlanItem, PlanTemplate
from alliance.planning.vocabulary import MILESTONE_KINDS, ItemStatus, PlanStatus

# The plan list's orders (`sort`, `-` for descending); the default is the most recently changed first.
PLAN_SORTS: dict[str, SortColumn] = {
    "partner": Partner.display_name,
    "title": BusinessPlan.title,
    "period": BusinessPlan.starts_on,
    "status": BusinessPlan.status,
    "updated": BusinessPlan.updated_at,
}
PLAN_LOAD = (selectinload(BusinessPlan.versions).selectinload(BusinessPlanVersion.items), selectinload(BusinessPlan.progress))


@dataclass(frozen=True)
class PlanFilters:
    partner_id: int | None = None
    cam_user_id: int | None = None
    period_key: str | None = None
    status: PlanStatus | None = None  # effective: active is an agreed plan in its period


@dataclass(frozen=True)
class PartnerFacts:
    """What a plan needs of its partner: its name, CAM and program currency."""

    id: int
    name: str
    cam_user_id: int | None
    currency: str
    program_id: int | None


class BusinessPlanRepository(Repository[BusinessPlan]):
    model = BusinessPlan

    def get_loaded(self, plan_id: int) -> BusinessPlan | None:
        return self.get(plan_id, *PLAN_LOAD)

    def loaded(self, plan_ids: Sequence[int]) -> list[BusinessPlan]:
        if not plan_ids:
            return []
        return list(self.session.scalars(self.readable().where(BusinessPlan.id.in_(plan_ids)).options(*PLAN_LOAD)))

    def for_period(self, partner_id: int, period_key: str) -> BusinessPlan | None:
        statement = self.readable().where(BusinessPlan.partner_id == partner_id, BusinessPlan.period_key == period_key)
        return self.session.scalars(statement).first()

    def partner(self, partner_id: int) -> PartnerFacts | None:
        """The partner (when the session may see it) with its program's currency (USD without one)."""
        statement = (
            select(Partner.id, Partner.display_name, Partner.cam_user_id, func.coalesce(Program.currency, "USD"), Partner.program_id)
            .outerjoin(Program, Program.id == Partner.program_id)
            .where(Partner.id == partner_id)
        )
        row = self.session.execute(within_scope(statement, Partner.id, self.scope)).first()
        return PartnerFacts(id=row[0], name=row[1], cam_user_id=row[2], currency=row[3], program_id=row[4]) if row else None

    def versions(self, plan_id: int, *, fresh: bool = False) -> list[BusinessPlanVersion]:
        """The plan's versions, oldest first, with their items."""
        statement = select(BusinessPlanVersion).where(BusinessPlanVersion.plan_id == plan_id).options(selectinload(BusinessPlanVersion.items))
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        return list(self.session.scalars(statement.order_by(BusinessPlanVersion.number)))

    def get_version(self, version_id: int) -> BusinessPlanVersion | None:
        statement = select(BusinessPlanVersion).where(BusinessPlanVersion.id == version_id)
        return self.session.scalars(within_scope(statement, BusinessPlanVersion.partner_id, self.scope)).first()

    def progress(self, plan_id: int, *, fresh: bool = False) -> dict[int, ItemProgress]:
        statement = select(ItemProgress).where(ItemProgress.plan_id == plan_id)
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        return {row.ref: row for row in self.session.scalars(statement)}

    def add_row(self, row: Any) -> None:
        self.session.add(row)
        self.session.flush()

    # --- lists -------------------------------------------------------------------------------

    def summaries(self, filters: PlanFilters, *, today: date, sort: str | None = None) -> AnySelect:
        """(plan, partner name, latest number, latest status, agreed number) in `sort` order
        (PLAN_SORTS; default: newest change first)."""
        latest_number = (
            select(BusinessPlanVersion.plan_id, func.max(BusinessPlanVersion.number).label("number")).group_by(BusinessPlanVersion.plan_id).subquery()
        )
        latest = aliased(BusinessPlanVersion, name="latest")
        agreed = aliased(BusinessPlanVersion, name="agreed")
        statement = (
            self.readable()
            .join(Partner, Partner.id == BusinessPlan.partner_id)
            .join(latest_number, latest_number.c.plan_id == BusinessPlan.id)
            .join(latest, (latest.plan_id == BusinessPlan.id) & (latest.number == latest_number.c.number))
            .outerjoin(agreed, agreed.id == BusinessPlan.agreed_version_id)
            .add_columns(Partner.display_name, latest.number.label("latest_number"), latest.status.label("latest_status"), agreed.number.label("agreed_number"))
        )
        if filters.partner_id:
            statement = statement.where(BusinessPlan.partner_id == filters.partner_id)
        if filters.cam_user_id:
            statement = statement.where(Partner.cam_user_id == filters.cam_user_id)
        if filters.period_key:
            statement = statement.where(BusinessPlan.period_key == filters.period_key)
        if filters.status:
            in_period = and_(BusinessPlan.starts_on <= today, BusinessPlan.ends_on >= today)
            if filters.status == PlanStatus.ACTIVE:
                statement = statement.where(BusinessPlan.status == PlanStatus.AGREED, in_period)
            elif filters.status == PlanStatus.AGREED:
                statement = statement.where(BusinessPlan.status == PlanStatus.AGREED, not_(in_period))
            else:
                statement = statement.where(BusinessPlan.status == filters.status)
        return apply_sort(statement, sort, PLAN_SORTS, default="-updated", tiebreak=BusinessPlan.id.desc())

    def rows(self, statement: AnySelect, *, limit: int, offset: int) -> tuple[list[Any], int]:
        found = paginate(self.session, statement, PageRequest(limit=limit, offset=offset), rows=True)
        return list(found.items), found.total

    def awaiting(self, plan_id: int) -> BusinessPlanVersion | None:
        """The version awaiting signatures (proposed), if any."""
        statement = select(BusinessPlanVersion).where(BusinessPlanVersion.plan_id == plan_id, BusinessPlanVersion.status == VersionStatus.PROPOSED)
        return self.session.scalars(statement).first()

    def milestone_reminders(self, *, due_from: date, due_to: date) -> AnySelect:
        """The sweep's rows (notification_service.notify_each): one per milestone or co-investment
        of a plan in force (its agreed version) due between the two days and not yet done, to its
        owner when they are an active user. Set-based: one statement whatever the number of plans."""
        done = (ItemStatus.COMPLETED.value, ItemStatus.CONFIRMED.value)
        return (
            select(
                PlanItem.owner_user_id.label("recipient_user_id"),
                BusinessPlan.id.label("entity_id"),
                literal("you own this item of the joint business plan").label("why"),
                (cast(PlanItem.ref, String) + literal(":") + cast(PlanItem.due_on, String)).label("cycle"),
                BusinessPlan.title.label("plan"),
                BusinessPlan.period_key.label("period"),
                Partner.display_name.label("partner"),
                PlanItem.title.label("item"),
                PlanItem.kind.label("kind"),
                cast(PlanItem.due_on, String).label("due_on"),
            )
            .join(BusinessPlan, and_(BusinessPlan.id == PlanItem.plan_id, BusinessPlan.agreed_version_id == PlanItem.version_id))
            .join(Partner, Partner.id == BusinessPlan.partner_id)
            .join(User, and_(User.id == PlanItem.owner_user_id, User.is_active.is_(True)))
            .outerjoin(ItemProgress, and_(ItemProgress.plan_id == PlanItem.plan_id, ItemProgress.ref == PlanItem.ref))
            .where(
                BusinessPlan.status == PlanStatus.AGREED,
                PlanItem.kind.in_([kind.value for kind in MILESTONE_KINDS]),
                PlanItem.due_on.between(due_from, due_to),
                or_(ItemProgress.id.is_(None), ItemProgress.status.not_in(done)),
            )
        )


class TemplateRepository(Repository[PlanTemplate]):
    model = PlanTemplate

    def listed(self, program_id: int | None) -> list[PlanTemplate]:
        statement = select(PlanTemplate).order_by(PlanTemplate.program_id, PlanTemplate.name)
        if program_id is not None:
            statement = statement.where(PlanTemplate.program_id == program_id)
        return list(self.session.scalars(statement))

    def named(self, program_id: int, name: str) -> PlanTemplate | None:
        return self.session.scalars(select(PlanTemplate).where(PlanTemplate.program_id == program_id, PlanTemplate.name == name)).first()

    def program_exists(self, program_id: int) -> bool:
        return self.session.get(Program, program_id) is not None

    def program_names(self) -> dict[int, str]:
        """Every program's name by id (templates are labelled with their program)."""
        return {row[0]: row[1] for row in self.session.execute(select(Program.id, Program.name))}
