"""`alliance tiers import-figures`: reported figures from a CSV, validated like the API."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from alliance.cli import app
from alliance.kit import clock
from tests.service.tiers.factory import make_msp


@pytest.fixture
def msp(db, world):  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 11, 24, 9, tzinfo=UTC))
    yield make_msp(db, world)
    clock.freeze(None)


def test_import_figures(cli_env, runner, tmp_path, world, msp, client):
    source = tmp_path / "figures.csv"
    source.write_text(
        f"partner_id,metric,period,value,source\n{msp},managed_customers,2026-10,64,crm\n{msp},sub_resellers,2026-10,3,crm\n{msp},managed_customers,soon,1,crm\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(app, ["tiers", "import-figures", str(source), "--confirmed", "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "3 rows; 1 figures recorded (confirmed), 2 rejected" in result.output
    assert "Ignored unknown columns: source" in result.output
    with rejects.open(encoding="utf-8") as found:
        assert [row[0] for row in csv.reader(found)] == ["line", "3", "4"]
    evaluation = client.get(f"/api/v1/partners/{msp}/tier-evaluation", headers=world.headers("admin")).json()
    assert evaluation["metrics"]["managed_customers"] == "64"


def test_a_file_without_the_columns_is_refused(cli_env, runner, tmp_path):
    source = tmp_path / "figures.csv"
    source.write_text("partner,value\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["tiers", "import-figures", str(source)])
    assert result.exit_code == 1 and "partner_id" in result.output
