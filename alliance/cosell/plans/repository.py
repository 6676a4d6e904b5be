"""Every co-delivery plan query; partner-owned reads start from readable()."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from alliance.cosell.models import CodeliveryPlan, PlanActivity, PlanVersion
from alliance.cosell.vocabulary import Activity, Lead, PlanVersionStatus, Side
from alliance.kit.pagination import PageRequest, paginate
from alliance.kit.repository import Repository, within_scope
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration

PLAN_LOAD = (selectinload(CodeliveryPlan.versions).selectinload(PlanVersion.activities),)
# A plan on a registration that will not happen no longer says who leads on the customer.
DEAD_REGISTRATIONS = (Status.REJECTED.value, Status.WITHDRAWN.value, Status.LOST.value)


@dataclass(frozen=True)
class PlanFilters:
    customer_id: int | None = None
    registration_id: int | None = None
    partner_id: int | None = None
    status: PlanVersionStatus | None = None  # of the latest version: proposed (awaiting sign-off) or agreed
    awaiting_side: Side | None = None  # the latest version is proposed and this side has not signed it


class PlanRepository(Repository[CodeliveryPlan]):
    model = CodeliveryPlan

    def notice_facts(self, plan_id: int) -> dict[str, Any]:
        """What a message about the plan shows: its registration's title and customer, the partner."""
        statement = (
            select(Registration.title.label("title"), Registration.customer_name.label("customer"), Partner.display_name.label("partner"))
            .select_from(CodeliveryPlan)
            .join(Registration, Registration.id == CodeliveryPlan.registration_id)
            .join(Partner, Partner.id == CodeliveryPlan.partner_id)
            .where(CodeliveryPlan.id == plan_id)
        )
        return dict(self.session.execute(statement).one()._mapping)

    def get_loaded(self, plan_id: int) -> CodeliveryPlan | None:
        return self.get(plan_id, *PLAN_LOAD)

    def lock_for_registration(self, registration_id: int) -> CodeliveryPlan | None:
        """The registration's plan, row-locked until commit so proposals and sign-offs on one plan
        run one after the other (PostgreSQL; SQLite writers already hold the database lock)."""
        return self.lock_first(self.readable().where(CodeliveryPlan.registration_id == registration_id))

    def versions(self, plan_id: int, *, fresh: bool = False) -> list[PlanVersion]:
        """The plan's versions, oldest first, with their rows."""
        statement = select(PlanVersion).where(PlanVersion.plan_id == plan_id).options(selectinload(PlanVersion.activities))
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        return list(self.session.scalars(statement.order_by(PlanVersion.number)))

    def get_version(self, version_id: int) -> PlanVersion | None:
        statement = select(PlanVersion).where(PlanVersion.id == version_id)
        statement = within_scope(statement, PlanVersion.partner_id, self.scope)
        return self.session.scalars(statement).first()

    def version_by_number(self, plan_id: int, number: int) -> PlanVersion | None:
        statement = select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == number)
        return self.session.scalars(statement.options(selectinload(PlanVersion.activities))).first()

    def get_activity(self, activity_id: int) -> PlanActivity | None:
        statement = select(PlanActivity).where(PlanActivity.id == activity_id)
        statement = within_scope(statement, PlanActivity.partner_id, self.scope)
        return self.session.scalars(statement).first()

    def add_version(self, version: PlanVersion) -> PlanVersion:
        self.session.add(version)
        self.session.flush()
        return version

    # --- lists -------------------------------------------------------------------------------

    def summaries(self, filters: PlanFilters) -> AnySelect:
        """Plans with their latest version's number and status and the agreed version's number,
        newest change first."""
        latest_number = select(PlanVersion.plan_id, func.max(PlanVersion.number).label("number")).group_by(PlanVersion.plan_id).subquery()
        latest = aliased(PlanVersion, name="latest")
        agreed = aliased(PlanVersion, name="agreed")
        statement = (
            self.readable()
            .join(latest_number, latest_number.c.plan_id == CodeliveryPlan.id)
            .join(latest, (latest.plan_id == CodeliveryPlan.id) & (latest.number == latest_number.c.number))
            .outerjoin(agreed, agreed.id == CodeliveryPlan.agreed_version_id)
            .add_columns(latest.number.label("latest_number"), latest.status.label("latest_status"), agreed.number.label("agreed_number"))
        )
        if filters.customer_id:
            statement = statement.where(CodeliveryPlan.customer_id == filters.customer_id)
        if filters.registration_id:
            statement = statement.where(CodeliveryPlan.registration_id == filters.registration_id)
        if filters.partner_id:
            statement = statement.where(CodeliveryPlan.partner_id == filters.partner_id)
        if filters.status:
            statement = statement.where(latest.status == filters.status)
        if filters.awaiting_side:
            signed_at = latest.partner_signed_at if filters.awaiting_side == Side.PARTNER else latest.vendor_signed_at
            statement = statement.where(latest.status == PlanVersionStatus.PROPOSED, signed_at.is_(None))
            # Waiting longest first: what needs a signature most.
            return statement.order_by(CodeliveryPlan.updated_at, CodeliveryPlan.id)
        return statement.order_by(CodeliveryPlan.updated_at.desc(), CodeliveryPlan.id.desc())

    def rows(self, statement: AnySelect, *, limit: int, offset: int) -> tuple[list[Any], int]:
        found = paginate(self.session, statement, PageRequest(limit=limit, offset=offset), rows=True)
        return list(found.items), found.total

    # --- rules of engagement -----------------------------------------------------------------

    def agreed_leads(self, *, customer_id: int, activity: Activity) -> list[Lead]:
        """The lead of `activity` in every agreed plan on the customer whose registration is still
        alive (in the session's scope: vendor sessions see every partner's plans)."""
        statement = (
            select(PlanActivity.lead)
            .join(PlanVersion, PlanVersion.id == PlanActivity.version_id)
            .join(CodeliveryPlan, CodeliveryPlan.agreed_version_id == PlanVersion.id)
            .join(Registration, Registration.id == CodeliveryPlan.registration_id)
            .where(CodeliveryPlan.customer_id == customer_id, PlanActivity.activity == activity, Registration.status.not_in(DEAD_REGISTRATIONS))
        )
        return [Lead(lead) for lead in self.session.scalars(statement)]

    def for_registration(self, registration_id: int) -> CodeliveryPlan | None:
        statement = self.readable().where(CodeliveryPlan.registration_id == registration_id).options(*PLAN_LOAD)
        return self.session.scalars(statement).first()
