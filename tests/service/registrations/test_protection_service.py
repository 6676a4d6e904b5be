"""Protection over time: expiry on read, the sweep, extensions, and the review queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.registrations import extension_service, review_service, sweep
from alliance.registrations import service as registration_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import RegistrationEvent
from alliance.registrations.repository import RegistrationFilters
from tests.service.registrations.conftest import APPROVE

APPROVED_ON = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def approved(register, act):  # type: ignore[no-untyped-def]
    """An approved deal registration of partner A, approved on APPROVED_ON."""
    clock.freeze(APPROVED_ON)
    return act(register(), *APPROVE)


def later(days: int) -> None:
    clock.freeze(APPROVED_ON + timedelta(days=days))


class TestExpiryOnRead:
    def test_reads_as_expired_after_the_last_day(self, approved, unit, actors):
        until = approved.protected_until
        clock.freeze(datetime.combine(until, datetime.min.time(), tzinfo=UTC))
        with unit(actors["a_user"]) as session:
            [view] = registration_service.present(
                session, actors["a_user"], [registration_service.get_registration(session, actors["a_user"], registration_id=approved.id)]
            )
            assert (view.effective_status, view.days_left) == (Status.APPROVED, 0)
            assert "request_extension" in view.allowed_actions
        clock.freeze(datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=UTC))
        with unit(actors["a_user"]) as session:
            view = registration_service.view_registration(session, actors["a_user"], registration_id=approved.id)
            assert (view.registration.status, view.effective_status, view.days_left, view.allowed_actions) == ("approved", Status.EXPIRED, None, [])

    def test_status_filters_respect_expiry_in_sql(self, approved, register, act, unit, actors):
        fresh = act(register(customer={"name": "Other Co"}), *APPROVE)
        later(400)  # past the first's protection (the second was approved at the same moment: both lapse)
        with unit(actors["cam"]) as session:

            def ids(status: Status) -> list[int]:
                page = registration_service.list_registrations(
                    session, actors["cam"], filters=RegistrationFilters(status=status), sort="created", page=PageRequest()
                )
                return [view.registration.id for view in page.items]

            assert ids(Status.EXPIRED) == [approved.id, fresh.id] and ids(Status.APPROVED) == []
        clock.freeze(APPROVED_ON)
        with unit(actors["cam"]) as session:
            assert ids(Status.APPROVED) == [approved.id, fresh.id] and ids(Status.EXPIRED) == []

    def test_expired_cannot_be_won_or_withdrawn(self, approved, act):
        later(400)
        with pytest.raises(Conflict):
            act(approved.id, ("a_user", "withdraw", "too late"))


class TestSweep:
    def test_materialises_expiry_once_and_is_audited(self, approved, register, act, unit, actors, db):
        pending = register(customer={"name": "Pending Co"})
        act(pending, ("a_user", "submit"))
        later(400)
        operator = Actor.system(label="cron")
        with unit(operator) as session:
            assert sweep.sweep_registrations(session, operator) == 1
        with unit(operator) as session:
            assert sweep.sweep_registrations(session, operator) == 0
            registration = registration_service.get_registration(session, operator, registration_id=approved.id)
            assert (registration.status, registration.status_changed_at) == ("expired", clock.now())
            events = session.scalars(select(RegistrationEvent).where(RegistrationEvent.action == "expire")).all()
            assert [(e.registration_id, e.from_status, e.to_status, e.actor_side) for e in events] == [(approved.id, "approved", "expired", "system")]
            [audit_event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "registration.sweep_expired")).all()
            assert audit_event.after == {"expired": 1, "registration_ids": [approved.id]}
            still = registration_service.get_registration(session, operator, registration_id=pending)
            assert still.status == "submitted"

    def test_only_program_admins(self, unit, actors, world):
        with pytest.raises(PermissionDenied), unit(actors["cam"]) as session:
            sweep.sweep_registrations(session, actors["cam"])

    def test_cli_prints_counts(self, approved, database_url, monkeypatch):
        from typer.testing import CliRunner

        from alliance.cli import app
        from alliance.config import get_settings

        monkeypatch.setenv("ALLIANCE_DATABASE_URL", database_url)
        get_settings.cache_clear()
        try:
            later(400)
            first = CliRunner().invoke(app, ["sweep"])
            second = CliRunner().invoke(app, ["sweep"])
        finally:
            get_settings.cache_clear()
        assert first.exit_code == 0 and "registrations expired: 1" in first.output
        assert second.exit_code == 0 and "registrations expired: 0" in second.output


class TestExtensions:
    def request(self, unit, actors, registration_id: int, reason: str = "Customer delayed the decision"):  # type: ignore[no-untyped-def]
        with unit(actors["a_user"]) as session:
            return extension_service.request_extension(session, actors["a_user"], registration_id=registration_id, reason=reason)

    def decide(self, unit, actors, extension_id: int, approve: bool, reason: str | None = "Customer confirmed the new date"):  # type: ignore[no-untyped-def]
        with unit(actors["cam"]) as session:
            return extension_service.decide_extension(session, actors["cam"], extension_id=extension_id, approve=approve, reason=reason)

    def test_request_and_approve_extends_protection(self, approved, unit, actors):
        extension = self.request(unit, actors, approved.id)
        with pytest.raises(Conflict):
            self.request(unit, actors, approved.id)  # one pending at a time
        decided = self.decide(unit, actors, extension.id, True)
        assert decided.status == "approved" and decided.previous_until == approved.protected_until
        with unit(actors["a_user"]) as session:
            registration = registration_service.get_registration(session, actors["a_user"], registration_id=approved.id)
            assert registration.extensions_granted == 1 and registration.protected_until == decided.new_until > approved.protected_until
            actions = [e.action for e in registration_service.registration_history(session, actors["a_user"], registration_id=approved.id)]
            assert actions[-2:] == ["extension_requested", "extension_approved"]

    def test_no_request_button_while_one_waits(self, approved, unit, actors):
        def partner_actions() -> list[str]:
            with unit(actors["a_user"]) as session:
                return registration_service.view_registration(session, actors["a_user"], registration_id=approved.id).allowed_actions

        assert "request_extension" in partner_actions()
        extension = self.request(unit, actors, approved.id)
        assert "request_extension" not in partner_actions()
        self.decide(unit, actors, extension.id, False, "Not this quarter")
        assert "request_extension" in partner_actions()

    def test_limit(self, approved, unit, actors):
        for _ in range(2):
            self.decide(unit, actors, self.request(unit, actors, approved.id).id, True)
        with pytest.raises(RuleViolation) as caught:
            self.request(unit, actors, approved.id)
        assert caught.value.details[0]["field"] == "extensions"

    def test_decisions_need_a_reason(self, approved, unit, actors):
        extension = self.request(unit, actors, approved.id)
        for approve in (False, True):
            with pytest.raises(RuleViolation):
                self.decide(unit, actors, extension.id, approve, None)
        assert self.decide(unit, actors, extension.id, False, "Stalled for a year").status == "rejected"
        with pytest.raises(Conflict):
            self.decide(unit, actors, extension.id, True)

    def test_not_after_expiry_and_not_by_others(self, approved, unit, actors):
        with pytest.raises(NotFound), unit(actors["b_user"]) as session:
            extension_service.request_extension(session, actors["b_user"], registration_id=approved.id, reason="mine now")
        extension = self.request(unit, actors, approved.id)
        with pytest.raises(PermissionDenied), unit(actors["a_admin"]) as session:
            extension_service.decide_extension(session, actors["a_admin"], extension_id=extension.id, approve=True, reason=None)
        later(400)
        with pytest.raises(Conflict):
            self.decide(unit, actors, extension.id, True)
        with pytest.raises(Conflict):
            self.request(unit, actors, approved.id)


class TestReviewQueue:
    def test_oldest_first_with_sla_and_conflicts(self, register, act, unit, actors, approved, world):
        with unit(actors["a_user"]) as session:
            extension = extension_service.request_extension(session, actors["a_user"], registration_id=approved.id, reason="More time")
        clock.freeze(datetime(2030, 6, 3, 9, 0, tzinfo=UTC))  # Monday
        first = register(customer={"name": "Queue One"})
        act(first, ("a_user", "submit"))
        clock.freeze(datetime(2030, 6, 4, 9, 0, tzinfo=UTC))
        second = register("b_user", customer={"name": "Queue One"})
        act(second, ("b_user", "submit"), ("cam", "start_review"))
        clock.freeze(datetime(2030, 6, 5, 12, 0, tzinfo=UTC))  # Wednesday
        with unit(actors["cam"]) as session:
            queue = review_service.review_queue(session, actors["cam"], page=PageRequest(limit=10))
        assert [item.registration_id for item in queue.items.items] == [first, second] and queue.items.total == 2
        one, two = queue.items.items
        assert (one.partner_name, one.waiting_on, one.overdue, one.due_at) == ("Northwind Consulting", "vendor", True, datetime(2030, 6, 5, 9, 0, tzinfo=UTC))
        assert one.age_business_days == pytest.approx(2.125, abs=0.01) and two.status == "in_review" and not two.overdue
        assert two.conflict_count >= 0
        assert [e.id for e in queue.extensions] == [extension.id] and queue.extensions_total == 1
        with unit(actors["cam"]) as session:
            mine = review_service.review_queue(session, actors["cam"], page=PageRequest(), cam_user_id=world.users["cam"])
        assert [item.registration_id for item in mine.items.items] == [first]

    def test_partners_get_403(self, unit, actors, world):
        with pytest.raises(PermissionDenied), unit(actors["a_admin"]) as session:
            review_service.review_queue(session, actors["a_admin"], page=PageRequest())

    def test_query_count_does_not_grow_with_rows(self, register, act, unit, actors, db):
        from sqlalchemy import event

        for index in range(6):
            act(register(customer={"name": f"Queue Company {index}"}), ("a_user", "submit"))
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with unit(actors["cam"]) as session:
                review_service.review_queue(session, actors["cam"], page=PageRequest(limit=50))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        queries = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        # rows, count, conflict counts, extensions and their count, the programs' review calendars
        assert len(queries) <= 6, queries
