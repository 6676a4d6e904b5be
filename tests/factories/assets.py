"""Library assets for tests: a partner's draft contribution (invisible to every other partner)."""

from __future__ import annotations

from alliance.db import Database
from alliance.identity.scope import Actor, Role, scope_for


def build_contribution(db: Database, world, key: str = "b") -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Partner `key`'s draft contribution with a draft version: asset_id, asset_version_id."""
    from alliance.assets import service as asset_service
    from alliance.assets.schemas import AssetInput, VersionInput

    fixture = getattr(world, key)
    actor = Actor(user_id=fixture.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=fixture.id, label=f"{key}_admin")
    with db.session_scope(scope_for(actor)) as session:
        asset = asset_service.create_asset(
            session, actor, data=AssetInput(kind="solution_accelerator", title=f"{key.upper()}'s accelerator", summary="Its own")
        )
        version = asset_service.add_version(session, actor, asset_id=asset.id, data=VersionInput(number="1.0.0"))
        return {"asset_id": asset.id, "asset_version_id": version.id}


def build_references(db: Database, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A submitted customer reference of partner A ("a") and of partner B ("b")."""
    from alliance.assets import reference_service
    from alliance.assets.schemas import ReferenceInput

    ids = {}
    for key in ("a", "b"):
        fixture = getattr(world, key)
        actor = Actor(user_id=fixture.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=fixture.id, label=f"{key}_admin")
        with db.session_scope(scope_for(actor)) as session:
            data = ReferenceInput(customer_name=f"{key.upper()} customer", title="Go-live in 90 days", problem="Slow reporting", outcome="Reports 40% faster")
            ids[key] = reference_service.submit_reference(session, actor, partner_id=None, data=data).id
    return ids


def library_catalog(db: Database) -> None:
    """The default product lines and the Security Suite 3.0 release (no certification tracks:
    the library's tests need lines and releases only)."""
    from datetime import date

    from alliance.enablement import catalog_service
    from alliance.enablement.catalog_schemas import ReleaseCreate
    from alliance.identity.scope import PartnerScope
    from alliance.partners import product_line_service

    operator = Actor.system(label="test-setup")
    with db.session_scope(PartnerScope.system(reason="test library catalog")) as session:
        product_line_service.ensure_default_catalog(session, operator)
        catalog_service.create_release(session, operator, data=ReleaseCreate(product_line="security-suite", version="3.0", released_on=date(2026, 4, 6)))


def publish_contribution(db: Database, world, key: str = "b") -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Partner `key`'s contribution (build_contribution), submitted by its admin and approved by the
    vendor's admin: published now (freeze the clock first for a given day)."""
    from alliance.assets import service as asset_service
    from alliance.assets.schemas import ReviewInput
    from alliance.assets.vocabulary import ReviewDecision, VersionAction

    built = build_contribution(db, world, key)
    fixture = getattr(world, key)
    partner = Actor(user_id=fixture.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=fixture.id, label=f"{key}_admin")
    with db.session_scope(scope_for(partner)) as session:
        asset_service.transition_version(session, partner, version_id=built["asset_version_id"], action=VersionAction.SUBMIT, reason=None)
    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])
    with db.session_scope(scope_for(admin)) as session:
        asset_service.review_version(session, admin, version_id=built["asset_version_id"], data=ReviewInput(decision=ReviewDecision.APPROVE))
    return built
