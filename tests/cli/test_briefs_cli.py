"""`alliance briefs list|render`: the templates with their usage, and a partner's brief rendered to
a PDF file by the partner's name (the same service as the console's PDF)."""

from __future__ import annotations

from alliance.cli import app
from alliance.identity.scope import Actor, PartnerScope
from tests.factories.early_access import build_early_access


def _brief(world) -> None:  # type: ignore[no-untyped-def]
    from alliance.assets.briefs import service as brief_service
    from alliance.assets.briefs.schemas import BriefTemplateInput

    with world.db.session_scope(PartnerScope.system(reason="test brief")) as session:
        data = BriefTemplateInput(title="Healthcare integration brief", body_html="<h1>{{ partner.name }} and {{ vendor_name }}</h1>", is_active=True)
        brief_service.create_template(session, Actor.system(label="test-setup"), data=data, check=lambda _: None)


def test_list_and_render_a_partners_brief(cli_env, runner, world, tmp_path):
    build_early_access(world.db, world)
    _brief(world)
    listed = runner.invoke(app, ["briefs", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == "Brief\tAsset\tActive\tPreviews\tDownloads"
    assert "Healthcare integration brief\tstand-alone\tyes\t0\t0" in lines and "Retired brief\tstand-alone\tno\t0\t0" in lines

    out = tmp_path / "northwind.pdf"
    rendered = runner.invoke(app, ["briefs", "render", "healthcare", "--partner", "northwind", "--out", str(out)])
    assert rendered.exit_code == 0, rendered.output
    assert "“Healthcare integration brief” for Northwind Consulting written to" in rendered.output
    assert out.read_bytes().startswith(b"%PDF")


def test_names_that_match_nothing_or_several_are_refused(cli_env, runner, world, tmp_path):
    build_early_access(world.db, world)
    _brief(world)
    out = str(tmp_path / "x.pdf")
    unknown = runner.invoke(app, ["briefs", "render", "healthcare", "--partner", "Nobody Ltd", "--out", out])
    assert unknown.exit_code == 1 and "no partner named “Nobody Ltd”" in unknown.output
    several = runner.invoke(app, ["briefs", "render", "brief", "--partner", "Northwind", "--out", out])
    assert several.exit_code == 1 and "names several brief templates" in several.output
    assert not (tmp_path / "x.pdf").exists()
