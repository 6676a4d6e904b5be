"""The asset library: search and filter, an asset with its versions and locks, downloads through
the asset's entitlement, asset management and lifecycle, contribution review, "used in" and
adoption."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response, StreamingResponse

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.assets import reference_service
from alliance.assets import service as asset_service
from alliance.assets.models import AssetProjectUse, AssetReview, AssetVersion, CustomerReference
from alliance.assets.reference_repository import REFERENCE_SORTS, STORY_SORTS, ReferenceEntry, ReferenceFilters, ReferenceStory, StoryFilters
from alliance.assets.repository import LibraryFilters
from alliance.assets.schemas import (
    AdoptionRead,
    AdoptionRowRead,
    AssetInput,
    AssetRead,
    AssetSummaryRead,
    FileRead,
    LockRead,
    ProjectUseInput,
    ProjectUseRead,
    ReferenceCreate,
    ReferenceDecision,
    ReferenceEntryRead,
    ReferenceInput,
    ReferenceRead,
    ReferenceStoryRead,
    ReviewInput,
    ReviewRead,
    VersionInput,
    VersionRead,
    VersionTransition,
)
from alliance.assets.vocabulary import AssetKind, ReferenceStatus, VersionStatus
from alliance.files.storage import store_for
from alliance.http import downloads
from alliance.http.params import IdPath, IdQuery, PageParams, Search, sort_by
from alliance.identity.permissions import Permission
from alliance.kit.schemas import PageRead

router = api_router(tags=["asset library"])
Facet = Annotated[str | None, Query(max_length=100)]


def summary_read(entry: asset_service.LibraryEntry) -> AssetSummaryRead:
    asset = entry.asset
    return AssetSummaryRead(
        id=asset.id,
        kind=asset.kind,
        title=asset.title,
        summary=asset.summary,
        product_lines=asset.product_lines,
        verticals=asset.verticals,
        technologies=asset.technologies,
        tags=asset.tags,
        current_version=entry.current_version,
        published_at=asset.published_at,
        contributed_by=entry.contributed_by,
        locked=bool(entry.locks),
        locks=[LockRead(dimension=lock.dimension.value, reason=lock.reason, unlock=lock.unlock, link=lock.link) for lock in entry.locks],
        flags=entry.flags,
        is_new=entry.is_new,
        score=entry.score,
    )


def asset_read(view: asset_service.AssetView) -> AssetRead:
    asset = view.asset
    return AssetRead(
        **summary_read(view.entry).model_dump(),
        body=asset.body,
        body_html=view.body_html,
        deployment_pattern=asset.deployment_pattern,
        validated_versions=asset_service.validated_inputs(asset),
        entitlement=asset_service.entitlement_input(asset),
        versions=[_version_read(v, view.files.get(v.id, [])) for v in view.versions],
        usage=view.usage,
        used_in=[registration_title for _, _, registration_title, _ in view.used_in],
    )


def _version_read(version: AssetVersion, files: list[Any]) -> VersionRead:
    return VersionRead(
        id=version.id,
        number=version.number,
        status=version.status,
        status_reason=version.status_reason,
        release_notes=version.release_notes,
        published_at=version.published_at,
        files=[FileRead(file_id=f.file_id, filename=f.filename, content_type=f.content_type, size_bytes=f.size_bytes, sha256=f.sha256) for f in files],
    )


@router.get("/assets", response_model=PageRead[AssetSummaryRead], openapi_extra=allowed(Permission.ASSETS_READ))
def library(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    q: Search = None,
    kind: AssetKind | None = None,
    product_line: Facet = None,
    vertical: Facet = None,
    technology: Facet = None,
    version: Annotated[str | None, Query(max_length=20, description="A product version the asset is validated for, e.g. 9.1")] = None,
    status: Annotated[VersionStatus | None, Query(description="Vendor: assets with a version in this status")] = None,
) -> dict[str, Any]:
    """The library, ranked by full-text relevance when `q` is given (else newest first). Partners
    see published assets (and their own contributions); locked ones say what is missing and how to
    unlock them."""
    filters = LibraryFilters(text=q, kind=kind, product_line=product_line, vertical=vertical, technology=technology, version=version, status=status)
    found = asset_service.library(session, actor, filters=filters, page=page)
    return {**found.page.as_response(), "items": [summary_read(entry) for entry in found.page.items]}


@router.post("/assets", response_model=AssetRead, status_code=201, openapi_extra=allowed(Permission.ASSETS_MANAGE, Permission.ASSETS_CONTRIBUTE))
def create_asset(data: AssetInput, session: DbSession, actor: CurrentActor) -> AssetRead:
    """A new asset without versions. Partners contribute theirs (credited to them; the entitlement
    is the vendor's to set)."""
    asset = asset_service.create_asset(session, actor, data=data)
    return asset_read(asset_service.view_asset(session, actor, asset_id=asset.id, record_view=False))


@router.get("/assets/review-queue", response_model=list[VersionRead], openapi_extra=allowed(Permission.ASSETS_MANAGE))
def review_queue(session: DbSession, actor: CurrentActor) -> list[VersionRead]:
    """Versions waiting for the vendor's review, oldest first."""
    return [_version_read(version, []) for version, *_ in asset_service.review_queue(session, actor)]


@router.get("/assets/{asset_id}", response_model=AssetRead, openapi_extra=allowed(Permission.ASSETS_READ))
def get_asset(asset_id: IdPath, session: DbSession, actor: CurrentActor) -> AssetRead:
    """The asset with the versions you may see; a locked asset lists no files."""
    return asset_read(asset_service.view_asset(session, actor, asset_id=asset_id))


@router.put("/assets/{asset_id}", response_model=AssetRead, openapi_extra=allowed(Permission.ASSETS_MANAGE, Permission.ASSETS_CONTRIBUTE))
def update_asset(asset_id: IdPath, data: AssetInput, session: DbSession, actor: CurrentActor) -> AssetRead:
    """Replace the description, facets, validated versions and (vendor) entitlement."""
    asset_service.update_asset(session, actor, asset_id=asset_id, data=data)
    return asset_read(asset_service.view_asset(session, actor, asset_id=asset_id, record_view=False))


@router.post(
    "/assets/{asset_id}/versions", response_model=VersionRead, status_code=201, openapi_extra=allowed(Permission.ASSETS_MANAGE, Permission.ASSETS_CONTRIBUTE)
)
def add_version(asset_id: IdPath, data: VersionInput, session: DbSession, actor: CurrentActor) -> VersionRead:
    """A draft version with release notes and files (uploaded with POST /files, purpose asset)."""
    version = asset_service.add_version(session, actor, asset_id=asset_id, data=data)
    return _version_read(version, [])


@router.post(
    "/asset-versions/{asset_version_id}/transitions", response_model=VersionRead, openapi_extra=allowed(Permission.ASSETS_MANAGE, Permission.ASSETS_CONTRIBUTE)
)
def transition_version(asset_version_id: IdPath, data: VersionTransition, session: DbSession, actor: CurrentActor) -> VersionRead:
    """submit (draft → in review), request_changes, publish, deprecate, retire (the last three: the vendor; with reasons where they need one)."""
    return _version_read(asset_service.transition_version(session, actor, version_id=asset_version_id, action=data.action, reason=data.reason), [])


@router.post("/asset-versions/{asset_version_id}/reviews", response_model=ReviewRead, status_code=201, openapi_extra=allowed(Permission.ASSETS_MANAGE))
def review_version(asset_version_id: IdPath, data: ReviewInput, session: DbSession, actor: CurrentActor) -> AssetReview:
    """A review of a version in review: checklist, comment, and comment / request_changes / approve (publishes)."""
    return asset_service.review_version(session, actor, version_id=asset_version_id, data=data)


@router.get(
    "/assets/{asset_id}/versions/{asset_version_id}/files/{file_id}/content",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file (an attachment unless an image), its SHA-256 verified"}},
    openapi_extra=allowed(Permission.ASSETS_READ),
)
def download(request: Request, asset_id: IdPath, asset_version_id: IdPath, file_id: IdPath, session: DbSession, actor: CurrentActor) -> Response:
    """A version's file: 403 naming what is missing when the asset is locked for you; 404 for a
    version or file you may not see. Partners' downloads are counted."""
    store = store_for(request.app.state.settings)
    found, handle = asset_service.open_file(session, actor, asset_id=asset_id, version_id=asset_version_id, file_id=file_id, store=store)
    return downloads.stored_file(
        store=store, filename=found.filename, content_type=found.content_type, size_bytes=found.size_bytes, sha256=found.sha256, handle=handle
    )


@router.post("/assets/{asset_id}/project-uses", response_model=ProjectUseRead, status_code=201, openapi_extra=allowed(Permission.ASSETS_USE))
def record_project_use(asset_id: IdPath, data: ProjectUseInput, session: DbSession, actor: CurrentActor) -> AssetProjectUse:
    """Record that the asset was used on one of your project registrations ("used in")."""
    return asset_service.record_project_use(session, actor, asset_id=asset_id, registration_id=data.registration_id, version_id=data.version_id)


@router.get("/assets/{asset_id}/adoption", response_model=AdoptionRead, openapi_extra=allowed(Permission.ASSETS_ADOPTION))
def adoption(asset_id: IdPath, session: DbSession, actor: CurrentActor) -> AdoptionRead:
    """Who uses the asset: partners, people, views and downloads by partner type, tier and version."""
    asset, rows, projects = asset_service.adoption(session, actor, asset_id=asset_id)
    return AdoptionRead(asset_id=asset.id, title=asset.title, rows=[AdoptionRowRead(**row._mapping) for row in rows], projects=projects)


@router.get("/registrations/{registration_id}/assets", response_model=list[ProjectUseRead], openapi_extra=allowed(Permission.ASSETS_READ))
def used_in(registration_id: IdPath, session: DbSession, actor: CurrentActor) -> list[AssetProjectUse]:
    """The library assets recorded as used on the registration (partners: their own)."""
    return [use for use, *_ in asset_service.used_in_registration(session, actor, registration_id=registration_id)]


@router.post("/customer-references", response_model=ReferenceRead, status_code=201, openapi_extra=allowed(Permission.REFERENCES_SUBMIT))
def submit_reference(data: ReferenceCreate, session: DbSession, actor: CurrentActor) -> CustomerReference:
    """A joint reference story with the customer's approval for external use (date, approver), for the vendor to approve."""
    return reference_service.submit_reference(session, actor, partner_id=data.partner_id, data=ReferenceInput(**data.model_dump(exclude={"partner_id"})))


@router.get("/customer-references", response_model=PageRead[ReferenceEntryRead], openapi_extra=allowed(Permission.PARTNERS_READ))
def list_references(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    partner_id: IdQuery = None,
    vertical: Facet = None,
    product_line: Facet = None,
    status: ReferenceStatus | None = None,
    q: Search = None,
    sort: Annotated[str | None, sort_by(REFERENCE_SORTS)] = None,
) -> dict[str, Any]:
    """References of any status by vertical, product line and status; `q` searches customer,
    partner and title; `sort=status` puts the pending ones first (partners: their own)."""
    filters = ReferenceFilters(partner_id=partner_id, vertical=vertical, product_line=product_line, status=status, text=q, sort=sort)
    found = reference_service.list_references(session, actor, filters=filters, page=page)
    return found.as_response() | {"items": [entry_read(e) for e in found.items]}


@router.get("/customer-references/{reference_id}", response_model=ReferenceEntryRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def get_reference(reference_id: IdPath, session: DbSession, actor: CurrentActor) -> ReferenceEntryRead:
    """One reference of any status, with its decision (partners: their own)."""
    return entry_read(reference_service.get_reference(session, actor, reference_id=reference_id))


def entry_read(entry: ReferenceEntry) -> ReferenceEntryRead:
    names = {"partner_name": entry.partner_name, "submitted_by": entry.submitted_by, "decided_by": entry.decided_by}
    return ReferenceEntryRead.model_validate(ReferenceRead.model_validate(entry.reference).model_dump() | names)


@router.post("/customer-references/{reference_id}/decision", response_model=ReferenceRead, openapi_extra=allowed(Permission.REFERENCES_APPROVE))
def decide_reference(reference_id: IdPath, data: ReferenceDecision, session: DbSession, actor: CurrentActor) -> CustomerReference:
    """Approve (needs the customer's approval on record) or reject; approved references of the trailing 24 months count toward tiers."""
    return reference_service.decide_reference(session, actor, reference_id=reference_id, data=data)


@router.get("/reference-library", response_model=PageRead[ReferenceStoryRead], openapi_extra=allowed(Permission.ASSETS_READ))
def reference_library(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    q: Search = None,
    vertical: Facet = None,
    product_line: Facet = None,
    sort: Annotated[str | None, sort_by(STORY_SORTS)] = None,
) -> dict[str, Any]:
    """References every partner may use: approved by the vendor with the customer's approval for
    external use on record; `q` searches customer, partner and title."""
    filters = StoryFilters(text=q, vertical=vertical, product_line=product_line, sort=sort)
    return reference_service.library_references(session, actor, filters=filters, page=page).as_response()


@router.get("/reference-library/{reference_id}", response_model=ReferenceStoryRead, openapi_extra=allowed(Permission.ASSETS_READ))
def reference_story(reference_id: IdPath, session: DbSession, actor: CurrentActor) -> ReferenceStory:
    """One approved reference (a submitted or rejected one is not found, whoever asks)."""
    return reference_service.library_reference(session, actor, reference_id=reference_id)
