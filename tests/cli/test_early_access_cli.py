"""`alliance early-access programs|list|decide`: programs and applications by name, and a decision
through the same service as the console — audited, and told to the partner (the outbox)."""

from __future__ import annotations

from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.cli import app
from alliance.identity.scope import PartnerScope
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType
from tests.factories.early_access import build_early_access


def test_programs_and_applications_are_listed_by_name(cli_env, runner, world):
    build_early_access(world.db, world)
    programs = runner.invoke(app, ["early-access", "programs"])
    assert programs.exit_code == 0, programs.output
    assert programs.output.splitlines()[0] == "Program\tOpen\tPending\tEnrolled"
    assert "Data Platform 10\tyes\t0\t2" in programs.output and "Analytics 13\tno\t1\t0" in programs.output
    pending = runner.invoke(app, ["early-access", "list", "--status", "pending"])
    assert pending.exit_code == 0, pending.output
    [row] = pending.output.splitlines()[1:]
    assert row.startswith("Blue Harbor\tAnalytics 13\tpending\t")
    by_program = runner.invoke(app, ["early-access", "list", "--program", "data platform 10", "--sort", "partner"])
    assert [line.split("\t")[0] for line in by_program.output.splitlines()[1:]] == ["Blue Harbor", "Northwind Consulting"]
    assert runner.invoke(app, ["early-access", "list", "--sort", "nonsense"]).exit_code == 1


def test_a_decision_is_audited_and_told_to_the_partner(cli_env, runner, world):
    application_of_b = _pending_of_b(world)
    refused = runner.invoke(app, ["early-access", "decide", "Blue Harbor", "Analytics 13", "decline"])
    assert refused.exit_code == 1 and "reason" in refused.output.lower()
    declined = runner.invoke(app, ["early-access", "decide", "Blue Harbor", "Analytics 13", "decline", "--reason", "The beta is full"])
    assert declined.exit_code == 0, declined.output
    assert "Blue Harbor: declined for Analytics 13." in declined.output
    again = runner.invoke(app, ["early-access", "decide", "Blue Harbor", "Analytics 13", "accept"])
    assert again.exit_code == 1 and "already" in again.output
    missing = runner.invoke(app, ["early-access", "decide", "Northwind", "Analytics 13", "accept"])
    assert missing.exit_code == 1 and "Northwind Consulting has not applied to Analytics 13" in missing.output
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "early_access.declined")).all() == ["early_access.declined"]
        statement = select(OutboxMessage).where(OutboxMessage.event_type == EventType.EARLY_ACCESS_DECIDED, OutboxMessage.entity_id == application_of_b)
        told = session.scalars(statement).all()
    assert {m.recipient_user_id for m in told} == {world.b.admin_user_id}
    assert all(m.payload["facts"]["accepted"] is False and m.payload["facts"]["by"] == "The channel team" for m in told)


def _pending_of_b(world) -> int:  # type: ignore[no-untyped-def]
    """B's application to the closed Analytics 13 program (still pending)."""
    from alliance.assets.early_access.models import EarlyAccessApplication

    build_early_access(world.db, world)
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return session.scalars(select(EarlyAccessApplication.id).where(EarlyAccessApplication.status == "pending")).one()
