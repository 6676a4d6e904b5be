"""Resource requests: routing at creation, lifecycle, assignment, SLA on read, sweep, report."""

# The fixtures are imported from requests_fixtures; tests name them as arguments.
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.cosell.requests import report_service
from alliance.cosell.requests import service as request_service
from alliance.cosell.requests.repository import RequestFilters
from alliance.cosell.requests.schemas import ResourceRequestCreate
from alliance.cosell.routing import service as routing_service
from alliance.cosell.routing.schemas import RuleCreate, RuleUpdate, TeamUpdate
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.kit.business_time import Calendar, add_business_hours
from alliance.kit.pagination import PageRequest
from alliance.partners.models import Partner, Tier
from alliance.registrations import service as registration_service
from alliance.registrations.schemas import REGISTRATION_CREATE
from tests.factories.world import deal_input
from tests.service.cosell.requests_fixtures import (  # noqa: F401
    WEDNESDAY,
    file_request,
    resource_actor,
    routing,
)

NEW_YORK = Calendar(time_zone="America/New_York")
BERLIN = Calendar(time_zone="Europe/Berlin")


def tier_priority(db, partner_id: int) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        tier_id = session.scalar(select(Partner.tier_id).where(Partner.id == partner_id))
        return session.scalar(select(Tier.cosell_priority).where(Tier.id == tier_id)) if tier_id else 5


def audit_actions(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        return list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "resource_request").order_by(AuditEvent.seq)))


class TestRoutingAtCreation:
    def test_region_rule_and_tier_priority(self, db, world, routing, file_request):
        clock.freeze(WEDNESDAY)
        found = file_request("a_user")
        request = found.request
        priority = tier_priority(db, world.a.id)
        hours = {1: 4, 2: 6}.get(priority, 8)
        assert request.team_id == routing["teams"]["na-architects"]
        assert request.rule_id == routing["rules"]["North America partners"]
        assert request.priority == priority
        assert request.submitted_at == WEDNESDAY
        assert request.first_response_due_at == add_business_hours(WEDNESDAY, hours, NEW_YORK)
        assert request.status == "new" and not found.breached

    def test_request_type_rule_comes_first(self, routing, file_request):
        clock.freeze(WEDNESDAY)
        request = file_request("a_user", request_type="executive_sponsor").request
        assert request.team_id == routing["teams"]["executive-programs"]

    def test_other_region_other_calendar(self, db, world, routing, file_request):
        clock.freeze(WEDNESDAY)
        request = file_request("b_user").request
        hours = {1: 4, 2: 6}.get(tier_priority(db, world.b.id), 8)
        assert request.team_id == routing["teams"]["emea-architects"]
        assert request.first_response_due_at == add_business_hours(WEDNESDAY, hours, BERLIN)

    def test_no_match_goes_to_default_queue(self, unit, actors, routing, file_request):
        with unit(actors["admin"]) as session:
            routing_service.update_rule(session, actors["admin"], rule_id=routing["rules"]["North America partners"], data=RuleUpdate(is_active=False))
        clock.freeze(WEDNESDAY)
        request = file_request("a_user", request_type="poc_support").request
        assert request.team_id == routing["teams"]["cosell-desk"]
        assert request.rule_id is None
        assert request.first_response_due_at == add_business_hours(WEDNESDAY, 16, Calendar())

    def test_new_rule_at_top_takes_precedence(self, unit, actors, routing, file_request):
        with unit(actors["admin"]) as session:
            rule = routing_service.create_rule(
                session,
                actors["admin"],
                data=RuleCreate(
                    name="Healthcare analytics",
                    team_id=routing["teams"]["ps-desk"],
                    vertical="healthcare",
                    product_line="analytics",
                    first_response_hours=Decimal(2),
                    position=1,
                ),
            )
            assert routing_service.list_rules(session, actors["admin"])[0].id == rule.id
            assert [r.position for r in routing_service.list_rules(session, actors["admin"])] == [1, 2, 3, 4, 5, 6]
        request = file_request("a_user").request
        assert request.team_id == routing["teams"]["ps-desk"]

    def test_default_routing_is_idempotent(self, unit, actors, routing):
        with unit(actors["admin"]) as session:
            assert routing_service.ensure_default_routing(session, actors["admin"]) == {"calendars": 0, "teams": 0, "rules": 0}
            assert sum(t.is_default for t in routing_service.list_teams(session, actors["admin"])) == 1

    def test_one_default_team(self, unit, actors, routing):
        admin = actors["admin"]
        with unit(admin) as session, pytest.raises(Conflict):
            routing_service.update_team(session, admin, team_id=routing["teams"]["cosell-desk"], data=TeamUpdate(is_default=False))
        with unit(admin) as session:
            routing_service.update_team(session, admin, team_id=routing["teams"]["ps-desk"], data=TeamUpdate(is_default=True))
            defaults = [t.key for t in routing_service.list_teams(session, admin) if t.is_default]
        assert defaults == ["ps-desk"]

    def test_only_admins_change_routing(self, unit, actors, routing):
        with unit(actors["cam"]) as session, pytest.raises(PermissionDenied):
            routing_service.update_rule(session, actors["cam"], rule_id=routing["rules"]["EMEA partners"], data=RuleUpdate(is_active=False))
        with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied):
            routing_service.list_rules(session, actors["a_admin"])


