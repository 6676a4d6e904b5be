"""Co-branded solution briefs: the vendor's templates, a partner's HTML preview and PDF (its own
facts merged in; another partner's id is a missing one), the partner's logo, and usage."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.assets.briefs import service as brief_service
from alliance.assets.briefs.models import BriefTemplate, PartnerLogo
from alliance.assets.briefs.schemas import BriefSummaryRead, BriefTemplateInput, BriefTemplateRead, BriefUsageRead, PartnerLogoRead
from alliance.assets.vocabulary import UsageAction
from alliance.files.storage import BlobStore, store_for
from alliance.http import brief_document
from alliance.http.params import IdPath
from alliance.identity.permissions import Permission

router = api_router(tags=["co-branded briefs"])
ForPartner = Annotated[int | None, Query(ge=1, le=2_147_483_647, description="Vendor previews: the partner the brief is for (partners: their own)")]


def _store(request: Request) -> BlobStore:
    return store_for(request.app.state.settings)


@router.get("/brief-templates", response_model=list[BriefSummaryRead], openapi_extra=allowed(Permission.ASSETS_READ))
def list_briefs(session: DbSession, actor: CurrentActor) -> list[BriefSummaryRead]:
    """Brief templates with their previews and downloads (partners: the active ones, locked when
    not for their partner type, their own usage)."""
    return [
        BriefSummaryRead(
            id=e.template.id,
            title=e.template.title,
            summary=e.template.summary,
            asset_id=e.template.asset_id,
            asset_title=e.asset_title,
            locked=bool(e.locks),
            lock_reason="; ".join(lock.reason for lock in e.locks) or None,
            views=e.views,
            downloads=e.downloads,
        )
        for e in brief_service.list_briefs(session, actor)
    ]


@router.post("/brief-templates", response_model=BriefTemplateRead, status_code=201, openapi_extra=allowed(Permission.BRIEFS_MANAGE))
def create_template(data: BriefTemplateInput, session: DbSession, actor: CurrentActor) -> BriefTemplate:
    """A template: HTML with placeholders ({{ partner.name }}, {{ partner.logo }}, {% for c in certifications %} ...), checked by rendering it in the sandbox."""
    return brief_service.create_template(session, actor, data=data, check=brief_document.template_problem)


@router.get("/brief-templates/{brief_template_id}", response_model=BriefTemplateRead, openapi_extra=allowed(Permission.ASSETS_READ))
def get_template(brief_template_id: IdPath, session: DbSession, actor: CurrentActor) -> BriefTemplate:
    return brief_service.get_template(session, actor, template_id=brief_template_id)


@router.put("/brief-templates/{brief_template_id}", response_model=BriefTemplateRead, openapi_extra=allowed(Permission.BRIEFS_MANAGE))
def update_template(brief_template_id: IdPath, data: BriefTemplateInput, session: DbSession, actor: CurrentActor) -> BriefTemplate:
    return brief_service.update_template(session, actor, template_id=brief_template_id, data=data, check=brief_document.template_problem)


@router.get(
    "/brief-templates/{brief_template_id}/preview",
    response_class=Response,  # errors stay JSON as documented; the page itself is text/html
    responses={200: {"content": {"text/html": {}}, "description": "The brief as HTML"}},
    openapi_extra=allowed(Permission.BRIEFS_USE, Permission.BRIEFS_MANAGE),
)
def preview(request: Request, brief_template_id: IdPath, session: DbSession, actor: CurrentActor, partner_id: ForPartner = None) -> HTMLResponse:
    """The brief with the partner's facts merged in, as HTML (a partner's preview is counted)."""
    content = brief_service.brief_content(session, actor, template_id=brief_template_id, partner_id=partner_id, action=UsageAction.VIEW, store=_store(request))
    html = brief_document.document_html(content, vendor_name=request.app.state.settings.vendor_name)
    return HTMLResponse(html, headers={"Content-Security-Policy": "sandbox", "Cache-Control": "private, no-store"})


@router.get(
    "/brief-templates/{brief_template_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The brief as a PDF"}},
    openapi_extra=allowed(Permission.BRIEFS_USE, Permission.BRIEFS_MANAGE),
)
def download_pdf(request: Request, brief_template_id: IdPath, session: DbSession, actor: CurrentActor, partner_id: ForPartner = None) -> Response:
    """The brief as a PDF (WeasyPrint; a partner's download is counted)."""
    content = brief_service.brief_content(
        session, actor, template_id=brief_template_id, partner_id=partner_id, action=UsageAction.DOWNLOAD, store=_store(request)
    )
    body = brief_document.pdf(brief_document.document_html(content, vendor_name=request.app.state.settings.vendor_name))
    return pdf_response(body, content.template.title)


def pdf_response(body: bytes, title: str) -> Response:
    name = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")[:80] or "brief"
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}.pdf"', "Cache-Control": "private, no-store"}
    )


@router.get("/brief-templates/{brief_template_id}/usage", response_model=list[BriefUsageRead], openapi_extra=allowed(Permission.ASSETS_ADOPTION))
def template_usage(brief_template_id: IdPath, session: DbSession, actor: CurrentActor) -> list[BriefUsageRead]:
    """Previews and downloads of the brief per partner."""
    return [BriefUsageRead(**dict(zip(USAGE_FIELDS, row, strict=True))) for row in brief_service.usage(session, actor, template_id=brief_template_id)]


@router.get("/assets/{asset_id}/brief-usage", response_model=list[BriefUsageRead], openapi_extra=allowed(Permission.ASSETS_ADOPTION))
def asset_brief_usage(asset_id: IdPath, session: DbSession, actor: CurrentActor) -> list[BriefUsageRead]:
    """The adoption report's brief part: previews and downloads per partner of the briefs attached to the asset."""
    return [BriefUsageRead(**dict(zip(USAGE_FIELDS, row, strict=True))) for row in brief_service.usage(session, actor, asset_id=asset_id)]


USAGE_FIELDS = ("template_id", "title", "partner_id", "partner", "views", "downloads")


@router.post("/partner-logo", response_model=PartnerLogoRead, status_code=201, openapi_extra=allowed(Permission.BRIEFS_USE))
def upload_logo(
    request: Request, session: DbSession, actor: CurrentActor, file: Annotated[UploadFile, File(description="PNG, JPEG, GIF or WebP, at most 2 MB")]
) -> PartnerLogo:
    """Your organisation's logo for its briefs, when it has none yet (409 otherwise)."""
    return brief_service.upload_logo(session, actor, source=file.file, filename=file.filename or "", store=_store(request))
