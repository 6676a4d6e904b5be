"""The Sandbox catalog: a partner's test data, reviewed by the sandbox itself and invisible to
the live program (the other catalog, the review queue, conflict checks, attribution, messages)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import func, select

from alliance.cosell.models import ResourceRequest
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.notifications.models import OutboxMessage
from alliance.registrations import review_service
from alliance.registrations import service as registration_service
from alliance.registrations.models import AttributionEntry, Registration, RegistrationConflict
from tests.factories.ace import opportunity
from tests.factories.world import World

SHARED_CUSTOMER = {"Account": {"CompanyName": "Tenancy Beta Logistics", "Address": {"CountryCode": "US"}}}


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def _sandbox_opportunity(title: str, *tags: tuple[str, str], **extra: Any) -> dict[str, Any]:
    body = opportunity(title, Catalog="Sandbox", Customer=SHARED_CUSTOMER, **extra)
    body["Tags"] = [*body["Tags"], *({"Key": k, "Value": v} for k, v in tags)]
    return body


def _staff(world: World, name: str, role: Role) -> Actor:
    return Actor(user_id=world.users[name], role=role, partner_id=None, label=name)


def _sandbox_registration(db: Database, world: World, opportunity_id: str) -> Registration:
    """A sandbox registration as partner A's sandbox session reads it (no live scope can)."""
    actor = Actor(user_id=world.a.user_id, role=Role.PARTNER_USER, partner_id=world.a.id, label="a")
    with db.session_scope(scope_for(actor).in_sandbox(), write=False) as session:
        found = session.get(Registration, int(opportunity_id[1:]))
        assert found is not None and found.is_sandbox
        session.expunge(found)
        return found


