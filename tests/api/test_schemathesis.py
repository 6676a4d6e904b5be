"""Schemathesis against the API's own OpenAPI document: no 5xx, and every response as documented.

Each operation gets the cases schemathesis derives from the document (its explicit examples, then
fuzzing; with ALLIANCE_SCHEMATHESIS_COVERAGE=1 also the boundary-value phase). Each case is sent
as a program admin and as a partner admin, once with the generated path ids and, where the path
has ids of a kind the world holds, once with the ids of real records, to the test app on this
suite's backend (scripts/test.sh runs it on SQLite and on PostgreSQL). A failure names the
operation and prints a curl command that reproduces it.

Bounded for CI: ALLIANCE_SCHEMATHESIS_EXAMPLES (default 5) fuzzed cases per operation with a fixed
seed, so a run is repeatable; bench/schemathesis_long.sh runs it with far more.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from alliance.app import create_app
from alliance.config import Settings

EXAMPLES = int(os.environ.get("ALLIANCE_SCHEMATHESIS_EXAMPLES", "5"))
COVERAGE = os.environ.get("ALLIANCE_SCHEMATHESIS_COVERAGE", "") == "1"
SEED = int(os.environ.get("ALLIANCE_SCHEMATHESIS_SEED", "16"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLERS = ("admin", "a_admin")

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": EXAMPLES},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": COVERAGE}, "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
    }
)
# The document comes from an app of its own (no database needed to describe the API); every case
# is then sent to the suite's app with app=shared_app.
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", create_app(Settings(database_url="sqlite://", secret_key="schema-only-" + "x" * 32), check_schema=False), config=CONFIG
)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_api(case, shared_app, world):  # type: ignore[no-untyped-def]
    generated = dict(case.path_parameters or {})
    real = {**generated, **_real_ids(world, generated)}
    # Where no path id has a real record to stand for it (195 of 240 operations: no ids, or ids
    # such as a plan's), the second pass would send the very same requests again: sent once.
    for path_parameters in (generated, real) if real != generated else (generated,):
        case.path_parameters = path_parameters
        for who in CALLERS:
            case.call_and_validate(app=shared_app, headers=world.headers(who), checks=CHECKS)


def _real_ids(world, generated: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Ids of real records (partner A's: the partner admin's own), so that bodies reach the
    services; any other id (a plan, a dispute, ...) keeps its generated value, mostly a 404."""
    known = {
        "partner_id": lambda: world.a.id,
        "person_id": lambda: world.a.person_ids[0],
        "sponsor_id": lambda: world.a.sponsor_ids[1],
        "user_id": lambda: world.a.user_id,
        "program_id": lambda: world.program_ids["reseller"],
        "tier_id": lambda: world.tier_ids["reseller/silver"],
        "registration_id": lambda: world.registrations()["a"],
        "seq": lambda: 1,
    }
    return {name: known[name]() for name in generated if name in known}
