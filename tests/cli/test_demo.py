"""`alliance demo`: builds a believable vendor once, deterministically, and prints logins that work.

These tests use their own SQLite file whatever ALLIANCE_TEST_BACKEND says: the command builds and
migrates its own database, which is what a first-time user runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import text
from typer.testing import CliRunner

from alliance.cli import app
from alliance.config import get_settings
from alliance.db import Database
from alliance.demo.plan import plan_demo
from alliance.demo.staff import DEMO_PASSWORD
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.planning import ramp_service
from alliance.planning.ramp_rules import CohortBy, Milestone

SEED = 42
runner = CliRunner()


def invoke(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def said(result: Result) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Result]]:
    """One demo database for the module (building it is the slow part), and the first run's output."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'sub' / 'demo.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            yield url, invoke("demo", "--no-serve", "--seed", str(SEED))
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()


def query(url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        database.dispose()


class TestDemo:
    def test_mdf_requests_and_claims_in_every_state(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        requests = {row[0] for row in query(url, "SELECT status FROM fund_requests")}
        claims = {row[0] for row in query(url, "SELECT status FROM fund_claims")}
        assert requests == {"submitted", "approved", "rejected", "withdrawn", "closed"} and claims == {"submitted", "approved", "rejected", "paid"}
        partial = query(url, "SELECT COUNT(*) FROM fund_claims WHERE approved_amount < reimbursable_amount")[0][0]
        expired = query(url, "SELECT COUNT(*) FROM fund_ledger_entries WHERE kind = 'expired'")[0][0]
        assert partial == 1 and expired == 1
        # A deal registered with the paid summit's campaign code: the activity's return on the MDF.
        assert query(url, "SELECT title FROM registrations WHERE fund_request_id IS NOT NULL") == [("Clinical data platform after the summit",)]

    def test_briefs_and_one_early_access_program_with_an_enrolled_partner_and_a_pending_one(self, demo_db: tuple[str, Result]) -> None:
        url, result = demo_db
        assert sorted(row[0] for row in query(url, "SELECT title FROM brief_templates WHERE asset_id IS NOT NULL")) == [
            "Healthcare HIPAA integration brief",
            "Security SOC brief",
        ]
        assert query(url, "SELECT name FROM early_access_programs") == [("Data Platform 10",)]
        assert sorted(row[0] for row in query(url, "SELECT status FROM early_access_applications")) == ["accepted", "pending"]
        assert query(url, "SELECT COUNT(*) FROM assets WHERE early_access_program_id IS NOT NULL")[0][0] == 1
        assert query(url, "SELECT COUNT(*) FROM early_access_feedback")[0][0] == 1
        assert "2 co-branded briefs, 1 early-access program with 2 applications" in said(result)

    def test_builds_about_sixty_partners_of_every_type_and_si_subtype(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        kinds = Counter({(t, s): n for t, s, n in query(url, "SELECT partner_type, si_subtype, COUNT(*) FROM partners GROUP BY 1, 2")})
        assert 55 <= sum(kinds.values()) <= 65
        assert {t for t, _ in kinds} == {"systems_integrator", "reseller", "msp", "distributor"}
        assert {s for t, s in kinds if t == "systems_integrator"} == {"gsi", "regional", "vertical", "technology"}

    def test_partners_are_the_seeds_plan_with_valid_tiers_cams_and_people(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        names = [n for (n,) in query(url, "SELECT display_name FROM partners ORDER BY id")]
        assert names == [p.display_name for p in plan_demo(SEED, today=clock.today()).partners]
        mismatched = query(
            url,
            "SELECT p.id FROM partners p LEFT JOIN tiers t ON t.id = p.tier_id LEFT JOIN programs g ON g.id = p.program_id "
            "LEFT JOIN users u ON u.id = p.cam_user_id "
            "WHERE t.program_id IS NOT p.program_id OR g.partner_type != p.partner_type OR u.role != 'cam'",
        )
        assert mismatched == []
        assert query(url, "SELECT COUNT(DISTINCT tier_id) > 10, COUNT(DISTINCT cam_user_id) FROM partners") == [(1, 4)]
        assert query(url, "SELECT COUNT(*) FROM partners WHERE id NOT IN (SELECT partner_id FROM users WHERE role = 'partner_admin')") == [(0,)]
        assert query(url, "SELECT COUNT(*) >= 200 FROM people") == [(1,)]

    def test_vendor_staff_cover_every_vendor_role(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        roles = Counter(dict(query(url, "SELECT role, COUNT(*) FROM users WHERE partner_id IS NULL GROUP BY role")))
        assert set(roles) == {"program_admin", "cam", "ps_lead", "cosell_resource", "executive", "auditor"}
        assert 3 <= roles["cam"] <= 4

    def test_prints_the_url_and_demo_logins(self, demo_db: tuple[str, Result]) -> None:
        url, result = demo_db
        vendor_logins = [email for (email,) in query(url, "SELECT email FROM users WHERE partner_id IS NULL")]
        assert len(vendor_logins) == 9 and all(email in result.output for email in vendor_logins)  # every vendor login, whatever its role
        readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
        assert all(f"`{email}`" in readme for email in vendor_logins)
        for expected in (
            "admin@vendor.example",
            "cam@vendor.example",
            "auditor@vendor.example",
            "dana.whitfield@harborbridge.example",
            "marcus.lee@harborbridge.example",
            DEMO_PASSWORD,
            "http://127.0.0.1:8000/login",
        ):
            assert expected in result.output

    def test_demo_logins_authenticate_with_the_demo_password(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        database = Database(url)
        try:
            with database.session_scope(PartnerScope.system(reason="test login")) as session:
                for email in ("admin@vendor.example", "dana.whitfield@harborbridge.example"):
                    user = identity_service.authenticate(
                        session, email=email, password=DEMO_PASSWORD, client=None, max_failures=5, window=timedelta(minutes=15)
                    )
                    assert user is not None and user.email == email
        finally:
            database.dispose()

    def test_second_run_leaves_the_data_alone(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        before = query(url, "SELECT (SELECT COUNT(*) FROM partners), (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM users WHERE last_login_at IS NULL)")
        result = invoke("demo", "--no-serve", "--seed", "7")
        assert "already has 60 partners" in said(result) and "admin@vendor.example" in result.output
        assert (
            query(url, "SELECT (SELECT COUNT(*) FROM partners), (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM users WHERE last_login_at IS NULL)")
            == before
        )

    def test_practice_story_plans_and_ramp(self, demo_db: tuple[str, Result]) -> None:
        """Harbor Bridge's plan (one milestone confirmed with a linked record, one at risk), a GSI's
        co-investment, a regional SI that won its first deal 9 months in and one stalled at 20."""
        url, result = demo_db
        assert "4 joint business plans" in said(result)
        plans = dict(query(url, "SELECT p.display_name, COUNT(*) FROM business_plans b JOIN partners p ON p.id = b.partner_id GROUP BY 1"))
        assert plans["Harbor Bridge Consulting"] == 1 and len(plans) == 4
        linked = query(url, "SELECT COUNT(*) FROM business_plan_progress WHERE status = 'confirmed' AND evidence_registration_id IS NOT NULL")
        assert linked == [(1,)]
        kinds = {k for (k,) in query(url, "SELECT DISTINCT investment_kind FROM business_plan_items WHERE investment_kind IS NOT NULL")}
        assert {"certification_funding", "mdf", "architect_hours"} <= kinds
        database = Database(url)
        try:
            with database.session_scope(PartnerScope.system(reason="test ramp"), write=False) as session:
                found = ramp_service.report(session, Actor.system(), by=CohortBy.TYPE)
        finally:
            database.dispose()
        regional = [r for r in found.ramps if r.type_label == "systems_integrator/regional"]
        assert any(r.months_to(Milestone.WON) == 9.0 and r.invested for r in regional)
        stalled = [s for s in found.stalled if s.cohort == "systems_integrator/regional" and s.months_enrolled == 20.0]
        assert stalled and Milestone.WON in {m for m, _ in stalled[0].missing}

    def test_audit_trail_verifies(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        result = invoke("audit", "verify")
        assert "OK" in result.output
        actions = dict(query(url, "SELECT action, COUNT(*) FROM audit_events GROUP BY action"))
        assert actions["partner.created"] == query(url, "SELECT COUNT(*) FROM partners")[0][0]
        assert {"person.added", "sponsor.added", "user.created", "program.created"} <= set(actions)

    def test_reset_rebuilds_the_same_vendor_from_the_same_seed(self, demo_db: tuple[str, Result]) -> None:
        url, _ = demo_db
        names = query(url, "SELECT display_name, legal_name, tier_id FROM partners ORDER BY id")
        result = invoke("demo", "--no-serve", "--reset", "--seed", str(SEED))
        assert "Deleted" in result.output and "Demo vendor built from seed 42: 60 partners" in said(result)
        assert query(url, "SELECT display_name, legal_name, tier_id FROM partners ORDER BY id") == names
        invoke("audit", "verify")


class TestDemoReset:
    def test_refuses_to_reset_anything_but_sqlite(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ALLIANCE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/alliance")
        get_settings.cache_clear()
        try:
            result = runner.invoke(app, ["demo", "--no-serve", "--reset"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 1
        assert "--reset only deletes a SQLite database" in said(result)
