"""Tier recommendations reach the partner's CAM and the other deciders (not the admin who ran the
evaluation), set-based and once; the decision reaches the partner's admins only."""

from __future__ import annotations

from datetime import date

from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.notifications.vocabulary import EventType
from alliance.tiers import service as tier_service
from tests.service.tiers.factory import TierData

TODAY = date(2026, 11, 24)
FAR = date(2029, 1, 1)


def evaluate(db, actor: Actor) -> None:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        tier_service.evaluate_all(session, actor, today=TODAY)


def test_recommended_then_decided(db, world, actors, outbox):  # type: ignore[no-untyped-def]
    data = TierData(db)
    data.certify(world.a.id, "solution_architect", "professional", 2, expires_on=FAR)
    data.certify(world.a.id, "implementation_engineer", "associate", 3, expires_on=FAR)
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        other_admin = identity_service.create_user(
            session, Actor.system(label="test"), data=UserCreate(email="otto@vendor.example", name="Otto Admin", role=Role.PROGRAM_ADMIN)
        ).id
    evaluate(db, actors["admin"])
    evaluate(db, actors["admin"])  # unchanged: nothing new to tell
    recommended = [m for m in outbox() if m.event_type == EventType.TIER_RECOMMENDED]
    # Partner A's CAM and the other program admin; not the admin who ran it, not B's CAM.
    assert sorted(m.recipient_user_id for m in recommended) == sorted([world.users["cam"], other_admin])
    assert {m.payload["why"] for m in recommended} == {"you are the channel account manager of Northwind Consulting", "you decide tier recommendations"}
    facts = recommended[0].payload["facts"]
    assert (facts["partner"], facts["action"], facts["current"], facts["recommended"]) == ("Northwind Consulting", "upgrade", "Registered", "Silver")
    recommendation_id = recommended[0].entity_id
    with db.session_scope(scope_for(actors["admin"])) as session:
        tier_service.decide_recommendation(session, actors["admin"], recommendation_id=recommendation_id, accept=True, reason="Earned it")
    decided = [m for m in outbox() if m.event_type == EventType.TIER_DECIDED]
    assert [m.recipient_user_id for m in decided] == [world.users["a_admin"]]
    assert decided[0].payload["facts"]["accepted"] is True and decided[0].payload["facts"]["reason"] == "Earned it"
