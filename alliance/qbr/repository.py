"""QBR packages: partner-owned reads start from readable(); partners see only shared packages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from alliance.kit.repository import Repository, within_scope
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Sponsor
from alliance.partners.vocabulary import PartnerStatus, SponsorSide
from alliance.qbr.models import Qbr, QbrCommitment
from alliance.qbr.vocabulary import QbrStatus

QBR_LOAD = (selectinload(Qbr.commitments),)


class QbrRepository(Repository[Qbr]):
    model = Qbr

    def visible(self, *, shared_only: bool) -> AnySelect:
        statement = self.readable()
        return statement.where(Qbr.status == QbrStatus.SHARED) if shared_only else statement

    def get_loaded(self, qbr_id: int, *, shared_only: bool) -> Qbr | None:
        return self.session.scalars(self.visible(shared_only=shared_only).where(Qbr.id == qbr_id).options(*QBR_LOAD)).first()

    def get_for_change_loaded(self, qbr_id: int) -> Qbr | None:
        return self.get_for_change(qbr_id, *QBR_LOAD)

    def for_quarter(self, partner_id: int, period_key: str, *, lock: bool = False) -> Qbr | None:
        statement = self.readable().where(Qbr.partner_id == partner_id, Qbr.period_key == period_key).options(*QBR_LOAD)
        return self.lock_first(statement) if lock else self.session.scalars(statement).first()

    def for_quarters(self, partner_ids: list[int], period_key: str) -> dict[int, Qbr]:
        statement = self.readable().where(Qbr.partner_id.in_(partner_ids), Qbr.period_key == period_key).options(*QBR_LOAD)
        return {qbr.partner_id: qbr for qbr in self.session.scalars(statement)}

    def listed(self, *, partner_id: int | None, period_key: str | None, status: QbrStatus | None, shared_only: bool) -> list[Any]:
        """(qbr, partner name), newest quarter first."""
        statement = self.visible(shared_only=shared_only).join(Partner, Partner.id == Qbr.partner_id).add_columns(Partner.display_name)
        if partner_id is not None:
            statement = statement.where(Qbr.partner_id == partner_id)
        if period_key is not None:
            statement = statement.where(Qbr.period_key == period_key)
        if status is not None:
            statement = statement.where(Qbr.status == status)
        return list(self.session.execute(statement.order_by(Qbr.starts_on.desc(), Partner.display_name, Qbr.id)))

    def add_commitment(self, commitment: QbrCommitment) -> QbrCommitment:
        self.session.add(commitment)
        self.session.flush()
        return commitment

    def commitment(self, commitment_id: int) -> QbrCommitment | None:
        statement = select(QbrCommitment).where(QbrCommitment.id == commitment_id)
        return self.session.scalars(statement).first()

    def sponsor_user_ids(self, partner_id: int) -> list[int]:
        """The partner's sponsors who are users (vendor-side sponsors name their user)."""
        statement = select(Sponsor.user_id).where(Sponsor.partner_id == partner_id, Sponsor.user_id.is_not(None), Sponsor.current())
        return [user_id for user_id in self.session.scalars(statement) if user_id is not None]

    def portfolio_ids(self, *, strategic_only: bool) -> list[int]:
        """Active partners by name; strategic: those with an executive sponsor on the vendor's side."""
        statement = within_scope(select(Partner.id).where(Partner.status == PartnerStatus.ACTIVE), Partner.id, self.scope)
        if strategic_only:
            statement = statement.where(exists().where(Sponsor.partner_id == Partner.id, Sponsor.side == SponsorSide.VENDOR, Sponsor.current()))
        return list(self.session.scalars(statement.order_by(Partner.display_name, Partner.id)))

    def cam_partner_ids(self, user_id: int) -> list[int]:
        return list(self.session.scalars(within_scope(select(Partner.id).where(Partner.cam_user_id == user_id), Partner.id, self.scope)))

    def sponsored_partner_ids(self, user_id: int) -> list[int]:
        """The partners `user_id` is a vendor-side executive sponsor of."""
        statement = select(Sponsor.partner_id).where(Sponsor.user_id == user_id, Sponsor.side == SponsorSide.VENDOR, Sponsor.current()).distinct()
        return list(self.session.scalars(within_scope(statement, Sponsor.partner_id, self.scope)))
