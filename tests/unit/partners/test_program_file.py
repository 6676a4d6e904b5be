from __future__ import annotations

import pytest

from alliance.cli.programs import DEFAULT_PROGRAMS
from alliance.partners.program_file import ProgramFileError, parse_programs

TIER = (
    "      - key: {key}\n        name: {name}\n        benefits: {{deal_protection_days: 90, project_protection_days: 365, influence_protection_days: 270}}\n"
)


def _program(extra: str = "", tiers: str = TIER.format(key="a", name="A"), header: str = "  - key: p\n    name: P\n    partner_type: reseller\n") -> str:
    return "programs:\n" + header + extra + "    tiers:\n" + tiers


def test_default_programs_parse():
    document = parse_programs(DEFAULT_PROGRAMS.read_text())
    assert len(document.programs) == 7
    assert all(p.tiers[0].criteria.rules == [] for p in document.programs), "entry tiers have no criteria"


def test_minimal_program():
    program = parse_programs(_program()).programs[0]
    assert program.tiers[0].benefits.mdf_allocation == 0 and program.tiers[0].criteria.mode == "all"


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (_program(header="  - key: p\n    name: P\n    partner_type: systems_integrator\n"), 2, "programs[0]"),
        (_program(header="  - key: Bad Key\n    name: P\n    partner_type: reseller\n"), 2, "programs[0].key"),
        (_program(tiers=TIER.format(key="a", name="A") + TIER.format(key="a", name="B")), 2, "programs[0]"),
        (_program(extra="    colour: blue\n"), 5, "programs[0].colour"),
        (_program(tiers=TIER.format(key="a", name="A").replace("90", "-3")), 8, "programs[0].tiers[0].benefits.deal_protection_days"),
        (_program(extra="    downgrade_grace_days: 400\n"), 5, "programs[0].downgrade_grace_days"),
        (_program(extra="    currency: XYZ\n"), 5, "programs[0].currency"),
        (
            _program(extra="    dispute_ladder:\n      - {name: Team, days: 3, deciders: [cam]}\n      - {name: VP, days: 3, deciders: [auditor]}\n"),
            7,
            "programs[0].dispute_ladder[1].deciders[0]",
        ),
    ],
)
def test_errors_point_at_line_and_field(text, line, field):
    with pytest.raises(ProgramFileError) as error:
        parse_programs(text)
    problem = error.value.problems[0]
    assert problem.field == field
    assert problem.line == line


def test_settings_default_and_load():
    program = parse_programs(_program()).programs[0]
    assert program.downgrade_grace_days == 90 and [level.name for level in program.dispute_ladder] == ["CAM and PS lead", "Channel director", "VP channel"]
    text = _program(extra="    downgrade_grace_days: 30\n    dispute_ladder:\n      - {name: Account team, days: 4, deciders: [cam, ps_lead]}\n")
    program = parse_programs(text).programs[0]
    assert program.downgrade_grace_days == 30 and [(lv.name, lv.days, lv.deciders) for lv in program.dispute_ladder] == [
        ("Account team", 4, ["cam", "ps_lead"])
    ]


def test_currency_defaults_to_usd_and_is_checked():
    assert parse_programs(_program()).programs[0].currency == "USD"
    assert parse_programs(_program(extra="    currency: eur\n")).programs[0].currency == "EUR"
    with pytest.raises(ProgramFileError, match="XYZ is not an ISO 4217 currency code"):
        parse_programs(_program(extra="    currency: XYZ\n"))


def test_duplicate_program_keys():
    text = _program() + "  - key: p\n    name: Q\n    partner_type: msp\n    tiers:\n" + TIER.format(key="a", name="A")
    with pytest.raises(ProgramFileError, match="program keys must be unique"):
        parse_programs(text)


def test_not_a_mapping_and_bad_yaml():
    with pytest.raises(ProgramFileError, match="mapping"):
        parse_programs("- just a list\n")
    with pytest.raises(ProgramFileError, match="line 3"):
        parse_programs("programs:\n  - key: [unclosed\n")
