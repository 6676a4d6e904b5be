"""Co-sell and co-delivery records of partners A and B for the tenancy matrix: a submitted
project registration each, with a proposed co-delivery plan and a co-sell request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from alliance.db import Database
from alliance.identity.scope import Actor, Role, scope_for
from alliance.kit import clock


def project_input(title: str, customer: str) -> dict[str, object]:
    start = clock.today() + timedelta(days=30)
    return {
        "kind": "project",
        "title": title,
        "customer": {"name": customer, "country": "US"},
        "product_lines": ["analytics"],
        "amount": "450000.00",
        "project_name": title,
        "scope_description": "Data platform build-out",
        "phases": [{"name": "Build", "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=90)).isoformat()}],
        "delivery_starts_on": start.isoformat(),
        "delivery_ends_on": (start + timedelta(days=120)).isoformat(),
        "submit": True,
    }


def build_cosell(db: Database, world: Any) -> dict[str, dict[str, int]]:
    # Imported here: most tests never touch co-sell.
    from alliance.cosell.plans import service as plan_service
    from alliance.cosell.plans.schemas import PlanActivityInput
    from alliance.cosell.requests import service as request_service
    from alliance.cosell.requests.schemas import ResourceRequestCreate
    from alliance.registrations import service as registration_service
    from alliance.registrations.schemas import REGISTRATION_CREATE

    world.registrations()  # the product-line catalog
    found: dict[str, dict[str, int]] = {}
    for key, fixture, customer in (("a", world.a, "Tenancy Alpha Clinics"), ("b", world.b, "Tenancy Beta Freight")):
        user = Actor(user_id=fixture.user_id, role=Role.PARTNER_USER, partner_id=fixture.id, label=world.emails[f"{key}_user"])
        admin = Actor(user_id=fixture.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=fixture.id, label=world.emails[f"{key}_admin"])
        with db.session_scope(scope_for(user)) as session:
            registration = registration_service.create_registration(
                session, user, data=REGISTRATION_CREATE.validate_python(project_input(f"{key.upper()} project", customer))
            )
            registration_id, customer_id = registration.id, registration.customer_id
        with db.session_scope(scope_for(admin)) as session:
            version = plan_service.propose_plan(
                session,
                admin,
                registration_id=registration_id,
                activities=[PlanActivityInput(activity="implementation", lead="si"), PlanActivityInput(activity="training", lead="joint")],
            )
            plan_id, version_id = version.plan_id, version.id
            activity_id = version.activities[0].id
        with db.session_scope(scope_for(user)) as session:
            data = ResourceRequestCreate(request_type="poc_support", needed_by=clock.today() + timedelta(days=20), description="PoC support")
            request_id = request_service.create_request(session, user, registration_id=registration_id, data=data).request.id
        found[key] = {
            "registration_id": registration_id,
            "customer_id": customer_id or 0,
            "plan_id": plan_id,
            "version_id": version_id,
            "activity_id": activity_id,
            "request_id": request_id,
        }
    return found
