"""Early-access decisions reach the partner: when the vendor accepts or declines an application,
the admin who applied and the partner's other admins get a notice through the outbox, written in
the decision's own transaction, and the worker delivers it by e-mail (a real SMTP server)."""

from __future__ import annotations

import pytest

from alliance.assets.early_access import service as early_access_service
from alliance.assets.early_access.rules import EarlyAccessDecision
from alliance.assets.early_access.schemas import EarlyAccessApplicationInput, EarlyAccessDecisionInput, EarlyAccessProgramInput
from alliance.errors import Conflict
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.notifications.vocabulary import EventType
from alliance.partners import product_line_service
from tests.service.notifications.conftest import BASE_URL

TERMS = "Pre-release software: no production use."


@pytest.fixture
def application(db, world, unit, actors):  # type: ignore[no-untyped-def]
    """Partner A's admin applied to the open Data Platform 10 program; A has a second admin."""
    with db.session_scope(PartnerScope.system(reason="test catalog")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test-setup"))
        second = UserCreate(email="second.admin@a.example", name="Sue Second", role=Role.PARTNER_ADMIN, partner_id=world.a.id)
        world.users["a_second"] = identity_service.create_user(session, Actor.system(label="test-setup"), data=second).id
    with unit(actors["admin"]) as session:
        program = early_access_service.create_program(
            session, actors["admin"], data=EarlyAccessProgramInput(product_line="data-platform", version="10", terms=TERMS)
        )
        program_id = program.id
    with unit(actors["a_admin"]) as session:
        return early_access_service.apply(session, actors["a_admin"], program_id=program_id, data=EarlyAccessApplicationInput(accept_terms=True)).id


def _decide(unit, actors, application_id: int, decision: EarlyAccessDecision, reason: str | None = None) -> None:  # type: ignore[no-untyped-def]
    with unit(actors["cam"]) as session:
        data = EarlyAccessDecisionInput(decision=decision, reason=reason)
        early_access_service.decide_application(session, actors["cam"], application_id=application_id, data=data)


def test_a_decline_reaches_the_applicant_and_the_admins_by_email(application, unit, actors, outbox, drain, smtp, world):
    _decide(unit, actors, application, EarlyAccessDecision.DECLINE, "Gold partners first this quarter")
    told = [m for m in outbox() if m.event_type == EventType.EARLY_ACCESS_DECIDED]
    assert sorted(m.recipient_user_id for m in told) == sorted([world.users["a_admin"], world.users["a_second"]])
    assert {(m.entity_type, m.entity_id) for m in told} == {("early_access_application", application)}
    assert drain().outcomes["sent"] == 2
    received = {r.recipients[0]: r for r in smtp[0].received}
    assert set(received) == {world.emails["a_admin"], "second.admin@a.example"}
    mail = received[world.emails["a_admin"]]
    assert mail.message["Subject"] == "Early access declined: Data Platform 10 (Northwind Consulting)"
    assert mail.message["X-Alliance-Event"] == "early_access.decided"
    text = mail.part("plain")
    assert "declined Northwind Consulting's application to the Data Platform 10 early-access program" in text
    assert "Reason: Gold partners first this quarter" in text
    assert f"Open early access: {BASE_URL}/portal/early-access" in text
    assert "you applied for your organisation" in text
    assert "you administer your organisation" in received["second.admin@a.example"].part("plain")


def test_an_acceptance_says_the_pre_release_assets_are_open(application, unit, actors, outbox, drain, smtp, world):
    _decide(unit, actors, application, EarlyAccessDecision.ACCEPT)
    drain()
    subjects = {r.message["Subject"] for r in smtp[0].received}
    assert subjects == {"Early access accepted: Data Platform 10 (Northwind Consulting)"}
    assert "pre-release assets are open to your organisation" in smtp[0].received[0].part("plain")


def test_a_refused_decision_tells_nobody(application, unit, actors, outbox):
    _decide(unit, actors, application, EarlyAccessDecision.ACCEPT)
    before = len(outbox())
    with pytest.raises(Conflict):
        _decide(unit, actors, application, EarlyAccessDecision.DECLINE, "Too late")
    assert len(outbox()) == before  # the notice lives and dies with the decision's transaction
