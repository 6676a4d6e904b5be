"""Quarterly business review packages: drafts generated from live data as of a date, commitments
edited in the draft, published (frozen, SHA-256), shared with the partner; the PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.errors import NotFound
from alliance.http.params import IdPath, IdQuery, PageParams
from alliance.identity.permissions import Permission
from alliance.kit import clock
from alliance.kit.schemas import PageRead
from alliance.qbr import governance_service, health
from alliance.qbr import service as qbr_service
from alliance.qbr.governance_schemas import CadenceInput, CadenceRead, ConcernRead, HealthRead, MeetingInput, MeetingRead
from alliance.qbr.models import Qbr
from alliance.qbr.schemas import CommitmentInput, CommitmentRead, CommitmentUpdate, QbrGenerate, QbrRead, QbrRegenerate, QbrSummaryRead
from alliance.qbr.vocabulary import QbrStatus

# The PDF is the web page's HTML through WeasyPrint: one renderer for both doors.
from alliance.web import qbr_document

router = api_router(tags=["quarterly business reviews"])


def _read(qbr: Qbr) -> QbrRead:
    content = qbr_service.content(qbr)
    return QbrRead(
        **QbrSummaryRead.model_validate(qbr).model_dump(),
        figures=content.figures,
        commitments=[CommitmentRead.model_validate(c) for c in qbr.commitments],
    )


@router.post("/qbrs", response_model=QbrRead, status_code=201, openapi_extra=allowed(Permission.QBRS_PREPARE))
def generate_qbr(data: QbrGenerate, session: DbSession, actor: CurrentActor) -> QbrRead:
    """Generate (or regenerate) the partner's draft for a fiscal quarter; a published one is 409."""
    return _read(qbr_service.generate(session, actor, partner_id=data.partner_id, quarter=data.quarter, as_of=data.as_of))


@router.get("/qbrs", response_model=PageRead[QbrSummaryRead], openapi_extra=allowed(Permission.QBRS_READ))
def list_qbrs(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    partner_id: IdQuery = None,
    quarter: Annotated[str | None, Query(max_length=16, description="A fiscal quarter key: FY2026-Q4")] = None,
    status: QbrStatus | None = None,
) -> dict[str, object]:
    """Packages newest quarter first (partner admins: their own, once shared)."""
    rows = qbr_service.list_qbrs(session, actor, partner_id=partner_id, period_key=quarter, status=status)
    items = [QbrSummaryRead.model_validate(qbr) for qbr, _ in rows[page.offset : page.offset + page.limit]]
    return {"items": items, "total": len(rows), "limit": page.limit, "offset": page.offset}


@router.get("/qbrs/{qbr_id}", response_model=QbrRead, openapi_extra=allowed(Permission.QBRS_READ))
def get_qbr(qbr_id: IdPath, session: DbSession, actor: CurrentActor) -> QbrRead:
    return _read(qbr_service.get_qbr(session, actor, qbr_id=qbr_id))


