"""Every partner-domain query lives here."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, column, exists, func, or_, select, table
from sqlalchemy.orm import selectinload

from alliance.kit.repository import Repository
from alliance.partners.models import BusinessCalendar, Partner, PartnerAttribute, Person, Program, Sponsor, Tier
from alliance.partners.vocabulary import AttributeKind, DeliveryRole, PartnerStatus, PartnerType, SISubtype, SponsorSide

PARTNER_LOAD = (selectinload(Partner.attributes), selectinload(Partner.tier), selectinload(Partner.program))


@dataclass(frozen=True)
class PartnerFilters:
    q: str | None = None
    partner_type: PartnerType | None = None
    si_subtype: SISubtype | None = None
    status: PartnerStatus | None = None
    tier_key: str | None = None
    region: str | None = None
    cam_user_id: int | None = None
    program_id: int | None = None


class PartnerRepository(Repository[Partner]):
    model = Partner

    def get_loaded(self, id: int) -> Partner | None:
        return self.get(id, *PARTNER_LOAD)

    def filtered(self, filters: PartnerFilters) -> Select[Partner]:
        statement = self.readable().options(*PARTNER_LOAD)
        if filters.q:
            pattern = f"%{filters.q.lower()}%"
            statement = statement.where(or_(func.lower(Partner.display_name).like(pattern), func.lower(Partner.legal_name).like(pattern)))
        if filters.partner_type:
            statement = statement.where(Partner.partner_type == filters.partner_type)
        if filters.si_subtype:
            statement = statement.where(Partner.si_subtype == filters.si_subtype)
        if filters.status:
            statement = statement.where(Partner.status == filters.status)
        if filters.cam_user_id:
            statement = statement.where(Partner.cam_user_id == filters.cam_user_id)
        if filters.program_id:
            statement = statement.where(Partner.program_id == filters.program_id)
        if filters.tier_key:
            statement = statement.where(Partner.tier_id.in_(select(Tier.id).where(Tier.key == filters.tier_key)))
        if filters.region:
            statement = statement.where(
                exists().where(
                    PartnerAttribute.partner_id == Partner.id,
                    PartnerAttribute.kind == AttributeKind.REGION,
                    PartnerAttribute.value == filters.region,
                )
            )
        return statement

    def counts_by_kind(self) -> list[tuple[str, str | None, str, int]]:
        """(partner_type, si_subtype, status, count) over the partners in scope."""
        statement = (
            self.readable()
            .with_only_columns(Partner.partner_type, Partner.si_subtype, Partner.status, func.count())
            .group_by(Partner.partner_type, Partner.si_subtype, Partner.status)
        )
        return [(row[0], row[1], row[2], row[3]) for row in self.session.execute(statement)]


class PersonRepository(Repository[Person]):
    model = Person

    def for_partner(self, partner_id: int, *, delivery_role: DeliveryRole | None = None, active: bool | None = None) -> Select[Person]:
        statement = self.readable().where(Person.partner_id == partner_id)
        if delivery_role:
            statement = statement.where(Person.delivery_role == delivery_role)
        if active is not None:
            statement = statement.where(Person.is_active == active)
        return statement

    def email_taken(self, partner_id: int, email: str, *, excluding: int | None = None) -> bool:
        statement = select(Person.id).where(Person.partner_id == partner_id, Person.email == email)
        if excluding is not None:
            statement = statement.where(Person.id != excluding)
        return self.session.scalar(statement.limit(1)) is not None

    def role_counts(self, partner_id: int) -> dict[DeliveryRole, int]:
        rows = self.session.execute(
            select(Person.delivery_role, func.count()).where(Person.partner_id == partner_id, Person.is_active.is_(True)).group_by(Person.delivery_role)
        )
        return {DeliveryRole(role): count for role, count in rows}


class SponsorRepository(Repository[Sponsor]):
    model = Sponsor

    def for_partner(self, partner_id: int, *, side: SponsorSide | None = None, include_ended: bool = False) -> Select[Sponsor]:
        """Current sponsors, vendor side first; with `include_ended`, the former ones after them, latest first."""
        statement = self.readable().where(Sponsor.partner_id == partner_id)
        if not include_ended:
            statement = statement.where(Sponsor.current())
        if side:
            statement = statement.where(Sponsor.side == side)
        return statement.order_by(Sponsor.ended_on.is_not(None), Sponsor.ended_on.desc(), Sponsor.side.desc(), Sponsor.id)


PROGRAM_LOAD = (selectinload(Program.tiers).selectinload(Tier.criteria),)


# Partners sits below registrations, so the tables that hold amounts are named here, not imported.
_REGISTRATIONS = table("registrations", column("partner_id"), column("amount"), column("booked_amount"))
_LEDGER = table("attribution_entries", column("partner_id"))
# Likewise the joint business plans, whose revenue targets name program territories in words.
_PLANS = table("business_plans", column("id"), column("partner_id"), column("title"), column("status"))
_PLAN_ITEMS = table("business_plan_items", column("plan_id"), column("kind"), column("territory"))


class ProgramRepository(Repository[Program]):
    model = Program

    def get_loaded(self, id: int) -> Program | None:
        return self.get(id, *PROGRAM_LOAD)

    def get_loaded_for_change(self, id: int) -> Program | None:
        return self.get_for_change(id, *PROGRAM_LOAD)

    def reload(self, id: int) -> Program:
        """Re-read a program and its tiers after changes in this session."""
        statement = self.readable().where(Program.id == id).options(*PROGRAM_LOAD).execution_options(populate_existing=True)
        return self.session.scalars(statement).one()

    def by_key(self, key: str) -> Program | None:
        return self.session.scalars(self.readable().where(Program.key == key).options(*PROGRAM_LOAD)).first()

    def listed(self, *, partner_type: PartnerType | None = None, active: bool | None = None) -> Select[Program]:
        statement = self.readable().options(*PROGRAM_LOAD)
        if partner_type:
            statement = statement.where(Program.partner_type == partner_type)
        if active is not None:
            statement = statement.where(Program.is_active == active)
        return statement.order_by(Program.partner_type, Program.si_subtype, Program.id)

    def for_partner_type(self, partner_type: PartnerType, si_subtype: SISubtype | None) -> Program | None:
        statement = self.readable().where(Program.partner_type == partner_type, Program.is_active.is_(True))
        statement = statement.where(Program.si_subtype == si_subtype if si_subtype else Program.si_subtype.is_(None))
        return self.session.scalars(statement.options(*PROGRAM_LOAD).order_by(Program.id)).first()

    def amounts_recorded(self, program_id: int) -> tuple[int, int]:
        """(registrations with an amount, attribution entries) of the program's partners."""
        members = select(Partner.id).where(Partner.program_id == program_id)
        registrations = (
            select(func.count())
            .select_from(_REGISTRATIONS)
            .where(_REGISTRATIONS.c.partner_id.in_(members), or_(_REGISTRATIONS.c.amount.is_not(None), _REGISTRATIONS.c.booked_amount.is_not(None)))
        )
        entries = select(func.count()).select_from(_LEDGER).where(_LEDGER.c.partner_id.in_(members))
        found, credited = self.session.execute(select(registrations.scalar_subquery(), entries.scalar_subquery())).one()
        return int(found), int(credited)

    def plan_targets_by_territory(self, program_id: int) -> list[tuple[int, str, str, str]]:
        """(plan id, partner name, plan title, territory as written) of every revenue target, in
        any version, of the program's partners' plans that are not closed (a closed plan's
        scorecard is frozen, so no later territory change reaches it)."""
        statement = (
            select(_PLANS.c.id, Partner.display_name, _PLANS.c.title, _PLAN_ITEMS.c.territory)
            .select_from(_PLAN_ITEMS)
            .join(_PLANS, _PLANS.c.id == _PLAN_ITEMS.c.plan_id)
            .join(Partner, Partner.id == _PLANS.c.partner_id)
            .where(
                Partner.program_id == program_id,
                _PLANS.c.status != "closed",
                _PLAN_ITEMS.c.kind == "revenue_target",
                _PLAN_ITEMS.c.territory.is_not(None),
            )
            .distinct()
            .order_by(Partner.display_name, _PLANS.c.title)
        )
        return [(int(plan_id), str(partner), str(title), str(territory)) for plan_id, partner, title, territory in self.session.execute(statement)]

    def partner_counts_by_tier(self) -> dict[int, int]:
        rows = self.session.execute(select(Partner.tier_id, func.count()).where(Partner.tier_id.is_not(None)).group_by(Partner.tier_id))
        return {tier_id: count for tier_id, count in rows if tier_id is not None}

    # --- business calendars (vendor data: the review SLA's, and co-sell teams') ---------------

    def calendar(self, calendar_id: int) -> BusinessCalendar | None:
        return self.session.get(BusinessCalendar, calendar_id)

    def calendars(self) -> list[BusinessCalendar]:
        return list(self.session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.id)))

    def first_calendar(self) -> BusinessCalendar | None:
        return self.session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.id).limit(1)).first()

    def calendars_and_first(self, calendar_ids: Collection[int]) -> list[BusinessCalendar]:
        """These calendars and the first one (the default), by id, in one query."""
        first = select(func.min(BusinessCalendar.id)).scalar_subquery()
        condition = or_(BusinessCalendar.id.in_(list(calendar_ids)), BusinessCalendar.id == first) if calendar_ids else BusinessCalendar.id == first
        return list(self.session.scalars(select(BusinessCalendar).where(condition).order_by(BusinessCalendar.id)))


class TierRepository(Repository[Tier]):
    model = Tier

    def get_loaded(self, id: int) -> Tier | None:
        return self.get(id, selectinload(Tier.criteria), selectinload(Tier.program))
