"""The asset library. The vendor's asset owners (Permission.ASSETS_MANAGE) create assets, their
versions and entitlement rules and move versions through their lifecycle; partners find published
assets (locked ones say what is missing and how to unlock them), open and download what they are
entitled to, contribute their own for review and record where they used an asset.

An asset is one aggregate: its versions, files, facets, validations and reviews change only with
the asset's row locked (get_for_change)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from alliance import audit
from alliance.assets import entitlement, lifecycle, rendering
from alliance.assets import notice_service as asset_notices
from alliance.assets.early_access.repository import EarlyAccessRepository
from alliance.assets.entitlement import Lock, Requirement, Standing
from alliance.assets.models import Asset, AssetFacet, AssetProjectUse, AssetReview, AssetUsage, AssetValidation, AssetVersion, AssetVersionFile, LibraryVisit
from alliance.assets.repository import AssetRepository, DownloadableFile, HeldCertification, LibraryFilters, PartnerFacts, TrackFacts
from alliance.assets.schemas import AssetInput, Entitlement, ReviewInput, ValidatedVersion, VersionInput
from alliance.assets.vocabulary import PARTNER_VISIBLE, CertificationHolder, FacetKind, ReviewDecision, UsageAction, VersionAction, VersionStatus
from alliance.audit.service import snapshot
from alliance.enablement.vocabulary import LEVEL_RANK, Level
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.files import service as file_service
from alliance.files.storage import BlobStore
from alliance.files.vocabulary import FilePurpose
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, DeliveryRole, PartnerType, RegistrationKind, SISubtype

ASSET_FIELDS = (
    "kind",
    "title",
    "summary",
    "owner_user_id",
    "deployment_pattern",
    "product_lines",
    "verticals",
    "technologies",
    "tags",
    "partner_types",
    "si_subtypes",
    "minimum_tier_rank",
    "required_track_id",
    "certification_holder",
    "holders_needed",
    "early_access_program_id",
)


@dataclass(frozen=True)
class Reader:
    """Who is reading the library, and where they stand (partners); the vendor is never locked."""

    partner: PartnerFacts | None
    held: list[HeldCertification] = field(default_factory=list)
    own_people: frozenset[int] = frozenset()
    tracks: dict[int, TrackFacts] = field(default_factory=dict)
    programs: dict[int, str] = field(default_factory=dict)  # early-access programs of the assets read: id -> name
    enrolled: frozenset[int] = frozenset()  # the programs the partner is enrolled in


@dataclass(frozen=True)
class LibraryEntry:
    asset: Asset
    score: float | None
    locks: list[Lock]
    flags: list[str]
    is_new: bool
    current_version: str | None
    contributed_by: str | None


@dataclass(frozen=True)
class LibraryPage:
    page: Page[LibraryEntry]
    new_since_last_visit: int
    last_visit_at: datetime | None


@dataclass(frozen=True)
class AssetView:
    asset: Asset
    entry: LibraryEntry
    versions: list[AssetVersion]
    files: dict[int, list[DownloadableFile]]
    body_html: str
    usage: dict[str, int]
    used_in: list[Any]
    reviews: list[AssetReview]
    may_manage: bool
    may_contribute: bool
    actions: dict[int, list[VersionAction]]
    projects: list[Any]  # the reader's project registrations it may record use on (id, title)


# --- reading ---------------------------------------------------------------------------------


def library(session: Session, actor: Actor, *, filters: LibraryFilters, page: PageRequest, record_visit: bool = False) -> LibraryPage:
    """One page of the library for the reader, with each asset's locks (partners), release flags
    and whether it is new since the reader's previous visit. A fixed number of statements."""
    require(actor, Permission.ASSETS_READ)
    repository = AssetRepository(session)
    visit = repository.visit(actor.user_id) if actor.user_id is not None else None
    previous = visit.last_visit_at if visit else None
    if record_visit and actor.user_id is not None:
        _note_visit(repository, actor.user_id, visit)
        previous = visit.previous_visit_at if visit else None
    found = repository.library(filters, partner_id=actor.partner_id if actor.is_partner else None, page=page)
    assets = [row[0] for row in found.items]
    reader = _reader(repository, actor, assets)
    entries = _entries(repository, reader, [(row[0], row[1], row[2]) for row in found.items], since=previous)
    new = repository.count_new(partner_id=actor.partner_id if actor.is_partner else None, since=previous) if previous else 0
    return LibraryPage(page=Page(items=entries, total=found.total, limit=found.limit, offset=found.offset), new_since_last_visit=new, last_visit_at=previous)


