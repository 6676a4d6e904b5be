"""Every query of conflict detection: the cross-partner read of other partners' registrations
(projections only), the customers' facts, and the stored findings."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.orm import aliased

from alliance.customers.models import Customer
from alliance.customers.vocabulary import Ownership
from alliance.errors import PermissionDenied
from alliance.kit.repository import Repository, within_scope
from alliance.partners.models import Partner
from alliance.partners.vocabulary import PartnerType, RegistrationKind
from alliance.registrations.conflict_schemas import VendorConflictView
from alliance.registrations.lifecycle import ACTIVE, Status
from alliance.registrations.models import Registration, RegistrationConflict, RegistrationProduct

# Product line keys never contain it; it joins the shared lines into one aggregated column.
_LINE_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """A customer's identity keys for scoring and its ownership: read for the rules, never shown
    to a partner."""

    id: int
    name_key: str
    domain: str | None
    country: str | None
    ownership: Ownership
    owning_partner_id: int | None
    protected_until: date | None


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """Another partner's active registration on a candidate customer, with the product lines it
    shares with the registration being checked. Ids, kind and dates only: no title, amount or
    details of the other partner."""

    id: int
    partner_id: int
    partner_type: PartnerType
    kind: RegistrationKind
    status: Status
    submitted_at: datetime | None
    protected_until: date | None
    customer_id: int
    shared_lines: frozenset[str]
    line_count: int


class ConflictRepository(Repository[RegistrationConflict]):
    model = RegistrationConflict

    # --- the check ----------------------------------------------------------------------------

    def product_lines(self, registration_id: int) -> frozenset[str]:
        statement = select(RegistrationProduct.product_line).where(RegistrationProduct.registration_id == registration_id)
        return frozenset(self.session.scalars(statement))

    def customers(self, ids: Iterable[int]) -> list[CustomerRow]:
        ids = sorted(set(ids))
        if not ids:
            return []
        c = Customer
        statement = select(c.id, c.name_key, c.domain, c.country, c.ownership, c.owning_partner_id, c.protected_until).where(c.id.in_(ids))
        return [CustomerRow(row[0], row[1], row[2], row[3], Ownership(row[4]), row[5], row[6]) for row in self.session.execute(statement)]

    def active_on_customers(self, customer_ids: Iterable[int], *, other_than_partner_id: int, product_lines: Iterable[str]) -> list[CandidateRow]:
        """Other partners' active registrations on these customers that share at least one of
        `product_lines`, in one query: the (customer_id, status) index finds them, the join on
        registration_products keeps those with a line in common and aggregates which."""
        ids, lines = sorted(set(customer_ids)), sorted(set(product_lines))
        if not ids or not lines:
            return []
        statement = _active_on_customers(self.session.get_bind().dialect.name)
        return [
            CandidateRow(
                id=row[0],
                partner_id=row[1],
                partner_type=PartnerType(row[2]),
                kind=RegistrationKind(row[3]),
                status=Status(row[4]),
                submitted_at=row[5],
                protected_until=row[6],
                customer_id=row[7],
                shared_lines=frozenset(row[8].split(_LINE_SEPARATOR)) if row[8] else frozenset(),
                line_count=row[9],
            )
            for row in self.session.execute(statement, {"ids": ids, "lines": lines, "partner_id": other_than_partner_id})
        ]

    def retire_current(self, registration_id: int) -> None:
        """The findings of an earlier check stay as history, no longer current."""
        statement = (
            update(RegistrationConflict)
            .where(RegistrationConflict.registration_id == registration_id, RegistrationConflict.is_current.is_(True))
            .values(is_current=False)
        )
        self.session.execute(statement)

    def add_findings(self, partner_id: int, rows: Sequence[dict[str, Any]]) -> list[RegistrationConflict]:
        """Insert the findings of one registration in one statement (a flush would insert them one
        by one). A bulk insert skips the flush guard, so `partner_id` is set here, once, from
        the flagged registration's partner, and checked against the session's scope."""
        if not rows:
            return []
        if not self.scope.allows(partner_id):
            raise PermissionDenied("This record belongs to another partner.")
        # Without sort_by_parameter_order: SQLite has no implicit sentinel, so asking for it would
        # insert row by row. Ids follow the VALUES order, which is the order of the rules' output.
        statement = insert(RegistrationConflict).returning(RegistrationConflict)
        found = self.session.scalars(statement, [{**row, "partner_id": partner_id} for row in rows])
        return sorted(found, key=lambda conflict: conflict.id)

    # --- reading findings ---------------------------------------------------------------------

    def registration_visible(self, registration_id: int) -> bool:
        """Whether the session's scope may read this registration (False for missing too)."""
        statement = select(Registration.id).where(Registration.id == registration_id)
        statement = within_scope(statement, Registration.partner_id, self.scope)
        return self.session.scalar(statement) is not None

    def current(self, registration_id: int) -> list[RegistrationConflict]:
        statement = self.readable().where(RegistrationConflict.registration_id == registration_id, RegistrationConflict.is_current.is_(True))
        return list(self.session.scalars(statement.order_by(RegistrationConflict.id)))

    def current_with_other_side(self, registration_id: int) -> list[VendorConflictView]:
        """For vendor staff: each current finding with the registration it points at, in one query.
        Not a bypass: in a partner scope the other side reads as absent."""
        other = aliased(Registration)
        c = RegistrationConflict
        statement = (
            self.readable()
            .with_only_columns(
                # Labelled with VendorConflictView's field names: the row is the view.
                c.id,
                c.registration_id,
                c.kind,
                c.step,
                c.score,
                c.detected_at,
                c.partner_message,
                c.evidence,
                c.other_registration_id,
                other.partner_id.label("other_partner_id"),
                Partner.display_name.label("other_partner_name"),
                other.title.label("other_title"),
                other.kind.label("other_kind"),
                other.status.label("other_status"),
                other.submitted_at.label("other_submitted_at"),
                other.customer_id.label("other_customer_id"),
                func.coalesce(Customer.name, other.customer_name).label("other_customer_name"),
            )
            .outerjoin(other, other.id == c.other_registration_id)
            .outerjoin(Partner, Partner.id == other.partner_id)
            .outerjoin(Customer, Customer.id == other.customer_id)
            .where(c.registration_id == registration_id, c.is_current.is_(True))
            .order_by(c.id)
        )
        return [VendorConflictView.model_validate(row._mapping) for row in self.session.execute(statement)]

    def current_counts(self, registration_ids: Sequence[int]) -> dict[int, int]:
        ids = sorted(set(registration_ids))
        if not ids:
            return {}
        c = RegistrationConflict
        statement = (
            self.readable()
            .with_only_columns(c.registration_id, func.count())
            .where(c.registration_id.in_(ids), c.is_current.is_(True))
            .group_by(c.registration_id)
        )
        return {row[0]: row[1] for row in self.session.execute(statement)}


