from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.enablement import lab_signature, progress_service
from alliance.enablement.lab_signature import InvalidLabSignature
from alliance.enablement.models import Certification
from alliance.enablement.progress_schemas import ExamAttemptCreate, LabGrade, LabSubmissionCreate, ModuleCompletionCreate
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from tests.service.enablement.tracks import RUBRIC

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    clock.freeze(T0)
    yield
    clock.freeze(None)


@pytest.fixture
def person(world) -> int:  # type: ignore[no-untyped-def]
    return world.a.person_ids[0]


def complete(unit, actors, person_id, *module_ids, who="a_admin"):  # type: ignore[no-untyped-def]
    with unit(actors[who]) as session:
        for module_id in module_ids:
            progress_service.record_module_completion(session, actors[who], person_id=person_id, data=ModuleCompletionCreate(module_id=module_id))


def attempt(unit, actors, person_id, track_id, score, who="a_admin"):  # type: ignore[no-untyped-def]
    with unit(actors[who]) as session:
        return progress_service.record_exam_attempt(session, actors[who], person_id=person_id, data=ExamAttemptCreate(track_id=track_id, score=score)).passed


def certifications(unit, actors, person_id):  # type: ignore[no-untyped-def]
    with unit(actors["admin"]) as session:
        rows = session.scalars(select(Certification).where(Certification.person_id == person_id).order_by(Certification.id)).all()
        return [(r.track_id, r.status, r.issued_on, r.expires_on, r.ended_on) for r in rows]


def progress_of(unit, actors, person_id, track_id, who="admin"):  # type: ignore[no-untyped-def]
    with unit(actors[who]) as session:
        _, tracks = progress_service.person_progress(session, actors[who], person_id=person_id)
        return next(t for t in tracks if t.track_id == track_id)


class TestAward:
    def test_awarded_when_required_modules_and_exam_are_done(self, unit, actors, make_track, person):
        track_id, modules, _ = make_track()
        complete(unit, actors, person, modules["m1"])
        assert attempt(unit, actors, person, track_id, 85) is True
        assert certifications(unit, actors, person) == []
        assert progress_of(unit, actors, person, track_id).missing == ["1 of 2 required modules complete"]
        clock.freeze(T0 + timedelta(days=3))
        complete(unit, actors, person, modules["m2"])
        issued = date(2026, 3, 5)
        assert certifications(unit, actors, person) == [(track_id, "active", issued, issued + timedelta(days=730), None)]
        view = progress_of(unit, actors, person, track_id)
        assert view.earned and view.modules_done == 2 and view.exam_best_score == 85 and view.certification is not None

    def test_award_is_idempotent_and_audited(self, unit, actors, make_track, person):
        track_id, modules, _ = make_track()
        complete(unit, actors, person, modules["m1"], modules["m2"])
        attempt(unit, actors, person, track_id, 90)
        complete(unit, actors, person, modules["m1"], modules["m3"])
        with unit(actors["admin"]) as session:
            progress_service.evaluate_award(session, actors["admin"], person_id=person, track_id=track_id)
            assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "certification.issued")).all()) == 1
            assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "module.completed")).all()) == 3
        assert len(certifications(unit, actors, person)) == 1

    def test_prerequisite_is_enforced_and_the_dependent_awarded_once_it_is_held(self, unit, actors, make_track, person):
        associate, a_modules, _ = make_track("dp-sa-associate")
        professional, p_modules, _ = make_track("dp-sa-professional", "professional", prerequisite_track_id=associate)
        complete(unit, actors, person, p_modules["m1"], p_modules["m2"])
        attempt(unit, actors, person, professional, 80)
        assert certifications(unit, actors, person) == []
        assert progress_of(unit, actors, person, professional).missing == ["requires Solution Architect Associate (Data Platform 8)"]
        complete(unit, actors, person, a_modules["m1"], a_modules["m2"])
        attempt(unit, actors, person, associate, 75)
        assert [(c[0], c[1]) for c in certifications(unit, actors, person)] == [(associate, "active"), (professional, "active")]

    def test_renewal_replaces_the_older_certification(self, unit, actors, make_track, person):
        track_id, modules, _ = make_track()
        complete(unit, actors, person, modules["m1"], modules["m2"])
        attempt(unit, actors, person, track_id, 90)
        clock.freeze(T0 + timedelta(days=700))
        assert progress_of(unit, actors, person, track_id).earned
        attempt(unit, actors, person, track_id, 88)
        renewed_on = (T0 + timedelta(days=700)).date()
        assert certifications(unit, actors, person) == [
            (track_id, "renewed", T0.date(), T0.date() + timedelta(days=730), renewed_on),
            (track_id, "active", renewed_on, renewed_on + timedelta(days=730), None),
        ]