class TestCreateRequest:
    def test_draft_registration_is_a_conflict(self, unit, actors, world, routing):
        actor = actors["a_user"]
        world.registrations()  # the product-line catalog
        with unit(actor) as session:
            draft = registration_service.create_registration(session, actor, data=REGISTRATION_CREATE.validate_python(deal_input("Draft", "Draft Co")))
            data = ResourceRequestCreate(request_type="poc_support", needed_by=clock.today() + timedelta(days=3), description="POC")
            with pytest.raises(Conflict, match="draft"):
                request_service.create_request(session, actor, registration_id=draft.id, data=data)

    def test_other_partners_registration_is_not_found(self, unit, actors, world, routing):
        data = ResourceRequestCreate(request_type="poc_support", needed_by=clock.today() + timedelta(days=3), description="POC")
        with unit(actors["b_user"]) as session, pytest.raises(NotFound):
            request_service.create_request(session, actors["b_user"], registration_id=world.registrations()["a"], data=data)

    def test_vendor_cannot_file(self, unit, actors, world, routing):
        data = ResourceRequestCreate(request_type="poc_support", needed_by=clock.today() + timedelta(days=3), description="POC")
        with unit(actors["admin"]) as session, pytest.raises(PermissionDenied):
            request_service.create_request(session, actors["admin"], registration_id=world.registrations()["a"], data=data)

    def test_needed_by_in_the_past(self, routing, file_request):
        with pytest.raises(RuleViolation):
            file_request("a_user", needed_by=date(2000, 1, 1))

    def test_audited(self, db, file_request):
        file_request("a_user")
        assert audit_actions(db) == ["resource_request.created"]


class TestLifecycle:
    def test_accept_start_complete(self, db, unit, actors, resource_actor, file_request):
        clock.freeze(WEDNESDAY)
        request_id = file_request("a_user").request.id
        later = WEDNESDAY + timedelta(hours=5)
        clock.freeze(later)
        with unit(resource_actor) as session:
            accepted = request_service.act(session, resource_actor, request_id=request_id, action="accept").request
            assert (accepted.status, accepted.first_responded_at) == ("accepted", later)
        clock.freeze(later + timedelta(hours=1))
        with unit(resource_actor) as session:
            started = request_service.act(session, resource_actor, request_id=request_id, action="start").request
            assert started.first_responded_at == later  # the first response stays the first
            with pytest.raises(RuleViolation):
                request_service.act(session, resource_actor, request_id=request_id, action="complete")
        with unit(resource_actor) as session:
            done = request_service.act(session, resource_actor, request_id=request_id, action="complete", outcome_rating=4, notes="Won the design").request
            assert (done.status, done.outcome_rating, done.outcome_notes) == ("completed", 4, "Won the design")
        with unit(resource_actor) as session, pytest.raises(Conflict, match="completed"):
            request_service.act(session, resource_actor, request_id=request_id, action="decline", reason="late")
        assert audit_actions(db) == ["resource_request.created", "resource_request.accepted", "resource_request.started", "resource_request.completed"]

    def test_decline_needs_reason_and_is_a_first_response(self, unit, actors, file_request):
        request_id = file_request("a_user").request.id
        admin = actors["admin"]
        with unit(admin) as session, pytest.raises(RuleViolation):
            request_service.act(session, admin, request_id=request_id, action="decline", reason="  ")
        with unit(admin) as session:
            declined = request_service.act(session, admin, request_id=request_id, action="decline", reason="No SA capacity in region").request
            assert declined.status == "declined" and declined.first_responded_at is not None
            assert declined.declined_reason == "No SA capacity in region"

    def test_partner_and_reader_roles_cannot_act(self, unit, actors, file_request):
        request_id = file_request("a_user").request.id
        for who in ("a_admin", "auditor", "cam"):
            with unit(actors[who]) as session, pytest.raises(PermissionDenied):
                request_service.act(session, actors[who], request_id=request_id, action="accept")

    def test_complete_before_accept_is_a_conflict(self, unit, actors, file_request):
        request_id = file_request("a_user").request.id
        with unit(actors["admin"]) as session, pytest.raises(Conflict, match="new"):
            request_service.act(session, actors["admin"], request_id=request_id, action="complete", outcome_rating=3)