@functools.cache
def _active_on_customers(dialect: str) -> Select[Any]:
    """The statement of ConflictRepository.active_on_customers, built once per dialect (building
    it, aliases and all, cost about as much as running it): customer ids, product lines and the
    partner left out are bound at execution."""
    r, shared, every = Registration, aliased(RegistrationProduct), aliased(RegistrationProduct)
    line_count = select(func.count()).where(every.registration_id == r.id).correlate(r).scalar_subquery()
    joined = func.string_agg if dialect == "postgresql" else func.group_concat
    return (
        select(
            r.id,
            r.partner_id,
            Partner.partner_type,
            r.kind,
            r.status,
            r.submitted_at,
            r.protected_until,
            r.customer_id,
            joined(shared.product_line, _LINE_SEPARATOR),
            line_count,
        )
        .join(Partner, Partner.id == r.partner_id)
        .join(shared, (shared.registration_id == r.id) & shared.product_line.in_(bindparam("lines", expanding=True)))
        .where(r.customer_id.in_(bindparam("ids", expanding=True)), r.status.in_(sorted(ACTIVE)), r.partner_id != bindparam("partner_id"))
        .group_by(r.id, r.partner_id, Partner.partner_type, r.kind, r.status, r.submitted_at, r.protected_until, r.customer_id)
        # The rules compare a registration with every other partner's: this read crosses
        # partners by design and returns projections (ids, kind, status, dates), never rows.
        .execution_options(bypass_partner_scope="conflict detection compares registrations across partners")
    )
