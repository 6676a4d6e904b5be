"""Uploads: a file is uploaded once (multipart) and then attached by id where a domain takes files
(an MDF claim's proofs, an asset's version, a plan milestone's evidence)."""

from __future__ import annotations

from typing import Annotated, BinaryIO

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.files import service as file_service
from alliance.files.models import StoredFile
from alliance.files.schemas import StoredFileRead
from alliance.files.storage import BlobStore, store_for
from alliance.files.vocabulary import FilePurpose
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.identity.permissions import Permission

router = api_router(tags=["files"])


def _store(request: Request) -> BlobStore:
    return store_for(request.app.state.settings)


@router.post("/files", response_model=StoredFileRead, status_code=201, openapi_extra=allowed(Permission.FILES_UPLOAD))
def upload_file(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="The file (PDF, image, office document, ZIP, CSV or text)")],
    purpose: Annotated[FilePurpose, Form()] = FilePurpose.OTHER,
    partner_id: Annotated[int | None, Form(ge=1, le=2**63 - 1, description="Vendor staff: the partner it belongs to (empty: the vendor's own)")] = None,
) -> StoredFile:
    """Store a file; the answer's id is what a claim, an asset version or a plan milestone attaches."""
    settings = request.app.state.settings
    return file_service.upload(
        session,
        actor,
        source=file.file,
        filename=file.filename or "",
        purpose=purpose,
        partner_id=partner_id,
        store=_store(request),
        max_bytes=settings.max_upload_bytes,
    )


@router.get("/files/{file_id}", response_model=StoredFileRead, openapi_extra=allowed(Permission.FILES_READ))
def get_file(file_id: IdPath, session: DbSession, actor: CurrentActor) -> StoredFile:
    return file_service.get_file(session, actor, file_id=file_id)


@router.get(
    "/files/{file_id}/content",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file, as an attachment"}},
    openapi_extra=allowed(Permission.FILES_READ),
)
def download_file(request: Request, file_id: IdPath, session: DbSession, actor: CurrentActor) -> Response:
    store = _store(request)
    found, handle = file_service.open_file(session, actor, file_id=file_id, store=store)
    return attachment(store, found, handle)


def attachment(store: BlobStore, found: StoredFile, handle: BinaryIO) -> Response:
    """The file as a download that a browser never renders in place (images aside), its digest checked
    (or, from an S3 store configured so, a redirect to a short-lived presigned URL)."""
    return downloads.stored_file(
        store=store, filename=found.filename, content_type=found.content_type, size_bytes=found.size_bytes, sha256=found.sha256, handle=handle
    )
