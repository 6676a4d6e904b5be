"""The asset library's pages. Portal: the library with search and filters ("what's new since your
last visit"), an asset page with its versions, locked assets with the reason and the way to unlock
them, downloads, "used in" a project registration. Console: asset management (create, edit,
versions with files, entitlement, lifecycle), the contribution review queue and adoption."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from alliance.assets import service as asset_service
from alliance.assets.briefs import service as brief_service
from alliance.assets.early_access import service as early_access_service
from alliance.assets.repository import LIBRARY_SORTS, LibraryFilters
from alliance.assets.schemas import AssetInput, ProjectUseInput, ReviewInput, VersionInput, VersionTransition
from alliance.assets.vocabulary import KIND_LABELS, REVIEW_CHECKLIST, AssetKind, CertificationHolder, VersionStatus
from alliance.enablement import catalog_service
from alliance.files.storage import store_for
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.kit.sorting import known_sort
from alliance.partners.vocabulary import SUBTYPE_LABELS, TYPE_LABELS
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, query_int, submit
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/library"
CONSOLE = "/console/assets"
PAGE_SIZE = 24
TIER_RANKS = [(1, "Registered (1)"), (2, "Silver (2)"), (3, "Gold (3)"), (4, "Platinum (4)")]
LOCK_LINKS = {"tier_gap": "/portal/tier", "certifications": "/portal/certifications", "early_access": "/portal/early-access"}


# --- the library (both sides) ------------------------------------------------------------------


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_library(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _library(request, session, actor, base=PORTAL)


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_library(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _library(request, session, actor, base=CONSOLE)


@router.get(CONSOLE + ".csv", dependencies=VENDOR_ONLY)
def console_csv(request: Request, session: WebSession, actor: VendorActor) -> Response:
    found = asset_service.library(session, actor, filters=_filters(request), page=PageRequest(limit=500))
    rows = [("id", "kind", "title", "current_version", "product_lines", "verticals", "contributed_by", "published_at", "flags")]
    for entry in found.page.items:
        a = entry.asset
        rows.append(
            (
                str(a.id),
                a.kind.value,
                a.title,
                entry.current_version or "",
                " ".join(a.product_lines),
                " ".join(a.verticals),
                entry.contributed_by or "",
                a.published_at.isoformat() if a.published_at else "",
                "; ".join(entry.flags),
            )
        )
    return downloads.csv_attachment((downloads.csv_line(row) for row in rows), "assets.csv")


@router.get(CONSOLE + "/{asset_id}/adoption.csv", dependencies=VENDOR_ONLY)
def adoption_csv(asset_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    """The adoption report (partner type, tier, version: partners, people, views, downloads)."""
    asset, found, projects = asset_service.adoption(session, actor, asset_id=asset_id)
    rows: list[tuple[object, ...]] = [("asset_id", "asset", "partner_type", "tier", "version", "partners", "people", "views", "downloads", "projects")]
    rows += [(str(asset.id), asset.title, r.partner_type, r.tier, r.version, r.partners, r.people, r.views, r.downloads, projects) for r in found]
    return downloads.csv_attachment((downloads.csv_line(row) for row in rows), f"asset_{asset.id}_adoption.csv")


@router.get(CONSOLE + "/review-queue", dependencies=VENDOR_ONLY)
def review_queue(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return render(request, "assets/review_queue.html", {"rows": asset_service.review_queue(session, actor), "kinds": KIND_LABELS})


@router.get(CONSOLE + "/new", dependencies=VENDOR_ONLY)
def console_new(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _form(request, session, actor, values={}, errors={}, action=CONSOLE)


@router.post(CONSOLE, dependencies=VENDOR_ONLY)
def console_create(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = _asset_values(form)
    submission = submit(session, AssetInput, values, lambda data: asset_service.create_asset(session, actor, data=data), shown=_shown(form))
    if submission.ok and submission.result is not None:
        flash(request, f"“{submission.result.title}” created; add its first version.")
        return RedirectResponse(f"{CONSOLE}/{submission.result.id}", status_code=303)
    return _form(request, session, actor, values=submission.values, errors=submission.errors, action=CONSOLE, status=submission.status)


@router.get(CONSOLE + "/{asset_id}", dependencies=VENDOR_ONLY)
def console_asset(request: Request, asset_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _asset_page(request, session, actor, asset_id=asset_id, base=CONSOLE)


@router.get(CONSOLE + "/{asset_id}/edit", dependencies=VENDOR_ONLY)
def console_edit(request: Request, asset_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    view = asset_service.view_asset(session, actor, asset_id=asset_id, record_view=False)
    return _form(request, session, actor, values=_values_of(view), errors={}, action=f"{CONSOLE}/{asset_id}/edit", asset=view.asset)


@router.post(CONSOLE + "/{asset_id}/edit", dependencies=VENDOR_ONLY)
def console_update(request: Request, asset_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = submit(
        session, AssetInput, _asset_values(form), lambda data: asset_service.update_asset(session, actor, asset_id=asset_id, data=data), shown=_shown(form)
    )
    if submission.ok:
        flash(request, "Asset saved.")
        return RedirectResponse(f"{CONSOLE}/{asset_id}", status_code=303)
    view = asset_service.view_asset(session, actor, asset_id=asset_id, record_view=False)
    return _form(
        request,
        session,
        actor,
        values=submission.values,
        errors=submission.errors,
        action=f"{CONSOLE}/{asset_id}/edit",
        asset=view.asset,
        status=submission.status,
    )


@router.post(CONSOLE + "/{asset_id}/versions", dependencies=VENDOR_ONLY)
def console_add_version(request: Request, asset_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _add_version(request, session, actor, asset_id, form, base=CONSOLE)


@router.post(PORTAL + "/{asset_id}/versions", dependencies=PORTAL_ONLY)
def portal_add_version(request: Request, asset_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _add_version(request, session, actor, asset_id, form, base=PORTAL)


@router.post(CONSOLE + "/{asset_id}/versions/{asset_version_id}/transition", dependencies=VENDOR_ONLY)
def console_transition(request: Request, asset_id: IdPath, asset_version_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    return _transition(request, session, actor, asset_id, asset_version_id, form, base=CONSOLE)


@router.post(PORTAL + "/{asset_id}/versions/{asset_version_id}/transition", dependencies=PORTAL_ONLY)
def portal_transition(request: Request, asset_id: IdPath, asset_version_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    return _transition(request, session, actor, asset_id, asset_version_id, form, base=PORTAL)


@router.get(PORTAL + "/contribute", dependencies=PORTAL_ONLY)
def portal_contribute_form(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _form(request, session, actor, values={}, errors={}, action=PORTAL + "/contribute")


@router.post(PORTAL + "/contribute", dependencies=PORTAL_ONLY)
def portal_contribute(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    values = _asset_values(form)
    values.pop("entitlement")  # the vendor sets who may open a contribution
    submission = submit(session, AssetInput, values, lambda data: asset_service.create_asset(session, actor, data=data), shown=_shown(form))
    if submission.ok and submission.result is not None:
        flash(request, f"“{submission.result.title}” saved as your contribution; add a version and submit it for review.")
        return RedirectResponse(f"{PORTAL}/{submission.result.id}", status_code=303)
    return _form(request, session, actor, values=submission.values, errors=submission.errors, action=PORTAL + "/contribute", status=submission.status)


@router.get(PORTAL + "/{asset_id}", dependencies=PORTAL_ONLY)
def portal_asset(request: Request, asset_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _asset_page(request, session, actor, asset_id=asset_id, base=PORTAL)


def _add_version(request: Request, session: Session, actor: Actor, asset_id: int, form: FormData, *, base: str) -> Response:
    asset_service.view_asset(session, actor, asset_id=asset_id, record_view=False)  # 404 before the form is read
    settings = request.app.state.settings
    uploads = [(item.file, item.filename or "") for item in form.getlist("files") if isinstance(item, UploadFile) and item.filename]
    values = {"number": str(form.get("number", "")).strip(), "release_notes": str(form.get("release_notes", ""))}

    def add(data: VersionInput) -> Any:
        return asset_service.add_version_with_uploads(
            session,
            actor,
            asset_id=asset_id,
            number=data.number,
            release_notes=data.release_notes,
            uploads=uploads,
            store=store_for(settings),
            max_bytes=settings.max_upload_bytes,
        )

    submission = submit(session, VersionInput, values, add, shown=values)
    if submission.ok and submission.result is not None:
        flash(request, f"Version {submission.result.number} added as a draft.")
        return RedirectResponse(f"{base}/{asset_id}", status_code=303)
    return _asset_page(request, session, actor, asset_id=asset_id, base=base, forms={"version": submission})


def _transition(request: Request, session: Session, actor: Actor, asset_id: int, version_id: int, form: FormData, *, base: str) -> Response:
    asset_service.view_asset(session, actor, asset_id=asset_id, record_view=False)  # 404 before the form is read
    values = {"action": str(form.get("action", "")), "reason": str(form.get("reason", "")).strip() or None}

    def move(data: VersionTransition) -> Any:
        return asset_service.transition_version(
            session, actor, version_id=_version_of(session, actor, asset_id, version_id), action=data.action, reason=data.reason
        )

    submission = submit(session, VersionTransition, values, move, shown=values)
    if submission.ok and submission.result is not None:
        flash(request, f"Version {submission.result.number} is {VersionStatus(submission.result.status).label.lower()}.")
        return RedirectResponse(f"{base}/{asset_id}", status_code=303)
    return _asset_page(request, session, actor, asset_id=asset_id, base=base, forms={f"version-{version_id}": submission})


@router.post(CONSOLE + "/{asset_id}/versions/{asset_version_id}/review", dependencies=VENDOR_ONLY)
def console_review(request: Request, asset_id: IdPath, asset_version_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {"decision": str(form.get("decision", "")), "comment": str(form.get("comment", "")), "checklist": [str(c) for c in form.getlist("checklist") if c]}

    def review(data: ReviewInput) -> Any:
        return asset_service.review_version(session, actor, version_id=_version_of(session, actor, asset_id, asset_version_id), data=data)

    submission = submit(session, ReviewInput, values, review, shown=values)
    if submission.ok:
        flash(request, "Review recorded.")
        return RedirectResponse(f"{CONSOLE}/{asset_id}", status_code=303)
    return _asset_page(request, session, actor, asset_id=asset_id, base=CONSOLE, forms={f"version-{asset_version_id}": submission})


# --- downloads and "used in" ---------------------------------------------------------------------


@router.get(PORTAL + "/{asset_id}/versions/{asset_version_id}/files/{file_id}", dependencies=PORTAL_ONLY)
def portal_download(request: Request, asset_id: IdPath, asset_version_id: IdPath, file_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _download(request, session, actor, asset_id, asset_version_id, file_id)


@router.get(CONSOLE + "/{asset_id}/versions/{asset_version_id}/files/{file_id}", dependencies=VENDOR_ONLY)
def console_download(request: Request, asset_id: IdPath, asset_version_id: IdPath, file_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _download(request, session, actor, asset_id, asset_version_id, file_id)


@router.post(PORTAL + "/{asset_id}/used-in", dependencies=PORTAL_ONLY)
def portal_used_in(request: Request, asset_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    asset_service.view_asset(session, actor, asset_id=asset_id, record_view=False)  # 404 before the form is read
    values = {"registration_id": query_int(str(form.get("registration_id", ""))) or 0}

    def record(data: ProjectUseInput) -> Any:
        return asset_service.record_project_use(session, actor, asset_id=asset_id, registration_id=data.registration_id, version_id=None)

    submission = submit(session, ProjectUseInput, values, record, shown=values)
    if submission.ok:
        flash(request, "Recorded as used on the project.")
        return RedirectResponse(f"{PORTAL}/{asset_id}", status_code=303)
    return _asset_page(request, session, actor, asset_id=asset_id, base=PORTAL, forms={"used_in": submission})


# --- helpers -----------------------------------------------------------------------------------


def _download(request: Request, session: Session, actor: Actor, asset_id: int, version_id: int, file_id: int) -> Response:
    store = store_for(request.app.state.settings)
    found, handle = asset_service.open_file(session, actor, asset_id=asset_id, version_id=version_id, file_id=file_id, store=store)
    return downloads.stored_file(
        store=store, filename=found.filename, content_type=found.content_type, size_bytes=found.size_bytes, sha256=found.sha256, handle=handle
    )


def _version_of(session: Session, actor: Actor, asset_id: int, version_id: int) -> int:
    """The version, if it belongs to the asset in the address (else a missing one)."""
    view = asset_service.view_asset(session, actor, asset_id=asset_id, record_view=False)
    return version_id if version_id in {v.id for v in view.versions} else 0


def _filters(request: Request) -> LibraryFilters:
    params = request.query_params
    kind = params.get("kind") or None

    def text(name: str, size: int = 100) -> str | None:
        return (params.get(name) or "").strip()[:size] or None

    return LibraryFilters(
        text=text("q"),
        kind=AssetKind(kind) if kind in set(AssetKind) else None,
        product_line=text("product_line"),
        vertical=text("vertical"),
        technology=text("technology"),
        version=text("version", 20),
        sort=sort if known_sort(sort := params.get("sort"), LIBRARY_SORTS) else None,
    )


def _library(request: Request, session: Session, actor: Actor, *, base: str) -> Response:
    filters = _filters(request)
    offset = max(query_int(request.query_params.get("offset", "")) or 0, 0)
    first_page = offset == 0 and filters == LibraryFilters()
    found = asset_service.library(
        session, actor, filters=filters, page=PageRequest(limit=PAGE_SIZE, offset=offset), record_visit=actor.is_partner and first_page
    )
    context = {
        "found": found,
        "page": found.page,
        "filters": filters,
        "base": base,
        "kinds": KIND_LABELS,
        "lock_links": LOCK_LINKS,
        "product_lines": product_lines_named(session, actor),
    }
    return render(request, "assets/library.html", context)


def _asset_page(request: Request, session: Session, actor: Actor, *, asset_id: int, base: str, forms: dict[str, Submission[Any]] | None = None) -> Response:
    view = asset_service.view_asset(session, actor, asset_id=asset_id, record_view=actor.is_partner and not forms)
    adoption = asset_service.adoption(session, actor, asset_id=asset_id) if not actor.is_partner else None
    forms = forms or {}
    context = {
        "view": view,
        "asset": view.asset,
        "entry": view.entry,
        "base": base,
        "kinds": KIND_LABELS,
        "lock_links": LOCK_LINKS,
        "forms": forms,
        "adoption": adoption,
        "brief_usage": brief_service.usage(session, actor, asset_id=asset_id) if adoption else [],
        "checklist": REVIEW_CHECKLIST,
        "types": TYPE_LABELS,
        "subtypes": SUBTYPE_LABELS,
    }
    return render(request, "assets/asset.html", context, status_code=max((s.status for s in forms.values()), default=200))


def product_lines_named(session: Session, actor: Actor) -> dict[str, str]:
    from alliance.partners import product_line_service

    return {line.key: line.name for line in product_line_service.list_product_lines(session, actor, active=None, page=PageRequest(limit=500)).items}


def _form(
    request: Request, session: Session, actor: Actor, *, values: dict[str, Any], errors: dict[str, str], action: str, asset: Any = None, status: int = 200
) -> Response:
    tracks = catalog_service.list_tracks(session, actor, active=True, page=PageRequest(limit=500)).items
    context = {
        "values": values,
        "errors": errors,
        "action": action,
        "asset": asset,
        "kind_options": [(k.value, label) for k, label in KIND_LABELS.items()],
        "line_options": list(product_lines_named(session, actor).items()),
        "type_options": [(t.value, label) for t, label in TYPE_LABELS.items()],
        "subtype_options": [(s.value, label) for s, label in SUBTYPE_LABELS.items()],
        "tier_options": TIER_RANKS,
        "track_options": [(t.id, t.name) for t in tracks],
        "holder_options": [(CertificationHolder.PERSON.value, "The person opening it"), (CertificationHolder.PARTNER.value, "N people of the partner")],
        "program_options": [(e.program.id, e.program.name) for e in early_access_service.list_programs(session, actor)] if not actor.is_partner else [],
    }
    return render(request, "assets/form.html", context, status_code=status)


def _words(text: str) -> list[str]:
    return [w.strip() for w in re.split(r"[,\n]", text) if w.strip()]


def _asset_values(form: FormData) -> dict[str, Any]:
    """The form's fields as AssetInput's values (lists from comma-separated text, validated
    versions as "product-line version" pairs)."""
    validated = []
    for pair in _words(str(form.get("validated_versions", ""))):
        line, _, version = pair.partition(" ")
        validated.append({"product_line": line.strip(), "version": version.strip()})
    holders = query_int(str(form.get("holders_needed", ""))) or 1
    return {
        "kind": str(form.get("kind", "")),
        "title": str(form.get("title", "")),
        "summary": str(form.get("summary", "")),
        "body": str(form.get("body", "")),
        "deployment_pattern": str(form.get("deployment_pattern", "")).strip() or None,
        "product_lines": [str(v) for v in form.getlist("product_lines") if v],
        "verticals": _words(str(form.get("verticals", ""))),
        "technologies": _words(str(form.get("technologies", ""))),
        "tags": _words(str(form.get("tags", ""))),
        "validated_versions": validated,
        "entitlement": {
            "partner_types": [str(v) for v in form.getlist("partner_types") if v],
            "si_subtypes": [str(v) for v in form.getlist("si_subtypes") if v],
            "minimum_tier_rank": query_int(str(form.get("minimum_tier_rank", ""))),
            "required_track_id": query_int(str(form.get("required_track_id", ""))),
            "certification_holder": str(form.get("certification_holder", "")) or "person",
            "holders_needed": holders,
            "early_access_program_id": query_int(str(form.get("early_access_program_id", ""))),
        },
    }


def _shown(form: FormData) -> dict[str, Any]:
    shown: dict[str, Any] = {key: str(form.get(key, "")) for key in form if key not in ("csrf_token",)}
    for key in ("product_lines", "partner_types", "si_subtypes"):
        shown[key] = [str(v) for v in form.getlist(key) if v]
    return shown


def _values_of(view: asset_service.AssetView) -> dict[str, Any]:
    a = view.asset
    return {
        "kind": a.kind.value,
        "title": a.title,
        "summary": a.summary,
        "body": a.body,
        "deployment_pattern": a.deployment_pattern or "",
        "product_lines": a.product_lines,
        "verticals": ", ".join(a.verticals),
        "technologies": ", ".join(a.technologies),
        "tags": ", ".join(a.tags),
        "validated_versions": ", ".join(f"{v.product_line} {v.version}" for v in a.validations),
        "partner_types": a.partner_types,
        "si_subtypes": a.si_subtypes,
        "minimum_tier_rank": a.minimum_tier_rank or "",
        "required_track_id": a.required_track_id or "",
        "certification_holder": a.certification_holder.value,
        "holders_needed": a.holders_needed,
        "early_access_program_id": a.early_access_program_id or "",
    }