def view_asset(session: Session, actor: Actor, *, asset_id: int, record_view: bool = True) -> AssetView:
    """An asset with the versions the reader may see, its locks and usage; a partner's view is
    counted (a locked asset's page is shown, its files are not)."""
    require(actor, Permission.ASSETS_READ)
    repository = AssetRepository(session)
    asset = _visible_asset(repository, actor, asset_id)
    reader = _reader(repository, actor, [asset])
    number = next((v.number for v in asset.versions if v.id == asset.current_version_id), None)
    entry = _entries(repository, reader, [(asset, None, number)], since=None)[0]
    own = actor.is_partner and asset.contributed_by_partner_id == actor.partner_id
    statuses = None if not actor.is_partner or own else PARTNER_VISIBLE
    versions = repository.versions_in(asset.id, statuses)
    files = repository.files_of([v.id for v in versions]) if not entry.locks else {}
    if actor.is_partner and record_view and asset.current_version_id is not None:
        _record_usage(repository, actor, asset, asset.current_version_id, UsageAction.VIEW)
    by_vendor = can(actor, Permission.ASSETS_MANAGE)
    return AssetView(
        asset=asset,
        entry=entry,
        versions=versions,
        files=files,
        body_html=rendering.to_html(asset.body),
        usage={f"{action}s": sum(c for (_, a), c in repository.usage_counts(asset.id).items() if a == action) for action in ("view", "download")},
        used_in=repository.project_uses(asset_id=asset.id),
        reviews=repository.reviews(asset.id) if (by_vendor or own) else [],
        may_manage=by_vendor,
        may_contribute=bool(own),
        actions={v.id: lifecycle.actions(VersionStatus(v.status), by_vendor=by_vendor) for v in versions} if (by_vendor or own) else {},
        projects=repository.project_registrations() if can(actor, Permission.ASSETS_USE) and not entry.locks else [],
    )


def open_file(session: Session, actor: Actor, *, asset_id: int, version_id: int, file_id: int, store: BlobStore) -> tuple[DownloadableFile, BinaryIO]:
    """A version's file for download: a version the reader may see (partners: published or
    deprecated, or their own contribution), of an asset they are entitled to (403 naming what is
    missing), else 404 as for any foreign row. A partner's download is counted."""
    require(actor, Permission.ASSETS_READ)
    repository = AssetRepository(session)
    asset = _visible_asset(repository, actor, asset_id)
    version = repository.version(version_id)
    own = actor.is_partner and asset.contributed_by_partner_id == actor.partner_id
    if version is None or version.asset_id != asset.id or (actor.is_partner and not own and version.status not in PARTNER_VISIBLE):
        raise NotFound(f"Version {version_id} of asset {asset_id} not found.")
    reader = _reader(repository, actor, [asset])
    found = _locks(reader, asset)
    if found and not own:
        raise PermissionDenied(f"“{asset.title}” is locked: {entitlement.summary(found)}.")
    stored = repository.downloadable(asset_id=asset.id, version_id=version.id, file_id=file_id)
    if stored is None:
        raise NotFound(f"File {file_id} of version {version.number} not found.")
    if not store.exists(stored.sha256):
        raise NotFound(f"File {file_id}'s content is missing from the store (restore the file store from its backup).")
    if actor.is_partner:
        _record_usage(repository, actor, asset, version.id, UsageAction.DOWNLOAD)
    return stored, store.open(stored.sha256)


def review_queue(session: Session, actor: Actor) -> list[Any]:
    require(actor, Permission.ASSETS_MANAGE)
    return AssetRepository(session).review_queue()


def adoption(session: Session, actor: Actor, *, asset_id: int) -> tuple[Asset, list[Any], int]:
    """Who uses the asset: by partner type, tier and version, and how many projects."""
    require(actor, Permission.ASSETS_ADOPTION)
    repository = AssetRepository(session)
    asset = _visible_asset(repository, actor, asset_id)
    return asset, repository.adoption(asset.id), repository.project_count(asset.id)


