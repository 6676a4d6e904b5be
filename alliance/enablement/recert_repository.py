"""Queries behind recertification: the windows releases open, the set-based sweep, and the SQL
form of `recert.effective_status` every certification report filters on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Subquery,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import QueryableAttribute, Session

from alliance.enablement import recert
from alliance.enablement.models import Certification, CertificationTrack, ProductRelease
from alliance.enablement.vocabulary import COUNTING, CertificationStatus
from alliance.identity.models import User
from alliance.identity.permissions import Permission, roles_with
from alliance.identity.scope import PARTNER_ROLES
from alliance.kit.statements import AnySelect, rowcount
from alliance.partners.models import Partner, Person

COUNTING_VALUES = sorted(s.value for s in COUNTING)


def add_days(session: Session, value: Any, days: int) -> ColumnElement[Any]:
    """`value + days` as a date on either backend (SQLite keeps dates as ISO text)."""
    if session.get_bind().dialect.name == "sqlite":
        shifted: ColumnElement[Any] = func.date(value, f"{days:+d} days", type_=Date)
    else:
        shifted = (value + days).cast(Date) if days else value
    return shifted


def load_windows(session: Session, *, today: date) -> dict[int, recert.RecertWindow]:
    """The window open on `today` for each track with a release policy (track id -> window).
    Two small catalog reads: tracks with a policy, and their product lines' releases."""
    tracks = session.execute(
        select(
            CertificationTrack.id,
            CertificationTrack.product_line,
            CertificationTrack.product_version,
            CertificationTrack.recert_versions_behind,
            CertificationTrack.recert_within_days,
        ).where(CertificationTrack.recert_versions_behind.is_not(None), CertificationTrack.recert_within_days.is_not(None))
    ).all()
    if not tracks:
        return {}
    releases: dict[str, list[recert.Release]] = defaultdict(list)
    rows = session.execute(
        select(ProductRelease.id, ProductRelease.product_line, ProductRelease.version, ProductRelease.major, ProductRelease.released_on).where(
            ProductRelease.product_line.in_({t.product_line for t in tracks}), ProductRelease.released_on <= today
        )
    )
    for row in rows:
        releases[row.product_line].append(recert.Release(row.id, row.version, row.major, row.released_on))
    windows = {}
    for track in tracks:
        policy = recert.ReleasePolicy(track.recert_versions_behind, track.recert_within_days)
        window = recert.recert_window(policy, certified=recert.certified_major(track.product_version), releases=releases[track.product_line], today=today)
        if window is not None:
            windows[track.id] = window
    return windows


@dataclass(frozen=True)
class EffectiveDates:
    """SQL expressions over Certification for a day, given the windows open that day."""

    today: date
    windows: dict[int, recert.RecertWindow]

    @property
    def due(self) -> ColumnElement[Any]:
        """The recertification deadline that applies: stored, or the open window's."""
        if not self.windows:
            return Certification.recert_due_on.expression
        whens = [
            (and_(Certification.track_id == track_id, Certification.issued_on <= window.due_on), literal(window.due_on, Date))
            for track_id, window in sorted(self.windows.items())
        ]
        return func.coalesce(Certification.recert_due_on, case(*whens, else_=literal(None, Date)))

    def release_version(self, stored: QueryableAttribute[Any]) -> ColumnElement[Any]:
        """The version of the release behind the deadline: `stored` (the recert_release_id
        release's version column) or the open window's."""
        applies = [
            (and_(Certification.track_id == track_id, Certification.issued_on <= window.due_on), literal(window.release_version))
            for track_id, window in sorted(self.windows.items())
        ]
        if not applies:
            return stored.expression
        return case((Certification.recert_due_on.is_not(None), stored), *applies, else_=literal(None))

    @property
    def status(self) -> ColumnElement[Any]:
        """recert.effective_status in SQL."""
        due, today = self.due, self.today
        return case(
            (Certification.status.not_in(COUNTING_VALUES), Certification.status),
            (and_(Certification.expires_on < today, or_(due.is_(None), due >= Certification.expires_on)), literal(CertificationStatus.EXPIRED.value)),
            (due < today, literal(CertificationStatus.LAPSED.value)),
            (due.is_not(None), literal(CertificationStatus.RECERT_REQUIRED.value)),
            else_=Certification.status,
        )

    @property
    def ends_on(self) -> ColumnElement[Any]:
        """The last day it counts unless renewed: the earlier of validity and the deadline."""
        due = self.due
        return case((and_(due.is_not(None), due < Certification.expires_on), due), else_=Certification.expires_on)

    def counting_on(self, day: Any) -> ColumnElement[bool]:
        """Certified capacity on `day` (a date or a date column): recert.counts_on in SQL."""
        due = self.due
        return and_(
            Certification.issued_on <= day,
            or_(Certification.ended_on.is_(None), Certification.ended_on > day),
            Certification.expires_on >= day,
            or_(due.is_(None), due >= day),
        )

    def counting_now(self) -> ColumnElement[bool]:
        return and_(Certification.status.in_(COUNTING_VALUES), self.counting_on(self.today))