def test_sandbox_opportunities_stay_out_of_the_live_program(ace: Any, db: Database, world: World) -> None:
    live_b = world.registrations()["b"]  # partner B's submitted deal on Tenancy Beta Logistics
    client = ace("a_user")
    created = client.create_opportunity(**_sandbox_opportunity("Sandbox deal", ("alliance:sandbox-review", "Submitted")))
    client.submit_opportunity(Catalog="Sandbox", Identifier=created["Id"], InvolvementType="Co-Sell")
    got = client.get_opportunity(Catalog="Sandbox", Identifier=created["Id"])
    assert (got["Catalog"], got["LifeCycle"]["ReviewStatus"]) == ("Sandbox", "Submitted")
    sandboxed = _sandbox_registration(db, world, created["Id"])
    assert sandboxed.customer_id is not None  # matched to the live customer: only the catalog keeps them apart

    # Each catalog answers for its own opportunities only.
    live = client.create_opportunity(**opportunity("Live deal"))
    with pytest.raises(ClientError) as exc:
        client.get_opportunity(Catalog="AWS", Identifier=created["Id"])
    assert _code(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        client.get_opportunity(Catalog="Sandbox", Identifier=live["Id"])
    assert _code(exc) == "ResourceNotFoundException"
    assert [s["Id"] for s in client.list_opportunities(Catalog="Sandbox")["OpportunitySummaries"]] == [created["Id"]]
    assert [s["Id"] for s in client.list_opportunities(Catalog="AWS")["OpportunitySummaries"]] == [live["Id"]]

    # The vendor never meets it: not in partner A's CAM's queue, not in any registration list.
    cam = _staff(world, "cam", Role.CAM)
    with db.session_scope(scope_for(cam), write=False) as session:
        queued = [item.registration_id for item in review_service.review_queue(session, cam, page=PageRequest(limit=100)).items.items]
        assert world.registrations()["a"] in queued and sandboxed.id not in queued
        assert session.get(Registration, sandboxed.id) is None
        assert session.scalar(select(func.count()).select_from(Registration).where(Registration.id == sandboxed.id)) == 0

    # A later live submission on the same customer by another partner is not flagged against it,
    # and it flagged nothing itself; nobody was told of it and no co-sell request was filed.
    later = ace("b_user").create_opportunity(**opportunity("B again", Customer=SHARED_CUSTOMER))
    ace("b_user").submit_opportunity(Catalog="AWS", Identifier=later["Id"], InvolvementType="For Visibility Only")
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        conflicts = session.scalars(select(RegistrationConflict)).all()
        assert [c for c in conflicts if sandboxed.id in (c.registration_id, c.other_registration_id)] == []
        told = session.scalars(select(OutboxMessage).where(OutboxMessage.entity_type == "registration", OutboxMessage.entity_id == sandboxed.id)).all()
        assert told == []
        assert session.scalars(select(ResourceRequest).where(ResourceRequest.registration_id == sandboxed.id)).all() == []
        assert session.get(Registration, live_b) is not None


def test_the_sandbox_reviews_each_outcome_at_once(ace: Any, world: World) -> None:
    client = ace("a_user")
    approved = client.create_opportunity(**_sandbox_opportunity("Approved by default"))
    client.submit_opportunity(Catalog="Sandbox", Identifier=approved["Id"], InvolvementType="For Visibility Only")
    got = client.get_opportunity(Catalog="Sandbox", Identifier=approved["Id"])
    assert got["LifeCycle"]["ReviewStatus"] == "Approved" and got["LifeCycle"]["ReviewComments"].startswith("Sandbox: reviewed automatically (Approved)")

    asked = client.create_opportunity(**_sandbox_opportunity("Needs more", ("alliance:sandbox-review", "Action Required")))
    client.submit_opportunity(Catalog="Sandbox", Identifier=asked["Id"], InvolvementType="For Visibility Only")
    got = client.get_opportunity(Catalog="Sandbox", Identifier=asked["Id"])
    assert got["LifeCycle"]["ReviewStatus"] == "Action Required"
    body = _sandbox_opportunity("Needs more, answered")
    client.update_opportunity(
        Catalog="Sandbox",
        Identifier=asked["Id"],
        LastModifiedDate=got["LastModifiedDate"],
        Customer=body["Customer"],
        Project=body["Project"],
        LifeCycle={**body["LifeCycle"], "ReviewStatus": "Action Required"},
    )
    client.submit_opportunity(Catalog="Sandbox", Identifier=asked["Id"], InvolvementType="For Visibility Only")
    assert client.get_opportunity(Catalog="Sandbox", Identifier=asked["Id"])["LifeCycle"]["ReviewStatus"] == "Approved"  # resubmitted: approved

    with pytest.raises(ClientError) as exc:
        client.create_opportunity(**_sandbox_opportunity("Unknown outcome", ("alliance:sandbox-review", "Launched")))
    assert [e["FieldName"] for e in exc.value.response["ErrorList"]] == ["Tags[alliance:sandbox-review]"]


def test_an_approved_sandbox_engagement_earns_no_attribution(ace: Any, db: Database, world: World) -> None:
    live_b = world.registrations()["b"]
    influence = _sandbox_opportunity(
        "Sandbox engagement",
        ("alliance:kind", "influence"),
        ("alliance:registrant-role", "lead_architect"),
        LifeCycle={
            "TargetCloseDate": (clock.today() + timedelta(days=30)).isoformat(),
            "NextStepsHistory": [{"Value": "Architecture workshop with the CTO", "Time": clock.now() - timedelta(days=3)}],
        },
    )
    client = ace("a_user")
    created = client.create_opportunity(**influence)
    client.submit_opportunity(Catalog="Sandbox", Identifier=created["Id"], InvolvementType="For Visibility Only")
    sandboxed = _sandbox_registration(db, world, created["Id"])
    assert (sandboxed.kind, sandboxed.status, sandboxed.customer_id is not None) == ("influence", "approved", True)

    admin = _staff(world, "admin", Role.PROGRAM_ADMIN)
    with db.session_scope(scope_for(admin)) as session:
        registration_service.act(session, admin, registration_id=live_b, action="approve", reason="Fine")
    with db.session_scope(scope_for(admin)) as session:
        registration_service.mark_won(session, admin, registration_id=live_b, booked_amount=Decimal("1000.00"), closed_on=clock.today())
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        credited = {e.registration_id for e in session.scalars(select(AttributionEntry))}
    assert live_b in credited and sandboxed.id not in credited
