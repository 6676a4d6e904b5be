"""Tamper-evident audit trail. `record()` is the one way any service writes history."""

from alliance.audit.service import record

__all__ = ["record"]
