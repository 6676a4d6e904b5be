"""Sponsor governance reads: cadences, meetings, and the facts of relationship health for many
partners at once (one grouped query each)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from alliance.cosell.models import ResourceRequest, ScopeDispute
from alliance.cosell.vocabulary import DisputeStatus
from alliance.identity.models import User
from alliance.kit.repository import Repository, within_scope
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Sponsor
from alliance.partners.vocabulary import PartnerStatus, SponsorSide
from alliance.qbr.models import Qbr, QbrCommitment, SponsorCadence, SponsorMeeting
from alliance.qbr.vocabulary import CommitmentStatus

DEFAULT_CADENCE_DAYS = 90


class CadenceRepository(Repository[SponsorCadence]):
    model = SponsorCadence

    def for_partner(self, partner_id: int, *, lock: bool = False) -> SponsorCadence | None:
        statement = self.readable().where(SponsorCadence.partner_id == partner_id)
        return self.lock_first(statement) if lock else self.session.scalars(statement).first()


class MeetingRepository(Repository[SponsorMeeting]):
    model = SponsorMeeting

    def of_partner(self, partner_id: int) -> list[SponsorMeeting]:
        statement = self.readable().where(SponsorMeeting.partner_id == partner_id).order_by(SponsorMeeting.held_on.desc(), SponsorMeeting.id.desc())
        return list(self.session.scalars(statement))

    def partner_exists(self, partner_id: int) -> bool:
        return self.session.scalar(within_scope(select(Partner.id).where(Partner.id == partner_id), Partner.id, self.scope)) is not None


class HealthRepository:
    def __init__(self, session: Session, repository: Repository[Any]) -> None:
        self.session = session
        self.scope = repository.scope

    def _only(self, statement: AnySelect, column: Any, partner_ids: Collection[int]) -> AnySelect:
        return within_scope(statement, column, self.scope).where(column.in_(partner_ids))

    def cadence(self, partner_ids: Collection[int]) -> dict[int, tuple[int, date | None]]:
        """partner -> (cadence days, last meeting day)."""
        last = select(SponsorMeeting.partner_id, func.max(SponsorMeeting.held_on).label("held_on")).group_by(SponsorMeeting.partner_id).subquery()
        statement = (
            select(Partner.id, func.coalesce(SponsorCadence.every_days, DEFAULT_CADENCE_DAYS), last.c.held_on)
            .outerjoin(SponsorCadence, SponsorCadence.partner_id == Partner.id)
            .outerjoin(last, last.c.partner_id == Partner.id)
        )
        return {pid: (days, held) for pid, days, held in self.session.execute(self._only(statement, Partner.id, partner_ids))}

    def commitments(self, partner_ids: Collection[int]) -> dict[int, tuple[int, int]]:
        """partner -> (open, late) commitments of its latest QBR."""
        latest = select(Qbr.partner_id, func.max(Qbr.starts_on).label("starts_on")).group_by(Qbr.partner_id).subquery()
        statement = (
            select(
                Qbr.partner_id,
                func.count(QbrCommitment.id).filter(QbrCommitment.status == CommitmentStatus.OPEN),
                func.count(QbrCommitment.id).filter(QbrCommitment.status == CommitmentStatus.LATE),
            )
            .join(latest, and_(latest.c.partner_id == Qbr.partner_id, latest.c.starts_on == Qbr.starts_on))
            .join(QbrCommitment, QbrCommitment.qbr_id == Qbr.id)
            .group_by(Qbr.partner_id)
        )
        return {pid: (opened, late) for pid, opened, late in self.session.execute(self._only(statement, Qbr.partner_id, partner_ids))}

    def open_disputes(self, partner_ids: Collection[int]) -> dict[int, int]:
        statement = select(ScopeDispute.partner_id, func.count()).where(ScopeDispute.status == DisputeStatus.OPEN).group_by(ScopeDispute.partner_id)
        return {row[0]: row[1] for row in self.session.execute(self._only(statement, ScopeDispute.partner_id, partner_ids))}

    def sla_breaches(self, partner_ids: Collection[int], *, since: datetime) -> dict[int, int]:
        statement = (
            select(ResourceRequest.partner_id, func.count())
            .where(ResourceRequest.breached.is_(True), ResourceRequest.submitted_at >= since)
            .group_by(ResourceRequest.partner_id)
        )
        return {row[0]: row[1] for row in self.session.execute(self._only(statement, ResourceRequest.partner_id, partner_ids))}


def overdue_meeting_reminders(session: Session, *, today: date) -> AnySelect:
    """The sweep's rows (notify_each): one per vendor-side sponsor who is an active user, of each
    active partner whose next executive meeting (last one plus its cadence) is past, or that has
    none recorded. Set-based: one statement for the portfolio."""
    last = select(SponsorMeeting.partner_id, func.max(SponsorMeeting.held_on).label("held_on")).group_by(SponsorMeeting.partner_id).subquery()
    every = func.coalesce(SponsorCadence.every_days, DEFAULT_CADENCE_DAYS)
    if session.get_bind().dialect.name == "sqlite":
        due: Any = func.date(last.c.held_on, func.printf("+%d days", every))
    else:
        due = last.c.held_on + every
    return (
        select(
            Sponsor.user_id.label("recipient_user_id"),
            Partner.id.label("entity_id"),
            literal("you are an executive sponsor of this partner").label("why"),
            func.coalesce(cast(last.c.held_on, String), literal("none")).label("cycle"),
            Partner.display_name.label("partner"),
            every.label("every_days"),
            cast(last.c.held_on, String).label("last_held_on"),
        )
        .join(Partner, Partner.id == Sponsor.partner_id)
        .join(User, and_(User.id == Sponsor.user_id, User.is_active.is_(True)))
        .outerjoin(SponsorCadence, SponsorCadence.partner_id == Partner.id)
        .outerjoin(last, last.c.partner_id == Partner.id)
        .where(Sponsor.side == SponsorSide.VENDOR, Sponsor.current(), Partner.status == PartnerStatus.ACTIVE, or_(last.c.held_on.is_(None), due < today))
    )
