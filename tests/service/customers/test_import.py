"""CSV import: idempotent on external_id, set-based, bad rows reported by line and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.audit.models import AuditEvent
from alliance.customers import importer
from alliance.customers import service as customer_service
from alliance.customers.models import Customer, CustomerNameKey
from alliance.errors import PermissionDenied
from alliance.identity.scope import Actor, PartnerScope, Role

HEADER = "external_id,name,website,country,industry,employee_band\n"
GOOD = (
    'C-1,"Acme Analytics, Inc.",https://www.acme-analytics.com,US,Software,51-200\n'
    'C-2,Acme Logistics GmbH,acme-logistics.de,de,Logistics,"1,001-5,000"\n'
    "C-3,Zentrix S.p.A.,,IT,,\n"
)
OPERATOR = Actor.system(label="test import")


def write(tmp_path: Path, text: str | bytes, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run(db, path: Path, *, actor: Actor = OPERATOR, batch_size: int = 2, workers: int = 0, rejected: list | None = None) -> importer.ImportSummary:  # type: ignore[no-untyped-def,type-arg]
    progress: list[tuple[int, int]] = []
    with db.session_scope(PartnerScope.system(reason="test import")) as session, path.open("rb") as source:
        summary = importer.import_customers(
            session,
            actor,
            source=source,
            source_name=path.name,
            batch_size=batch_size,
            workers=workers,
            on_progress=lambda done, rows: progress.append((done, rows)),
            on_reject=rejected.append if rejected is not None else None,
        )
    assert progress and progress[-1][0] == path.stat().st_size  # the bar ends at the file size
    return summary


def counts(summary: importer.ImportSummary) -> tuple[int, int, int, int]:
    return summary.inserted, summary.updated, summary.unchanged, summary.rejected


def stored(db) -> dict[str, tuple]:  # type: ignore[no-untyped-def,type-arg]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        rows = session.execute(select(Customer.external_id, Customer.name, Customer.country, Customer.industry, Customer.employee_band, Customer.domain))
        return {row[0]: tuple(row[1:]) for row in rows}


class TestImport:
    def test_inserts_then_is_idempotent(self, db, tmp_path):
        path = write(tmp_path, HEADER + GOOD)
        assert counts(run(db, path)) == (3, 0, 0, 0)
        assert stored(db)["C-2"] == ("Acme Logistics GmbH", "DE", "Logistics", "1001-5000", "acme-logistics.de")
        assert counts(run(db, path)) == (0, 0, 3, 0)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            # t:, p: and s: keys of the two-word names, t: and s: of the one-word one; then typo keys
            assert session.scalar(select(func.count()).select_from(CustomerNameKey).where(~CustomerNameKey.key.startswith("d:"))) == 10
            assert session.scalar(select(func.count()).select_from(CustomerNameKey)) == 43  # not doubled by the re-run

    def test_updates_what_changed_and_keeps_matching_keys_in_step(self, db, tmp_path):
        run(db, write(tmp_path, HEADER + GOOD))
        changed = GOOD.replace("Zentrix S.p.A.,,IT", "Voltara Robotics S.p.A.,,IT").replace("Software,51-200", "Software,201-500")
        assert counts(run(db, write(tmp_path, HEADER + changed, "v2.csv"))) == (0, 2, 1, 0)
        assert stored(db)["C-1"][3] == "201-500"
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            assert [m.external_id for m in customer_service.find_matches(session, OPERATOR, name="Voltara Robotics")] == ["C-3"]
            assert customer_service.find_matches(session, OPERATOR, name="Zentrix") == []

    def test_columns_the_file_lacks_are_left_alone(self, db, tmp_path):
        run(db, write(tmp_path, HEADER + GOOD))
        narrow = 'external_id,name,website,country\nC-1,"Acme Analytics, Inc.",https://www.acme-analytics.com,US\n'
        assert counts(run(db, write(tmp_path, narrow, "narrow.csv"))) == (0, 0, 1, 0)
        assert stored(db)["C-1"][2:4] == ("Software", "51-200")

    def test_bad_rows_are_reported_by_line_and_skipped(self, db, tmp_path):
        text = (
            HEADER
            + GOOD
            + (
                "C-4,Bad Country,,XX,,\n"  # line 5
                "C-5,,,US,,\n"  # line 6
                "C-1,Duplicate,,US,,\n"  # line 7
                "C-6,Too few fields\n"  # line 8
                "\n"  # line 9: blank, ignored
                'C-7,"Multi\nline name",,US,,\n'  # lines 10-11: fine
                "C-8,Nordwind,not a site,DE,,\n"  # line 12
                "C-9,Band,,US,,huge\n"  # line 13
                "C-10,Fine Again,fine.example,US,,\n"
            )
        )
        rejected: list[importer.Rejection] = []
        summary = run(db, write(tmp_path, text), rejected=rejected)
        assert counts(summary) == (5, 0, 0, 6)
        assert summary.rows == 11
        assert [(r.line, r.field) for r in summary.rejections] == [
            (5, "country"),
            (6, "name"),
            (7, "external_id"),
            (8, "row"),
            (12, "website"),
            (13, "employee_band"),
        ]
        assert rejected == summary.rejections
        assert str(summary.rejections[0]) == "line 5 (external_id C-4): country: 'XX' is not a two-letter country code (ISO 3166-1 alpha-2, e.g. US or DE)"
        assert set(stored(db)) == {"C-1", "C-2", "C-3", "C-7", "C-10"}

    def test_worker_processes_give_the_same_result(self, db, tmp_path):
        text = HEADER + GOOD + 'C-4,Bad,,XX,,\nC-1,Dup,,US,,\nC-5,"Two\nlines",,US,,\n'
        summary = run(db, write(tmp_path, text), workers=2, batch_size=1)
        assert counts(summary) == (4, 0, 0, 2)
        assert [(r.line, r.field) for r in summary.rejections] == [(5, "country"), (6, "external_id")]
        assert stored(db)["C-5"][0] == "Two\nlines"

    def test_bom_extra_columns_and_header_case(self, db, tmp_path):
        text = "\ufeffExternal_ID, Name ,Website,Country,Notes\nC-1,Acme,,US,hello\n"
        summary = run(db, write(tmp_path, text))
        assert counts(summary) == (1, 0, 0, 0) and summary.ignored_columns == ["Notes"]

    def test_one_audit_event_summarises_the_import(self, db, tmp_path):
        run(db, write(tmp_path, HEADER + GOOD + "C-4,Bad,,XX,,\n"))
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            events = list(session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "customer_import")))
        assert len(events) == 1
        assert events[0].action == "customer.imported" and events[0].entity_id == "customers.csv"
        assert events[0].after == {"file": "customers.csv", "rows": 4, "inserted": 3, "updated": 0, "unchanged": 0, "rejected": 1, "likely_duplicates": 0}

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "empty"),
            (b"external_id,name,country\nC-1,Acme,US\n", "no website column"),
            (b"external_id,name,name,website,country\n", "more than once"),
            (HEADER.encode() + b"C-1,Caf\xe9 Lumi\xe8re,,FR,,\n", "not UTF-8"),
        ],
    )
    def test_unusable_files_import_nothing(self, db, tmp_path, content, message):
        with pytest.raises(importer.ImportFileError, match=message):
            run(db, write(tmp_path, content))
        assert stored(db) == {}

    def test_a_bad_byte_late_in_the_file_rolls_everything_back(self, db, tmp_path):
        late = (HEADER + GOOD).encode() + b"C-9,Caf\xe9,,FR,,\n"
        with pytest.raises(importer.ImportFileError, match="on line 5"):
            run(db, write(tmp_path, late))
        assert stored(db) == {}

    def test_only_editors_import(self, db, tmp_path):
        auditor = Actor(user_id=None, role=Role.AUDITOR, partner_id=None, label="auditor")
        with pytest.raises(PermissionDenied):
            run(db, write(tmp_path, HEADER + GOOD), actor=auditor)
