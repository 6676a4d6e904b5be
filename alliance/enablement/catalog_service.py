"""The certification catalog: tracks with their learning paths, exams and labs, and product
releases. Every signed-in user reads it; program admins maintain it."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.enablement import recert_service
from alliance.enablement.catalog_repository import ReleaseRepository, TrackRepository
from alliance.enablement.catalog_schemas import ModuleInput, ReleaseCreate, TrackCreate, TrackUpdate
from alliance.enablement.models import CertificationTrack, ProductRelease, TrackModule
from alliance.enablement.vocabulary import LabGrading, Level
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.changes import reject_nulls
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.schemas import error_details
from alliance.partners import product_line_service
from alliance.partners.vocabulary import DeliveryRole

TRACK_FIELDS = (
    "key",
    "name",
    "description",
    "delivery_role",
    "level",
    "product_line",
    "product_version",
    "vertical",
    "prerequisite_track_id",
    "validity_days",
    "exam_pass_mark",
    "exam_max_attempts",
    "exam_cooldown_days",
    "lab_grading",
    "lab_rubric",
    "lab_pass_mark",
    "recert_versions_behind",
    "recert_within_days",
    "is_active",
)
RELEASE_FIELDS = ("product_line", "version", "major", "released_on")


# --- reading -----------------------------------------------------------------------------------


def list_tracks(
    session: Session,
    actor: Actor,
    *,
    delivery_role: DeliveryRole | None = None,
    level: Level | None = None,
    product_line: str | None = None,
    active: bool | None = None,
    page: PageRequest,
) -> Page[CertificationTrack]:
    """Every signed-in user reads the catalog."""
    require(actor, Permission.PROGRAMS_READ)
    statement = TrackRepository(session).listed(delivery_role=delivery_role, level=level, product_line=product_line, active=active)
    return paginate(session, statement, page)


def get_track(session: Session, actor: Actor, *, track_id: int) -> CertificationTrack:
    require(actor, Permission.PROGRAMS_READ)
    track = TrackRepository(session).get_loaded(track_id)
    if track is None:
        raise NotFound(f"Certification track {track_id} not found.")
    return track


# --- maintaining -------------------------------------------------------------------------------


def create_track(session: Session, actor: Actor, *, data: TrackCreate) -> CertificationTrack:
    """A new track; environment-graded labs get a signing secret (shown only now and on rotation)."""
    require(actor, Permission.PROGRAMS_WRITE)
    repository = TrackRepository(session)
    if repository.existing_keys([data.key]):
        raise Conflict(f"A certification track with key {data.key} already exists.", details=[{"field": "key", "message": "already in use"}])
    _check_references(session, data, track_id=None)
    values = data.model_dump(exclude={"modules"}, mode="json")
    track = CertificationTrack(**values)
    track.modules = [TrackModule(key=m.key, position=i, title=m.title, required=m.required) for i, m in enumerate(data.modules, start=1)]
    track.lab_secret = _new_secret() if data.lab_grading == LabGrading.ENVIRONMENT else None
    repository.add(track)
    audit.record(
        session,
        actor,
        "certification_track.created",
        entity_type="certification_track",
        entity_id=track.id,
        after=snapshot(track, TRACK_FIELDS) | {"modules": _modules_snapshot(track)},
    )
    return track


def update_track(session: Session, actor: Actor, *, track_id: int, data: TrackUpdate) -> CertificationTrack:
    require(actor, Permission.PROGRAMS_WRITE)
    track = get_track(session, actor, track_id=track_id)
    changes = data.model_dump(exclude_unset=True, exclude={"reason"})
    reject_nulls(
        changes,
        [
            f
            for f in changes
            if f not in ("description", "vertical", "prerequisite_track_id", "lab_grading", "lab_pass_mark", "recert_versions_behind", "recert_within_days")
        ],
    )
    merged = _as_input(track) | data.model_dump(mode="json", exclude_unset=True, exclude={"reason"})
    if merged.get("lab_grading") is None and "lab_grading" in changes:
        merged["lab_rubric"], merged["lab_pass_mark"] = [], None
    try:
        validated = TrackCreate.model_validate(merged)
    except ValidationError as exc:
        raise RuleViolation("The track is not valid after this change.", details=error_details(exc)) from None
    _check_references(session, validated, track_id=track.id)
    before = snapshot(track, TRACK_FIELDS) | {"modules": _modules_snapshot(track)}
    for field, value in validated.model_dump(exclude={"modules", "key"}, mode="json").items():
        setattr(track, field, value)
    if validated.lab_grading == LabGrading.ENVIRONMENT and not track.lab_secret:
        track.lab_secret = _new_secret()
    elif validated.lab_grading != LabGrading.ENVIRONMENT:
        track.lab_secret = None
    _replace_modules(session, track, validated.modules)
    after = snapshot(track, TRACK_FIELDS) | {"modules": _modules_snapshot(track)}
    audit.record_update(
        session,
        actor,
        "certification_track.updated",
        entity_type="certification_track",
        entity_id=track.id,
        before=before,
        after=after,
        reason=data.reason,
    )
    return track


def rotate_lab_secret(session: Session, actor: Actor, *, track_id: int) -> CertificationTrack:
    """A new signing secret for an environment-graded lab; the old one stops working at once."""
    require(actor, Permission.PROGRAMS_WRITE)
    track = get_track(session, actor, track_id=track_id)
    if track.lab_grading != LabGrading.ENVIRONMENT:
        raise RuleViolation(
            f"{track.name} has no lab environment to sign results.", details=[{"field": "lab_grading", "message": "not an environment-graded lab"}]
        )
    track.lab_secret = _new_secret()
    session.flush()
    # The secret itself never enters the audit trail.
    audit.record(session, actor, "certification_track.lab_secret_rotated", entity_type="certification_track", entity_id=track.id)
    return track


def _new_secret() -> str:
    return secrets.token_hex(32)


def _check_references(session: Session, data: TrackCreate, *, track_id: int | None) -> None:
    product_line_service.check_active_keys(session, [data.product_line], field="product_line")
    if data.prerequisite_track_id is None:
        return
    prerequisite = TrackRepository(session).get(data.prerequisite_track_id)
    if prerequisite is None or prerequisite.id == track_id:
        raise RuleViolation(
            f"Prerequisite track {data.prerequisite_track_id} does not exist.",
            details=[{"field": "prerequisite_track_id", "message": "unknown track"}],
        )
    # A prerequisite is always of a lower level, so prerequisite chains can never form a cycle.
    if Level(prerequisite.level).rank >= data.level.rank:
        raise RuleViolation(
            f"The prerequisite {prerequisite.name} must be of a lower level than {data.level}.",
            details=[{"field": "prerequisite_track_id", "message": "must be of a lower level than the track"}],
        )


def _replace_modules(session: Session, track: CertificationTrack, modules: list[ModuleInput]) -> None:
    """Modules matched by key keep their id (and so their completions); positions are renumbered
    in two steps so the unique (track, position) never collides mid-update."""
    existing = {m.key: m for m in track.modules}
    wanted = {m.key for m in modules}
    for module in list(track.modules):
        if module.key not in wanted:
            track.modules.remove(module)
    for offset, module in enumerate(track.modules, start=1):
        module.position = 10_000 + offset
    session.flush()
    ordered = []
    for position, item in enumerate(modules, start=1):
        module = existing.get(item.key) or TrackModule(key=item.key)
        module.position, module.title, module.required = position, item.title, item.required
        ordered.append(module)
    track.modules = ordered
    session.flush()


def _modules_snapshot(track: CertificationTrack) -> list[dict[str, Any]]:
    return [{"key": m.key, "title": m.title, "required": m.required} for m in sorted(track.modules, key=lambda m: m.position)]


def _as_input(track: CertificationTrack) -> dict[str, Any]:
    values = snapshot(track, TRACK_FIELDS)
    values["modules"] = _modules_snapshot(track)
    return values


# --- product releases --------------------------------------------------------------------------


def list_releases(session: Session, actor: Actor, *, product_line: str | None = None, page: PageRequest) -> Page[ProductRelease]:
    require(actor, Permission.PROGRAMS_READ)
    return paginate(session, ReleaseRepository(session).listed(product_line=product_line), page)


def create_release(session: Session, actor: Actor, *, data: ReleaseCreate) -> ProductRelease:
    """Record a product release ("8.2" is major 8); recertification windows follow from it."""
    require(actor, Permission.PROGRAMS_WRITE)
    product_line_service.check_active_keys(session, [data.product_line], field="product_line")
    repository = ReleaseRepository(session)
    if repository.exists(data.product_line, data.version):
        raise Conflict(f"Release {data.version} of {data.product_line} is already recorded.", details=[{"field": "version", "message": "already recorded"}])
    release = repository.add(
        ProductRelease(product_line=data.product_line, version=data.version, major=int(data.version.split(".")[0]), released_on=data.released_on)
    )
    audit.record(session, actor, "product_release.created", entity_type="product_release", entity_id=release.id, after=snapshot(release, RELEASE_FIELDS))
    # Store the windows the release opens now, so lists and exports read them from plain columns.
    recert_service.open_recert_windows(session, actor, today=clock.today())
    return release


# --- the default catalog -----------------------------------------------------------------------

DEFAULT_LINES = {
    "data-platform": ("Data Platform", "8", (("7.4", date(2025, 3, 10)), ("8.0", date(2026, 2, 16)))),
    "integration-hub": ("Integration Hub", "5", (("4.2", date(2025, 5, 5)), ("5.0", date(2026, 1, 12)))),
    "analytics": ("Analytics", "12", (("11.3", date(2025, 4, 14)), ("12.0", date(2026, 3, 2)))),
    "security-suite": ("Security Suite", "3", (("2.6", date(2025, 6, 2)), ("3.0", date(2026, 4, 6)))),
}
DEFAULT_ROLES = {
    DeliveryRole.SOLUTION_ARCHITECT: (
        "sa",
        "Solution Architect",
        ("Architecture fundamentals", "Sizing and capacity", "Reference architectures", "Security design"),
    ),
    DeliveryRole.IMPLEMENTATION_ENGINEER: ("ie", "Implementation Engineer", ("Installation", "Configuration", "Migration", "Operations and upgrades")),
    DeliveryRole.INTEGRATION_SPECIALIST: ("is", "Integration Specialist", ("Connectors", "APIs and events", "Data mapping", "Troubleshooting")),
    DeliveryRole.PROJECT_MANAGER: ("pm", "Project Manager", ("Delivery methodology", "Scoping and estimation", "Governance and QBRs")),
}
TECHNICAL = frozenset({DeliveryRole.SOLUTION_ARCHITECT, DeliveryRole.IMPLEMENTATION_ENGINEER, DeliveryRole.INTEGRATION_SPECIALIST})
EXAM = {Level.ASSOCIATE: (70, 3, 7), Level.PROFESSIONAL: (75, 3, 14), Level.EXPERT: (80, 2, 30)}  # pass mark, attempts, cool-down
RUBRIC = [{"criterion": "Design", "max_points": 40}, {"criterion": "Build", "max_points": 40}, {"criterion": "Documentation", "max_points": 20}]


def _default_tracks() -> list[tuple[dict[str, Any], str | None]]:
    """(track input, key of its prerequisite) in an order where prerequisites come first."""
    tracks: list[tuple[dict[str, Any], str | None]] = []
    for line, (line_name, major, _releases) in DEFAULT_LINES.items():
        common = {"product_line": line, "product_version": major, "recert_versions_behind": 1, "recert_within_days": 180}
        for role, (code, role_name, topics) in DEFAULT_ROLES.items():
            previous = None
            for level in Level:
                key = f"{line}-{code}-{level}"
                pass_mark, attempts, cooldown = EXAM[level]
                modules = [{"key": f"{code}-{level}-{i}", "title": f"{topic} ({level})", "required": True} for i, topic in enumerate(topics, start=1)]
                modules.append({"key": f"{code}-{level}-elective", "title": f"{line_name} {level} elective", "required": False})
                lab: dict[str, Any] = {}
                if role in TECHNICAL and level != Level.ASSOCIATE:
                    grading = LabGrading.EVALUATOR if level == Level.PROFESSIONAL else LabGrading.ENVIRONMENT
                    lab = {"lab_grading": grading, "lab_rubric": RUBRIC, "lab_pass_mark": 70}
                name = f"{role_name} {level.capitalize()} ({line_name} {major})"
                tracks.append(
                    (
                        {
                            **common,
                            **lab,
                            "key": key,
                            "name": name,
                            "delivery_role": role,
                            "level": level,
                            "modules": modules,
                            "exam_pass_mark": pass_mark,
                            "exam_max_attempts": attempts,
                            "exam_cooldown_days": cooldown,
                            "validity_days": 1095 if level == Level.EXPERT else 730,
                        },
                        previous,
                    )
                )
                previous = key
        tracks.append(
            (
                {
                    **common,
                    "key": f"{line}-sales-associate",
                    "name": f"Sales Associate ({line_name} {major})",
                    "delivery_role": DeliveryRole.SALES,
                    "level": Level.ASSOCIATE,
                    "exam_pass_mark": 70,
                    "exam_max_attempts": 3,
                    "exam_cooldown_days": 7,
                    "modules": [
                        {"key": f"sales-{i}", "title": title} for i, title in enumerate(("Value proposition", "Qualification", "Pricing and packaging"), 1)
                    ],
                },
                None,
            )
        )
        tracks.append(
            (
                {
                    **common,
                    "key": f"{line}-healthcare-implementation",
                    "name": f"Healthcare Implementation Methodology ({line_name} {major})",
                    "delivery_role": DeliveryRole.IMPLEMENTATION_ENGINEER,
                    "level": Level.PROFESSIONAL,
                    "vertical": "healthcare",
                    "exam_pass_mark": 75,
                    "exam_max_attempts": 3,
                    "exam_cooldown_days": 14,
                    "lab_grading": LabGrading.EVALUATOR,
                    "lab_rubric": RUBRIC,
                    "lab_pass_mark": 75,
                    "modules": [
                        {"key": f"hc-{i}", "title": title}
                        for i, title in enumerate(("HIPAA and PHI handling", "HL7 and FHIR integration", "Clinical data validation"), 1)
                    ],
                },
                f"{line}-ie-associate",
            )
        )
    return tracks


def ensure_default_catalog(session: Session, actor: Actor) -> list[str]:
    """Create the default product lines, tracks and releases that are missing (idempotent);
    returns the keys of the tracks created."""
    product_line_service.ensure_default_catalog(session, actor)
    repository = TrackRepository(session)
    present = repository.existing_keys()
    created = []
    for values, prerequisite_key in _default_tracks():
        if values["key"] in present:
            continue
        prerequisite = repository.by_key(prerequisite_key) if prerequisite_key else None
        data = TrackCreate.model_validate({**values, "prerequisite_track_id": prerequisite.id if prerequisite else None})
        create_track(session, actor, data=data)
        created.append(data.key)
    releases = ReleaseRepository(session)
    for line, (_name, _major, versions) in DEFAULT_LINES.items():
        for version, released_on in versions:
            if not releases.exists(line, version):
                create_release(session, actor, data=ReleaseCreate(product_line=line, version=version, released_on=released_on))
    return created
