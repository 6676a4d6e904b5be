"""The JSON a webhook carries (docs/webhooks.md): the event type, when it happened and what it is
about, with the schema version. Serialised once, so every attempt posts the same bytes. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from alliance.webhooks.vocabulary import SCHEMA_VERSION


def body(*, event_type: str, occurred_at: datetime, entity_type: str, entity_id: int | None, facts: Mapping[str, Any]) -> str:
    payload = {
        "type": event_type,
        "timestamp": occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "version": SCHEMA_VERSION,
        "data": {"entity_type": entity_type, "entity_id": entity_id, "facts": dict(facts)},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