class TestExamAttempts:
    def test_attempt_limit_and_cool_down(self, unit, actors, make_track, person):
        track_id, _, _ = make_track()
        assert attempt(unit, actors, person, track_id, 40) is False
        clock.freeze(T0 + timedelta(days=13))
        with pytest.raises(RuleViolation, match="allowed from 2026-03-16 09:00 UTC"):
            attempt(unit, actors, person, track_id, 80)
        assert progress_of(unit, actors, person, track_id).next_attempt_at == T0 + timedelta(days=14)
        for day in (14, 28):
            clock.freeze(T0 + timedelta(days=day))
            attempt(unit, actors, person, track_id, 60)
        clock.freeze(T0 + timedelta(days=60))
        with pytest.raises(RuleViolation, match="All 3 attempts"):
            attempt(unit, actors, person, track_id, 99)
        view = progress_of(unit, actors, person, track_id)
        assert (view.exam_attempts, view.exam_attempts_left, view.exam_best_score) == (3, 0, 60)

    def test_who_may_record(self, unit, actors, make_track, person, world):
        track_id, modules, _ = make_track()
        with pytest.raises(PermissionDenied):
            attempt(unit, actors, person, track_id, 80, who="a_user")
        with pytest.raises(NotFound):
            attempt(unit, actors, person, track_id, 80, who="b_admin")
        with pytest.raises(NotFound):
            complete(unit, actors, person, modules["m1"], who="b_admin")
        attempt(unit, actors, person, track_id, 80, who="admin")

    def test_unknown_track_and_module(self, unit, actors, person, lines):
        with pytest.raises(RuleViolation, match="track 999"):
            attempt(unit, actors, person, 999, 80)
        with pytest.raises(RuleViolation, match="Module 999"):
            complete(unit, actors, person, 999)


class TestEvaluatorLabs:
    @pytest.fixture
    def lab_track(self, make_track):  # type: ignore[no-untyped-def]
        return make_track("dp-sa-professional", "professional", lab_grading="evaluator", lab_rubric=RUBRIC, lab_pass_mark=70)

    def submit(self, unit, actors, person, track_id, who="a_user"):  # type: ignore[no-untyped-def]
        with unit(actors[who]) as session:
            return progress_service.submit_lab(
                session, actors[who], person_id=person, data=LabSubmissionCreate(track_id=track_id, evidence="https://git.example/lab")
            ).id

    def grade(self, unit, actors, submission_id, scores, who="ps_lead"):  # type: ignore[no-untyped-def]
        data = LabGrade(scores=[{"criterion": c, "points": p} for c, p in scores.items()], notes="ok")
        with unit(actors[who]) as session:
            submission = progress_service.grade_lab(session, actors[who], submission_id=submission_id, data=data)
            return submission.status, submission.score

    def test_graded_pass_completes_the_certification(self, unit, actors, lab_track, person):
        track_id, modules, _ = lab_track
        complete(unit, actors, person, modules["m1"], modules["m2"])
        attempt(unit, actors, person, track_id, 80)
        submission = self.submit(unit, actors, person, track_id)
        assert progress_of(unit, actors, person, track_id).missing == ["lab pending evaluation"]
        with pytest.raises(Conflict, match="already waiting"):
            self.submit(unit, actors, person, track_id)
        with unit(actors["cam"]) as session:
            queue = progress_service.lab_queue(session, actors["cam"], page=PageRequest())
            assert [(row.id, row.person_name, row.partner_name) for row in queue.items] == [(submission, "Ann Architect", "Northwind Consulting")]
        with pytest.raises(RuleViolation, match="rubric"):
            self.grade(unit, actors, submission, {"Design": 40, "Build": 41, "Docs": 20})
        with pytest.raises(RuleViolation, match="rubric"):
            self.grade(unit, actors, submission, {"Design": 40, "Build": 40})
        clock.freeze(T0 + timedelta(days=2))
        assert self.grade(unit, actors, submission, {"Design": 30, "Build": 30, "Docs": 10}) == ("passed", 70)
        assert certifications(unit, actors, person)[0][:3] == (track_id, "active", date(2026, 3, 4))
        with pytest.raises(Conflict, match="already graded"):
            self.grade(unit, actors, submission, {"Design": 30, "Build": 30, "Docs": 10})

    def test_failed_lab_can_be_resubmitted(self, unit, actors, lab_track, person):
        track_id, _, _ = lab_track
        first = self.submit(unit, actors, person, track_id)
        assert self.grade(unit, actors, first, {"Design": 10, "Build": 10, "Docs": 10}, who="admin") == ("failed", 30)
        assert progress_of(unit, actors, person, track_id).lab_status == "failed"
        self.submit(unit, actors, person, track_id, who="a_admin")
        assert progress_of(unit, actors, person, track_id).lab_status == "pending"

    def test_who_may_submit_and_grade(self, unit, actors, lab_track, person, make_track):
        track_id, _, _ = lab_track
        with pytest.raises(PermissionDenied):
            self.submit(unit, actors, person, track_id, who="cam")
        with pytest.raises(NotFound):
            self.submit(unit, actors, person, track_id, who="b_admin")
        submission = self.submit(unit, actors, person, track_id)
        for who in ("auditor", "executive", "a_admin"):
            with pytest.raises(PermissionDenied):
                self.grade(unit, actors, submission, {"Design": 40, "Build": 40, "Docs": 20}, who=who)
        no_lab, _, _ = make_track("dp-sa-other")
        with pytest.raises(RuleViolation, match="has no lab"):
            self.submit(unit, actors, person, no_lab)


