"""Importing a learning system's export: idempotent, bad rows by line, bounded batches, awards."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from alliance.audit.models import AuditEvent
from alliance.enablement import importer
from alliance.enablement.models import (
    Certification,
    ExamAttempt,
    LabSubmission,
    ModuleCompletion,
)
from alliance.enablement.progress_schemas import ExamAttemptCreate
from alliance.enablement.vocabulary import CertificationStatus as S
from alliance.enablement.vocabulary import LabStatus, Source
from alliance.errors import PermissionDenied
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit.schemas import field_errors
from alliance.partners.models import Person
from tests.factories.certifications import make_cert, make_track

ADMIN = Actor.system(label="test")
HEADER = "record_type,external_ref,partner_id,person_email,track_key,module_key,completed_on,attempted_at,submitted_at,score,passed,issued_on\n"
GOOD = (
    "module,,,ann.architect@a.example,sa,m1,2026-01-05,,,,,\n"
    "module,,,Ann.Architect@a.example,sa,m2,2026-01-06,,,,,\n"
    "exam,EX-1,,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,82,,\n"
    "exam,EX-2,,ian.engineer@a.example,ie,,,2026-01-11T09:00:00+02:00,,55,,\n"
    "lab,LAB-1,,ian.engineer@a.example,ie,,,,2026-01-12T10:00:00Z,90,true,\n"
    "certification,CERT-1,,sam.seller@b.example,sa,,,,,,,2025-06-01\n"
)


@pytest.fixture
def tracks(db, world):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        sa = make_track(session, "sa", modules=("m1", "m2"))
        ie = make_track(session, "ie", role="implementation_engineer", lab=True, modules=("m1",))
        return {"sa": sa.id, "ie": ie.id}


def run_import(db, text: str | bytes, *, batch_size: int = 100, award=importer.award_earned, actor: Actor = ADMIN):  # type: ignore[no-untyped-def]
    with db.session_scope(scope_for(actor) if actor.is_partner else PartnerScope.system(reason="test import")) as session:
        return importer.import_certifications(
            session,
            actor,
            source=io.BytesIO(text.encode() if isinstance(text, str) else text),
            source_name="lms.csv",
            batch_size=batch_size,
            award=award,
        )


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


class TestImportCertifications:
    def test_imports_every_record_type(self, db, world, tracks):
        summary = run_import(db, HEADER + GOOD)
        assert (summary.rows, summary.inserted, summary.unchanged, summary.rejected) == (6, 6, 0, 0), summary.rejections
        assert summary.by_type == {"module": 2, "exam": 2, "lab": 1, "certification": 1}
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            exams = {e.external_ref: e for e in session.scalars(select(ExamAttempt))}
            assert (exams["EX-1"].passed, exams["EX-1"].score, exams["EX-1"].source) == (True, 82, Source.IMPORT)
            assert exams["EX-2"].passed is False and exams["EX-2"].attempted_at.hour == 7  # +02:00 stored as UTC
            assert exams["EX-1"].partner_id == world.a.id
            lab = session.scalars(select(LabSubmission)).one()
            assert (lab.status, lab.score, lab.partner_id) == (LabStatus.PASSED, 90, world.a.id)
            cert = session.scalars(select(Certification).where(Certification.external_ref == "CERT-1")).one()
            assert (cert.partner_id, cert.issued_on, cert.expires_on, cert.status) == (world.b.id, date(2025, 6, 1), date(2027, 6, 1), S.ACTIVE)
            assert {(m.person_id, m.completed_on) for m in session.scalars(select(ModuleCompletion))} == {
                (world.a.person_ids[0], date(2026, 1, 5)),
                (world.a.person_ids[0], date(2026, 1, 6)),
            }

    def test_second_run_changes_nothing(self, db, tracks):
        run_import(db, HEADER + GOOD)
        before = {m: count(db, m) for m in (ModuleCompletion, ExamAttempt, LabSubmission, Certification)}
        again = run_import(db, HEADER + GOOD)
        assert (again.inserted, again.unchanged, again.rejected, again.awarded) == (0, 6, 0, 0)
        assert {m: count(db, m) for m in before} == before

    def test_awards_the_certification_once_requirements_are_met(self, db, world, tracks):
        summary = run_import(db, HEADER + GOOD)
        assert summary.awarded == 1  # Ann: both modules and a passed exam; Ian failed his exam
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            awarded = session.scalars(select(Certification).where(Certification.person_id == world.a.person_ids[0])).one()
            assert (awarded.track_id, awarded.issued_on, awarded.source) == (tracks["sa"], date(2026, 1, 10), Source.IMPORT)

    def test_award_hook_sees_each_touched_pair_once_per_batch(self, db, world, tracks):
        calls: list[tuple[int, int]] = []
        run_import(db, HEADER + GOOD, award=lambda session, actor, person, track: calls.append((person, track)) or False)
        assert sorted(calls) == sorted([(world.a.person_ids[0], tracks["sa"]), (world.a.person_ids[1], tracks["ie"])])

    def test_bad_rows_are_reported_by_line_and_skipped(self, db, world, tracks):
        bad = (
            "badge,X-1,,ann.architect@a.example,sa,,,,,,,\n"  # line 2
            "exam,EX-9,,nobody@a.example,sa,,,2026-01-10T09:00:00,,80,,\n"  # 3
            "exam,EX-10,,ann.architect@a.example,nope,,,2026-01-10T09:00:00,,80,,\n"  # 4
            "module,,,ann.architect@a.example,sa,m9,2026-01-05,,,,,\n"  # 5
            "exam,EX-11,,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,180,,\n"  # 6
            "exam,,,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,80,,\n"  # 7
            "lab,LAB-9,,ann.architect@a.example,sa,,,,2026-01-12T10:00:00,,,\n"  # 8
            "exam,EX-1,,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,82,maybe,\n"  # 9
            "exam,EX-12,,ann.architect@a.example,sa,,,yesterday,,82,,\n"  # 10
            "module,,,ann.architect@a.example,sa,m1\n"  # 11
            "exam,EX-13,999,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,82,,\n"  # 12
            "exam,EX-14,,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,82,,\n"  # 13: good
            "exam,EX-14,,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,82,,\n"  # 14: repeated
        )
        rejected: list[importer.Rejection] = []
        with db.session_scope(PartnerScope.system(reason="test import")) as session:
            summary = importer.import_certifications(
                session,
                ADMIN,
                source=io.BytesIO((HEADER + bad).encode()),
                source_name="lms.csv",
                batch_size=5,
                on_reject=rejected.append,
                award=None,
            )
        assert (summary.inserted, summary.rejected) == (1, 13 - 1)
        assert [(r.line, r.field) for r in rejected] == [
            (2, "record_type"),
            (3, "person_email"),
            (4, "track_key"),
            (5, "module_key"),
            (6, "score"),
            (7, "external_ref"),
            (8, "track_key"),
            (9, "passed"),
            (10, "attempted_at"),
            (11, "row"),
            (12, "person_email"),
            (14, "external_ref"),
        ]
        assert str(rejected[1]) == "line 3 (external_ref EX-9): person_email: no person with email nobody@a.example"
        assert rejected[6].message == "track sa has no lab"
        # Field types are the API's: the same words as a 422 for the same value.
        with pytest.raises(ValidationError) as api:
            ExamAttemptCreate(track_id=1, score=180)
        assert (rejected[4].field, rejected[4].message) == field_errors(api.value)[0]
        assert rejected[-1].message == "appears earlier in this file; only the first row was imported"

    def test_partner_id_settles_an_email_used_at_two_partners(self, db, world, tracks):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            session.add(Person(partner_id=world.b.id, name="Ann Elsewhere", email="ann.architect@a.example", delivery_role="sales"))
        rows = (
            "exam,EX-1,,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,82,,\n"
            f"exam,EX-2,{world.b.id},ann.architect@a.example,sa,,,2026-01-10T09:00:00,,82,,\n"
        )
        summary = run_import(db, HEADER + rows, award=None)
        assert summary.inserted == 1 and "add a partner_id column" in summary.rejections[0].message
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            assert session.scalars(select(ExamAttempt.partner_id)).all() == [world.b.id]

    def test_batches_are_bounded(self, db, world, tracks):
        rows = "".join(f"exam,EX-{i},,ann.architect@a.example,sa,,,2026-01-10T09:00:00,,40,,\n" for i in range(10))
        summary = run_import(db, HEADER + rows, batch_size=3, award=None)
        assert (summary.inserted, summary.batches, summary.largest_batch) == (10, 4, 3)

    def test_quoted_newlines_do_not_split_a_record(self, db, world, tracks):
        header = "record_type,external_ref,person_email,track_key,attempted_at,score,note\n"
        rows = 'exam,EX-1,ann.architect@a.example,sa,2026-01-10T09:00:00,40,"two\nlines"\nexam,EX-2,ann.architect@a.example,sa,2026-01-10T09:00:00,bad,\n'
        summary = run_import(db, header + rows, batch_size=1, award=None)
        assert summary.inserted == 1 and summary.ignored_columns == ["note"]
        assert [(r.line, r.field) for r in summary.rejections] == [(4, "score")]

    def test_imported_certification_renews_an_older_one(self, db, world, tracks):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            old = make_cert(session, person_id=world.b.person_ids[0], partner_id=world.b.id, track_id=tracks["sa"], issued_on=date(2024, 1, 1)).id
        summary = run_import(db, HEADER + GOOD, award=None)
        assert summary.renewed == 1
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            cert = session.get(Certification, old, with_for_update=True)
            assert cert is not None and (cert.status, cert.ended_on) == (S.RENEWED, date(2025, 6, 1))

    def test_one_audit_event(self, db, tracks):
        run_import(db, HEADER + GOOD, award=None)
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == "certification.imported")).all()
            assert len(events) == 1 and events[0].after["inserted"] == 6 and events[0].after["rejected"] == 0

    def test_unusable_files(self, db, tracks):
        with pytest.raises(importer.ImportFileError, match="no person_email, track_key column"):
            run_import(db, "record_type,external_ref\nexam,EX-1\n")
        with pytest.raises(importer.ImportFileError, match="empty"):
            run_import(db, "")
        with pytest.raises(importer.ImportFileError, match="line 2"):
            run_import(db, HEADER.encode() + "exam,EX-1,,café@a.example,sa,,,,,,,\n".encode("latin-1"))

    def test_only_program_admins(self, db, world, tracks):
        a_admin = Actor(user_id=world.a.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=world.a.id, label="a admin")
        with pytest.raises(PermissionDenied):
            run_import(db, HEADER + GOOD, actor=a_admin)
