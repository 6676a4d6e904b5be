"""Audit events and snapshots show names, never bare ids: which fields hold whose id, and the names
of every id on a page resolved at once (top layer: reads other domains, none imports it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from alliance.audit.models import AuditEvent
from alliance.governance.repository import NameRepository
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor

# Entity types whose entity_id is the row's id in a named table.
ENTITY_KINDS = {"partner": "partner", "user": "user", "program": "program", "tier": "tier", "customer": "customer"}
# Acronyms that stay upper-case when a field or type is shown as words.
ACRONYMS = {"roe": "ROE", "si": "SI", "mdf": "MDF", "ps": "PS", "id": "ID", "sla": "SLA", "csv": "CSV", "api": "API"}


def kind_of_field(name: str) -> str | None:
    """The kind of row a snapshot field refers to: owning_partner_id → partner, current_tier_id → tier."""
    if not name.endswith("_id"):
        return None
    stem = name.removesuffix("_id")
    for kind in ("partner", "user", "program", "tier", "customer"):
        if stem == kind or stem.endswith(f"_{kind}"):
            return kind
    return None


def words(name: str) -> str:
    """'owning_partner_id' → 'Owning partner'; 'roe_violation' → 'ROE violation'."""
    parts = name.removesuffix("_id").split("_") if name.endswith("_id") and kind_of_field(name) else name.split("_")
    shown = [ACRONYMS.get(p, p) for p in parts if p]
    text = " ".join(shown)
    return text[:1].upper() + text[1:] if text else name


@dataclass
class Names:
    """The names a page needs; anything not found falls back to words, never a bare '#id'."""

    found: dict[tuple[str, int], str] = field(default_factory=dict)

    def of(self, kind: str, id_: Any) -> str | None:
        try:
            return self.found.get((kind, int(id_)))
        except (TypeError, ValueError):
            return None

    def field_value(self, name: str, value: Any) -> str | None:
        """The name behind a snapshot value, when the field holds a known id."""
        kind = kind_of_field(name)
        return self.of(kind, value) if kind and value is not None else None

    def entity(self, event: AuditEvent) -> str:
        kind = ENTITY_KINDS.get(event.entity_type)
        named = self.of(kind, event.entity_id) if kind else None
        if named:
            return named
        of_partner = self.of("partner", event.partner_id) if event.partner_id else None
        return f"{words(event.entity_type)} of {of_partner}" if of_partner else words(event.entity_type)

    def partner(self, partner_id: int | None) -> str | None:
        return self.of("partner", partner_id) if partner_id else None


def wanted_ids(events: Iterable[AuditEvent]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}

    def add(kind: str | None, value: Any) -> None:
        if kind is None or value is None or isinstance(value, bool):
            return
        try:
            wanted.setdefault(kind, set()).add(int(value))
        except (TypeError, ValueError):
            return

    for event in events:
        add(ENTITY_KINDS.get(event.entity_type), event.entity_id)
        add("partner", event.partner_id)
        for snapshot in (event.before, event.after):
            for key, value in (snapshot or {}).items():
                add(kind_of_field(key), value)
    return wanted


def names_for_events(session: Session, actor: Actor, *, events: Iterable[AuditEvent]) -> Names:
    """Every name a page of events shows, in one query (audit readers only, like the events)."""
    require(actor, Permission.AUDIT_READ)
    return Names(NameRepository(session).names(wanted_ids(events)))