def used_in_registration(session: Session, actor: Actor, *, registration_id: int) -> list[Any]:
    """The assets recorded as used on a registration (partners: their own)."""
    require(actor, Permission.ASSETS_READ)
    repository = AssetRepository(session)
    if repository.registration(registration_id) is None:
        raise NotFound(f"Registration {registration_id} not found.")
    return repository.project_uses(registration_id=registration_id)


# --- writing: the vendor's assets and partners' contributions ---------------------------------


def create_asset(session: Session, actor: Actor, *, data: AssetInput) -> Asset:
    """A new asset (no version yet). Vendor asset owners create the vendor's; a partner creates a
    contribution, credited to it, that the vendor reviews before anyone else sees it."""
    if actor.is_partner:
        require(actor, Permission.ASSETS_CONTRIBUTE)
    else:
        require(actor, Permission.ASSETS_MANAGE)
    repository = AssetRepository(session)
    asset = Asset(
        kind=data.kind,
        title=data.title,
        summary=data.summary,
        body=data.body,
        contributed_by_partner_id=actor.partner_id if actor.is_partner else None,
        owner_user_id=None if actor.is_partner else (data.owner_user_id or actor.user_id),
    )
    _apply(repository, asset, data, by_vendor=not actor.is_partner, new=True)
    repository.add(asset)
    audit.record(
        session,
        actor,
        "asset.created",
        entity_type="asset",
        entity_id=asset.id,
        partner_id=asset.contributed_by_partner_id,
        after=snapshot(asset, ASSET_FIELDS),
    )
    return asset


def update_asset(session: Session, actor: Actor, *, asset_id: int, data: AssetInput) -> Asset:
    """Replace an asset's description, facets, validations and (vendor) entitlement."""
    repository, asset = _for_change(session, actor, asset_id)
    before = snapshot(asset, ASSET_FIELDS)
    asset.kind, asset.title, asset.summary, asset.body = data.kind, data.title, data.summary, data.body
    if not actor.is_partner and data.owner_user_id is not None:
        asset.owner_user_id = data.owner_user_id
    _apply(repository, asset, data, by_vendor=not actor.is_partner, new=False)
    asset.updated_at = clock.now()
    session.flush()
    audit.record_update(session, actor, "asset.updated", entity_type="asset", entity_id=asset.id, before=before, after=snapshot(asset, ASSET_FIELDS))
    return asset


def add_version(session: Session, actor: Actor, *, asset_id: int, data: VersionInput) -> AssetVersion:
    """A draft version with its release notes and files (uploaded first, purpose "asset")."""
    repository, asset = _for_change(session, actor, asset_id)
    if any(v.number == data.number for v in asset.versions):
        raise Conflict(f"Version {data.number} of “{asset.title}” exists.", details=[{"field": "number", "message": "already used"}])
    rank = lifecycle.semver_rank(data.number)
    published = [v.rank for v in asset.versions if v.status in PARTNER_VISIBLE]
    if published and rank <= max(published):
        raise RuleViolation(
            f"A new version must come after the published {max(asset.versions, key=lambda v: v.rank if v.status in PARTNER_VISIBLE else -1).number}.",
            details=[{"field": "number", "message": "higher than the newest published version"}],
        )
    version = AssetVersion(
        asset_id=asset.id,
        number=data.number,
        rank=rank,
        release_notes=data.release_notes,
        status=VersionStatus.DRAFT,
        created_by_user_id=actor.user_id,
        files=[],
    )
    asset.versions.append(version)
    session.flush()
    for position, file_id in enumerate(dict.fromkeys(data.file_ids), start=1):
        stored = repository.own_file(file_id)
        if stored is None:
            raise NotFound(f"File {file_id} not found.", details=[{"field": "file_ids", "message": f"no file {file_id}"}])
        if stored.purpose != FilePurpose.ASSET:
            raise RuleViolation(
                f"File {file_id} was uploaded as {stored.purpose.label.lower()}, not for a library asset.",
                details=[{"field": "file_ids", "message": "upload it with purpose asset"}],
            )
        version.files.append(AssetVersionFile(asset_id=asset.id, version_id=version.id, file_id=file_id, position=position))
    session.flush()
    audit.record(
        session,
        actor,
        "asset.version_added",
        entity_type="asset",
        entity_id=asset.id,
        partner_id=asset.contributed_by_partner_id,
        after={"number": data.number, "file_ids": list(dict.fromkeys(data.file_ids))},
    )
    return version


