"""Early-access programs and brief templates for tests: Data Platform 10 (open; A and B enrolled,
each with feedback on its pre-release asset) and Analytics 13 (closed after B applied: A never
sees it), and a retired (inactive) brief template partners get a 404 for."""

from __future__ import annotations

from typing import Any

from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for

TERMS = "Pre-release software: no production use; feedback within 30 days."


def admin_of(world: Any) -> Actor:
    return Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])


def partner_admin(world: Any, key: str) -> Actor:
    fixture = getattr(world, key)
    return Actor(user_id=fixture.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=fixture.id, label=world.emails[f"{key}_admin"])


def build_early_access(db: Database, world: Any) -> dict[str, int]:
    from alliance.assets import service as asset_service
    from alliance.assets.briefs import service as brief_service
    from alliance.assets.briefs.schemas import BriefTemplateInput
    from alliance.assets.early_access import service as early_access_service
    from alliance.assets.early_access.rules import EarlyAccessDecision
    from alliance.assets.early_access.schemas import EarlyAccessApplicationInput, EarlyAccessDecisionInput, EarlyAccessFeedbackInput, EarlyAccessProgramInput
    from alliance.assets.schemas import AssetInput, Entitlement, VersionInput
    from alliance.assets.vocabulary import AssetKind, VersionAction
    from alliance.partners import product_line_service

    admin = admin_of(world)
    with db.session_scope(PartnerScope.system(reason="test catalog")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test-setup"))
    with db.session_scope(scope_for(admin)) as session:
        open_program = early_access_service.create_program(
            session, admin, data=EarlyAccessProgramInput(product_line="data-platform", version="10", terms=TERMS)
        )
        closed = early_access_service.create_program(session, admin, data=EarlyAccessProgramInput(product_line="analytics", version="13", terms=TERMS))
        asset = asset_service.create_asset(
            session,
            admin,
            data=AssetInput(
                kind=AssetKind.DEMO_GUIDE,
                title="Data Platform 10 preview guide",
                summary="Try the release",
                entitlement=Entitlement(early_access_program_id=open_program.id),
            ),
        )
        version = asset_service.add_version(session, admin, asset_id=asset.id, data=VersionInput(number="0.1.0"))
        for action in (VersionAction.SUBMIT, VersionAction.PUBLISH):
            asset_service.transition_version(session, admin, version_id=version.id, action=action, reason=None)
        retired = brief_service.create_template(
            session, admin, data=BriefTemplateInput(title="Retired brief", body_html="<h1>{{ partner.name }}</h1>", is_active=False), check=lambda _: None
        )
        ids: dict[str, Any] = {"open_program_id": open_program.id, "asset_id": asset.id, "brief_template_id": retired.id}
    applications = {}
    for key in ("a", "b"):
        partner = partner_admin(world, key)
        with db.session_scope(scope_for(partner)) as session:
            applications[key] = early_access_service.apply(session, partner, program_id=open_program.id, data=EarlyAccessApplicationInput(accept_terms=True)).id
            if key == "b":
                early_access_service.apply(session, partner, program_id=closed.id, data=EarlyAccessApplicationInput(accept_terms=True))
    with db.session_scope(scope_for(admin)) as session:
        for application_id in applications.values():
            early_access_service.decide_application(
                session, admin, application_id=application_id, data=EarlyAccessDecisionInput(decision=EarlyAccessDecision.ACCEPT)
            )
        early_access_service.set_open(session, admin, program_id=closed.id, is_open=False)
    for key, words in (("a", "Northwind: step 3 is unclear"), ("b", "Blue Harbor: the installer fails")):
        partner = partner_admin(world, key)
        with db.session_scope(scope_for(partner)) as session:
            early_access_service.leave_feedback(session, partner, asset_id=asset.id, data=EarlyAccessFeedbackInput(body=words))
    return {**ids, "early_access_program_id": closed.id, "early_access_application_id": applications["b"]}