class TestAssignment:
    def test_assign_a_cosell_resource(self, db, unit, actors, routing, file_request):
        request_id = file_request("a_user").request.id
        with unit(actors["admin"]) as session:
            found = request_service.assign(session, actors["admin"], request_id=request_id, assignee_user_id=routing["resource_id"]).request
            assert found.assignee_user_id == routing["resource_id"]
        assert audit_actions(db)[-1] == "resource_request.assigned"
        with unit(actors["admin"]) as session:
            page = request_service.list_requests(session, actors["admin"], filters=RequestFilters(assignee_user_id=routing["resource_id"]), page=PageRequest())
            assert page.total == 1

    @pytest.mark.parametrize("who", ["cam", "a_user", "admin"])
    def test_assignee_must_be_a_cosell_resource(self, unit, actors, world, file_request, who):
        request_id = file_request("a_user").request.id
        with unit(actors["admin"]) as session, pytest.raises(RuleViolation):
            request_service.assign(session, actors["admin"], request_id=request_id, assignee_user_id=world.users[who])

    def test_unknown_user(self, unit, actors, file_request):
        request_id = file_request("a_user").request.id
        with unit(actors["admin"]) as session, pytest.raises(RuleViolation):
            request_service.assign(session, actors["admin"], request_id=request_id, assignee_user_id=999_999)


class TestReading:
    def test_partner_sees_own_vendor_sees_all(self, unit, actors, file_request):
        a_id = file_request("a_user").request.id
        b_id = file_request("b_user").request.id
        with unit(actors["a_user"]) as session:
            page = request_service.list_requests(session, actors["a_user"], filters=RequestFilters(), page=PageRequest())
            assert [v.request.id for v in page.items] == [a_id]
            with pytest.raises(NotFound):
                request_service.get_request(session, actors["a_user"], request_id=b_id)
        with unit(actors["auditor"]) as session:
            page = request_service.list_requests(session, actors["auditor"], filters=RequestFilters(), page=PageRequest())
            assert page.total == 2

    def test_team_and_status_filters(self, unit, actors, routing, file_request):
        file_request("a_user")
        file_request("b_user")
        with unit(actors["admin"]) as session:
            emea = request_service.list_requests(
                session, actors["admin"], filters=RequestFilters(team_id=routing["teams"]["emea-architects"]), page=PageRequest()
            )
            assert emea.total == 1
            assert request_service.list_requests(session, actors["admin"], filters=RequestFilters(status="accepted"), page=PageRequest()).total == 0


