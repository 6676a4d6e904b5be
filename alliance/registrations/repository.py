"""Every registration query lives here; partner-owned reads start from readable()."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, insert, literal, or_, select, update
from sqlalchemy.orm import selectinload

from alliance.customers.models import Customer
from alliance.db import UTCDateTime
from alliance.identity.models import User
from alliance.kit.pagination import PageRequest, paginate
from alliance.kit.repository import Repository
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Program, Tier
from alliance.partners.vocabulary import PartnerStatus, RegistrationKind
from alliance.registrations.lifecycle import PENDING_REVIEW, Side, Status
from alliance.registrations.models import ProtectionExtension, Registration, RegistrationEvent
from alliance.registrations.vocabulary import ExtensionStatus

REGISTRATION_LOAD = (selectinload(Registration.products),)
PROTECTION_DAYS = {
    RegistrationKind.DEAL: Tier.deal_protection_days,
    RegistrationKind.PROJECT: Tier.project_protection_days,
    RegistrationKind.INFLUENCE: Tier.influence_protection_days,
}


@dataclass(frozen=True)
class RegistrationFilters:
    kind: RegistrationKind | None = None
    status: Status | None = None  # the effective status: expiry is read from protected_until
    customer_id: int | None = None
    partner_id: int | None = None
    q: str | None = None
    protected_until_by: date | None = None  # protection ending on or before this day (the expiring ones)
    cam_user_id: int | None = None  # the partners this CAM manages
    partner_ids: tuple[int, ...] | None = None  # a dashboard view's partners (a CAM's, a sponsor's)


def effective_status_is(status: Status, today: date) -> Any:
    """SQL for 'reads as `status` today': an approved registration whose protection ended is expired."""
    lapsed = and_(Registration.status == Status.APPROVED, Registration.protected_until < today)
    if status == Status.EXPIRED:
        return or_(Registration.status == Status.EXPIRED, lapsed)
    if status == Status.APPROVED:
        return and_(Registration.status == Status.APPROVED, or_(Registration.protected_until.is_(None), Registration.protected_until >= today))
    return Registration.status == status


class RegistrationRepository(Repository[Registration]):
    model = Registration

    def get_loaded(self, id: int) -> Registration | None:
        return self.get(id, *REGISTRATION_LOAD)

    def filtered(self, filters: RegistrationFilters, *, today: date) -> Select[Registration]:
        statement = self.readable().options(*REGISTRATION_LOAD)
        if filters.kind:
            statement = statement.where(Registration.kind == filters.kind)
        if filters.status:
            statement = statement.where(effective_status_is(filters.status, today))
        if filters.customer_id:
            statement = statement.where(Registration.customer_id == filters.customer_id)
        if filters.partner_id:
            statement = statement.where(Registration.partner_id == filters.partner_id)
        if filters.q:
            pattern = f"%{filters.q.lower()}%"
            statement = statement.where(or_(func.lower(Registration.title).like(pattern), func.lower(Registration.customer_name).like(pattern)))
        if filters.protected_until_by:
            statement = statement.where(Registration.protected_until <= filters.protected_until_by)
        if filters.cam_user_id:
            statement = statement.where(Registration.partner_id.in_(select(Partner.id).where(Partner.cam_user_id == filters.cam_user_id)))
        if filters.partner_ids is not None:
            statement = statement.where(Registration.partner_id.in_(filters.partner_ids))
        return statement

    def lock_customer(self, customer_id: int) -> None:
        """Serialise submits on one customer until commit. PostgreSQL: FOR NO KEY UPDATE, which
        waits for another submit's lock but not for the key-share locks that rows referencing the
        customer take (a plain FOR UPDATE would deadlock against a registration that already
        references it). SQLite: the writer already holds the database write lock; nothing is rendered."""
        self.session.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update(key_share=True))

    def is_active_partner(self, partner_id: int) -> bool:
        """Whether a partner exists and is active (a vendor user naming the partner that sold a deal)."""
        statement = select(Partner.id).where(Partner.id == partner_id, Partner.status == PartnerStatus.ACTIVE)
        return self.session.scalar(statement.execution_options(bypass_partner_scope="transacting partner exists")) is not None

    def protection_days(self, partner_id: int, kind: RegistrationKind) -> int | None:
        """The partner's tier benefit for this kind, None without a tier."""
        statement = select(PROTECTION_DAYS[kind]).join(Partner, Partner.tier_id == Tier.id).where(Partner.id == partner_id)
        return self.session.scalar(statement)

    def program_currency(self, partner_id: int) -> str | None:
        """The currency of the partner's program, None outside a program."""
        return self.session.scalar(select(Program.currency).join(Partner, Partner.program_id == Program.id).where(Partner.id == partner_id))

    def partner_names(self, partner_ids: Collection[int]) -> dict[int, str]:
        if not partner_ids:
            return {}
        rows = self.session.execute(select(Partner.id, Partner.display_name).where(Partner.id.in_(list(partner_ids))))
        return {row[0]: row[1] for row in rows}

    # --- history and extensions --------------------------------------------------------------

    def add_event(self, event: RegistrationEvent) -> None:
        self.session.add(event)

    def history(self, registration_id: int) -> list[RegistrationEvent]:
        statement = select(RegistrationEvent).where(RegistrationEvent.registration_id == registration_id)
        return list(self.session.scalars(statement.order_by(RegistrationEvent.at, RegistrationEvent.id)))

    def get_extension(self, extension_id: int) -> ProtectionExtension | None:
        return self.session.scalars(select(ProtectionExtension).where(ProtectionExtension.id == extension_id)).first()

    def pending_extension(self, registration_id: int) -> ProtectionExtension | None:
        statement = select(ProtectionExtension).where(
            ProtectionExtension.registration_id == registration_id, ProtectionExtension.status == ExtensionStatus.PENDING
        )
        return self.session.scalars(statement).first()

    # --- review queue ------------------------------------------------------------------------

    def queue(self, *, cam_user_id: int | None = None) -> AnySelect:
        """Pending registrations with their partner's name, longest waiting first (the SLA runs
        from the last submission)."""
        waiting_since = func.coalesce(Registration.last_submitted_at, Registration.submitted_at).label("waiting_since")
        statement = (
            select(
                Registration.id,
                Registration.kind,
                Registration.title,
                Registration.status,
                Registration.partner_id,
                Partner.display_name,
                Registration.customer_id,
                Registration.customer_name,
                waiting_since,
                Program.review_calendar_id,
            )
            .join(Partner, Partner.id == Registration.partner_id)
            .outerjoin(Program, Program.id == Partner.program_id)
            .where(Registration.status.in_([s.value for s in PENDING_REVIEW]))
        )
        if cam_user_id is not None:
            statement = statement.where(Partner.cam_user_id == cam_user_id)
        return statement.order_by(waiting_since, Registration.id)

    def rows(self, statement: AnySelect, *, limit: int, offset: int) -> tuple[list[Any], int]:
        found = paginate(self.session, statement, PageRequest(limit=limit, offset=offset), rows=True)
        return list(found.items), found.total

    def with_pending_extension(self, registration_ids: Collection[int]) -> set[int]:
        """Which of these registrations have an extension request waiting, in one query."""
        if not registration_ids:
            return set()
        statement = select(ProtectionExtension.registration_id).where(
            ProtectionExtension.registration_id.in_(list(registration_ids)), ProtectionExtension.status == ExtensionStatus.PENDING
        )
        return set(self.session.scalars(statement))

    def pending_extensions(self, *, cam_user_id: int | None = None) -> AnySelect:
        statement = (
            select(
                ProtectionExtension.id,
                ProtectionExtension.registration_id,
                Registration.title,
                Registration.partner_id,
                Partner.display_name,
                ProtectionExtension.requested_at,
                ProtectionExtension.reason,
                Registration.protected_until,
            )
            .join(Registration, Registration.id == ProtectionExtension.registration_id)
            .join(Partner, Partner.id == Registration.partner_id)
            .where(ProtectionExtension.status == ExtensionStatus.PENDING)
        )
        if cam_user_id is not None:
            statement = statement.where(Partner.cam_user_id == cam_user_id)
        return statement.order_by(ProtectionExtension.requested_at, ProtectionExtension.id)

    # --- sweep -------------------------------------------------------------------------------

    def protection_reminders(self, *, ends_from: date, ends_to: date, expired: bool) -> AnySelect:
        """Approved (or, `expired`, expired) registrations whose protection ends between two days,
        one row per active partner user who filed one: rows for notification_service.notify_each."""
        return (
            select(
                Registration.registrant_user_id.label("recipient_user_id"),
                Registration.id.label("entity_id"),
                literal("you filed this registration").label("why"),
                Registration.protected_until.label("cycle"),
                Registration.title.label("title"),
                Registration.customer_name.label("customer"),
                Partner.display_name.label("partner"),
                Registration.protected_until.label("protected_until"),
            )
            .join(Partner, Partner.id == Registration.partner_id)
            .join(User, and_(User.id == Registration.registrant_user_id, User.partner_id == Registration.partner_id))
            .where(
                User.is_active.is_(True),
                Registration.status == (Status.EXPIRED if expired else Status.APPROVED),
                Registration.protected_until.between(ends_from, ends_to),
            )
        )

    def expire_lapsed(self, *, today: date, now: datetime, actor_label: str) -> list[int]:
        """Set-based: approved registrations whose protection ended before `today` become
        expired, each with a history row; returns their ids. Running it again finds none."""
        expire = (
            update(Registration)
            .where(Registration.status == Status.APPROVED, Registration.protected_until < today)
            .values(status=Status.EXPIRED, status_changed_at=now, updated_at=now)
            .returning(Registration.id)
            .execution_options(synchronize_session=False)
        )
        ids = sorted(self.session.scalars(expire))
        if ids:
            # The rows this sweep changed are those it stamped with its own `now`.
            source = select(
                Registration.partner_id,
                Registration.id,
                literal(now, UTCDateTime()),
                literal("expire"),
                literal(Status.APPROVED.value),
                literal(Status.EXPIRED.value),
                literal(actor_label),
                literal(Side.SYSTEM.value),
            ).where(Registration.status == Status.EXPIRED, Registration.status_changed_at == now)
            columns = ["partner_id", "registration_id", "at", "action", "from_status", "to_status", "actor_label", "actor_side"]
            self.session.execute(insert(RegistrationEvent).from_select(columns, source))
        return ids
