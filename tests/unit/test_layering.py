"""Domains know nothing of HTTP, templates or the CLI; adapters are thin layers over them.

Every module is found by walking the package, so a new service or rule module is checked the day
it is added: services (`service.py`, `<topic>_service.py`, and the few session-taking workflow
modules listed below) never commit and never raise HTTP errors; pure rule modules (everything in
a domain that is not a model, schema, repository or service) take and return values and never
touch the database.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import alliance

PACKAGE = Path(alliance.__file__).parent
ADAPTERS = ("api", "web", "cli", "http", "delivery", "ace", "scim")
NOT_DOMAINS = (*ADAPTERS, "migrations", "demo", "kit")
FORBIDDEN = (
    "fastapi",
    "starlette",
    "jinja2",
    "typer",
    "alliance.api",
    "alliance.web",
    "alliance.cli",
    "alliance.http",
    "alliance.delivery",
    "alliance.ace",
    "alliance.scim",
)
# Modules that run a workflow over a session without the service suffix, and why.
SESSION_WORKFLOWS = {
    "customers/importer.py": "the CSV import driver: batches of rows through the customer service",
    "customers/batches.py": "one import batch: resolve, match and write customers",
    "customers/registration_link.py": "links a submitted registration to its customer (advisory lock on PostgreSQL)",
    "enablement/importer.py": "the learning-system import driver",
    "assets/importer.py": "the library folder import: each asset through the asset service",
    "registrations/sweep.py": "the registration part of `alliance sweep`",
}
# What touching the database looks like from a pure rule module.
DATABASE_MODULES = ("sqlalchemy", "alliance.db", "alliance.kit.repository")


def _relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _domain_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.glob("*/**/*.py") if p.relative_to(PACKAGE).parts[0] not in NOT_DOMAINS and p.name != "__init__.py")


def _kind(path: Path) -> str:
    stem = path.stem
    if stem in ("service", "repository", "models", "schemas"):
        return stem
    for suffix in ("service", "repository", "schemas"):
        if stem.endswith("_" + suffix):
            return suffix
    return "service" if _relative(path) in SESSION_WORKFLOWS else "rules"


SERVICES = [_relative(p) for p in _domain_modules() if _kind(p) == "service"]
RULES = [_relative(p) for p in _domain_modules() if _kind(p) == "rules"]


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            # `from alliance.registrations import service` names the module in the alias.
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_discovery_finds_every_service_and_rule_module():
    assert len(SERVICES) >= 21 + len(SESSION_WORKFLOWS)
    assert {"registrations/service.py", "cosell/disputes/service.py", "enablement/recert_service.py", "customers/importer.py"} <= set(SERVICES)
    assert {"registrations/conflicts.py", "registrations/attribution.py", "tiers/evaluation.py", "enablement/recert.py"} <= set(RULES)
    assert all((PACKAGE / name).exists() for name in SESSION_WORKFLOWS)


def _within(module: str, packages: tuple[str, ...]) -> bool:
    """`module` is one of `packages` or inside one (alliance.webhooks is not inside alliance.web)."""
    return any(module == package or module.startswith(package + ".") for package in packages)


def test_domains_do_not_import_adapters_or_frameworks():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in (*ADAPTERS, "app.py", "migrations", "demo"):
            continue
        offenders.extend(f"{relative}: imports {name}" for name in _imports(path) if _within(name, FORBIDDEN))
    assert offenders == []


def test_no_dumping_ground_modules():
    assert not [p for p in PACKAGE.rglob("*.py") if p.stem in ("utils", "helpers", "common", "misc")]


@pytest.mark.parametrize("module", SERVICES)
def test_services_never_commit_or_raise_http_errors(module):
    tree = ast.parse((PACKAGE / module).read_text())
    offenders = [
        f"line {node.lineno}: {node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("commit", "rollback")
    ]
    offenders += [f"line {node.lineno}: {node.id}" for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == "HTTPException"]
    assert offenders == []


@pytest.mark.parametrize("module", RULES)
def test_rule_modules_are_pure(module):
    path = PACKAGE / module
    tree = ast.parse(path.read_text())
    offenders = [name for name in _imports(path) if name.startswith(DATABASE_MODULES) or name.rsplit(".", 1)[-1].endswith(("service", "repository"))]
    offenders += [
        f"line {node.lineno}: takes a session"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(a.arg == "session" for a in node.args.args + node.args.kwonlyargs)
    ]
    assert offenders == []