def add_version_with_uploads(
    session: Session,
    actor: Actor,
    *,
    asset_id: int,
    number: str,
    release_notes: str,
    uploads: Sequence[tuple[BinaryIO, str]],
    store: BlobStore,
    max_bytes: int,
) -> AssetVersion:
    """A draft version whose files arrive with it (the portal's and console's form): each file is
    stored (files.service.upload, purpose asset, owned like the asset) and attached."""
    _for_change(session, actor, asset_id)  # 404 before anything is stored
    file_ids = [
        file_service.upload(session, actor, source=source, filename=name, purpose=FilePurpose.ASSET, partner_id=None, store=store, max_bytes=max_bytes).id
        for source, name in uploads
    ]
    return add_version(session, actor, asset_id=asset_id, data=VersionInput(number=number, release_notes=release_notes, file_ids=file_ids))


def transition_version(session: Session, actor: Actor, *, version_id: int, action: VersionAction, reason: str | None) -> AssetVersion:
    """Move a version through its lifecycle (lifecycle.TRANSITIONS); publishing makes it the
    asset's current version when it is the newest, deprecating or retiring says why."""
    repository = AssetRepository(session)
    version = repository.version(version_id)
    if version is None:
        raise NotFound(f"Asset version {version_id} not found.")
    _, asset = _for_change(session, actor, version.asset_id)
    version = next(v for v in asset.versions if v.id == version_id)
    return _move(session, actor, asset, version, action, reason)


def review_version(session: Session, actor: Actor, *, version_id: int, data: ReviewInput) -> AssetReview:
    """A vendor reviewer's word on a version in review: the checklist ticked, a comment, and a
    decision (comment only, request changes with the comment as reason, or approve: published)."""
    require(actor, Permission.ASSETS_MANAGE)
    repository = AssetRepository(session)
    version = repository.version(version_id)
    if version is None:
        raise NotFound(f"Asset version {version_id} not found.")
    _, asset = _for_change(session, actor, version.asset_id)
    version = next(v for v in asset.versions if v.id == version_id)
    if version.status != VersionStatus.IN_REVIEW:
        raise Conflict(f"Version {version.number} is {VersionStatus(version.status).label.lower()}, not in review.")
    review = AssetReview(
        asset_id=asset.id, version_id=version.id, author_user_id=actor.user_id, decision=data.decision, checklist=list(data.checklist), comment=data.comment
    )
    repository.add_row(review)
    if data.decision == ReviewDecision.REQUEST_CHANGES:
        _move(session, actor, asset, version, VersionAction.REQUEST_CHANGES, data.comment)
        asset_notices.contribution_decided(session, actor, asset=asset, version=version, decision=data.decision, comment=data.comment)
    elif data.decision == ReviewDecision.APPROVE:
        _move(session, actor, asset, version, VersionAction.PUBLISH, None)
        asset_notices.contribution_decided(session, actor, asset=asset, version=version, decision=data.decision, comment=data.comment)
    else:
        audit.record(
            session,
            actor,
            "asset.reviewed",
            entity_type="asset",
            entity_id=asset.id,
            partner_id=asset.contributed_by_partner_id,
            after={"version": version.number, "comment": data.comment},
        )
    return review


def record_project_use(session: Session, actor: Actor, *, asset_id: int, registration_id: int, version_id: int | None) -> AssetProjectUse:
    """ "Used in": the partner used an asset it may open on one of its project registrations."""
    require(actor, Permission.ASSETS_USE)
    repository = AssetRepository(session)
    asset = _visible_asset(repository, actor, asset_id)
    registration = repository.registration(registration_id)
    if registration is None:
        raise NotFound(f"Registration {registration_id} not found.", details=[{"field": "registration_id", "message": "no such registration"}])
    if registration.kind != RegistrationKind.PROJECT:
        raise RuleViolation("Assets are recorded on project registrations.", details=[{"field": "registration_id", "message": "not a project registration"}])
    found = _locks(_reader(repository, actor, [asset]), asset)
    if found:
        raise PermissionDenied(f"“{asset.title}” is locked: {entitlement.summary(found)}.")
    if repository.project_use(asset.id, registration.id) is not None:
        raise Conflict(f"“{asset.title}” is already recorded on {registration.title}.")
    if version_id is not None:
        version = repository.version(version_id)
        if version is None or version.asset_id != asset.id or version.status not in PARTNER_VISIBLE:
            raise NotFound(f"Version {version_id} of asset {asset_id} not found.", details=[{"field": "version_id", "message": "not a published version"}])
    use = AssetProjectUse(
        partner_id=registration.partner_id,
        asset_id=asset.id,
        version_id=version_id or asset.current_version_id,
        registration_id=registration.id,
        recorded_by_user_id=actor.user_id,
    )
    repository.add_row(use)
    audit.record(
        session,
        actor,
        "asset.used_in_project",
        entity_type="asset",
        entity_id=asset.id,
        partner_id=registration.partner_id,
        after={"registration_id": registration.id},
    )
    return use


