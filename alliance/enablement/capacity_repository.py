"""Certification reads: lists, what is ending soon, and certified delivery capacity now, over
time and across the portfolio. Every count is one grouped query; the day's recertification
windows come in as `EffectiveDates` so the status is right before the sweep has stored it.

Counts are of distinct active people (a person marked inactive has left the partner and no longer
counts, in the history either: the date they left is not recorded). The role and level are the
certification track's: what the person is certified to deliver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Row, String, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from alliance.db import ScopeMissing
from alliance.enablement.models import Certification, CertificationTrack, ProductRelease
from alliance.enablement.recert_repository import EffectiveDates
from alliance.identity.scope import PartnerScope
from alliance.kit.pagination import PageRequest, paginate
from alliance.kit.repository import within_scope
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner, Person


def certified_counts_by_partner(dates: EffectiveDates) -> AnySelect:
    """(partner_id, delivery_role, level, people) for every partner the session may see: distinct
    active people holding a counting certification on `dates.today`. Set-based; add filters with
    .where(...) and execute it (e.g. as a subquery joined to partners)."""
    people = func.count(Certification.person_id.distinct()).label("people")
    return (
        select(Certification.partner_id, CertificationTrack.delivery_role, CertificationTrack.level, people)
        .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
        .join(Person, Person.id == Certification.person_id)
        .where(dates.counting_now(), Person.is_active.is_(True))
        .group_by(Certification.partner_id, CertificationTrack.delivery_role, CertificationTrack.level)
    )


def counting_certifications(dates: EffectiveDates) -> AnySelect:
    """(partner_id, person_id, delivery_role, level, product_line, expires_on, recert_due_on,
    recert_version) of every certification of an active person that counts on `dates.today`,
    with the effective deadline and the release behind it: what a forecast of when capacity
    falls away needs, in one query."""
    release = aliased(ProductRelease)
    return (
        select(
            Certification.partner_id,
            Certification.person_id,
            CertificationTrack.delivery_role,
            CertificationTrack.level,
            CertificationTrack.product_line,
            Certification.expires_on,
            dates.due.label("recert_due_on"),
            dates.release_version(release.version).label("recert_version"),
        )
        .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
        .join(Person, Person.id == Certification.person_id)
        .outerjoin(release, release.id == Certification.recert_release_id)
        .where(dates.counting_now(), Person.is_active.is_(True))
    )


@dataclass(frozen=True)
class CertificationFilters:
    partner_id: int | None = None
    status: str | None = None  # effective status
    track_id: int | None = None
    person_id: int | None = None
    person_ids: tuple[int, ...] | None = None  # a page of people at once


class CapacityRepository:
    def __init__(self, session: Session) -> None:
        scope = session.info.get("scope")
        if not isinstance(scope, PartnerScope):
            raise ScopeMissing("CapacityRepository needs a session opened with a PartnerScope")
        self.session = session
        self.scope = scope

    def _scoped(self, statement: AnySelect) -> AnySelect:
        """The explicit partner filter (the session's scope filter is the safety net)."""
        return within_scope(statement, Certification.partner_id, self.scope)

    def _page(self, statement: AnySelect, page: PageRequest) -> tuple[Sequence[Row[Any]], int]:
        found = paginate(self.session, statement, page, rows=True)
        return found.items, found.total

    def _listing(self, dates: EffectiveDates) -> AnySelect:
        release = aliased(ProductRelease)
        return self._scoped(
            select(
                Certification.id,
                Certification.partner_id,
                Partner.display_name.label("partner_name"),
                Certification.person_id,
                Person.name.label("person_name"),
                Person.email.label("person_email"),
                Person.delivery_role,
                Certification.track_id,
                CertificationTrack.key.label("track_key"),
                CertificationTrack.name.label("track_name"),
                CertificationTrack.level,
                CertificationTrack.product_line,
                Certification.status.label("stored_status"),
                dates.status.label("effective_status"),
                dates.status.label("status"),
                Certification.issued_on,
                Certification.expires_on,
                Certification.recert_due_on,
                dates.due.label("effective_due_on"),
                Certification.ended_on,
                Certification.source,
                Certification.external_ref,
                release.major.label("release_major"),
            )
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .join(Partner, Partner.id == Certification.partner_id)
            .outerjoin(release, release.id == Certification.recert_release_id)
        )

    def listed(self, dates: EffectiveDates, filters: CertificationFilters, page: PageRequest) -> tuple[Sequence[Row[Any]], int]:
        statement = self._listing(dates)
        if filters.partner_id is not None:
            statement = statement.where(Certification.partner_id == filters.partner_id)
        if filters.track_id is not None:
            statement = statement.where(Certification.track_id == filters.track_id)
        if filters.person_id is not None:
            statement = statement.where(Certification.person_id == filters.person_id)
        if filters.person_ids is not None:
            statement = statement.where(Certification.person_id.in_(filters.person_ids))
        if filters.status is not None:
            statement = statement.where(dates.status == filters.status)
        return self._page(statement.order_by(Certification.issued_on.desc(), Certification.id.desc()), page)

    def expiring(
        self,
        dates: EffectiveDates,
        *,
        until: date,
        partner_id: int | None,
        page: PageRequest,
        cam_user_id: int | None = None,
    ) -> tuple[Sequence[Row[Any]], int]:
        ends_on = dates.ends_on
        statement = self._listing(dates).where(dates.counting_now(), ends_on <= until)
        if partner_id is not None:
            statement = statement.where(Certification.partner_id == partner_id)
        if cam_user_id is not None:
            statement = statement.where(Partner.cam_user_id == cam_user_id)
        return self._page(statement.order_by(ends_on, Certification.id), page)

    def current(self, dates: EffectiveDates, *, partner_id: int) -> Sequence[Row[Any]]:
        """(delivery_role, level, product_line, people) on dates.today."""
        people = func.count(Certification.person_id.distinct()).label("people")
        statement = self._scoped(
            select(CertificationTrack.delivery_role, CertificationTrack.level, CertificationTrack.product_line, people)
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .where(Certification.partner_id == partner_id, dates.counting_now(), Person.is_active.is_(True))
            .group_by(CertificationTrack.delivery_role, CertificationTrack.level, CertificationTrack.product_line)
            .order_by(CertificationTrack.delivery_role, CertificationTrack.level, CertificationTrack.product_line)
        )
        return self.session.execute(statement).all()

    def current_by_role(self, dates: EffectiveDates, *, partner_id: int) -> Sequence[Row[Any]]:
        """(delivery_role, people): a person certified at two levels counts once for the role."""
        people = func.count(Certification.person_id.distinct()).label("people")
        statement = self._scoped(
            select(CertificationTrack.delivery_role, people)
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .where(Certification.partner_id == partner_id, dates.counting_now(), Person.is_active.is_(True))
            .group_by(CertificationTrack.delivery_role)
            .order_by(CertificationTrack.delivery_role)
        )
        return self.session.execute(statement).all()

    def history(self, dates: EffectiveDates, *, partner_id: int, days: Sequence[date], by_level: bool) -> Sequence[Row[Any]]:
        """(on, delivery_role[, level], people) for each day of `days` with anyone certified:
        the days are a derived table joined to the certifications, one grouped query."""
        series = union_all(*(select(literal(day, Date).label("on")) for day in days)).subquery("days")
        keys: list[Any] = [series.c.on, CertificationTrack.delivery_role]
        if by_level:
            keys.append(CertificationTrack.level)
        statement = self._scoped(
            select(*keys, func.count(Certification.person_id.distinct()).label("people"))
            .select_from(series)
            .join(Certification, dates.counting_on(series.c.on))
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .where(Certification.partner_id == partner_id, Person.is_active.is_(True))
            .group_by(*keys)
            .order_by(*keys)
        )
        return self.session.execute(statement).all()

    def portfolio(self, dates: EffectiveDates, *, group_by: str) -> Sequence[Row[Any]]:
        """(group, delivery_role, people, partners): group is the partner's SI subtype (or its
        type when it has none) or the certification level."""
        group = func.coalesce(Partner.si_subtype, Partner.partner_type, type_=String()) if group_by == "subtype" else CertificationTrack.level
        statement = self._scoped(
            select(
                group.label("group"),
                CertificationTrack.delivery_role,
                func.count(Certification.person_id.distinct()).label("people"),
                func.count(Certification.partner_id.distinct()).label("partners"),
            )
            .join(CertificationTrack, CertificationTrack.id == Certification.track_id)
            .join(Person, Person.id == Certification.person_id)
            .join(Partner, Partner.id == Certification.partner_id)
            .where(dates.counting_now(), Person.is_active.is_(True))
            .group_by(group, CertificationTrack.delivery_role)
            .order_by(group, CertificationTrack.delivery_role)
        )
        return self.session.execute(statement).all()
