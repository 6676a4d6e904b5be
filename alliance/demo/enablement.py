"""The demo vendor's enablement: the default certification catalog, consultants at every
systems integrator, two years of certifications imported from the learning system (some
expiring soon, some lapsed after a release), work in progress (modules, a failed exam, a lab
waiting for an evaluator), and a first tier evaluation so the review queue has proposals.

Release policy for the story: Data Platform and Security Suite certify one major version and
every new major requires recertification within 180 days. Data Platform 9.0 shipped 200 days
ago (its v8 certifications lapsed 20 days ago unless renewed); Security Suite 4.0 shipped 100
days ago (v3 certifications must recertify within the next 80 days).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alliance.demo import geography, names
from alliance.demo.plan import SHOWCASE_NAME
from alliance.demo.registrations import frozen
from alliance.enablement import catalog_service, importer, progress_service, recert_service
from alliance.enablement.catalog_schemas import ReleaseCreate, TrackUpdate
from alliance.enablement.progress_schemas import ExamAttemptCreate, LabSubmissionCreate, ModuleCompletionCreate
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.schemas import PersonCreate
from alliance.partners.vocabulary import DeliveryRole, PartnerStatus, PartnerType, SISubtype
from alliance.tiers import service as tier_service

# Consultants added per partner, by kind: (solution architects, implementation engineers,
# integration specialists, project managers, sales).
CONSULTANTS = {
    SISubtype.GSI: (14, 22, 8, 6, 2),
    SISubtype.REGIONAL: (4, 8, 2, 2, 1),
    SISubtype.VERTICAL: (3, 6, 2, 2, 1),
    SISubtype.TECHNOLOGY: (3, 6, 4, 1, 1),
    PartnerType.RESELLER: (1, 0, 0, 0, 4),
    PartnerType.MSP: (0, 4, 1, 0, 1),
}
ROLE_CODES = {
    DeliveryRole.SOLUTION_ARCHITECT: "sa",
    DeliveryRole.IMPLEMENTATION_ENGINEER: "ie",
    DeliveryRole.INTEGRATION_SPECIALIST: "is",
    DeliveryRole.PROJECT_MANAGER: "pm",
}
LINES = ("data-platform", "integration-hub", "analytics", "security-suite")
LINE_WEIGHTS = (10, 40, 35, 15)  # most certifications are on lines no recent release affects
SHOWCASE_MIX = (4, 9, 2, 2, 1)
RECERT_EVERY_MAJOR = {"data-platform": ("9.0", 200), "security-suite": ("4.0", 100)}  # release, days ago


@dataclass(frozen=True)
class EnablementSummary:
    consultants: int
    certifications: int
    recommendations: int


def build_enablement(session: Session, actor: Actor, *, seed: int, today: date) -> EnablementSummary:
    rng = random.Random(seed * 104_729 + 11)
    admin = identity_service.actor_for(identity_service.vendor_users(session, Role.PROGRAM_ADMIN)[0])
    with frozen(_moment(today - timedelta(days=400))):
        catalog_service.ensure_default_catalog(session, admin)
        for line in RECERT_EVERY_MAJOR:
            tracks = catalog_service.list_tracks(session, admin, product_line=line, page=PageRequest(limit=100)).items
            for track in tracks:
                catalog_service.update_track(session, admin, track_id=track.id, data=TrackUpdate(recert_versions_behind=0))
    for line, (version, days_ago) in RECERT_EVERY_MAJOR.items():
        with frozen(_moment(today - timedelta(days=days_ago))):
            catalog_service.create_release(session, admin, data=ReleaseCreate(product_line=line, version=version, released_on=today - timedelta(days=days_ago)))

    partners = partner_service.list_partners(
        session, actor, filters=PartnerFilters(status=PartnerStatus.ACTIVE), sort="name", page=PageRequest(limit=500)
    ).items
    rows: list[dict[str, str]] = []
    consultants = 0
    showcase_people: list[tuple[int, DeliveryRole]] = []
    for partner in partners:
        mix = CONSULTANTS.get(SISubtype(partner.si_subtype) if partner.si_subtype else PartnerType(partner.partner_type))
        if mix is None:
            continue
        domain = (partner.website or f"{names.slug(partner.display_name)}.example").split("//")[-1].removeprefix("www.").split("/")[0]
        is_showcase = partner.display_name == SHOWCASE_NAME
        locale = geography.COUNTRIES[partner.hq_country].locale if partner.hq_country in geography.COUNTRIES else "en_us"
        if is_showcase:
            mix = SHOWCASE_MIX
        for role, count in zip((*ROLE_CODES, DeliveryRole.SALES), mix, strict=True):
            for position in range(count):
                first, last = names.pick_name(rng, locale)
                email = f"{names.email_local_part(first, last)}.{rng.randint(10, 99)}@{domain}"
                person = partner_service.add_person(
                    session,
                    admin,
                    partner_id=partner.id,
                    data=PersonCreate(name=f"{first} {last}", email=email, delivery_role=role, country=partner.hq_country),
                )
                consultants += 1
                if is_showcase:
                    showcase_people.append((person.id, role))
                if is_showcase:
                    rows.extend(_showcase_rows(email, role, position, today, consultants))
                else:
                    rows.extend(_certification_rows(rng, email, role, today, index=consultants))
    certifications = _import(session, admin, rows)
    _work_in_progress(session, admin, rng, showcase_people, today)
    recert_service.sweep_certifications(session, admin, today=today)
    evaluated = tier_service.evaluate_all(session, admin, today=today)
    return EnablementSummary(consultants=consultants, certifications=certifications, recommendations=_recommended(evaluated))


def _recommended(summary: Any) -> int:
    return int(getattr(summary, "upgrades", 0) or 0) + int(getattr(summary, "downgrades", 0) or 0)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def _certification_rows(rng: random.Random, email: str, role: DeliveryRole, today: date, *, index: int) -> list[dict[str, str]]:
    """The certifications one consultant holds, as the learning system exports them."""
    line = rng.choices(LINES, weights=LINE_WEIGHTS)[0]
    if role == DeliveryRole.SALES:
        if rng.random() < 0.7:
            return [_row(email, f"{line}-sales-associate", today - timedelta(days=rng.randint(30, 600)), index)]
        return []
    if rng.random() < 0.15:
        return []  # not certified yet
    code = ROLE_CODES[role]
    level = rng.choices(("associate", "professional", "expert"), weights=(35, 50, 15))[0]
    # Spread over two years: a tenth issued ~700 days ago expire within the next 30-60 days.
    age = rng.randint(660, 720) if rng.random() < 0.1 else rng.randint(20, 640)
    return [_row(email, f"{line}-{code}-{level}", today - timedelta(days=age), index)]


def _showcase_rows(email: str, role: DeliveryRole, position: int, today: date, index: int) -> list[dict[str, str]]:
    """Harbor Bridge sits one certification below Gold's delivery criteria: 3 of 4 professional
    solution architects, 7 of 8 professional implementation engineers — and the engineer whose
    lab waits for grading (position 0) would make the eighth."""
    if role == DeliveryRole.SALES:
        return [_row(email, "analytics-sales-associate", today - timedelta(days=300), index)]
    code = ROLE_CODES[role]
    associates = {DeliveryRole.SOLUTION_ARCHITECT: 1, DeliveryRole.IMPLEMENTATION_ENGINEER: 2}.get(role, 0)
    level = "associate" if position < associates else "professional"
    line = "integration-hub" if position % 2 else "analytics"
    return [_row(email, f"{line}-{code}-{level}", today - timedelta(days=90 + 37 * position), index)]


def _row(email: str, track_key: str, issued_on: date, index: int) -> dict[str, str]:
    return {
        "record_type": "certification",
        "person_email": email,
        "track_key": track_key,
        "external_ref": f"LMS-CERT-{index:06d}-{track_key}",
        "issued_on": issued_on.isoformat(),
    }


def _import(session: Session, admin: Actor, rows: list[dict[str, str]]) -> int:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["record_type", "person_email", "track_key", "external_ref", "issued_on"])
    writer.writeheader()
    writer.writerows(rows)
    summary = importer.import_certifications(session, admin, source=io.BytesIO(buffer.getvalue().encode()), source_name="demo-lms-export.csv")
    return int(summary.inserted)


def _work_in_progress(session: Session, admin: Actor, rng: random.Random, people: list[tuple[int, DeliveryRole]], today: date) -> None:
    """Two of the showcase's implementation engineers on their way to Professional: one has the
    modules and a passed exam and waits for the lab to be graded; one failed the exam last week."""
    engineers = [pid for pid, role in people if role == DeliveryRole.IMPLEMENTATION_ENGINEER][:2]
    if len(engineers) < 2:
        return
    track = catalog_service.list_tracks(
        session, admin, product_line="data-platform", delivery_role=DeliveryRole.IMPLEMENTATION_ENGINEER, page=PageRequest(limit=10)
    ).items
    professional = next((t for t in track if t.level == "professional"), None)
    if professional is None:
        return
    for person_id, (exam_score, days_ago) in zip(engineers, ((86, 6), (61, 5)), strict=True):
        with frozen(_moment(today - timedelta(days=days_ago + 14))):
            for module in professional.modules:
                if module.required:
                    progress_service.record_module_completion(
                        session,
                        admin,
                        person_id=person_id,
                        data=ModuleCompletionCreate(module_id=module.id, completed_on=today - timedelta(days=days_ago + 14)),
                    )
        with frozen(_moment(today - timedelta(days=days_ago))):
            progress_service.record_exam_attempt(
                session,
                admin,
                person_id=person_id,
                data=ExamAttemptCreate(track_id=professional.id, score=exam_score, attempted_at=_moment(today - timedelta(days=days_ago))),
            )
            if exam_score >= professional.exam_pass_mark:
                progress_service.submit_lab(
                    session,
                    admin,
                    person_id=person_id,
                    data=LabSubmissionCreate(
                        track_id=professional.id, evidence="Lab environment export and runbook: https://labs.example/submissions/ie-pro-dp8"
                    ),
                )
