"""Which partners' data a session may touch. Built from an actor by
`alliance.identity.scope.scope_for`, or explicitly with `PartnerScope.system(reason=...)`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PartnerScope:
    """partner_ids None means every partner (vendor staff or an explicit system scope)."""

    partner_ids: frozenset[int] | None
    reason: str

    @property
    def is_internal(self) -> bool:
        return self.partner_ids is None

    def allows(self, partner_id: int | None) -> bool:
        return self.partner_ids is None or (partner_id is not None and partner_id in self.partner_ids)

    @classmethod
    def system(cls, *, reason: str) -> PartnerScope:
        return cls(partner_ids=None, reason=reason)
