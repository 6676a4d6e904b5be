"""The QBR's reads: each one statement for any number of partners and the five quarters at once,
so a portfolio of 5,000 partners costs the same number of queries as one partner.

"As of" a date: every read is cut at the end of that day (UTC) on the record's own history —
registration events, the attribution ledger's `recorded_at`, certification issue and record
dates, request and dispute timestamps, the audit trail for tier changes — so what is recorded
after it does not change the figures.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from alliance.audit.models import AuditEvent
from alliance.cosell.models import PlanVersion, ResourceRequest, RoeViolation, ScopeDispute
from alliance.enablement.models import Certification, CertificationTrack
from alliance.enablement.recert_repository import EffectiveDates
from alliance.identity.models import User
from alliance.kit.fiscal import FiscalPeriod
from alliance.kit.repository import within_scope
from alliance.kit.statements import AnySelect
from alliance.kit.tenancy import PartnerScope
from alliance.partners.models import Partner, Person, Program, Sponsor, Tier
from alliance.planning.models import BusinessPlan
from alliance.qbr.models import SponsorMeeting
from alliance.registrations.models import AttributionEntry, Registration, RegistrationConflict, RegistrationEvent
from alliance.tiers.models import TierRecommendation

# Certifications ending within this many days of the as-of date are "expiring".
EXPIRING_DAYS = 90


def end_of(day: date) -> datetime:
    """The first moment after `day` (UTC): records at or after it are not yet known on `day`."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    """The five quarters a QBR reads (oldest first, the QBR's own last) and its as-of date."""

    quarters: Sequence[FiscalPeriod]
    as_of: date

    @property
    def cutoff(self) -> datetime:
        return end_of(self.as_of)

    @property
    def first_moment(self) -> datetime:
        return datetime.combine(self.quarters[0].start, time.min, tzinfo=UTC)

    def quarter_days(self) -> list[date]:
        """Each quarter's last day, or the as-of date when the quarter ends after it."""
        return [min(q.end, self.as_of) for q in self.quarters]

    def index_of_day(self, column: Any) -> Any:
        """The quarter index (0-4) of a date column, NULL outside the window."""
        return case(*((column.between(q.start, q.end), literal(i)) for i, q in enumerate(self.quarters)), else_=literal(None))

    def index_of_moment(self, column: Any) -> Any:
        """The quarter index (0-4) of a timestamp column, NULL outside the window."""
        whens = []
        for i, q in enumerate(self.quarters):
            start = datetime.combine(q.start, time.min, tzinfo=UTC)
            whens.append((and_(column >= start, column < end_of(q.end)), literal(i)))
        return case(*whens, else_=literal(None))


class QbrFiguresRepository:
    def __init__(self, session: Session) -> None:
        scope = session.info.get("scope")
        assert isinstance(scope, PartnerScope)
        self.session = session
        self.scope = scope

    def _only(self, statement: AnySelect, column: Any, partner_ids: Collection[int] | None) -> AnySelect:
        statement = within_scope(statement, column, self.scope)
        return statement if partner_ids is None else statement.where(column.in_(partner_ids))

    # --- who ------------------------------------------------------------------------------

    def partners(self, partner_ids: Collection[int] | None) -> list[Any]:
        """(id, display_name, legal_name, partner_type, si_subtype, tier_id, currency, cam_name)."""
        cam = aliased(User)
        statement = (
            select(
                Partner.id,
                Partner.display_name,
                Partner.legal_name,
                Partner.partner_type,
                Partner.si_subtype,
                Partner.tier_id,
                func.coalesce(Program.currency, "USD").label("currency"),
                cam.name.label("cam_name"),
            )
            .outerjoin(Program, Program.id == Partner.program_id)
            .outerjoin(cam, cam.id == Partner.cam_user_id)
            .order_by(Partner.display_name, Partner.id)
        )
        return list(self.session.execute(self._only(statement, Partner.id, partner_ids)))

    def tiers(self) -> dict[int, tuple[str, int]]:
        """Tier id -> (name, rank): every program's ladder (a small catalog)."""
        return {row.id: (row.name, row.rank) for row in self.session.execute(select(Tier.id, Tier.name, Tier.rank))}

    def tier_changes(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, occurred_at, before, after) of every tier change from the window's first
        day on, oldest first: the tier on a past day is the `before` of the first change after it."""
        statement = select(AuditEvent.partner_id, AuditEvent.occurred_at, AuditEvent.before, AuditEvent.after).where(
            AuditEvent.action == "partner.tier_changed", AuditEvent.occurred_at >= window.first_moment
        )
        return list(self.session.execute(self._only(statement, AuditEvent.partner_id, partner_ids).order_by(AuditEvent.seq)))

    def tier_recommendations(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, evaluated_at, action, recommended_tier_id, grace_until, decided_at) of the
        recommendations evaluated in the window, newest first: the forecast is the newest one
        still undecided on the as-of date."""
        statement = select(
            TierRecommendation.partner_id,
            TierRecommendation.evaluated_at,
            TierRecommendation.action,
            TierRecommendation.recommended_tier_id,
            TierRecommendation.grace_until,
            TierRecommendation.decided_at,
        ).where(TierRecommendation.evaluated_at >= window.first_moment, TierRecommendation.evaluated_at < window.cutoff)
        statement = self._only(statement, TierRecommendation.partner_id, partner_ids)
        return list(self.session.execute(statement.order_by(TierRecommendation.evaluated_at.desc(), TierRecommendation.id.desc())))

    def sponsors(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, side, name, title, user_id) of the partner's sponsors on the as-of date
        (a sponsor replaced since is still shown; one named since is not)."""
        statement = select(Sponsor.partner_id, Sponsor.side, Sponsor.name, Sponsor.title, Sponsor.user_id).where(Sponsor.on(window.as_of))
        return list(self.session.execute(self._only(statement, Sponsor.partner_id, partner_ids).order_by(Sponsor.partner_id, Sponsor.side.desc(), Sponsor.id)))

    def meetings(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, held_on, title, attendees, decisions) of the executive meetings held in
        the QBR's quarter and recorded by the as-of date."""
        quarter = window.quarters[-1]
        statement = select(SponsorMeeting.partner_id, SponsorMeeting.held_on, SponsorMeeting.title, SponsorMeeting.attendees, SponsorMeeting.decisions).where(
            SponsorMeeting.held_on.between(quarter.start, min(quarter.end, window.as_of)), SponsorMeeting.created_at < window.cutoff
        )
        return list(self.session.execute(self._only(statement, SponsorMeeting.partner_id, partner_ids).order_by(SponsorMeeting.held_on, SponsorMeeting.id)))

    def plan_ids(self, partner_ids: Collection[int] | None, quarter: FiscalPeriod) -> list[int]:
        """The joint business plans whose period overlaps the quarter (any period kind)."""
        statement = select(BusinessPlan.id).where(BusinessPlan.starts_on <= quarter.end, BusinessPlan.ends_on >= quarter.start)
        return list(self.session.scalars(self._only(statement, BusinessPlan.partner_id, partner_ids)))

    # --- capacity -------------------------------------------------------------------------

    def capacity(self, partner_ids: Collection[int] | None, window: Window, dates: EffectiveDates) -> list[Any]:
        """(partner_id, delivery_role, level, people on each of the five quarter days): distinct
        active people certified on each quarter's last day (the as-of date for the quarter in
        progress). One pass over the certifications: per person and role/level, whether any of
        their certifications counts on each day; then the people per role/level and day."""
        days = window.quarter_days()
        counted = [func.max(case((dates.counting_on(day), 1), else_=0)).label(f"q{i}") for i, day in enumerate(days)]
        person = (
            select(Certification.partner_id, CertificationTrack.delivery_role, CertificationTrack.level, *counted)
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .where(
                Person.is_active.is_(True),
                Certification.created_at < window.cutoff,
                Certification.issued_on <= days[-1],
                Certification.expires_on >= days[0],
            )
            .group_by(Certification.partner_id, CertificationTrack.delivery_role, CertificationTrack.level, Certification.person_id)
        )
        per_person = self._only(person, Certification.partner_id, partner_ids).subquery("per_person")
        statement = select(
            per_person.c.partner_id, per_person.c.delivery_role, per_person.c.level, *(func.sum(per_person.c[f"q{i}"]) for i in range(len(days)))
        ).group_by(per_person.c.partner_id, per_person.c.delivery_role, per_person.c.level)
        return list(self.session.execute(statement))

    def ending(self, partner_ids: Collection[int] | None, window: Window, dates: EffectiveDates) -> list[Any]:
        """(partner_id, expiring, recert_due): people with a certification counting on the as-of
        date that ends within EXPIRING_DAYS, and people with a recertification deadline."""
        horizon = window.as_of + timedelta(days=EXPIRING_DAYS)
        statement = (
            select(
                Certification.partner_id,
                func.count(case((dates.ends_on <= horizon, Certification.person_id)).distinct()),
                func.count(case((dates.due.is_not(None), Certification.person_id)).distinct()),
            )
            .join(Person, Person.id == Certification.person_id)
            .where(dates.counting_on(window.as_of), Person.is_active.is_(True), Certification.created_at < window.cutoff)
            .group_by(Certification.partner_id)
        )
        return list(self.session.execute(self._only(statement, Certification.partner_id, partner_ids)))

    # --- pipeline -------------------------------------------------------------------------

    def stages(self, partner_ids: Collection[int] | None, window: Window, next_quarter: FiscalPeriod) -> list[Any]:
        """(partner_id, kind, status, registrations, protection ending next quarter): each
        registration at its status on the as-of date (its last event by then).

        Every status change logs an event carrying the new status, from the "created" one on
        (registrations.service.log_event), so a registration without an event after the as-of
        date still has the status it had then: only those changed since are ranked by their
        events (few, for a recent date), instead of ranking every event of the portfolio."""
        later = and_(RegistrationEvent.at >= window.cutoff, RegistrationEvent.to_status.is_not(None))
        changed_since = select(RegistrationEvent.registration_id).where(later)
        changed_since = self._only(changed_since, RegistrationEvent.partner_id, partner_ids)
        approved_ending = Registration.protected_until.between(next_quarter.start, next_quarter.end)
        unchanged = (
            select(
                Registration.partner_id,
                Registration.kind,
                Registration.status.label("status"),
                func.count().label("registrations"),
                func.count(case((and_(Registration.status == "approved", approved_ending), Registration.id))).label("ending"),
            )
            .where(~select(RegistrationEvent.id).where(RegistrationEvent.registration_id == Registration.id, later).exists())
            .group_by(Registration.partner_id, Registration.kind, Registration.status)
        )
        events = select(
            RegistrationEvent.registration_id,
            RegistrationEvent.to_status,
            func.row_number()
            .over(partition_by=RegistrationEvent.registration_id, order_by=(RegistrationEvent.at.desc(), RegistrationEvent.id.desc()))
            .label("n"),
        ).where(RegistrationEvent.at < window.cutoff, RegistrationEvent.to_status.is_not(None), RegistrationEvent.registration_id.in_(changed_since))
        ranked = events.subquery("ranked")
        changed = (
            select(
                Registration.partner_id,
                Registration.kind,
                ranked.c.to_status.label("status"),
                func.count().label("registrations"),
                func.count(case((and_(ranked.c.to_status == "approved", approved_ending), Registration.id))).label("ending"),
            )
            .join(ranked, and_(ranked.c.registration_id == Registration.id, ranked.c.n == 1))
            .group_by(Registration.partner_id, Registration.kind, ranked.c.to_status)
        )
        both = union_all(self._only(unchanged, Registration.partner_id, partner_ids), self._only(changed, Registration.partner_id, partner_ids)).subquery(
            "both"
        )
        statement = select(both.c.partner_id, both.c.kind, both.c.status, func.sum(both.c.registrations), func.sum(both.c.ending)).group_by(
            both.c.partner_id, both.c.kind, both.c.status
        )
        return list(self.session.execute(statement))

    def pipeline_moves(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, quarter, kind, move, registrations): `new` by first submission, then
        `approved`, `won` and `lost` by the events that moved a registration there."""
        new_quarter = window.index_of_moment(Registration.submitted_at)
        new = (
            select(Registration.partner_id, new_quarter.label("q"), Registration.kind, literal("new").label("move"), func.count())
            .where(Registration.submitted_at < window.cutoff, new_quarter.is_not(None))
            .group_by(Registration.partner_id, new_quarter, Registration.kind)
        )
        event_quarter = window.index_of_moment(RegistrationEvent.at)
        moved = (
            select(
                Registration.partner_id,
                event_quarter.label("q"),
                Registration.kind,
                RegistrationEvent.to_status,
                func.count(RegistrationEvent.registration_id.distinct()),
            )
            .join(Registration, Registration.id == RegistrationEvent.registration_id)
            .where(
                RegistrationEvent.at < window.cutoff,
                event_quarter.is_not(None),
                RegistrationEvent.to_status.in_(["approved", "won", "lost"]),
                or_(RegistrationEvent.from_status.is_(None), RegistrationEvent.from_status != RegistrationEvent.to_status),
            )
            .group_by(Registration.partner_id, event_quarter, Registration.kind, RegistrationEvent.to_status)
        )
        found = list(self.session.execute(self._only(new, Registration.partner_id, partner_ids)))
        return found + list(self.session.execute(self._only(moved, Registration.partner_id, partner_ids)))

    def conflicts(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, quarter, conflicts found on the partner's registrations)."""
        quarter = window.index_of_moment(RegistrationConflict.detected_at)
        statement = (
            select(RegistrationConflict.partner_id, quarter, func.count())
            .where(RegistrationConflict.detected_at < window.cutoff, quarter.is_not(None))
            .group_by(RegistrationConflict.partner_id, quarter)
        )
        return list(self.session.execute(self._only(statement, RegistrationConflict.partner_id, partner_ids)))

    # --- revenue --------------------------------------------------------------------------

    def credit(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, quarter, credit_type, currency, amount, deals): the attribution ledger
        by effective date, as recorded by the as-of date (corrections after it are not seen)."""
        quarter = window.index_of_day(AttributionEntry.effective_on)
        statement = (
            select(
                AttributionEntry.partner_id,
                quarter,
                AttributionEntry.credit_type,
                AttributionEntry.currency,
                func.sum(AttributionEntry.amount),
                func.count(AttributionEntry.closing_registration_id.distinct()),
            )
            .where(AttributionEntry.recorded_at < window.cutoff, quarter.is_not(None), AttributionEntry.partner_id.is_not(None))
            .group_by(AttributionEntry.partner_id, quarter, AttributionEntry.credit_type, AttributionEntry.currency)
        )
        return list(self.session.execute(self._only(statement, AttributionEntry.partner_id, partner_ids)))

    # --- co-sell --------------------------------------------------------------------------

    def requests(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """One row per co-sell request submitted in the window: (partner_id, quarter, type,
        submitted_at, due_at, responded_at, completed_at, rating), what was known by the as-of date."""
        quarter = window.index_of_moment(ResourceRequest.submitted_at)
        known = window.cutoff
        statement = select(
            ResourceRequest.partner_id,
            quarter,
            ResourceRequest.request_type,
            ResourceRequest.submitted_at,
            ResourceRequest.first_response_due_at,
            case((ResourceRequest.first_responded_at < known, ResourceRequest.first_responded_at)),
            case((ResourceRequest.completed_at < known, ResourceRequest.completed_at)),
            case((ResourceRequest.completed_at < known, ResourceRequest.outcome_rating)),
        ).where(ResourceRequest.submitted_at < known, quarter.is_not(None))
        return list(self.session.execute(self._only(statement, ResourceRequest.partner_id, partner_ids)))

    def plans_agreed(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, quarter, co-delivery plan versions agreed): the later signature's quarter."""
        agreed_at = case((PlanVersion.partner_signed_at > PlanVersion.vendor_signed_at, PlanVersion.partner_signed_at), else_=PlanVersion.vendor_signed_at)
        quarter = window.index_of_moment(agreed_at)
        statement = (
            select(PlanVersion.partner_id, quarter, func.count())
            .where(PlanVersion.partner_signed_at.is_not(None), PlanVersion.vendor_signed_at.is_not(None), agreed_at < window.cutoff, quarter.is_not(None))
            .group_by(PlanVersion.partner_id, quarter)
        )
        return list(self.session.execute(self._only(statement, PlanVersion.partner_id, partner_ids)))

    def violations(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """(partner_id, quarter, rules-of-engagement violations on the partner's accounts)."""
        quarter = window.index_of_moment(RoeViolation.occurred_at)
        statement = (
            select(RoeViolation.partner_id, quarter, func.count())
            .where(RoeViolation.occurred_at < window.cutoff, quarter.is_not(None))
            .group_by(RoeViolation.partner_id, quarter)
        )
        return list(self.session.execute(self._only(statement, RoeViolation.partner_id, partner_ids)))

    def disputes(self, partner_ids: Collection[int] | None, window: Window) -> list[Any]:
        """One row per scope dispute opened in the window: (partner_id, quarter, opened_at, resolved_at known by the as-of date)."""
        quarter = window.index_of_moment(ScopeDispute.opened_at)
        statement = select(
            ScopeDispute.partner_id, quarter, ScopeDispute.opened_at, case((ScopeDispute.resolved_at < window.cutoff, ScopeDispute.resolved_at))
        ).where(ScopeDispute.opened_at < window.cutoff, quarter.is_not(None))
        return list(self.session.execute(self._only(statement, ScopeDispute.partner_id, partner_ids)))
