"""Certification reminders from the sweep (set-based, once per certification and threshold) and
graded labs: to the person's own account and their partner's admins, never another partner's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance.enablement import catalog_service, progress_service, recert_service
from alliance.enablement.catalog_schemas import TrackCreate
from alliance.enablement.progress_schemas import LabGrade, LabSubmissionCreate
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock
from alliance.notifications import service as notification_service
from alliance.notifications.vocabulary import Cadence, EventType, OutboxStatus
from tests.factories.certifications import make_cert, make_release, make_track
from tests.service.enablement.tracks import track_input

SWEEPER = Actor.system(label="sweep")
RUBRIC = [{"criterion": "Design", "max_points": 50}, {"criterion": "Build", "max_points": 50}]


def sweep(db, day: date) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
    with db.session_scope(PartnerScope.system(reason="test sweep")) as session:
        recert_service.sweep_certifications(session, SWEEPER, today=day)


def told(outbox, event: EventType) -> list[tuple[int | None, int, str]]:  # type: ignore[no-untyped-def]
    return sorted((m.entity_id, m.recipient_user_id, m.idempotency_key.split("/")[3]) for m in outbox() if m.event_type == event)


@pytest.fixture
def ann_user(db, world) -> int:  # type: ignore[no-untyped-def]
    """Ann Architect (partner A's person) has her own partner-user account."""
    with db.session_scope(PartnerScope.system(reason="test user")) as session:
        user = identity_service.create_user(
            session,
            Actor.system(label="test"),
            data=UserCreate(email="ann.architect@a.example", name="Ann Architect", role=Role.PARTNER_USER, partner_id=world.a.id),
        )
        return user.id


@pytest.fixture
def certs(db, world, ann_user):  # type: ignore[no-untyped-def]
    """A v8 track recertifying within 180 days once a release is two majors ahead (v10 on
    2026-06-01: due 2026-11-28); Ann's (A) and Sam's (B) certifications on it, Ian's (A) on a
    track without a release policy, ending 2026-03-01."""
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        track = make_track(session, "dp-sa", behind=1, within=180)
        other = make_track(session, "dp-ie", role="implementation_engineer", behind=None, within=None)
        make_release(session, "10.0", date(2026, 6, 1))
        ann, ian, sam = world.a.person_ids[0], world.a.person_ids[1], world.b.person_ids[0]
        return {
            "ann": make_cert(session, person_id=ann, partner_id=world.a.id, track_id=track.id, issued_on=date(2025, 3, 1), expires_on=date(2027, 3, 1)).id,
            "ian": make_cert(session, person_id=ian, partner_id=world.a.id, track_id=other.id, issued_on=date(2024, 3, 1), expires_on=date(2026, 3, 1)).id,
            "sam": make_cert(session, person_id=sam, partner_id=world.b.id, track_id=track.id, issued_on=date(2025, 5, 1), expires_on=date(2027, 5, 1)).id,
        }


class TestCertificationReminders:
    def test_expiring_in_60_then_14_days_each_once(self, db, certs, outbox, world):
        sweep(db, date(2025, 12, 1))
        assert told(outbox, EventType.CERTIFICATION_EXPIRING) == []
        sweep(db, date(2026, 1, 5))
        sweep(db, date(2026, 1, 6))
        assert told(outbox, EventType.CERTIFICATION_EXPIRING) == [(certs["ian"], world.users["a_admin"], "60d@2026-03-01")]
        sweep(db, date(2026, 2, 20))
        sweep(db, date(2026, 2, 21))
        assert [r[2] for r in told(outbox, EventType.CERTIFICATION_EXPIRING)] == ["14d@2026-03-01", "60d@2026-03-01"]
        [message] = [m for m in outbox() if m.event_type == EventType.CERTIFICATION_EXPIRING][:1]
        assert message.payload["facts"]["person"] == "Ian Engineer" and message.payload["facts"]["partner"] == "Northwind Consulting"

    def test_window_opened_closing_and_lapsed_reach_the_person_and_their_admins(self, db, certs, outbox, world, ann_user):
        sweep(db, date(2026, 6, 2))
        sweep(db, date(2026, 6, 3))
        ann_and_admin = sorted([ann_user, world.users["a_admin"]])
        opened = told(outbox, EventType.RECERT_WINDOW_OPENED)
        assert [r[1] for r in opened if r[0] == certs["ann"]] == ann_and_admin
        assert [r[1] for r in opened if r[0] == certs["sam"]] == [world.users["b_admin"]]  # B's admin hears of B's person only
        assert told(outbox, EventType.RECERT_WINDOW_CLOSING) == []
        sweep(db, date(2026, 11, 15))
        sweep(db, date(2026, 11, 16))
        assert [r[1] for r in told(outbox, EventType.RECERT_WINDOW_CLOSING) if r[0] == certs["ann"]] == ann_and_admin
        sweep(db, date(2026, 11, 30))
        sweep(db, date(2026, 12, 1))
        lapsed = [m for m in outbox() if m.event_type == EventType.CERTIFICATION_LAPSED and m.entity_id == certs["ann"]]
        assert sorted(m.recipient_user_id for m in lapsed) == ann_and_admin
        assert {m.payload["why"] for m in lapsed} == {"it is about you", "you manage your organisation's certifications"}
        assert lapsed[0].payload["facts"]["release"] == "10.0" and lapsed[0].payload["facts"]["due_on"] == "2026-11-28"

    def test_preferences_apply(self, db, certs, unit, actors, outbox, world):
        with unit(actors["a_admin"]) as session:
            notification_service.set_preferences(
                session, actors["a_admin"], choices={EventType.RECERT_WINDOW_OPENED: Cadence.OFF, EventType.CERTIFICATION_EXPIRING: Cadence.DAILY_DIGEST}
            )
        sweep(db, date(2026, 2, 20))
        assert [m.status for m in outbox() if m.event_type == EventType.CERTIFICATION_EXPIRING] == [OutboxStatus.HELD]
        sweep(db, date(2026, 6, 2))
        # E-mail off: an inbox item only, which no worker sends.
        assert {m.status for m in outbox() if m.event_type == EventType.RECERT_WINDOW_OPENED and m.recipient_user_id == world.users["a_admin"]} == {
            OutboxStatus.SKIPPED
        }
        assert world.users["b_admin"] in [r[1] for r in told(outbox, EventType.RECERT_WINDOW_OPENED)]


class TestLabGraded:
    def test_reaches_the_person_and_the_partners_admins_not_the_grader(self, lines, unit, actors, outbox, world, ann_user):
        clock.freeze(datetime(2026, 3, 2, 9, tzinfo=UTC))
        body = track_input("dp-sa-professional", "professional", lab_grading="evaluator", lab_rubric=RUBRIC, lab_pass_mark=70)
        with unit(actors["admin"]) as session:
            track_id = catalog_service.create_track(session, actors["admin"], data=TrackCreate.model_validate(body)).id
        person = world.a.person_ids[0]
        with unit(actors["a_user"]) as session:
            submission_id = progress_service.submit_lab(
                session, actors["a_user"], person_id=person, data=LabSubmissionCreate(track_id=track_id, evidence="https://git.example/lab")
            ).id
        with unit(actors["ps_lead"]) as session:
            data = LabGrade(scores=[{"criterion": "Design", "points": 40}, {"criterion": "Build", "points": 40}], notes="ok")  # type: ignore[list-item]
            progress_service.grade_lab(session, actors["ps_lead"], submission_id=submission_id, data=data)
        graded = [m for m in outbox() if m.event_type == EventType.LAB_GRADED]
        assert sorted(m.recipient_user_id for m in graded) == sorted([ann_user, world.users["a_admin"]])
        assert graded[0].payload["facts"]["passed"] is True and graded[0].payload["facts"]["person"] == "Ann Architect"
        assert graded[0].payload["facts"]["score"] == 80
