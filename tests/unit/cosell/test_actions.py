"""Which actions the co-sell services offer, per role and state, without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from alliance.cosell.engagements import service as engagement_service
from alliance.cosell.models import EngagementConsent, PsEngagement, ResourceRequest
from alliance.cosell.requests import service as request_service
from alliance.cosell.vocabulary import ConsentAction, EngagementAction, RequestAction, RequestStatus
from alliance.identity.scope import Actor, Role
from alliance.kit import clock


def actor(role: Role) -> Actor:
    return Actor(user_id=1, role=role, partner_id=7 if role.is_partner_role else None, label=role.value)


class TestRequestActions:
    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (RequestStatus.NEW, ["accept", "start", "decline", "assign"]),
            (RequestStatus.ACCEPTED, ["start", "decline", "complete", "assign"]),
            (RequestStatus.IN_PROGRESS, ["decline", "complete", "assign"]),
            (RequestStatus.COMPLETED, []),
            (RequestStatus.DECLINED, []),
        ],
    )
    def test_responders_get_what_the_status_allows(self, status, expected):
        assert request_service.request_actions(actor(Role.PS_LEAD), ResourceRequest(status=status)) == expected

    @pytest.mark.parametrize("role", [Role.CAM, Role.AUDITOR, Role.PARTNER_ADMIN, Role.PARTNER_USER])
    def test_others_get_none(self, role):
        assert request_service.request_actions(actor(role), ResourceRequest(status=RequestStatus.NEW)) == []

    def test_labels(self):
        assert (RequestAction.START.label, RequestAction.START.done) == ("Start work", "Started")


class TestConsentAndEngagementActions:
    def test_partner_admin_gives_and_revokes_while_the_consent_holds(self):
        admin = actor(Role.PARTNER_ADMIN)
        today = clock.today()
        assert engagement_service.consent_actions(admin) == [ConsentAction.GIVE]
        assert engagement_service.consent_actions(admin, EngagementConsent(expires_on=today)) == [ConsentAction.REVOKE]
        assert engagement_service.consent_actions(admin, EngagementConsent(expires_on=today - timedelta(days=1))) == []
        assert engagement_service.consent_actions(actor(Role.PARTNER_USER)) == []

    def test_staffing_and_disputing(self):
        assert engagement_service.engagement_actions(actor(Role.PROGRAM_ADMIN)) == [EngagementAction.STAFF, EngagementAction.OVERRIDE]
        assert engagement_service.engagement_actions(actor(Role.PS_LEAD)) == [EngagementAction.STAFF]
        assert engagement_service.engagement_actions(actor(Role.CAM)) == []
        protected = PsEngagement(protecting_partner_id=7, starts_on=date(2026, 1, 1))
        assert engagement_service.engagement_actions(actor(Role.CAM), protected) == [EngagementAction.DISPUTE]
        assert engagement_service.engagement_actions(actor(Role.PARTNER_USER), protected) == []
        assert engagement_service.engagement_actions(actor(Role.CAM), PsEngagement(protecting_partner_id=None)) == []
