"""`alliance certifications import` and the certification part of `alliance sweep`."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

from sqlalchemy import text

from alliance.cli import app
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from tests.factories.certifications import make_cert, make_release, make_track

HEADER = "record_type,external_ref,person_email,track_key,module_key,completed_on,attempted_at,score,issued_on\n"
ROWS = (
    "module,,ann.architect@a.example,sa,m1,2026-01-05,,,\n"
    "exam,EX-1,ann.architect@a.example,sa,,,2026-01-10T09:00:00,82,\n"
    "exam,EX-2,nobody@a.example,sa,,,2026-01-10T09:00:00,82,\n"
    "certification,CERT-1,sam.seller@b.example,sa,,,,,2025-06-01\n"
)


def query(db, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def flat(output: str) -> str:
    return " ".join(output.split())


class TestImport:
    def test_imports_reports_rejections_and_is_idempotent(self, runner, cli_env, db, world, tmp_path):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            make_track(session, "sa", modules=("m1", "m2"))
        path = tmp_path / "lms.csv"
        path.write_text(HEADER + ROWS, encoding="utf-8")
        rejects = tmp_path / "rejects.csv"
        result = runner.invoke(app, ["certifications", "import", str(path), "--rejects", str(rejects), "--batch-size", "2"])
        assert result.exit_code == 0, result.output
        output = flat(result.output)
        assert "rejected line 4 (external_ref EX-2): person_email: no person with email nobody@a.example" in output
        assert "Imported lms.csv: 4 rows; 3 inserted (1 module, 1 exam, 1 certification), 0 unchanged, 1 rejected; 0 certifications awarded" in output
        assert "rows/s" in output
        assert list(csv.reader(rejects.open(encoding="utf-8"))) == [
            ["line", "external_ref", "field", "problem"],
            ["4", "EX-2", "person_email", "no person with email nobody@a.example"],
        ]
        again = runner.invoke(app, ["certifications", "import", str(path)])
        assert "0 inserted, 3 unchanged, 1 rejected" in flat(again.output)
        assert query(db, "SELECT external_ref FROM exam_attempts") == [("EX-1",)]

    def test_unusable_file_exits_one(self, runner, cli_env, db, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_text("external_ref,score\nEX-1,80\n", encoding="utf-8")
        result = runner.invoke(app, ["certifications", "import", str(path)])
        assert result.exit_code == 1 and "no record_type, person_email, track_key column" in flat(result.output)

    def test_help_documents_the_format(self, runner):
        result = runner.invoke(app, ["certifications", "import", "--help"])
        assert result.exit_code == 0 and "record_type" in result.output and "external_ref" in result.output


class TestSweep:
    def test_sweep_opens_windows_and_is_idempotent(self, runner, cli_env, db, world):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            track = make_track(session, "sa", behind=1, within=180)
            make_release(session, "10.0", date(2026, 6, 1))
            make_cert(session, person_id=world.a.person_ids[0], partner_id=world.a.id, track_id=track.id, issued_on=date(2025, 3, 1))
        clock.freeze(datetime(2026, 6, 2, tzinfo=UTC))
        result = runner.invoke(app, ["sweep"])
        assert result.exit_code == 0, result.output
        assert "certifications: 1 recertification windows opened, 0 lapsed, 0 expired" in flat(result.output)
        assert query(db, "SELECT status, CAST(recert_due_on AS VARCHAR(10)) FROM certifications") == [("recert_required", "2026-11-28")]
        again = runner.invoke(app, ["sweep"])
        assert "certifications changed: 0" in flat(again.output)
