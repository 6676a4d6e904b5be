"""Tamper-evident audit trail. `record()` is the one way any service writes history;
`record_update()` the one way an update (a PATCH) does: only when something changed."""

from alliance.audit.service import record, record_update

__all__ = ["record", "record_update"]
