"""`alliance assets import DIR`: a folder of assets with a metadata file each, imported through the
same records as the API; an import run again skips what is there; a bad file is named."""

from __future__ import annotations

from sqlalchemy import select

from alliance.assets.models import Asset, AssetVersion
from alliance.cli import app
from alliance.identity.scope import PartnerScope

PDF = b"%PDF-1.7\n" + b"runbook " * 50


def test_import_a_folder(cli_env, runner, tmp_path, world, monkeypatch):
    world.registrations()  # the product-line catalog
    monkeypatch.setenv("ALLIANCE_FILE_STORE_DIR", str(tmp_path / "files"))
    soc = tmp_path / "library" / "soc"
    soc.mkdir(parents=True)
    (soc / "README.md").write_text("# SOC\n\nIngest everything.", encoding="utf-8")
    (soc / "soc.pdf").write_bytes(PDF)
    (soc / "asset.yaml").write_text(
        "kind: reference_architecture\ntitle: SOC reference architecture\nsummary: A SOC.\nbody_file: README.md\n"
        "product_lines: [security-suite]\nversion: {number: 1.0.0, release_notes: First, files: [soc.pdf], publish: true}\n",
        encoding="utf-8",
    )
    (tmp_path / "library" / "broken.yaml").write_text("kind: poster\ntitle: Broken\nsummary: x\n", encoding="utf-8")
    result = runner.invoke(app, ["assets", "import", str(tmp_path / "library")])
    assert result.exit_code == 1 and "1 imported, 0 already in the library, 1 refused" in result.output, result.output
    again = runner.invoke(app, ["assets", "import", str(tmp_path / "library")])
    assert "0 imported, 1 already in the library, 1 refused" in again.output
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        asset = session.scalars(select(Asset)).one()
        assert asset.body.startswith("# SOC") and asset.current_version_id is not None
        assert session.scalars(select(AssetVersion.status)).one() == "published"
