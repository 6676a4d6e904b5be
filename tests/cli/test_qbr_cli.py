"""`alliance qbr generate`: the strategic partners' packages of a quarter, PDFs written in parallel."""

from __future__ import annotations

from alliance.cli import app


def test_generate_writes_a_pdf_per_strategic_partner(cli_env, runner, tmp_path, db, world) -> None:  # type: ignore[no-untyped-def]
    # The world alone: the packages' content is the web and service tests' (small packages render fast).
    result = runner.invoke(app, ["qbr", "generate", "--quarter", "2026Q2", "--as-of", "2026-06-30", "--out", str(tmp_path), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "2 packages for 2026Q2 (2 drafts generated, 0 already published)" in result.output
    pdfs = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert pdfs == [f"qbr_FY2026-Q2_blue-harbor_{world.b.id}.pdf", f"qbr_FY2026-Q2_northwind-consulting_{world.a.id}.pdf"]
    assert all((tmp_path / name).read_bytes().startswith(b"%PDF") for name in pdfs)
    bad = runner.invoke(app, ["qbr", "generate", "--quarter", "FY2026"])
    assert bad.exit_code == 1  # "FY2026" is a year, not a quarter