class TestSla:
    def test_breach_on_read_then_sweep(self, db, unit, actors, file_request):
        clock.freeze(WEDNESDAY)
        request = file_request("a_user").request
        due = request.first_response_due_at
        clock.freeze(due)
        with unit(actors["admin"]) as session:
            assert not request_service.view_request(session, actors["admin"], request_id=request.id).breached
        clock.freeze(due + timedelta(minutes=1))
        with unit(actors["admin"]) as session:
            assert request_service.view_request(session, actors["admin"], request_id=request.id).breached
            assert request_service.list_requests(session, actors["admin"], filters=RequestFilters(breached=True), page=PageRequest()).total == 1
            assert request_service.list_requests(session, actors["admin"], filters=RequestFilters(breached=False), page=PageRequest()).total == 0
            assert request_service.list_breaches(session, actors["admin"], team_id=None, page=PageRequest()).total == 1
        with unit(actors["admin"]) as session:
            assert request_service.sweep_requests(session, actors["admin"], now=clock.now()) == 1
        with unit(actors["admin"]) as session:
            assert request_service.sweep_requests(session, actors["admin"], now=clock.now()) == 0
            assert request_service.get_request(session, actors["admin"], request_id=request.id).breached is True
        assert audit_actions(db) == ["resource_request.created"]  # the sweep event is its own entity type

    def test_answered_in_time_is_never_breached(self, unit, actors, file_request):
        clock.freeze(WEDNESDAY)
        request = file_request("a_user").request
        clock.freeze(request.first_response_due_at - timedelta(minutes=1))
        with unit(actors["admin"]) as session:
            request_service.act(session, actors["admin"], request_id=request.id, action="accept")
        clock.freeze(request.first_response_due_at + timedelta(days=30))
        with unit(actors["admin"]) as session:
            assert not request_service.view_request(session, actors["admin"], request_id=request.id).breached
            assert request_service.sweep_requests(session, actors["admin"], now=clock.now()) == 0

    def test_answered_late_stays_in_the_breach_list(self, unit, actors, file_request):
        clock.freeze(WEDNESDAY)
        request = file_request("b_user").request
        clock.freeze(request.first_response_due_at + timedelta(hours=1))
        with unit(actors["admin"]) as session:
            request_service.act(session, actors["admin"], request_id=request.id, action="accept")
            assert request_service.list_breaches(session, actors["admin"], team_id=None, page=PageRequest()).total == 1

    def test_partners_have_no_breach_list_nor_sweep(self, unit, actors, routing):
        with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied):
            request_service.list_breaches(session, actors["a_admin"], team_id=None, page=PageRequest())
        with unit(actors["cam"]) as session, pytest.raises(PermissionDenied):
            request_service.sweep_requests(session, actors["cam"])


class TestReport:
    def test_numbers_by_team_and_type(self, unit, actors, routing, file_request):
        clock.freeze(WEDNESDAY)  # 05:00 New York, 11:00 Berlin (both calendars 09:00–17:00)
        a1 = file_request("a_user").request.id
        a2 = file_request("a_user", request_type="poc_support").request.id
        b1 = file_request("b_user").request.id
        admin = actors["admin"]
        # New York opens 14:00 UTC: A's first answered 2 business hours in, A's second 4; B never.
        clock.freeze(datetime(2026, 3, 4, 16, tzinfo=UTC))
        with unit(admin) as session:
            request_service.act(session, admin, request_id=a1, action="accept")
        clock.freeze(datetime(2026, 3, 4, 18, tzinfo=UTC))
        with unit(admin) as session:
            request_service.act(session, admin, request_id=a2, action="start")
            request_service.act(session, admin, request_id=a2, action="complete", outcome_rating=5)
        clock.freeze(datetime(2026, 3, 20, 12, tzinfo=UTC))
        with unit(admin) as session:
            report = report_service.cosell_report(session, admin, start=date(2026, 3, 1), end=date(2026, 3, 31), group_by="team")
            by_key = {row.key: row for row in report.rows}
            na = by_key[str(routing["teams"]["na-architects"])]
            assert (na.volume, na.responded, na.median_first_response_hours, na.completed, na.average_rating) == (2, 2, 3.0, 1, 5.0)
            assert na.breached == 0 and na.breach_rate == 0
            emea = by_key[str(routing["teams"]["emea-architects"])]
            assert (emea.volume, emea.responded, emea.median_first_response_hours, emea.breached, emea.breach_rate) == (1, 0, None, 1, 1.0)
            assert (report.total.volume, report.total.breached, report.total.completed) == (3, 1, 1)
            assert report.total.breach_rate == round(1 / 3, 4)

            by_type = report_service.cosell_report(session, admin, start=date(2026, 3, 1), end=date(2026, 3, 31), group_by="request_type")
            assert {row.key: row.volume for row in by_type.rows} == {"solution_architect": 2, "poc_support": 1}
            by_partner = report_service.cosell_report(session, admin, start=date(2026, 3, 1), end=date(2026, 3, 31), group_by="partner")
            assert {row.label: row.volume for row in by_partner.rows} == {"Northwind Consulting": 2, "Blue Harbor": 1}
            outside = report_service.cosell_report(session, admin, start=date(2026, 4, 1), end=date(2026, 4, 30))
            assert outside.rows == [] and outside.total.volume == 0
            assert b1

    def test_partners_cannot_read_the_report(self, unit, actors, routing):
        with unit(actors["a_user"]) as session, pytest.raises(PermissionDenied):
            report_service.cosell_report(session, actors["a_user"])
