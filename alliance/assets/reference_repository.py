"""Customer references: a partner's own (submitted, approved, rejected) and the library's — the
references the vendor approved with the customer's approval for external use on record, which
every partner reads as projections (ReferenceStory), never as another partner's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from alliance.assets.models import CustomerReference
from alliance.assets.vocabulary import ReferenceStatus
from alliance.identity.models import User
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.repository import Repository
from alliance.kit.sorting import SortColumn, apply_sort
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner

# Approved references are published reference stories: the named bypass of the partner scope
# reads only these (approved by the vendor, the customer's approval for external use on record).
SHARED = "approved customer references approved for external use are the library's: every partner reads them"


@dataclass(frozen=True)
class ReferenceFilters:
    partner_id: int | None = None
    vertical: str | None = None
    product_line: str | None = None
    status: ReferenceStatus | None = None
    text: str | None = None  # the customer's or the partner's name, or the title
    sort: str | None = None  # a REFERENCE_SORTS key, - for descending; None: newest first


@dataclass(frozen=True)
class ReferenceEntry:
    """A reference (any status) with the names its lists and pages show instead of ids."""

    reference: CustomerReference
    partner_name: str
    submitted_by: str | None
    decided_by: str | None


@dataclass(frozen=True)
class StoryFilters:
    """The reference library's search box (customer, partner or title) and filters."""

    text: str | None = None
    vertical: str | None = None
    product_line: str | None = None
    sort: str | None = None  # a STORY_SORTS key, - for descending; None: newest approval first


@dataclass(frozen=True)
class ReferenceStory:
    """An approved reference as the library shows it (names, not ids)."""

    id: int
    partner_id: int
    partner_name: str
    customer_name: str
    title: str
    vertical: str | None
    product_lines: list[str]
    product_versions: str | None
    problem: str
    outcome: str
    quote: str | None
    customer_approved_on: date
    customer_approver: str
    approved_by: str | None
    approved_at: datetime | None


STORY_SORTS: dict[str, SortColumn] = {
    "customer": CustomerReference.customer_name,
    "partner": Partner.display_name,
    "title": CustomerReference.title,
    "vertical": CustomerReference.vertical,
    "approved": CustomerReference.decided_at,
}


# "status" puts the pending ones first (the review queue's order), then approved, then rejected.
REFERENCE_SORTS: dict[str, SortColumn] = {
    "status": case((CustomerReference.status == ReferenceStatus.SUBMITTED, 0), (CustomerReference.status == ReferenceStatus.APPROVED, 1), else_=2),
    "submitted": CustomerReference.created_at,
    "customer": CustomerReference.customer_name,
    "partner": Partner.display_name,
    "vertical": CustomerReference.vertical,
    "decided": CustomerReference.decided_at,
}


def _approved_for_external_use() -> ColumnElement[bool]:
    return and_(
        CustomerReference.status == ReferenceStatus.APPROVED,
        CustomerReference.customer_approved_on.is_not(None),
        CustomerReference.customer_approver.is_not(None),
        CustomerReference.customer_approver != "",
    )


def _mentions(needle: str) -> ColumnElement[bool]:
    """The customer's or the partner's name, or the title, contains `needle` (any case, literally)."""
    lowered = needle.lower()
    pattern = "%" + lowered.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in (CustomerReference.customer_name, Partner.display_name, CustomerReference.title)))


