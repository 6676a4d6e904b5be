"""Ramp reads: every enrolled partner's firsts in ONE statement, each first a MIN per partner
(grouped subqueries outer-joined to the partners), whatever the number of partners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, select, type_coerce
from sqlalchemy.orm import Session

from alliance.cosell.models import CodeliveryPlan, PlanVersion
from alliance.cosell.vocabulary import PlanVersionStatus
from alliance.db import UTCDateTime
from alliance.enablement.models import Certification, CertificationTrack
from alliance.identity.models import User
from alliance.kit.repository import within_scope
from alliance.kit.statements import AnySelect
from alliance.kit.tenancy import PartnerScope
from alliance.partners.models import Partner
from alliance.partners.vocabulary import DeliveryRole, PartnerStatus, RegistrationKind
from alliance.planning.models import BusinessPlan, ItemProgress, PlanItem
from alliance.planning.ramp_rules import Milestone
from alliance.planning.vocabulary import InvestmentKind, ItemKind, ItemStatus
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration

# Vendor commitments that build the partner's practice (MDF joins when the funds module lands).
PRACTICE_INVESTMENTS = (InvestmentKind.CERTIFICATION_FUNDING, InvestmentKind.CERTIFICATION_SEATS, InvestmentKind.MDF)


@dataclass(frozen=True)
class RampRow:
    partner_id: int
    name: str
    partner_type: str
    si_subtype: str | None
    cam_user_id: int | None
    cam_name: str | None
    enrolled_on: date
    firsts: dict[Milestone, date | None]
    invested: bool


class RampRepository:
    def __init__(self, session: Session) -> None:
        scope = session.info.get("scope")
        assert isinstance(scope, PartnerScope), "RampRepository needs a session opened with a PartnerScope"
        self.session = session
        self.scope = scope

    def rows(self, *, today: date, cam_user_id: int | None = None, partner_ids: list[int] | None = None) -> list[RampRow]:
        """Every partner enrolled on or before `today` (not terminated), with its firsts up to `today`."""
        statement = self.statement(today=today)
        if cam_user_id is not None:
            statement = statement.where(Partner.cam_user_id == cam_user_id)
        if partner_ids is not None:
            statement = statement.where(Partner.id.in_(partner_ids))
        found = []
        for row in self.session.execute(within_scope(statement, Partner.id, self.scope)):
            firsts = {milestone: _day(row._mapping[milestone.value]) for milestone in Milestone}
            found.append(
                RampRow(
                    partner_id=row.id,
                    name=row.display_name,
                    partner_type=str(row.partner_type),
                    si_subtype=str(row.si_subtype) if row.si_subtype else None,
                    cam_user_id=row.cam_user_id,
                    cam_name=row.cam_name,
                    enrolled_on=row.enrolled_on,
                    firsts=firsts,
                    invested=bool(row.invested),
                )
            )
        return found

    def statement(self, *, today: date) -> AnySelect:
        """(partner columns, one column per Milestone, invested): one statement, each first a
        grouped MIN per partner."""
        until = datetime.combine(today, datetime.max.time(), tzinfo=UTC)
        architect = (
            select(Certification.partner_id, func.min(Certification.issued_on).label("day"))
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .where(CertificationTrack.delivery_role == DeliveryRole.SOLUTION_ARCHITECT, Certification.issued_on <= today)
            .group_by(Certification.partner_id)
            .subquery()
        )
        approved = (
            select(Registration.partner_id, func.min(Registration.approved_at).label("day"))
            .where(Registration.approved_at.is_not(None), Registration.approved_at <= until)
            .group_by(Registration.partner_id)
            .subquery()
        )
        won = (
            select(Registration.partner_id, func.min(Registration.closed_on).label("day"))
            .where(
                Registration.status == Status.WON,
                Registration.kind.in_([RegistrationKind.DEAL.value, RegistrationKind.PROJECT.value]),
                Registration.closed_on <= today,
            )
            .group_by(Registration.partner_id)
            .subquery()
        )
        # A co-delivery plan is agreed on the later of its two signatures.
        agreed_at = type_coerce(
            case((PlanVersion.partner_signed_at > PlanVersion.vendor_signed_at, PlanVersion.partner_signed_at), else_=PlanVersion.vendor_signed_at),
            UTCDateTime,
        )
        codelivered = (
            select(PlanVersion.partner_id, func.min(agreed_at).label("day"))
            .join(CodeliveryPlan, CodeliveryPlan.id == PlanVersion.plan_id)
            .where(PlanVersion.status.in_([PlanVersionStatus.AGREED, PlanVersionStatus.SUPERSEDED]), PlanVersion.vendor_signed_at.is_not(None))
            .where(PlanVersion.partner_signed_at.is_not(None), agreed_at <= until)
            .group_by(PlanVersion.partner_id)
            .subquery()
        )
        # Practice milestones as the tier metric counts them: the version in force, co-investments excluded.
        milestone = (
            select(ItemProgress.partner_id, func.min(ItemProgress.confirmed_at).label("day"))
            .join(BusinessPlan, BusinessPlan.id == ItemProgress.plan_id)
            .join(PlanItem, (PlanItem.version_id == BusinessPlan.agreed_version_id) & (PlanItem.ref == ItemProgress.ref))
            .where(ItemProgress.status == ItemStatus.CONFIRMED, ItemProgress.confirmed_at <= until, PlanItem.kind != ItemKind.CO_INVESTMENT)
            .group_by(ItemProgress.partner_id)
            .subquery()
        )
        invested = exists(
            select(PlanItem.id)
            .join(BusinessPlan, and_(BusinessPlan.id == PlanItem.plan_id, BusinessPlan.agreed_version_id == PlanItem.version_id))
            .where(
                PlanItem.partner_id == Partner.id,
                PlanItem.kind == ItemKind.CO_INVESTMENT,
                PlanItem.investment_kind.in_([kind.value for kind in PRACTICE_INVESTMENTS]),
            )
        )
        firsts: dict[Milestone, Any] = {
            Milestone.SOLUTION_ARCHITECT: architect,
            Milestone.APPROVED_REGISTRATION: approved,
            Milestone.WON: won,
            Milestone.CODELIVERED: codelivered,
            Milestone.PRACTICE_MILESTONE: milestone,
        }
        statement = select(
            Partner.id,
            Partner.display_name,
            Partner.partner_type,
            Partner.si_subtype,
            Partner.cam_user_id,
            User.name.label("cam_name"),
            Partner.enrolled_on,
            *(found.c.day.label(key.value) for key, found in firsts.items()),
            invested.label("invested"),
        ).where(Partner.enrolled_on.is_not(None), Partner.enrolled_on <= today, Partner.status != PartnerStatus.TERMINATED)
        statement = statement.outerjoin(User, User.id == Partner.cam_user_id)
        for found in firsts.values():
            statement = statement.outerjoin(found, found.c.partner_id == Partner.id)
        return statement.order_by(Partner.enrolled_on, Partner.id)


def _day(value: date | datetime | str | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
