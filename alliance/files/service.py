"""Uploading and reading files. An upload is read to the end into the store's incoming folder
(hashed on the way, refused past the size limit), its kind decided from its first bytes, then kept
under its digest and recorded with its owner. Partner users upload for, and read, their own
organisation only (the session's scope); vendor staff upload for a partner or for the vendor.

A blob kept for an upload whose transaction then rolls back stays in the store unreferenced:
harmless (content-addressed, never served without a row), and the same content uploaded again
reuses it."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import NotFound, RuleViolation
from alliance.files import kinds
from alliance.files.models import StoredFile
from alliance.files.repository import FileRepository
from alliance.files.storage import BlobStore, TooLarge
from alliance.files.vocabulary import FilePurpose
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.partners.repository import PartnerRepository


def upload(
    session: Session,
    actor: Actor,
    *,
    source: BinaryIO,
    filename: str,
    purpose: FilePurpose,
    partner_id: int | None,
    store: BlobStore,
    max_bytes: int,
) -> StoredFile:
    """Store one file for `partner_id` (partners: always their own; vendor staff: a partner, or
    None for the vendor's own files)."""
    require(actor, Permission.FILES_UPLOAD)
    owner = _owner(session, actor, partner_id)
    try:
        name = kinds.safe_filename(filename)
        with store.receive(source, max_bytes=max_bytes, head_bytes=kinds.SNIFF_BYTES) as incoming:
            if incoming.size == 0:
                raise kinds.RefusedFile("it is empty")
            content_type = kinds.content_type(name, incoming.head)
            store.keep(incoming)
    except TooLarge as error:
        raise RuleViolation(f"The file is too large: {error}.", details=[{"field": "file", "message": str(error)}]) from None
    except kinds.RefusedFile as error:
        raise RuleViolation(f"The file cannot be stored: {error}.", details=[{"field": "file", "message": str(error)}]) from None
    stored = FileRepository(session).add(
        StoredFile(
            partner_id=owner,
            sha256=incoming.sha256,
            size_bytes=incoming.size,
            content_type=content_type,
            filename=name,
            purpose=purpose,
            uploaded_by_user_id=actor.user_id,
        )
    )
    audit.record(
        session,
        actor,
        "file.uploaded",
        entity_type="file",
        entity_id=stored.id,
        partner_id=owner,
        after={"filename": name, "content_type": content_type, "size_bytes": incoming.size, "sha256": incoming.sha256, "purpose": purpose.value},
    )
    return stored


def _owner(session: Session, actor: Actor, partner_id: int | None) -> int | None:
    if actor.is_partner:
        if partner_id is not None and partner_id != actor.partner_id:
            raise NotFound(f"Partner {partner_id} not found.")
        return actor.partner_id
    if partner_id is not None and PartnerRepository(session).get(partner_id) is None:
        raise NotFound(f"Partner {partner_id} not found.", details=[{"field": "partner_id", "message": "no such partner"}])
    return partner_id


def get_file(session: Session, actor: Actor, *, file_id: int) -> StoredFile:
    """A file the actor may read (another partner's answers as a missing one does)."""
    require(actor, Permission.FILES_READ)
    found = FileRepository(session).get(file_id)
    if found is None:
        raise NotFound(f"File {file_id} not found.")
    return found


def open_file(session: Session, actor: Actor, *, file_id: int, store: BlobStore) -> tuple[StoredFile, BinaryIO]:
    """The file's record and its content, opened for reading."""
    found = get_file(session, actor, file_id=file_id)
    if not store.exists(found.sha256):
        raise NotFound(f"File {file_id}'s content is missing from the store (restore the file store from its backup).")
    return found, store.open(found.sha256)
