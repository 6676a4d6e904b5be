"""`alliance customers import|match` and `alliance seed --customers`."""

from __future__ import annotations

import csv
import json
import re

from sqlalchemy import text

from alliance.cli import app

HEADER = "external_id,name,website,country,industry,employee_band\n"
ROWS = (
    'C-1,"Acme Analytics, Inc.",https://www.acme-analytics.com,US,Software,51-200\n'
    "C-2,Acme Logistics GmbH,acme-logistics.de,DE,Logistics,\n"
    "C-3,Bad Country,,XX,,\n"
)


def query(db, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


class TestImport:
    def test_imports_reports_rejections_and_exits_zero(self, runner, cli_env, db, tmp_path):
        path = tmp_path / "crm.csv"
        path.write_text(HEADER + ROWS, encoding="utf-8")
        rejects = tmp_path / "rejects.csv"
        result = runner.invoke(app, ["customers", "import", str(path), "--rejects", str(rejects)])
        assert result.exit_code == 0, result.output
        output = " ".join(result.output.split())
        assert "rejected line 4 (external_id C-3): country: 'XX' is not a two-letter country code (ISO 3166-1 alpha-2, e.g. US or DE)" in output
        assert "Imported crm.csv: 3 rows; 2 inserted, 0 updated, 0 unchanged, 1 rejected" in output and "rows/s" in output
        assert list(csv.reader(rejects.open(encoding="utf-8"))) == [
            ["line", "external_id", "field", "problem"],
            ["4", "C-3", "country", "'XX' is not a two-letter country code (ISO 3166-1 alpha-2, e.g. US or DE)"],
        ]
        again = runner.invoke(app, ["customers", "import", str(path)])
        assert "0 inserted, 0 updated, 2 unchanged, 1 rejected" in " ".join(again.output.split())
        assert query(db, "SELECT external_id, country FROM customers ORDER BY external_id") == [("C-1", "US"), ("C-2", "DE")]

    def test_same_company_under_a_new_external_id_is_imported_and_flagged(self, runner, cli_env, db, tmp_path):
        """Issue 10, defect 4: the same domain under a new CRM id is imported, reported and written to --duplicates."""
        first = tmp_path / "crm.csv"
        first.write_text(HEADER + ROWS, encoding="utf-8")
        assert runner.invoke(app, ["customers", "import", str(first)]).exit_code == 0
        second = tmp_path / "crm2.csv"
        second.write_text(HEADER + "C-9,ACME Analytics,http://acme-analytics.com/about,US,,\nC-10,Other Co,other.example,US,,\n", encoding="utf-8")
        duplicates = tmp_path / "duplicates.csv"
        result = runner.invoke(app, ["customers", "import", str(second), "--duplicates", str(duplicates)])
        assert result.exit_code == 0, result.output
        output = " ".join(result.output.split())
        [(existing_id,)] = query(db, "SELECT id FROM customers WHERE external_id = 'C-1'")
        assert (
            f"likely duplicate line 2: C-9 'ACME Analytics' is likely customer {existing_id} (C-1) 'Acme Analytics, Inc.': same website domain (acme-analytics.com)"
            in output
        )
        assert "1 new customers look like existing ones" in output and "2 inserted" in output
        assert list(csv.reader(duplicates.open(encoding="utf-8")))[1] == [
            "2",
            "C-9",
            "ACME Analytics",
            str(existing_id),
            "C-1",
            "Acme Analytics, Inc.",
            "same website domain (acme-analytics.com)",
        ]

    def test_unusable_file_exits_one_and_imports_nothing(self, runner, cli_env, db, tmp_path):
        missing = tmp_path / "missing.csv"
        missing.write_text("external_id,name\nC-1,Acme\n", encoding="utf-8")
        result = runner.invoke(app, ["customers", "import", str(missing)])
        assert result.exit_code == 1 and "no website, country column" in " ".join(result.output.split())
        latin1 = tmp_path / "latin1.csv"
        latin1.write_bytes((HEADER + "C-1,Caf").encode() + b"\xe9,,FR,,\n")
        result = runner.invoke(app, ["customers", "import", str(latin1)])
        assert result.exit_code == 1 and "not UTF-8 text (an invalid byte on line 2)" in " ".join(result.output.split())
        assert query(db, "SELECT count(*) FROM customers") == [(0,)]

    def test_missing_file(self, runner, cli_env, tmp_path):
        assert runner.invoke(app, ["customers", "import", str(tmp_path / "nope.csv")]).exit_code == 2


class TestMatch:
    def test_prints_candidates_with_evidence(self, runner, cli_env, db, tmp_path):
        path = tmp_path / "crm.csv"
        path.write_text(HEADER + ROWS, encoding="utf-8")
        runner.invoke(app, ["customers", "import", str(path)])
        result = runner.invoke(app, ["customers", "match", "ACME Analytcs", "--country", "us"])
        assert result.exit_code == 0, result.output
        # A strong match (the fitted score, not a fixed figure) and its evidence; the table wraps names.
        assert "C-1" in result.output and re.search(r"\b0\.9\d\b", result.output) and "C-2" not in result.output
        none = runner.invoke(app, ["customers", "match", "Nothing Alike"])
        assert "No known customer matches." in none.output


class TestSeed:
    def test_seeds_customers_with_keys_and_one_audit_event(self, runner, cli_env, db):
        result = runner.invoke(app, ["seed", "--customers", "300", "--batch-size", "128"])
        assert result.exit_code == 0, result.output
        assert "300 customers" in " ".join(result.output.split())
        assert query(db, "SELECT count(*), count(DISTINCT external_id) FROM customers") == [(300, 300)]
        assert query(db, "SELECT count(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM customer_name_keys)") == [(0,)]
        [(after,)] = query(db, "SELECT after FROM audit_events WHERE action = 'seed.customers_loaded'")
        assert (after if isinstance(after, dict) else json.loads(after))["customers"] == 300  # JSON is text on SQLite
        runner.invoke(app, ["seed", "--customers", "10"])
        assert query(db, "SELECT count(*), count(DISTINCT external_id) FROM customers") == [(310, 310)]
