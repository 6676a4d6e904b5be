"""Names for ids that audit events and snapshots carry: one UNION query for a whole page."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import Session

from alliance.customers.models import Customer
from alliance.identity.models import User
from alliance.partners.models import Partner, Program, Tier


class NameRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def names(self, wanted: Mapping[str, Set[int]]) -> dict[tuple[str, int], str]:
        """(kind, id) → display name for every id asked for, in one query."""
        parts: list[Any] = []
        if wanted.get("partner"):
            parts.append(select(literal("partner"), Partner.id, Partner.display_name).where(Partner.id.in_(sorted(wanted["partner"]))))
        if wanted.get("user"):
            parts.append(select(literal("user"), User.id, User.name).where(User.id.in_(sorted(wanted["user"]))))
        if wanted.get("program"):
            parts.append(select(literal("program"), Program.id, Program.name).where(Program.id.in_(sorted(wanted["program"]))))
        if wanted.get("tier"):
            label = Tier.name + " (" + Program.name + ")"
            parts.append(select(literal("tier"), Tier.id, label).join(Program, Program.id == Tier.program_id).where(Tier.id.in_(sorted(wanted["tier"]))))
        if wanted.get("customer"):
            parts.append(select(literal("customer"), Customer.id, Customer.name).where(Customer.id.in_(sorted(wanted["customer"]))))
        if not parts:
            return {}
        statement: Any = parts[0] if len(parts) == 1 else union_all(*parts)
        rows: list[Any] = list(self.session.execute(statement))
        return {(str(row[0]), int(row[1])): str(row[2]) for row in rows}
