"""Every resource-request query; partner-owned reads start from readable()."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, insert, literal, or_, select, union_all, update

from alliance.cosell.models import CosellTeam, ResourceRequest
from alliance.cosell.vocabulary import OPEN_REQUEST_STATUSES, RequestStatus
from alliance.identity.models import User
from alliance.identity.permissions import PERMISSIONS, Permission
from alliance.identity.scope import Role
from alliance.kit.repository import Repository, within_scope
from alliance.kit.statements import AnyRows, AnySelect
from alliance.partners.models import Partner, PartnerAttribute, Tier
from alliance.partners.vocabulary import AttributeKind
from alliance.registrations.models import Registration, RegistrationProduct


@dataclass
class RegistrationFacts:
    """A registration as routing sees it: its status and partner, the partner's attributes and tier."""

    registration_id: int
    partner_id: int
    status: str
    tier_key: str | None
    tier_priority: int | None
    regions: set[str] = field(default_factory=set)
    territories: set[str] = field(default_factory=set)
    verticals: set[str] = field(default_factory=set)
    product_lines: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class RequestFilters:
    team_id: int | None = None
    status: RequestStatus | None = None
    breached: bool | None = None
    partner_id: int | None = None
    partner_ids: tuple[int, ...] | None = None  # a CAM's or sponsor's partners (the executive dashboard's views)
    registration_id: int | None = None
    assignee_user_id: int | None = None


# The queue's sort keys; "partner" sorts by the partner's name.
REQUEST_SORTS: dict[str, Any] = {
    "submitted": ResourceRequest.submitted_at,
    "due": ResourceRequest.first_response_due_at,
    "needed_by": ResourceRequest.needed_by,
    "status": ResourceRequest.status,
    "type": ResourceRequest.request_type,
    "partner": select(Partner.display_name).where(Partner.id == ResourceRequest.partner_id).scalar_subquery(),
}


ROUTED_KINDS = {AttributeKind.REGION: "regions", AttributeKind.TERRITORY: "territories", AttributeKind.VERTICAL: "verticals"}


def breached_condition(now: datetime) -> ColumnElement[bool]:
    """SQL twin of routing.is_breached: responded late, or open without a response past due."""
    return or_(
        ResourceRequest.first_responded_at > ResourceRequest.first_response_due_at,
        and_(ResourceRequest.first_responded_at.is_(None), ResourceRequest.first_response_due_at < now),
    )


def _with_notice_facts(statement: AnySelect) -> AnySelect:
    """`statement` over requests, with what a message about one shows (names, never ids)."""
    return (
        statement.add_columns(
            Partner.display_name.label("partner"),
            Registration.customer_name.label("customer"),
            Registration.title.label("title"),
            ResourceRequest.request_type.label("request_type"),
            CosellTeam.name.label("team"),
            ResourceRequest.needed_by.label("needed_by"),
            ResourceRequest.first_response_due_at.label("due_at"),
        )
        .join(Partner, Partner.id == ResourceRequest.partner_id)
        .join(Registration, Registration.id == ResourceRequest.registration_id)
        .join(CosellTeam, CosellTeam.id == ResourceRequest.team_id)
    )


