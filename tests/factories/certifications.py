"""Tracks, releases and certifications made directly with the ORM (no enablement services), for
the recertification, capacity, import and report tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alliance.db import Database
from alliance.enablement.models import (
    Certification,
    CertificationTrack,
    ProductRelease,
    TrackModule,
)
from alliance.enablement.vocabulary import CertificationStatus, Source
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.partners import product_line_service
from alliance.partners.models import Person


def ensure_product_lines(session: Session) -> None:
    product_line_service.ensure_default_catalog(session, Actor.system(label="test-setup"))


def make_track(
    session: Session,
    key: str,
    *,
    role: str = "solution_architect",
    level: str = "associate",
    product_line: str = "data-platform",
    version: str = "8",
    behind: int | None = None,
    within: int | None = None,
    validity: int = 730,
    lab: bool = False,
    modules: tuple[str, ...] = ("m1", "m2"),
    pass_mark: int = 70,
) -> CertificationTrack:
    ensure_product_lines(session)
    track = CertificationTrack(
        key=key,
        name=f"{key} track",
        delivery_role=role,
        level=level,
        product_line=product_line,
        product_version=version,
        validity_days=validity,
        exam_pass_mark=pass_mark,
        recert_versions_behind=behind,
        recert_within_days=within,
        lab_grading="evaluator" if lab else None,
        lab_rubric=[],
        lab_pass_mark=70 if lab else None,
    )
    session.add(track)
    session.flush()
    for position, module in enumerate(modules, start=1):
        session.add(TrackModule(track_id=track.id, key=module, position=position, title=module.upper()))
    session.flush()
    return track


def make_release(session: Session, version: str, released_on: date, *, product_line: str = "data-platform") -> ProductRelease:
    release = ProductRelease(product_line=product_line, version=version, major=int(version.split(".")[0]), released_on=released_on)
    session.add(release)
    session.flush()
    return release


def make_cert(
    session: Session,
    *,
    person_id: int,
    partner_id: int,
    track_id: int,
    issued_on: date,
    expires_on: date | None = None,
    status: str = CertificationStatus.ACTIVE,
    **extra: Any,
) -> Certification:
    session.get(Person, person_id, with_for_update=True)  # a person's certifications change under its lock
    cert = Certification(
        person_id=person_id,
        partner_id=partner_id,
        track_id=track_id,
        status=status,
        issued_on=issued_on,
        expires_on=expires_on or issued_on + timedelta(days=730),
        source=Source.PORTAL,
        **extra,
    )
    session.add(cert)
    session.flush()
    return cert


def build_certifications(db: Database, world: Any) -> dict[str, int]:
    """For the tenancy matrix: one certification per partner of the world, ending within 30 days
    of today (so the expiring list has partner A's row and partner B's)."""
    ids = {}
    with db.session_scope(PartnerScope.system(reason="test world")) as session:
        track = make_track(session, "tenancy-track")
        today = clock.today()
        for key, fixture in (("a", world.a), ("b", world.b)):
            cert = make_cert(
                session,
                person_id=fixture.person_ids[0],
                partner_id=fixture.id,
                track_id=track.id,
                issued_on=today - timedelta(days=700),
                expires_on=today + timedelta(days=20),
            )
            ids[key] = cert.id
        ids["track_id"] = track.id
    return ids
