"""Imports every domain's models so metadata (Alembic, tests) sees all tables."""

from __future__ import annotations


def import_all_models() -> None:
    import alliance.assets.briefs.models
    import alliance.assets.early_access.models
    import alliance.assets.models
    import alliance.audit.models
    import alliance.cosell.models
    import alliance.customers.models
    import alliance.enablement.models
    import alliance.files.models
    import alliance.funds.models
    import alliance.identity.models
    import alliance.notifications.models
    import alliance.opportunities.models
    import alliance.partners.models
    import alliance.planning.models
    import alliance.qbr.models
    import alliance.registrations.models
    import alliance.sso.models
    import alliance.tiers.models
    import alliance.webhooks.models  # noqa: F401
