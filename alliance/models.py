"""Imports every domain's models so metadata (Alembic, tests) sees all tables."""

from __future__ import annotations


def import_all_models() -> None:
    import alliance.audit.models  # noqa: F401
    import alliance.cosell.models  # noqa: F401
    import alliance.customers.models  # noqa: F401
    import alliance.enablement.models  # noqa: F401
    import alliance.identity.models  # noqa: F401
    import alliance.partners.models  # noqa: F401
    import alliance.registrations.models  # noqa: F401
    import alliance.tiers.models  # noqa: F401
