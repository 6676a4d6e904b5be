"""Lint as a test: partner-owned models are only queried in repositories (`repository.py`, or
`<topic>_repository.py` where one domain has several), and the one
scope bypass is only used there (Polar's org_scope linter, in miniature)."""

from __future__ import annotations

import ast
from pathlib import Path

import alliance
from alliance.db import PartnerOwned, PartnerRoot
from alliance.models import import_all_models

PACKAGE = Path(alliance.__file__).parent


def _partner_owned_names() -> set[str]:
    import_all_models()
    names = set()
    stack = [*PartnerOwned.__subclasses__(), *PartnerRoot.__subclasses__()]
    while stack:
        cls = stack.pop()
        names.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    return names


def _violations() -> list[str]:
    owned = _partner_owned_names()
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "repository.py" or path.name.endswith("_repository.py") or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name in ("select", "update", "delete") and any(isinstance(a, ast.Name) and a.id in owned for a in node.args):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {name}({', '.join(a.id for a in node.args if isinstance(a, ast.Name))})")
            if isinstance(node, ast.keyword) and node.arg == "bypass_partner_scope":
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: bypass_partner_scope outside a repository")
    return found


def test_partner_owned_models_are_known():
    assert {"Partner", "Person", "Sponsor", "User", "PartnerAttribute"} <= _partner_owned_names()


def test_partner_owned_queries_only_in_repositories():
    assert _violations() == []