# --- helpers ---------------------------------------------------------------------------------


def _visible_asset(repository: AssetRepository, actor: Actor, asset_id: int) -> Asset:
    asset = repository.get_loaded(asset_id)
    partner_id = actor.partner_id if actor.is_partner else None
    if asset is None or (partner_id is not None and asset.current_version_id is None and asset.contributed_by_partner_id != partner_id):
        raise NotFound(f"Asset {asset_id} not found.")
    return asset


def _for_change(session: Session, actor: Actor, asset_id: int) -> tuple[AssetRepository, Asset]:
    """The asset locked for change: vendor asset owners change any; a partner only its own
    contribution (another's answers as a missing one does)."""
    repository = AssetRepository(session)
    if actor.is_partner:
        require(actor, Permission.ASSETS_CONTRIBUTE)
    else:
        require(actor, Permission.ASSETS_MANAGE)
    asset = repository.get_for_change_loaded(asset_id)
    if asset is None or (actor.is_partner and asset.contributed_by_partner_id != actor.partner_id):
        raise NotFound(f"Asset {asset_id} not found.")
    return repository, asset


def _move(session: Session, actor: Actor, asset: Asset, version: AssetVersion, action: VersionAction, reason: str | None) -> AssetVersion:
    by_vendor = can(actor, Permission.ASSETS_MANAGE)
    try:
        target = lifecycle.transition(VersionStatus(version.status), action, reason=reason, by_vendor=by_vendor)
    except lifecycle.RefusedTransition as error:
        raise RuleViolation(str(error), details=[{"field": error.field, "message": str(error)}]) from None
    before = {"status": VersionStatus(version.status).value, "current_version_id": asset.current_version_id}
    version.status = target
    version.status_reason = (reason or "").strip() or None if action != VersionAction.SUBMIT else None
    version.updated_at = clock.now()
    if target == VersionStatus.PUBLISHED:
        version.published_at = clock.now()
    _refresh_current(asset)
    asset.updated_at = clock.now()
    session.flush()
    audit.record_update(
        session,
        actor,
        f"asset.version_{action.value}",
        entity_type="asset",
        entity_id=asset.id,
        partner_id=asset.contributed_by_partner_id,
        before=before,
        after={"status": target.value, "current_version_id": asset.current_version_id, "version": version.number, "reason": version.status_reason},
    )
    return version


def _refresh_current(asset: Asset) -> None:
    """The current version is the newest published one (a deprecated one while none is)."""
    published = [v for v in asset.versions if v.status == VersionStatus.PUBLISHED] or [v for v in asset.versions if v.status == VersionStatus.DEPRECATED]
    current = max(published, key=lambda v: v.rank) if published else None
    if current is None:
        asset.current_version_id, asset.published_at = None, None
    elif current.id != asset.current_version_id:
        asset.current_version_id, asset.published_at = current.id, current.published_at or clock.now()