class TestEnvironmentLabs:
    @pytest.fixture
    def env_track(self, make_track, unit, actors, person):  # type: ignore[no-untyped-def]
        track_id, modules, secret = make_track("dp-sa-expert", "expert", lab_grading="environment", lab_rubric=RUBRIC, lab_pass_mark=75, exam_pass_mark=80)
        complete(unit, actors, person, modules["m1"], modules["m2"])
        attempt(unit, actors, person, track_id, 85)
        return track_id, secret

    def post(self, db, secret, body, *, at=None, nonce=None, headers=None):  # type: ignore[no-untyped-def]
        raw = json.dumps(body).encode()
        sent = headers if headers is not None else lab_signature.signed_headers(secret=secret, body=raw, now=at or clock.now(), nonce=nonce)
        with db.session_scope(PartnerScope.system(reason="test lab post")) as session:
            submission = progress_service.post_lab_result(session, track_key="dp-sa-expert", headers=sent, body=raw)
            return submission.status, submission.source

    def test_valid_post_records_the_result_and_awards(self, db, unit, actors, env_track, person, world):
        track_id, secret = env_track
        assert self.post(db, secret, {"person_email": "ann.architect@a.example", "partner_id": world.a.id, "score": 91}) == ("passed", "lab_environment")
        assert certifications(unit, actors, person)[0][:3] == (track_id, "active", T0.date())
        with unit(actors["admin"]) as session:
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "lab.result_received")).one()
            assert event.actor_label == "lab environment dp-sa-expert" and event.partner_id == world.a.id

    def test_score_below_the_pass_mark_fails(self, db, env_track, person):
        _, secret = env_track
        assert self.post(db, secret, {"person_id": person, "score": 60})[0] == "failed"

    def test_bad_signature(self, db, env_track, person):
        with pytest.raises(InvalidLabSignature, match="does not match"):
            self.post(db, "0" * 64, {"person_id": person, "score": 91})

    def test_stale_timestamp(self, db, env_track, person):
        _, secret = env_track
        with pytest.raises(InvalidLabSignature, match="stale"):
            self.post(db, secret, {"person_id": person, "score": 91}, at=T0 - timedelta(minutes=6))

    def test_unsigned(self, db, env_track, person):
        with pytest.raises(InvalidLabSignature, match="missing"):
            self.post(db, None, {"person_id": person, "score": 91}, headers={})

    def test_replayed_nonce_is_a_conflict(self, db, env_track, person):
        _, secret = env_track
        self.post(db, secret, {"person_id": person, "score": 50}, nonce="replay-nonce-1")
        with pytest.raises(Conflict, match="replayed"):
            self.post(db, secret, {"person_id": person, "score": 50}, nonce="replay-nonce-1")

    def test_unknown_person(self, db, env_track, world):
        _, secret = env_track
        with pytest.raises(NotFound):
            self.post(db, secret, {"person_email": "nobody@x.example", "score": 91})
        with pytest.raises(NotFound):
            self.post(db, secret, {"person_id": world.a.person_ids[0], "partner_id": world.b.id, "score": 91})

    def test_unknown_track_fails_like_a_forgery(self, db, env_track):
        """Even a post signed with a real lab secret: no lab environment on that key, no answer about it."""
        _, secret = env_track
        body = json.dumps({"person_email": "nobody@x.example", "score": 91}).encode()
        headers = lab_signature.signed_headers(secret=secret, body=body, now=clock.now())
        with db.session_scope(PartnerScope.system(reason="test")) as session, pytest.raises(InvalidLabSignature, match="signature does not match"):
            progress_service.post_lab_result(session, track_key="dp-sa-nope", headers=headers, body=body)
        with db.session_scope(PartnerScope.system(reason="test")) as session, pytest.raises(InvalidLabSignature, match="Unsigned"):
            progress_service.post_lab_result(session, track_key="dp-sa-nope", headers={}, body=b"{}")

    def test_invalid_body(self, db, env_track):
        _, secret = env_track
        with pytest.raises(RuleViolation, match="not valid"):
            self.post(db, secret, {"score": 91})
