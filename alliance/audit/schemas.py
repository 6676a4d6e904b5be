from __future__ import annotations

from datetime import datetime
from typing import Any

from alliance.kit.schemas import ReadSchema


class AuditEventRead(ReadSchema):
    seq: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: str
    partner_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    prev_hash: str
    hash: str


class ChainVerdictRead(ReadSchema):
    ok: bool
    checked: int
    first_break_seq: int | None
    first_break_kind: str | None
    message: str
