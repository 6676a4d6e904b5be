from __future__ import annotations

from alliance.cli import app
from alliance.cli.programs import DEFAULT_PROGRAMS


def test_load_default_then_reload_is_unchanged(runner, cli_env, db):
    first = runner.invoke(app, ["program", "load", str(DEFAULT_PROGRAMS)])
    assert first.exit_code == 0, first.output
    assert "7 created" in first.output
    second = runner.invoke(app, ["program", "load", str(DEFAULT_PROGRAMS)])
    assert "7 unchanged" in second.output and "0 updated" in second.output


def test_update_by_key(runner, cli_env, world, tmp_path, client):
    text = DEFAULT_PROGRAMS.read_text().replace("name: Distribution Program", "name: Distribution Program FY27")
    path = tmp_path / "p.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["program", "load", str(path)])
    assert result.exit_code == 0 and "1 updated" in result.output
    program = client.get(f"/api/v1/programs/{world.program_ids['distributor']}", headers=world.headers("admin")).json()
    assert program["name"] == "Distribution Program FY27"


def test_errors_name_line_and_field(runner, cli_env, db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "programs:\n"
        "  - key: x\n"
        "    name: X\n"
        "    partner_type: reseller\n"
        "    tiers:\n"
        "      - key: a\n"
        "        name: A\n"
        "        benefits: {deal_protection_days: 90, project_protection_days: 9999, influence_protection_days: 1}\n"
        "        criteria: {rules: [{metric: certified.solution_architekt, threshold: 2}]}\n"
    )
    result = runner.invoke(app, ["program", "load", str(path)])
    assert result.exit_code == 1
    assert "line 8: programs[0].tiers[0].benefits.project_protection_days" in result.output
    assert "line 9" in result.output and "certified.solution_architekt" in result.output


def test_not_yaml(runner, cli_env, db, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("programs: [\n  - key: x\n")
    result = runner.invoke(app, ["program", "load", str(path)])
    assert result.exit_code == 1 and "not valid YAML" in result.output


def test_removing_tier_in_use_refused(runner, cli_env, world, tmp_path):
    # Partner A sits on si-regional/registered; a file without that tier cannot strand it.
    text = DEFAULT_PROGRAMS.read_text()
    start = text.index("\n- key: si-regional")
    registered = text.index("  - key: registered", start)
    silver = text.index("  - key: silver", registered)
    path = tmp_path / "p.yaml"
    path.write_text(text[:registered] + text[silver:])
    result = runner.invoke(app, ["program", "load", str(path)])
    assert result.exit_code == 1 and "still has 1 partners" in result.output