@router.get("/qbrs/{qbr_id}/pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}}, openapi_extra=allowed(Permission.QBRS_READ))
def qbr_pdf(qbr_id: IdPath, session: DbSession, actor: CurrentActor) -> Response:
    """The package as a PDF: cover, sections and charts, page numbers."""
    qbr = qbr_service.get_qbr(session, actor, qbr_id=qbr_id)
    html = qbr_document.document_html(qbr_service.content(qbr), status=qbr.status, sha256=qbr.content_sha256)
    name = f"qbr_{qbr.period_key}_{qbr.partner_id}.pdf"
    return Response(qbr_document.pdf_from_html(html), media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/qbrs/{qbr_id}/regenerate", response_model=QbrRead, openapi_extra=allowed(Permission.QBRS_PREPARE))
def regenerate_qbr(qbr_id: IdPath, data: QbrRegenerate, session: DbSession, actor: CurrentActor) -> QbrRead:
    """Recompute a draft's figures (as of its own date unless another is given); published: 409."""
    return _read(qbr_service.regenerate(session, actor, qbr_id=qbr_id, as_of=data.as_of))


@router.post("/qbrs/{qbr_id}/publish", response_model=QbrRead, openapi_extra=allowed(Permission.QBRS_PREPARE))
def publish_qbr(qbr_id: IdPath, session: DbSession, actor: CurrentActor) -> QbrRead:
    """Freeze the draft: figures, commitments and charts stored with their SHA-256."""
    return _read(qbr_service.publish(session, actor, qbr_id=qbr_id))


@router.post("/qbrs/{qbr_id}/share", response_model=QbrRead, openapi_extra=allowed(Permission.QBRS_PREPARE))
def share_qbr(qbr_id: IdPath, session: DbSession, actor: CurrentActor) -> QbrRead:
    """Open a published package to the partner's admins and tell them and the sponsors."""
    return _read(qbr_service.share(session, actor, qbr_id=qbr_id))


@router.post("/qbrs/{qbr_id}/commitments", response_model=CommitmentRead, status_code=201, openapi_extra=allowed(Permission.QBRS_PREPARE))
def add_commitment(qbr_id: IdPath, data: CommitmentInput, session: DbSession, actor: CurrentActor) -> CommitmentRead:
    return CommitmentRead.model_validate(qbr_service.add_commitment(session, actor, qbr_id=qbr_id, data=data))


@router.patch("/qbrs/{qbr_id}/commitments/{commitment_id}", response_model=CommitmentRead, openapi_extra=allowed(Permission.QBRS_PREPARE))
def update_commitment(qbr_id: IdPath, commitment_id: IdPath, data: CommitmentUpdate, session: DbSession, actor: CurrentActor) -> CommitmentRead:
    """Change a draft's commitment (owner, due date, status ...); a published package's: 409."""
    return CommitmentRead.model_validate(qbr_service.update_commitment(session, actor, qbr_id=qbr_id, commitment_id=commitment_id, data=data))


@router.delete("/qbrs/{qbr_id}/commitments/{commitment_id}", status_code=204, response_class=Response, openapi_extra=allowed(Permission.QBRS_PREPARE))
def remove_commitment(qbr_id: IdPath, commitment_id: IdPath, session: DbSession, actor: CurrentActor) -> Response:
    qbr_service.remove_commitment(session, actor, qbr_id=qbr_id, commitment_id=commitment_id)
    return Response(status_code=204)


# --- sponsor governance ------------------------------------------------------------------------


@router.put("/partners/{partner_id}/sponsor-cadence", response_model=CadenceRead, openapi_extra=allowed(Permission.SPONSOR_MEETINGS_RECORD))
def set_cadence(partner_id: IdPath, data: CadenceInput, session: DbSession, actor: CurrentActor) -> CadenceRead:
    """How often the partner's executive sponsors meet (default: every 90 days)."""
    return CadenceRead.model_validate(governance_service.set_cadence(session, actor, partner_id=partner_id, data=data))


@router.post("/partners/{partner_id}/sponsor-meetings", response_model=MeetingRead, status_code=201, openapi_extra=allowed(Permission.SPONSOR_MEETINGS_RECORD))
def log_meeting(partner_id: IdPath, data: MeetingInput, session: DbSession, actor: CurrentActor) -> MeetingRead:
    """Record an executive meeting: date, attendees, notes, decisions, commitments."""
    return MeetingRead.model_validate(governance_service.log_meeting(session, actor, partner_id=partner_id, data=data))


@router.get("/partners/{partner_id}/sponsor-meetings", response_model=list[MeetingRead], openapi_extra=allowed(Permission.QBRS_READ))
def list_meetings(partner_id: IdPath, session: DbSession, actor: CurrentActor) -> list[MeetingRead]:
    return [MeetingRead.model_validate(m) for m in governance_service.list_meetings(session, actor, partner_id=partner_id)]


@router.get("/partners/{partner_id}/relationship-health", response_model=HealthRead, openapi_extra=allowed(Permission.QBRS_READ))
def relationship_health(partner_id: IdPath, session: DbSession, actor: CurrentActor) -> HealthRead:
    """The relationship's score out of 100 with each concern in words (cadence, commitments, plan, disputes, SLA)."""
    found = governance_service.relationship_health(session, actor, partner_ids=[partner_id])
    if partner_id not in found:
        raise NotFound(f"Partner {partner_id} not found.")
    score, facts = found[partner_id]
    return HealthRead(
        partner_id=partner_id,
        score=score.score,
        grade=score.grade,
        cadence_days=facts.cadence_days,
        last_meeting_on=facts.last_meeting_on,
        next_meeting_due_on=health.meeting_due_on(facts.cadence_days, facts.last_meeting_on, clock.today()),
        concerns=[ConcernRead.model_validate(c) for c in score.concerns],
    )
