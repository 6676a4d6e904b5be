"""Which partners' data a session may touch. Built from an actor by
`alliance.identity.scope.scope_for`, or explicitly with `PartnerScope.system(reason=...)`."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class PartnerScope:
    """partner_ids None means every partner (vendor staff or an explicit system scope).

    `sandbox`: the session works in its partner's sandbox (the ACE API's Sandbox catalog, test
    data) instead of the live program: it sees and writes sandbox rows only, and every other
    session sees none of them (alliance.db, `Sandboxable`)."""

    partner_ids: frozenset[int] | None
    reason: str
    sandbox: bool = False

    @property
    def is_internal(self) -> bool:
        return self.partner_ids is None

    def allows(self, partner_id: int | None) -> bool:
        return self.partner_ids is None or (partner_id is not None and partner_id in self.partner_ids)

    def in_sandbox(self) -> PartnerScope:
        """The same partner's sandbox: a sandbox belongs to one partner, never to every partner."""
        if self.partner_ids is None or len(self.partner_ids) != 1:
            raise ValueError("a sandbox scope is one partner's")
        return replace(self, sandbox=True, reason=f"{self.reason} (sandbox)")

    @classmethod
    def system(cls, *, reason: str) -> PartnerScope:
        return cls(partner_ids=None, reason=reason)
