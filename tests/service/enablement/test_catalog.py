from __future__ import annotations

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.enablement import catalog_service
from alliance.enablement.catalog_schemas import ReleaseCreate, TrackCreate, TrackUpdate
from alliance.enablement.models import CertificationTrack
from alliance.errors import Conflict, PermissionDenied, RuleViolation
from alliance.kit.pagination import PageRequest
from tests.service.enablement.tracks import RUBRIC, track_input

pytestmark = pytest.mark.usefixtures("lines")


class TestCreateTrack:
    def test_valid_track_with_ordered_modules_is_audited(self, unit, actors):
        with unit(actors["admin"]) as session:
            track = catalog_service.create_track(session, actors["admin"], data=TrackCreate.model_validate(track_input("dp-sa-associate")))
            assert [(m.key, m.position, m.required) for m in track.modules] == [("m1", 1, True), ("m2", 2, True), ("m3", 3, False)]
            assert track.lab_secret is None
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "certification_track.created")).one()
            assert event.after["modules"][0] == {"key": "m1", "title": "One", "required": True}

    def test_only_program_admins(self, unit, actors):
        for who in ("cam", "a_admin"):
            with unit(actors[who]) as session, pytest.raises(PermissionDenied):
                catalog_service.create_track(session, actors[who], data=TrackCreate.model_validate(track_input("x-track")))

    def test_environment_lab_gets_a_generated_secret(self, make_track):
        _, _, secret = make_track("dp-sa-professional", "professional", lab_grading="environment", lab_rubric=RUBRIC)
        assert secret is not None and len(secret) == 64

    def test_unknown_product_line(self, unit, actors):
        with unit(actors["admin"]) as session, pytest.raises(RuleViolation) as caught:
            catalog_service.create_track(session, actors["admin"], data=TrackCreate.model_validate(track_input("xx", product_line="nope")))
        assert caught.value.details[0]["field"] == "product_line"

    def test_duplicate_key(self, make_track, unit, actors):
        make_track("dp-sa-associate")
        with unit(actors["admin"]) as session, pytest.raises(Conflict):
            catalog_service.create_track(session, actors["admin"], data=TrackCreate.model_validate(track_input("dp-sa-associate")))

    def test_prerequisite_must_be_a_lower_level(self, make_track, unit, actors):
        professional, _, _ = make_track("dp-sa-professional", "professional")
        for level in ("associate", "professional"):
            data = TrackCreate.model_validate(track_input(f"x-{level}", level, prerequisite_track_id=professional))
            with unit(actors["admin"]) as session, pytest.raises(RuleViolation, match="lower level") as caught:
                catalog_service.create_track(session, actors["admin"], data=data)
            assert caught.value.details[0]["field"] == "prerequisite_track_id"
        make_track("dp-sa-expert", "expert", prerequisite_track_id=professional)

    def test_unknown_prerequisite(self, unit, actors):
        with unit(actors["admin"]) as session, pytest.raises(RuleViolation, match="does not exist"):
            catalog_service.create_track(session, actors["admin"], data=TrackCreate.model_validate(track_input("xx", "expert", prerequisite_track_id=999)))

    @pytest.mark.parametrize(
        ("extra", "words"),
        [
            ({"exam_pass_mark": 101}, "less than or equal to 100"),
            ({"exam_max_attempts": 0}, "greater than or equal to 1"),
            ({"lab_grading": "evaluator"}, "at least one rubric criterion"),
            ({"lab_grading": "evaluator", "lab_rubric": [{"criterion": "Design", "max_points": 0}]}, "greater than or equal to 1"),
            ({"modules": [{"key": "m1", "title": "A"}, {"key": "m1", "title": "B"}]}, "unique"),
        ],
    )
    def test_invalid_policies_are_refused_by_the_schema(self, extra, words):
        with pytest.raises(ValueError, match=words):
            TrackCreate.model_validate(track_input("xx", **extra))