def _apply(repository: AssetRepository, asset: Asset, data: AssetInput, *, by_vendor: bool, new: bool) -> None:
    lines = repository.product_line_names()
    unknown = [line for line in data.product_lines + [v.product_line for v in data.validated_versions] if line not in lines]
    if unknown:
        raise RuleViolation(f"Unknown product line {unknown[0]!r}.", details=[{"field": "product_lines", "message": f"known: {', '.join(sorted(lines))}"}])
    asset.deployment_pattern = data.deployment_pattern or None
    asset.product_lines = list(dict.fromkeys(data.product_lines + [v.product_line for v in data.validated_versions]))
    asset.verticals, asset.technologies, asset.tags = (
        list(dict.fromkeys(data.verticals)),
        list(dict.fromkeys(data.technologies)),
        list(dict.fromkeys(data.tags)),
    )
    asset.keywords = " ".join([*asset.tags, *asset.technologies, *asset.verticals, *(lines[line] for line in asset.product_lines)])
    if by_vendor:
        rule = data.entitlement
        if rule.required_track_id is not None and not repository.tracks([rule.required_track_id]):
            raise RuleViolation(
                f"No certification track {rule.required_track_id}.", details=[{"field": "entitlement.required_track_id", "message": "no such track"}]
            )
        asset.partner_types = [t.value for t in rule.partner_types]
        asset.si_subtypes = [s.value for s in rule.si_subtypes]
        asset.minimum_tier_rank = rule.minimum_tier_rank
        asset.required_track_id = rule.required_track_id
        asset.certification_holder = rule.certification_holder
        asset.holders_needed = rule.holders_needed
        if rule.early_access_program_id is not None and not EarlyAccessRepository(repository.session).program_names([rule.early_access_program_id]):
            raise RuleViolation(
                f"No early-access program {rule.early_access_program_id}.",
                details=[{"field": "entitlement.early_access_program_id", "message": "no such program"}],
            )
        asset.early_access_program_id = rule.early_access_program_id
    facets = {(FacetKind.PRODUCT_LINE, v) for v in asset.product_lines}
    facets |= (
        {(FacetKind.VERTICAL, v) for v in asset.verticals} | {(FacetKind.TECHNOLOGY, v) for v in asset.technologies} | {(FacetKind.TAG, v) for v in asset.tags}
    )
    validations = {(v.product_line, v.version) for v in data.validated_versions}
    if new:
        asset.facets = [AssetFacet(facet=f, value=v) for f, v in sorted(facets)]
        asset.validations = [AssetValidation(product_line=p, version=v, version_rank=lifecycle.release_rank(v)) for p, v in sorted(validations)]
        return
    asset.facets[:] = [f for f in asset.facets if (FacetKind(f.facet), f.value) in facets]
    kept = {(FacetKind(f.facet), f.value) for f in asset.facets}
    asset.facets.extend(AssetFacet(asset_id=asset.id, facet=f, value=v) for f, v in sorted(facets - kept))
    asset.validations[:] = [v for v in asset.validations if (v.product_line, v.version) in validations]
    have = {(v.product_line, v.version) for v in asset.validations}
    asset.validations.extend(
        AssetValidation(asset_id=asset.id, product_line=p, version=v, version_rank=lifecycle.release_rank(v)) for p, v in sorted(validations - have)
    )


def _note_visit(repository: AssetRepository, user_id: int, visit: LibraryVisit | None) -> None:
    now = clock.now()
    if visit is None:
        repository.add_row(LibraryVisit(user_id=user_id, previous_visit_at=None, last_visit_at=now))
    else:
        visit.previous_visit_at, visit.last_visit_at = visit.last_visit_at, now
        repository.session.flush()


def _record_usage(repository: AssetRepository, actor: Actor, asset: Asset, version_id: int | None, action: UsageAction) -> None:
    assert actor.partner_id is not None
    repository.add_row(AssetUsage(partner_id=actor.partner_id, asset_id=asset.id, version_id=version_id, user_id=actor.user_id, action=action))


def _reader(repository: AssetRepository, actor: Actor, assets: Sequence[Asset]) -> Reader:
    track_ids = {a.required_track_id for a in assets if a.required_track_id is not None}
    tracks = repository.tracks(track_ids)
    program_ids = {a.early_access_program_id for a in assets if a.early_access_program_id is not None}
    programs = EarlyAccessRepository(repository.session).program_names(program_ids)
    if not actor.is_partner or actor.partner_id is None:
        return Reader(partner=None, tracks=tracks, programs=programs)
    partner = repository.partner_facts(actor.partner_id)
    if partner is None:
        raise NotFound("Your organisation was not found.")
    held = repository.held_certifications(actor.partner_id, today=clock.today()) if track_ids else []
    people = frozenset(repository.people_of_user(actor.user_id)) if (track_ids and actor.user_id is not None) else frozenset()
    enrolled = EarlyAccessRepository(repository.session).enrolled_programs(actor.partner_id, program_ids)
    return Reader(partner=partner, held=held, own_people=people, tracks=tracks, programs=programs, enrolled=enrolled)


