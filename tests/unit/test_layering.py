"""Domains know nothing of HTTP, templates or the CLI; adapters are thin layers over them."""

from __future__ import annotations

import ast
from pathlib import Path

import alliance

PACKAGE = Path(alliance.__file__).parent
ADAPTERS = ("api", "web", "cli")
FORBIDDEN = ("fastapi", "starlette", "jinja2", "typer", "alliance.api", "alliance.web", "alliance.cli")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_domains_do_not_import_adapters_or_frameworks():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in (*ADAPTERS, "app.py", "migrations", "demo"):
            continue
        for name in _imports(path):
            if name.startswith(FORBIDDEN):
                offenders.append(f"{relative}: imports {name}")
    assert offenders == []


def test_no_dumping_ground_modules():
    assert not [p for p in PACKAGE.rglob("*.py") if p.stem in ("utils", "helpers", "common", "misc")]


def test_no_http_exceptions_or_commits_in_services():
    offenders = []
    for path in PACKAGE.rglob("service.py"):
        text = path.read_text()
        if "HTTPException" in text or ".commit()" in text:
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []
