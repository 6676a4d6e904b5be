"""Certification catalog, learning progress, exams, labs, and the lab environments' signed results.

`router` goes behind the bearer-token dependency like every API router. `lab_router` must be
mounted WITHOUT it: lab environments have no user; they sign each post with the lab's secret.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.errors import error_responses
from alliance.api.routing import allowed, api_router
from alliance.db import Database
from alliance.enablement import catalog_service, progress_service
from alliance.enablement.catalog_schemas import ReleaseCreate, ReleaseRead, TrackCreate, TrackRead, TrackUpdate, TrackWithSecretRead
from alliance.enablement.models import CertificationTrack, ExamAttempt, LabSubmission, ModuleCompletion, ProductRelease
from alliance.enablement.progress_schemas import (
    ExamAttemptCreate,
    ExamAttemptRead,
    LabGrade,
    LabQueueItemRead,
    LabSubmissionCreate,
    LabSubmissionRead,
    ModuleCompletionCreate,
    ModuleCompletionRead,
    PersonProgressRead,
)
from alliance.enablement.vocabulary import LabStatus, Level
from alliance.http.params import IdPath, PageParams
from alliance.http.screening import ScreenedRoute
from alliance.http.session import get_database
from alliance.identity.permissions import Permission
from alliance.identity.scope import PartnerScope
from alliance.kit.schemas import PageRead
from alliance.partners.schemas import ProductLineKey
from alliance.partners.vocabulary import DeliveryRole

router = api_router(tags=["enablement"])
lab_router = APIRouter(tags=["enablement"], route_class=ScreenedRoute)


@router.get("/certification-tracks", response_model=PageRead[TrackRead], openapi_extra=allowed(Permission.PROGRAMS_READ))
def list_tracks(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    delivery_role: DeliveryRole | None = None,
    level: Level | None = None,
    product_line: ProductLineKey | None = None,
    active: bool | None = None,
) -> dict[str, object]:
    """The certification catalog (every signed-in user)."""
    found = catalog_service.list_tracks(session, actor, delivery_role=delivery_role, level=level, product_line=product_line, active=active, page=page)
    return found.as_response()


@router.post("/certification-tracks", response_model=TrackWithSecretRead, status_code=201, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def create_track(data: TrackCreate, session: DbSession, actor: CurrentActor) -> CertificationTrack:
    """Program admins. An environment-graded lab's signing secret is in this answer only (and on rotation)."""
    return catalog_service.create_track(session, actor, data=data)


@router.get("/certification-tracks/{track_id}", response_model=TrackRead, openapi_extra=allowed(Permission.PROGRAMS_READ))
def get_track(track_id: IdPath, session: DbSession, actor: CurrentActor) -> CertificationTrack:
    return catalog_service.get_track(session, actor, track_id=track_id)