def _locks(reader: Reader, asset: Asset) -> list[Lock]:
    if reader.partner is None:
        return []
    track = reader.tracks.get(asset.required_track_id) if asset.required_track_id is not None else None
    holders = certified_holders(reader.held, track) if track is not None else set()
    partner = reader.partner
    requirement = Requirement(
        partner_types=tuple(PartnerType(t) for t in asset.partner_types),
        si_subtypes=tuple(SISubtype(s) for s in asset.si_subtypes),
        minimum_tier_rank=asset.minimum_tier_rank,
        minimum_tier_name=partner.tier_names.get(asset.minimum_tier_rank) if asset.minimum_tier_rank else None,
        track_name=track_words(track) if track else None,
        holder=CertificationHolder(asset.certification_holder),
        holders_needed=asset.holders_needed,
        early_access_program=reader.programs.get(asset.early_access_program_id) if asset.early_access_program_id else None,
    )
    standing = Standing(
        partner_type=PartnerType(partner.partner_type),
        si_subtype=SISubtype(partner.si_subtype) if partner.si_subtype else None,
        tier_rank=partner.tier_rank,
        tier_name=partner.tier_name,
        certified_holders=len(holders),
        person_certified=bool(holders & reader.own_people),
        enrolled=asset.early_access_program_id in reader.enrolled,
    )
    return entitlement.locks(requirement, standing)


def certified_holders(held: Sequence[HeldCertification], track: TrackFacts) -> set[int]:
    """The people holding the track's certification (its role, product version, its level or above)."""
    wanted = LEVEL_RANK[Level(track.level)]
    return {
        h.person_id
        for h in held
        if h.delivery_role == track.delivery_role
        and h.product_line == track.product_line
        and h.product_version == track.product_version
        and h.level_rank >= wanted
    }


def track_words(track: TrackFacts) -> str:
    role = DELIVERY_ROLE_LABELS[DeliveryRole(track.delivery_role)].lower()
    level = "" if track.level == Level.ASSOCIATE else f" ({track.level})"
    return f"{role}{level} for {track.product_line_name} {track.product_version}"


def _flags(best: dict[str, int], latest: dict[str, str], names: dict[str, str]) -> list[str]:
    """ "Not yet validated for Data Platform 9.0": the asset is validated for the line (`best`: its
    highest validated version rank per line), but only for versions older than its newest release."""
    flags = []
    for line, rank in sorted(best.items()):
        release = latest.get(line)
        if release is not None and lifecycle.release_rank(release) > rank:
            flags.append(f"not yet validated for {names.get(line, line)} {release}")
    return flags


def _entries(repository: AssetRepository, reader: Reader, rows: Sequence[tuple[Asset, Any, str | None]], *, since: datetime | None) -> list[LibraryEntry]:
    """Each asset's entry: (asset, score, its current version's number) in, locks, flags and
    credit added from a fixed number of statements whatever the page's size."""
    assets = [asset for asset, _, _ in rows]
    ranks = repository.validation_ranks([a.id for a in assets])
    latest, names = repository.release_facts() if assets else ({}, {})
    contributors = repository.partner_names({a.contributed_by_partner_id for a in assets if a.contributed_by_partner_id})
    return [
        LibraryEntry(
            asset=asset,
            score=float(score) if score is not None else None,
            locks=_locks(reader, asset),
            flags=_flags(ranks[asset.id], latest, names),
            is_new=bool(since and asset.published_at and asset.published_at > since),
            current_version=number if asset.current_version_id else None,
            contributed_by=contributors.get(asset.contributed_by_partner_id) if asset.contributed_by_partner_id else None,
        )
        for asset, score, number in rows
    ]


def entitlement_input(asset: Asset) -> Entitlement:
    return Entitlement(
        partner_types=[PartnerType(t) for t in asset.partner_types],
        si_subtypes=[SISubtype(s) for s in asset.si_subtypes],
        minimum_tier_rank=asset.minimum_tier_rank,
        required_track_id=asset.required_track_id,
        certification_holder=CertificationHolder(asset.certification_holder),
        holders_needed=asset.holders_needed,
        early_access_program_id=asset.early_access_program_id,
    )


def validated_inputs(asset: Asset) -> list[ValidatedVersion]:
    return [ValidatedVersion(product_line=v.product_line, version=v.version) for v in asset.validations]
