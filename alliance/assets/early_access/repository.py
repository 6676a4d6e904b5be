"""Early-access queries: programs (vendor rows every signed-in user may read), applications and
feedback (partner-owned: a partner reads its own, the vendor every partner's)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from alliance.assets.early_access.models import EarlyAccessApplication, EarlyAccessFeedback, EarlyAccessProgram
from alliance.assets.early_access.rules import ApplicationStatus
from alliance.assets.models import Asset
from alliance.identity.models import User
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.repository import Repository
from alliance.kit.sorting import apply_sort
from alliance.partners.models import Partner

APPLICATION_SORTS: dict[str, Any] = {
    "applied": EarlyAccessApplication.terms_accepted_at,
    "partner": Partner.display_name,
    "program": EarlyAccessProgram.name,
    "status": EarlyAccessApplication.status,
    "decided": EarlyAccessApplication.decided_at,
}


@dataclass(frozen=True)
class ApplicationFilters:
    program_id: int | None = None
    status: ApplicationStatus | None = None
    partner: str | None = None  # part of the partner's name


class EarlyAccessRepository(Repository[EarlyAccessApplication]):
    model = EarlyAccessApplication

    # --- programs --------------------------------------------------------------------------------

    def program(self, program_id: int) -> EarlyAccessProgram | None:
        return self.session.get(EarlyAccessProgram, program_id)

    def program_of_release(self, product_line: str, version: str) -> EarlyAccessProgram | None:
        statement = select(EarlyAccessProgram).where(EarlyAccessProgram.product_line == product_line, EarlyAccessProgram.version == version)
        return self.session.scalars(statement).first()

    def programs(self) -> list[Any]:
        """(program, pending, enrolled) for every program, newest first (a partner counts its own)."""
        pending = func.count(EarlyAccessApplication.id).filter(EarlyAccessApplication.status == ApplicationStatus.PENDING)
        enrolled = func.count(EarlyAccessApplication.id).filter(EarlyAccessApplication.status == ApplicationStatus.ACCEPTED)
        statement = (
            select(EarlyAccessProgram, pending.label("pending"), enrolled.label("enrolled"))
            .outerjoin(EarlyAccessApplication, EarlyAccessApplication.program_id == EarlyAccessProgram.id)
            .group_by(EarlyAccessProgram.id)
            .order_by(EarlyAccessProgram.created_at.desc(), EarlyAccessProgram.id.desc())
        )
        return list(self.session.execute(statement))

    def program_names(self, program_ids: Collection[int]) -> dict[int, str]:
        if not program_ids:
            return {}
        statement = select(EarlyAccessProgram.id, EarlyAccessProgram.name).where(EarlyAccessProgram.id.in_(list(program_ids)))
        return {row[0]: row[1] for row in self.session.execute(statement)}

    def gated_assets(self, program_id: int) -> list[Asset]:
        statement = select(Asset).where(Asset.early_access_program_id == program_id).order_by(Asset.title)
        return list(self.session.scalars(statement))

    # --- applications ----------------------------------------------------------------------------

    def enrolled_programs(self, partner_id: int, program_ids: Collection[int]) -> frozenset[int]:
        if not program_ids:
            return frozenset()
        statement = select(EarlyAccessApplication.program_id).where(
            EarlyAccessApplication.partner_id == partner_id,
            EarlyAccessApplication.program_id.in_(list(program_ids)),
            EarlyAccessApplication.status == ApplicationStatus.ACCEPTED,
        )
        return frozenset(self.session.scalars(statement))

    def application_of(self, program_id: int, partner_id: int) -> EarlyAccessApplication | None:
        statement = self.readable().where(EarlyAccessApplication.program_id == program_id, EarlyAccessApplication.partner_id == partner_id)
        return self.session.scalars(statement).first()

    def own_applications(self, partner_id: int) -> dict[int, EarlyAccessApplication]:
        statement = self.readable().where(EarlyAccessApplication.partner_id == partner_id)
        return {application.program_id: application for application in self.session.scalars(statement)}

    def applications(self, filters: ApplicationFilters, *, sort: str | None, page: PageRequest) -> Page[Any]:
        """(application, program name, partner name, accepted by, decided by) rows."""
        accepted_by = User.__table__.alias("accepted_by")
        decided_by = User.__table__.alias("decided_by")
        statement = (
            select(EarlyAccessApplication, EarlyAccessProgram.name, Partner.display_name, accepted_by.c.name, decided_by.c.name)
            .join(EarlyAccessProgram, EarlyAccessProgram.id == EarlyAccessApplication.program_id)
            .join(Partner, Partner.id == EarlyAccessApplication.partner_id)
            .outerjoin(accepted_by, accepted_by.c.id == EarlyAccessApplication.terms_accepted_by_user_id)
            .outerjoin(decided_by, decided_by.c.id == EarlyAccessApplication.decided_by_user_id)
        )
        if filters.program_id is not None:
            statement = statement.where(EarlyAccessApplication.program_id == filters.program_id)
        if filters.status is not None:
            statement = statement.where(EarlyAccessApplication.status == filters.status)
        if filters.partner:
            statement = statement.where(func.lower(Partner.display_name).contains(filters.partner.strip().lower(), autoescape=True))
        statement = apply_sort(statement, sort, APPLICATION_SORTS, default="-applied", tiebreak=EarlyAccessApplication.id)
        return paginate(self.session, statement, page, rows=True)

    # --- feedback --------------------------------------------------------------------------------

    def feedback(self, program_id: int) -> list[Any]:
        """(feedback, asset title, partner name, author name), newest first (a partner: its own)."""
        statement = (
            select(EarlyAccessFeedback, Asset.title, Partner.display_name, User.name)
            .join(Asset, Asset.id == EarlyAccessFeedback.asset_id)
            .join(Partner, Partner.id == EarlyAccessFeedback.partner_id)
            .outerjoin(User, User.id == EarlyAccessFeedback.user_id)
            .where(EarlyAccessFeedback.program_id == program_id)
            .order_by(EarlyAccessFeedback.created_at.desc(), EarlyAccessFeedback.id.desc())
        )
        return list(self.session.execute(statement))

    def add_row(self, row: Any) -> None:
        self.session.add(row)
        self.session.flush()