class ResourceRequestRepository(Repository[ResourceRequest]):
    model = ResourceRequest

    def notice_facts(self, request_id: int) -> dict[str, Any]:
        """What a message about the request shows: partner, customer, registration title, type, team, dates."""
        row = self.session.execute(_with_notice_facts(select().select_from(ResourceRequest)).where(ResourceRequest.id == request_id)).one()
        return dict(row._mapping)

    def sla_reminders(self, *, unanswered: ColumnElement[bool], triage_roles: Collection[Role], why_assignee: str, why_triage: str) -> AnyRows:
        """Open requests without a first response matching `unanswered`, one row per person to
        remind: the active assignee, or for an unassigned request each active vendor user in
        `triage_roles` (team queues have no members yet). Rows for notification_service.notify_each."""
        waiting = and_(unanswered, ResourceRequest.first_responded_at.is_(None), ResourceRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES]))
        assignee = _with_notice_facts(
            select(User.id.label("recipient_user_id"), ResourceRequest.id.label("entity_id"), literal(why_assignee).label("why")).select_from(ResourceRequest)
        ).join(User, and_(User.id == ResourceRequest.assignee_user_id, User.is_active.is_(True)))
        triage = _with_notice_facts(
            select(User.id.label("recipient_user_id"), ResourceRequest.id.label("entity_id"), literal(why_triage).label("why")).select_from(ResourceRequest)
        ).join(User, and_(User.partner_id.is_(None), User.is_active.is_(True), User.role.in_([role.value for role in triage_roles])))
        return union_all(assignee.where(waiting), triage.where(waiting, ResourceRequest.assignee_user_id.is_(None)))

    def routing_facts(self, registration_ids: Collection[int]) -> dict[int, RegistrationFacts]:
        """Facts for every given registration in one query (attribute × product rows, folded here).
        Partner users only get their own registrations back (scope)."""
        if not registration_ids:
            return {}
        statement = (
            select(
                Registration.id,
                Registration.partner_id,
                Registration.status,
                Tier.key,
                Tier.cosell_priority,
                PartnerAttribute.kind,
                PartnerAttribute.value,
                RegistrationProduct.product_line,
            )
            .join(Partner, Partner.id == Registration.partner_id)
            .outerjoin(Tier, Tier.id == Partner.tier_id)
            .outerjoin(
                PartnerAttribute,
                and_(PartnerAttribute.partner_id == Registration.partner_id, PartnerAttribute.kind.in_([k.value for k in ROUTED_KINDS])),
            )
            .outerjoin(RegistrationProduct, RegistrationProduct.registration_id == Registration.id)
            .where(Registration.id.in_(list(registration_ids)))
        )
        statement = within_scope(statement, Registration.partner_id, self.scope)
        facts: dict[int, RegistrationFacts] = {}
        for reg_id, partner_id, status, tier_key, priority, kind, value, product_line in self.session.execute(statement):
            found = facts.get(reg_id)
            if found is None:
                found = facts[reg_id] = RegistrationFacts(reg_id, partner_id, status, tier_key, priority)
            if kind is not None:
                getattr(found, ROUTED_KINDS[AttributeKind(kind)]).add(value)
            if product_line is not None:
                found.product_lines.add(product_line)
        return facts

    def filtered(self, filters: RequestFilters, *, now: datetime) -> Select[ResourceRequest]:
        statement = self.readable()
        if filters.team_id:
            statement = statement.where(ResourceRequest.team_id == filters.team_id)
        if filters.status:
            statement = statement.where(ResourceRequest.status == filters.status)
        if filters.partner_id:
            statement = statement.where(ResourceRequest.partner_id == filters.partner_id)
        if filters.partner_ids is not None:
            statement = statement.where(ResourceRequest.partner_id.in_(filters.partner_ids))
        if filters.registration_id:
            statement = statement.where(ResourceRequest.registration_id == filters.registration_id)
        if filters.assignee_user_id:
            statement = statement.where(ResourceRequest.assignee_user_id == filters.assignee_user_id)
        if filters.breached is True:
            statement = statement.where(breached_condition(now))
        elif filters.breached is False:
            statement = statement.where(~breached_condition(now))
        return statement

    def breaches(
        self,
        *,
        now: datetime,
        team_id: int | None = None,
        cam_user_id: int | None = None,
        partner_id: int | None = None,
        partner_ids: Collection[int] | None = None,
    ) -> Select[ResourceRequest]:
        """Open requests past due without a first response, and requests answered late; the
        longest overdue first (`cam_user_id`: of the partners that CAM manages; `partner_ids`: a
        dashboard view's partners)."""
        statement = self.readable().where(breached_condition(now))
        if team_id:
            statement = statement.where(ResourceRequest.team_id == team_id)
        if partner_id:
            statement = statement.where(ResourceRequest.partner_id == partner_id)
        if partner_ids is not None:
            statement = statement.where(ResourceRequest.partner_id.in_(partner_ids))
        if cam_user_id:
            statement = statement.where(ResourceRequest.partner_id.in_(select(Partner.id).where(Partner.cam_user_id == cam_user_id)))
        return statement.order_by(ResourceRequest.first_response_due_at, ResourceRequest.id)

    def is_assignable(self, user_id: int) -> bool:
        """Whether the user is active vendor staff with a role that takes co-sell requests."""
        roles = [role.value for role in PERMISSIONS[Permission.COSELL_REQUESTS_ASSIGNEE].roles]
        statement = select(User.id).where(User.id == user_id, User.partner_id.is_(None), User.role.in_(roles), User.is_active.is_(True))
        return self.session.scalar(statement) is not None

    def flag_breaches(self, *, now: datetime) -> list[int]:
        """Set-based: store `breached` on every request that is late by now; returns their ids.
        Running it again finds none."""
        late = and_(ResourceRequest.breached.is_(False), breached_condition(now))
        ids = sorted(self.session.scalars(select(ResourceRequest.id).where(late)))
        if ids:
            self.session.execute(update(ResourceRequest).where(late).values(breached=True, updated_at=now).execution_options(synchronize_session=False))
        return ids

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Bulk insert of routed requests (Core executemany): imports and benchmarks."""
        if rows:
            self.session.execute(insert(ResourceRequest), list(rows))

    # --- report --------------------------------------------------------------------------------

    def report_rows(self, *, start: datetime, end: datetime, group_by: str, batch: int = 5000) -> Iterator[Any]:
        """Requests submitted in [start, end), one row each, ordered by group, streamed: group key
        and label, team, status, times and rating."""
        group_columns: dict[str, tuple[Any, Any]] = {
            "team": (ResourceRequest.team_id, CosellTeam.name),
            "request_type": (ResourceRequest.request_type, ResourceRequest.request_type),
            "partner": (ResourceRequest.partner_id, Partner.display_name),
        }
        key, label = group_columns[group_by]
        statement = (
            select(
                key.label("group_key"),
                label.label("group_label"),
                ResourceRequest.team_id,
                ResourceRequest.status,
                ResourceRequest.submitted_at,
                ResourceRequest.first_responded_at,
                ResourceRequest.first_response_due_at,
                ResourceRequest.outcome_rating,
            )
            .join(CosellTeam, CosellTeam.id == ResourceRequest.team_id)
            .join(Partner, Partner.id == ResourceRequest.partner_id)
            .where(ResourceRequest.submitted_at >= start, ResourceRequest.submitted_at < end)
        )
        statement = within_scope(statement, ResourceRequest.partner_id, self.scope)
        yield from self.session.execute(statement.order_by(label, key, ResourceRequest.id).execution_options(yield_per=batch))

    def count_open(self) -> int:
        statement = select(func.count()).select_from(ResourceRequest).where(ResourceRequest.status.in_([s.value for s in OPEN_REQUEST_STATUSES]))
        return self.session.scalar(statement) or 0