class TestUpdateTrack:
    def test_modules_keep_their_ids_by_key(self, make_track, unit, actors):
        track_id, modules, _ = make_track()
        change = TrackUpdate(modules=[{"key": "m2", "title": "Two, revised"}, {"key": "m4", "title": "Four"}, {"key": "m1", "title": "One"}])
        with unit(actors["admin"]) as session:
            track = catalog_service.update_track(session, actors["admin"], track_id=track_id, data=change)
            assert [(m.key, m.position) for m in track.modules] == [("m2", 1), ("m4", 2), ("m1", 3)]
            assert {m.key: m.id for m in track.modules}["m1"] == modules["m1"]

    def test_switching_to_an_environment_lab_creates_a_secret_and_rotation_replaces_it(self, make_track, unit, actors):
        track_id, _, _ = make_track("dp-sa-professional", "professional")
        with unit(actors["admin"]) as session:
            track = catalog_service.update_track(session, actors["admin"], track_id=track_id, data=TrackUpdate(lab_grading="environment", lab_rubric=RUBRIC))
            first = track.lab_secret
        with unit(actors["admin"]) as session:
            rotated = catalog_service.rotate_lab_secret(session, actors["admin"], track_id=track_id).lab_secret
            assert first and rotated and rotated != first
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "certification_track.lab_secret_rotated")).one()
            assert first not in str(event.after) and rotated not in str(event.after)

    def test_rotation_needs_an_environment_lab(self, make_track, unit, actors):
        track_id, _, _ = make_track()
        with unit(actors["admin"]) as session, pytest.raises(RuleViolation):
            catalog_service.rotate_lab_secret(session, actors["admin"], track_id=track_id)

    def test_invalid_after_change(self, make_track, unit, actors):
        track_id, _, _ = make_track()
        with unit(actors["admin"]) as session, pytest.raises(RuleViolation) as caught:
            catalog_service.update_track(session, actors["admin"], track_id=track_id, data=TrackUpdate(lab_grading="evaluator"))
        assert caught.value.details[0]["field"] == "lab_rubric" or "rubric" in caught.value.details[0]["message"]

    def test_no_change_no_audit(self, make_track, unit, actors):
        track_id, _, _ = make_track()
        with unit(actors["admin"]) as session:
            catalog_service.update_track(session, actors["admin"], track_id=track_id, data=TrackUpdate(name="Solution Architect Associate (Data Platform 8)"))
            assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "certification_track.updated")).all()


class TestReleases:
    def test_major_version_and_duplicates(self, unit, actors):
        with unit(actors["admin"]) as session:
            release = catalog_service.create_release(
                session, actors["admin"], data=ReleaseCreate(product_line="data-platform", version="8.2", released_on="2026-05-01")
            )
            assert release.major == 8
        with unit(actors["admin"]) as session, pytest.raises(Conflict):
            catalog_service.create_release(session, actors["admin"], data=ReleaseCreate(product_line="data-platform", version="8.2", released_on="2026-05-01"))
        with unit(actors["a_user"]) as session:
            assert catalog_service.list_releases(session, actors["a_user"], page=PageRequest()).total == 1
            with pytest.raises(PermissionDenied):
                catalog_service.create_release(
                    session, actors["a_user"], data=ReleaseCreate(product_line="data-platform", version="9.0", released_on="2026-05-01")
                )


class TestDefaultCatalog:
    def test_seeds_once(self, unit, actors):
        with unit(actors["admin"]) as session:
            created = catalog_service.ensure_default_catalog(session, actors["admin"])
        assert len(created) == 56
        with unit(actors["admin"]) as session:
            assert catalog_service.ensure_default_catalog(session, actors["admin"]) == []
            tracks = {t.key: t for t in session.scalars(select(CertificationTrack))}
            expert = tracks["data-platform-sa-expert"]
            assert expert.prerequisite_track_id == tracks["data-platform-sa-professional"].id
            assert expert.lab_grading == "environment" and expert.lab_secret
            assert tracks["data-platform-sa-professional"].lab_grading == "evaluator"
            assert tracks["data-platform-pm-professional"].lab_grading is None
            assert tracks["analytics-healthcare-implementation"].vertical == "healthcare"
            assert catalog_service.list_releases(session, actors["admin"], page=PageRequest()).total == 8
            assert catalog_service.list_tracks(session, actors["a_user"], product_line="analytics", page=PageRequest(limit=100)).total == 14