@router.patch("/certification-tracks/{track_id}", response_model=TrackRead, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def update_track(track_id: IdPath, data: TrackUpdate, session: DbSession, actor: CurrentActor) -> CertificationTrack:
    """Program admins; `modules` replaces the learning path (modules keep completions by key)."""
    return catalog_service.update_track(session, actor, track_id=track_id, data=data)


@router.post("/certification-tracks/{track_id}/lab-secret", response_model=TrackWithSecretRead, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def rotate_lab_secret(track_id: IdPath, session: DbSession, actor: CurrentActor) -> CertificationTrack:
    """A new signing secret for the track's lab environment (program admins); the old one stops working."""
    return catalog_service.rotate_lab_secret(session, actor, track_id=track_id)


@router.get("/product-releases", response_model=PageRead[ReleaseRead], openapi_extra=allowed(Permission.PROGRAMS_READ))
def list_releases(session: DbSession, actor: CurrentActor, page: PageParams, product_line: ProductLineKey | None = None) -> dict[str, object]:
    return catalog_service.list_releases(session, actor, product_line=product_line, page=page).as_response()


@router.post("/product-releases", response_model=ReleaseRead, status_code=201, openapi_extra=allowed(Permission.PROGRAMS_WRITE))
def create_release(data: ReleaseCreate, session: DbSession, actor: CurrentActor) -> ProductRelease:
    """Program admins."""
    return catalog_service.create_release(session, actor, data=data)


@router.post("/people/{person_id}/module-completions", response_model=ModuleCompletionRead, status_code=201, openapi_extra=allowed(Permission.LEARNING_RECORD))
def record_module_completion(person_id: IdPath, data: ModuleCompletionCreate, session: DbSession, actor: CurrentActor) -> ModuleCompletion:
    """Partner admins for their own people, program admins; repeating it changes nothing."""
    return progress_service.record_module_completion(session, actor, person_id=person_id, data=data)


@router.post("/people/{person_id}/exam-attempts", response_model=ExamAttemptRead, status_code=201, openapi_extra=allowed(Permission.LEARNING_RECORD))
def record_exam_attempt(person_id: IdPath, data: ExamAttemptCreate, session: DbSession, actor: CurrentActor) -> ExamAttempt:
    """Partner admins for their own people, program admins; within the attempt limit and cool-down."""
    return progress_service.record_exam_attempt(session, actor, person_id=person_id, data=data)


@router.post("/people/{person_id}/lab-submissions", response_model=LabSubmissionRead, status_code=201, openapi_extra=allowed(Permission.LABS_SUBMIT))
def submit_lab(person_id: IdPath, data: LabSubmissionCreate, session: DbSession, actor: CurrentActor) -> LabSubmission:
    """Partner users for their own people: hand in an evaluator-graded lab."""
    return progress_service.submit_lab(session, actor, person_id=person_id, data=data)


@router.get("/people/{person_id}/progress", response_model=PersonProgressRead, openapi_extra=allowed(Permission.PARTNERS_READ))
def person_progress(person_id: IdPath, session: DbSession, actor: CurrentActor) -> PersonProgressRead:
    """Per track: modules done, exam attempts and best score, lab status, certification, what is missing."""
    person, tracks = progress_service.person_progress(session, actor, person_id=person_id)
    return PersonProgressRead(person_id=person.id, partner_id=person.partner_id, tracks=tracks)


@router.get("/lab-submissions", response_model=PageRead[LabQueueItemRead], openapi_extra=allowed(Permission.LABS_GRADE))
def lab_queue(session: DbSession, actor: CurrentActor, page: PageParams, status: LabStatus | None = LabStatus.PENDING) -> dict[str, Any]:
    """Vendor evaluators: lab submissions (pending by default), oldest first."""
    found = progress_service.lab_queue(session, actor, status=status, page=page)
    return {**found.as_response(), "items": [LabQueueItemRead.model_validate(row) for row in found.items]}


@router.post("/lab-submissions/{submission_id}/grade", response_model=LabSubmissionRead, openapi_extra=allowed(Permission.LABS_GRADE))
def grade_lab(submission_id: IdPath, data: LabGrade, session: DbSession, actor: CurrentActor) -> LabSubmissionRead:
    """Vendor evaluators: points per rubric criterion; passed when the percent reaches the lab pass mark."""
    lab = progress_service.grade_lab(session, actor, submission_id=submission_id, data=data)
    missing = progress_service.certification_missing(session, actor, person_id=lab.person_id, track_id=lab.track_id)
    return LabSubmissionRead.model_validate(lab).model_copy(update={"certification_missing": missing})


TrackKey = Annotated[str, Path(min_length=2, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


async def raw_body(request: Request) -> bytes:
    return await request.body()


@lab_router.post("/labs/{track_key}/results", response_model=LabSubmissionRead, status_code=201, responses=error_responses(["POST"]))
def post_lab_result(
    track_key: TrackKey, request: Request, body: Annotated[bytes, Depends(raw_body)], database: Annotated[Database, Depends(get_database)]
) -> LabSubmissionRead:
    """For lab environments, not users: the JSON result signed with the lab's secret.

    Headers: X-Alliance-Lab-Timestamp (unix seconds, within 5 minutes), X-Alliance-Lab-Nonce
    (8-100 of [A-Za-z0-9_-], never reused), X-Alliance-Lab-Signature = hex HMAC-SHA256 of
    "{timestamp}.{nonce}.{body}". Body: {person_id or person_email, partner_id?, score, passed?, external_ref?}."""
    # No user: the signature is the authentication, checked before anything is read for the caller.
    with database.session_scope(PartnerScope.system(reason=f"lab environment result for {track_key}")) as session:
        submission = progress_service.post_lab_result(session, track_key=track_key, headers=request.headers, body=body)
        return LabSubmissionRead.model_validate(submission)