class ReferenceRepository(Repository[CustomerReference]):
    model = CustomerReference

    def partner_exists(self, partner_id: int) -> bool:
        return self.session.get(Partner, partner_id) is not None

    def listed(self, filters: ReferenceFilters, page: PageRequest) -> Page[ReferenceEntry]:
        """References of any status (partners: their own, by the session's scope) with names."""
        statement = self._entries()
        if filters.partner_id:
            statement = statement.where(CustomerReference.partner_id == filters.partner_id)
        if filters.vertical:
            statement = statement.where(func.lower(CustomerReference.vertical) == filters.vertical.strip().lower())
        if filters.status:
            statement = statement.where(CustomerReference.status == filters.status)
        if filters.product_line:
            statement = statement.where(self._names_line(filters.product_line))
        if filters.text and (needle := filters.text.strip()):
            statement = statement.where(_mentions(needle))
        # Within a status the queue is oldest first; every other order breaks ties newest first.
        tiebreak = CustomerReference.id.asc() if filters.sort == "status" else CustomerReference.id.desc()
        statement = apply_sort(statement, filters.sort, REFERENCE_SORTS, default="-submitted", tiebreak=tiebreak)
        found = paginate(self.session, statement, page, rows=True)
        return Page(items=[ReferenceEntry(*row) for row in found.items], total=found.total, limit=found.limit, offset=found.offset)

    def entry(self, reference_id: int) -> ReferenceEntry | None:
        """One reference with its names (partners: their own; another's is missing)."""
        row = self.session.execute(self._entries().where(CustomerReference.id == reference_id)).first()
        return ReferenceEntry(*row) if row is not None else None

    def _entries(self) -> AnySelect:
        submitter, decider = aliased(User), aliased(User)
        return (
            self.readable()
            .add_columns(Partner.display_name, submitter.name, decider.name)
            .join(Partner, Partner.id == CustomerReference.partner_id)
            .outerjoin(submitter, submitter.id == CustomerReference.created_by_user_id)
            .outerjoin(decider, decider.id == CustomerReference.decided_by_user_id)
        )

    # --- the library's reference stories -------------------------------------------------------

    def stories(self, filters: StoryFilters, page: PageRequest) -> Page[ReferenceStory]:
        statement = self._stories()
        if filters.text and (needle := filters.text.strip()):
            statement = statement.where(_mentions(needle))
        if filters.vertical:
            statement = statement.where(func.lower(CustomerReference.vertical) == filters.vertical.strip().lower())
        if filters.product_line:
            statement = statement.where(self._names_line(filters.product_line))
        counted = select(func.count()).select_from(statement.subquery()).execution_options(bypass_partner_scope=SHARED)
        total = self.session.scalar(counted) or 0
        statement = apply_sort(statement, filters.sort, STORY_SORTS, default="-approved", tiebreak=CustomerReference.id.desc())
        rows = self.session.execute(statement.limit(page.limit).offset(page.offset).execution_options(bypass_partner_scope=SHARED)).all()
        return Page(items=[ReferenceStory(**row._mapping) for row in rows], total=total, limit=page.limit, offset=page.offset)

    def story(self, reference_id: int) -> ReferenceStory | None:
        statement = self._stories().where(CustomerReference.id == reference_id).execution_options(bypass_partner_scope=SHARED)
        row = self.session.execute(statement).first()
        return ReferenceStory(**row._mapping) if row is not None else None

    def story_verticals(self) -> list[str]:
        statement = (
            select(CustomerReference.vertical)
            .where(_approved_for_external_use(), CustomerReference.vertical.is_not(None))
            .distinct()
            .order_by(CustomerReference.vertical)
            .execution_options(bypass_partner_scope=SHARED)
        )
        return [v for v in self.session.scalars(statement) if v]

    def _stories(self) -> AnySelect:
        """Columns, not rows: another partner's reference never enters this session as an object."""
        approver = aliased(User)
        r = CustomerReference
        return (
            select(
                r.id,
                r.partner_id,
                Partner.display_name.label("partner_name"),
                r.customer_name,
                r.title,
                r.vertical,
                r.product_lines,
                r.product_versions,
                r.problem,
                r.outcome,
                r.quote,
                r.customer_approved_on,
                r.customer_approver,
                approver.name.label("approved_by"),
                r.decided_at.label("approved_at"),
            )
            .join(Partner, Partner.id == r.partner_id)
            .outerjoin(approver, approver.id == r.decided_by_user_id)
            .where(_approved_for_external_use())
        )

    def _names_line(self, product_line: str) -> ColumnElement[bool]:
        """The reference names this product line (a short JSON list of keys): an element test in
        the dialect's own JSON functions, so that filtering happens before paging."""
        key = product_line.strip()
        if self.session.get_bind().dialect.name == "sqlite":
            elements: Any = func.json_each(CustomerReference.product_lines).table_valued("value")
        else:
            elements = func.json_array_elements_text(CustomerReference.product_lines).table_valued("value")
        return exists(select(1).select_from(elements).where(elements.c.value == key))
