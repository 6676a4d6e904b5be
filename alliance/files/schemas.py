from __future__ import annotations

from datetime import datetime

from pydantic import Field

from alliance.files.vocabulary import FilePurpose
from alliance.kit.schemas import ReadSchema


class StoredFileRead(ReadSchema):
    id: int
    partner_id: int | None = Field(description="The partner that owns it; null: the vendor's own")
    filename: str
    content_type: str
    size_bytes: int
    sha256: str = Field(description="SHA-256 of the content (hex)")
    purpose: FilePurpose
    created_at: datetime