def people_recipients() -> Subquery:
    """Who hears of a person's certifications and labs: the person's own account (an active user
    of the same partner with the person's e-mail), and the partner's active users who record
    their people's learning (partner admins). Columns person_id, user_id, why."""
    admins = [role.value for role in roles_with(Permission.LEARNING_RECORD) if role in PARTNER_ROLES]
    own = select(Person.id.label("person_id"), User.id.label("user_id"), literal("it is about you").label("why")).join(
        User, and_(User.email == func.lower(Person.email), User.partner_id == Person.partner_id, User.is_active.is_(True))
    )
    managers = select(Person.id, User.id, literal("you manage your organisation's certifications")).join(
        User, and_(User.partner_id == Person.partner_id, User.role.in_(admins), User.is_active.is_(True))
    )
    return union_all(own, managers).subquery("person_recipient")


def effective_dates(session: Session, *, today: date) -> EffectiveDates:
    return EffectiveDates(today=today, windows=load_windows(session, today=today))


class RecertRepository:
    """The sweep's set-based updates. Run under the system scope (CLI, jobs)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def open_windows(self, windows: dict[int, recert.RecertWindow], *, now: datetime) -> int:
        """Active certifications on a track with an open window, issued by its deadline, become
        recert_required with the deadline and the release stored; one UPDATE per such track."""
        opened = 0
        for track_id, window in sorted(windows.items()):
            statement = (
                update(Certification)
                .where(
                    Certification.track_id == track_id,
                    Certification.status == CertificationStatus.ACTIVE.value,
                    Certification.recert_due_on.is_(None),
                    Certification.issued_on <= window.due_on,
                )
                .values(status=CertificationStatus.RECERT_REQUIRED.value, recert_due_on=window.due_on, recert_release_id=window.release_id, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            opened += rowcount(self.session.execute(statement))
        return opened

    def person_recipients(self, person_id: int) -> list[tuple[int, str]]:
        """(user id, why) of everyone who hears of one person's certifications and labs."""
        recipients = people_recipients()
        statement = select(recipients.c.user_id, recipients.c.why).where(recipients.c.person_id == person_id).order_by(recipients.c.user_id)
        return [(row.user_id, row.why) for row in self.session.execute(statement.execution_options(bypass_partner_scope="a vendor grader tells the person"))]

    def certification_reminders(self, condition: ColumnElement[bool], *, cycle: Any) -> AnySelect:
        """Certifications matching `condition`, one row per person to tell (people_recipients), with
        names: rows for notification_service.notify_each. `cycle`: what starts a new round."""
        recipients = people_recipients()
        return (
            select(
                recipients.c.user_id.label("recipient_user_id"),
                Certification.id.label("entity_id"),
                recipients.c.why.label("why"),
                cycle.label("cycle"),
                Person.name.label("person"),
                CertificationTrack.name.label("track"),
                Partner.display_name.label("partner"),
                Certification.expires_on.label("expires_on"),
                Certification.recert_due_on.label("due_on"),
                ProductRelease.version.label("release"),
            )
            .join(Person, Person.id == Certification.person_id)
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Partner, Partner.id == Certification.partner_id)
            .outerjoin(ProductRelease, ProductRelease.id == Certification.recert_release_id)
            .join(recipients, recipients.c.person_id == Certification.person_id)
            .where(condition)
        )

    def lapse_overdue(self, *, today: date, now: datetime) -> int:
        """Counting certifications past their deadline (and it came before validity ended) lapse;
        they stopped counting the day after the deadline."""
        statement = (
            update(Certification)
            .where(
                Certification.status.in_(COUNTING_VALUES),
                Certification.recert_due_on.is_not(None),
                Certification.recert_due_on < today,
                Certification.recert_due_on < Certification.expires_on,
            )
            .values(status=CertificationStatus.LAPSED.value, ended_on=add_days(self.session, Certification.recert_due_on, 1), updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(self.session.execute(statement))

    def expire_past_validity(self, *, today: date, now: datetime) -> int:
        statement = (
            update(Certification)
            .where(Certification.status.in_(COUNTING_VALUES), Certification.expires_on < today)
            .values(status=CertificationStatus.EXPIRED.value, ended_on=add_days(self.session, Certification.expires_on, 1), updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(self.session.execute(statement))
