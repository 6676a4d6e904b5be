"""Co-branded brief pages. Console: brief templates (write, attach to an asset, say which partner
types may use them, preview as a partner) with their usage. Portal: the briefs the partner may use,
each previewed (HTML in a sandboxed frame) and downloaded as a PDF with its own facts merged in;
the partner's logo uploaded once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from alliance.assets.briefs import service as brief_service
from alliance.assets.briefs.schemas import BriefTemplateInput
from alliance.assets.vocabulary import UsageAction
from alliance.errors import Conflict, PermissionDenied, RuleViolation
from alliance.files.storage import BlobStore, store_for
from alliance.http import brief_document
from alliance.http.params import IdPath
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import SUBTYPE_LABELS, TYPE_LABELS
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, query_int, refused, submit
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/briefs"
CONSOLE = "/console/briefs"


def _store(request: Request) -> BlobStore:
    return store_for(request.app.state.settings)


# --- console ---------------------------------------------------------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_list(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return render(request, "briefs/list.html", {"entries": brief_service.list_briefs(session, actor), "base": CONSOLE})


@router.get(CONSOLE + "/new", dependencies=VENDOR_ONLY)
def console_new(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _form(request, session, actor, values={"is_active": True}, errors={}, action=CONSOLE)


@router.post(CONSOLE, dependencies=VENDOR_ONLY)
def console_create(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = _values(form)
    submission = submit(
        session,
        BriefTemplateInput,
        values,
        lambda data: brief_service.create_template(session, actor, data=data, check=brief_document.template_problem),
        shown=values,
    )
    if submission.ok and submission.result is not None:
        flash(request, f"Brief “{submission.result.title}” created.")
        return RedirectResponse(f"{CONSOLE}/{submission.result.id}", status_code=303)
    return _form(request, session, actor, values=submission.values, errors=submission.errors, action=CONSOLE, status=submission.status)


@router.get(CONSOLE + "/{brief_template_id}.pdf", dependencies=VENDOR_ONLY)
def console_pdf(request: Request, brief_template_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _pdf(request, session, actor, brief_template_id, query_int(request.query_params.get("partner_id")))


@router.get(CONSOLE + "/{brief_template_id}", dependencies=VENDOR_ONLY)
def console_template(request: Request, brief_template_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    template = brief_service.get_template(session, actor, template_id=brief_template_id)
    values = {k: getattr(template, k) for k in ("title", "summary", "body_html", "partner_types", "si_subtypes", "is_active")}
    values["asset_id"] = template.asset_id or ""
    return _form(request, session, actor, values=values, errors={}, action=f"{CONSOLE}/{brief_template_id}", template=template)


@router.post(CONSOLE + "/{brief_template_id}", dependencies=VENDOR_ONLY)
def console_update(request: Request, brief_template_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    template = brief_service.get_template(session, actor, template_id=brief_template_id)
    values = _values(form)
    submission = submit(
        session,
        BriefTemplateInput,
        values,
        lambda data: brief_service.update_template(session, actor, template_id=brief_template_id, data=data, check=brief_document.template_problem),
        shown=values,
    )
    if submission.ok:
        flash(request, "Brief saved.")
        return RedirectResponse(f"{CONSOLE}/{brief_template_id}", status_code=303)
    return _form(
        request,
        session,
        actor,
        values=submission.values,
        errors=submission.errors,
        action=f"{CONSOLE}/{brief_template_id}",
        template=template,
        status=submission.status,
    )


@router.get(CONSOLE + "/{brief_template_id}/preview", dependencies=VENDOR_ONLY)
def console_preview(request: Request, brief_template_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _preview(request, session, actor, brief_template_id, query_int(request.query_params.get("partner_id")))


# --- portal ----------------------------------------------------------------------------------


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_list(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _portal_list(request, session, actor)


@router.post(PORTAL + "/logo", dependencies=PORTAL_ONLY)
def portal_logo(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _portal_list(request, session, actor, errors={"file": "Choose an image file."}, status=422)
    try:
        brief_service.upload_logo(session, actor, source=upload.file, filename=upload.filename, store=_store(request))
    except (RuleViolation, Conflict, PermissionDenied) as error:
        status, errors = refused(session, error)
        return _portal_list(request, session, actor, errors={"file": errors["__all__"]}, status=status)
    flash(request, "Logo uploaded: your briefs show it.")
    return RedirectResponse(PORTAL, status_code=303)


@router.get(PORTAL + "/{brief_template_id}.pdf", dependencies=PORTAL_ONLY)
def portal_pdf(request: Request, brief_template_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _pdf(request, session, actor, brief_template_id, None)


@router.get(PORTAL + "/{brief_template_id}", dependencies=PORTAL_ONLY)
def portal_brief(request: Request, brief_template_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    template = brief_service.get_template(session, actor, template_id=brief_template_id)
    return render(request, "briefs/brief.html", {"template": template, "base": PORTAL})


@router.get(PORTAL + "/{brief_template_id}/preview", dependencies=PORTAL_ONLY)
def portal_preview(request: Request, brief_template_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _preview(request, session, actor, brief_template_id, None)


# --- helpers ---------------------------------------------------------------------------------


def _preview(request: Request, session: Session, actor: Actor, template_id: int, partner_id: int | None) -> Response:
    content = brief_service.brief_content(session, actor, template_id=template_id, partner_id=partner_id, action=UsageAction.VIEW, store=_store(request))
    html = brief_document.document_html(content, vendor_name=request.app.state.settings.vendor_name)
    return HTMLResponse(html, headers={"Content-Security-Policy": "sandbox", "Cache-Control": "private, no-store", "X-Frame-Options": "SAMEORIGIN"})


def _pdf(request: Request, session: Session, actor: Actor, template_id: int, partner_id: int | None) -> Response:
    content = brief_service.brief_content(session, actor, template_id=template_id, partner_id=partner_id, action=UsageAction.DOWNLOAD, store=_store(request))
    body = brief_document.pdf(brief_document.document_html(content, vendor_name=request.app.state.settings.vendor_name))
    name = "".join(ch if ch.isalnum() else "-" for ch in content.template.title.lower()).strip("-")[:80] or "brief"
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"', "Cache-Control": "private, no-store"}
    )


def _portal_list(request: Request, session: Session, actor: Actor, *, errors: dict[str, str] | None = None, status: int = 200) -> Response:
    context = {"entries": brief_service.list_briefs(session, actor), "base": PORTAL, "has_logo": brief_service.has_logo(session, actor), "errors": errors or {}}
    return render(request, "briefs/list.html", context, status_code=status)


def _form(
    request: Request, session: Session, actor: Actor, *, values: dict[str, Any], errors: dict[str, str], action: str, template: Any = None, status: int = 200
) -> Response:
    partners = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort=None, page=PageRequest(limit=500)).items
    context = {
        "values": values,
        "errors": errors,
        "action": action,
        "template": template,
        "type_options": [(t.value, label) for t, label in TYPE_LABELS.items()],
        "subtype_options": [(s.value, label) for s, label in SUBTYPE_LABELS.items()],
        "placeholders": brief_document.PLACEHOLDERS,
        "partners": [(p.id, p.display_name) for p in partners],
        "asset_options": brief_service.asset_choices(session, actor),
        "usage": brief_service.usage(session, actor, template_id=template.id) if template is not None else [],
    }
    return render(request, "briefs/form.html", context, status_code=status)


def _values(form: FormData) -> dict[str, Any]:
    return {
        "title": str(form.get("title", "")),
        "summary": str(form.get("summary", "")),
        "body_html": str(form.get("body_html", "")),
        "asset_id": query_int(str(form.get("asset_id", ""))),
        "partner_types": [str(v) for v in form.getlist("partner_types") if v],
        "si_subtypes": [str(v) for v in form.getlist("si_subtypes") if v],
        "is_active": form.get("is_active") == "on",
    }
