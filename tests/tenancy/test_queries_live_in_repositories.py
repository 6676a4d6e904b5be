"""Lint as a test: partner-owned models are only queried in repositories (`repository.py`, or
`<topic>_repository.py` where one domain has several), and the one scope bypass is only used
there (Polar's org_scope linter, in miniature). Every spelling of a query counts: `select(Model)`,
`select(Model.column)` and columns inside functions, `session.get(Model, id)`,
`session.query(Model)`, `insert`/`update`/`delete(Model)`, joins and filters that name a
partner-owned model, and `Model.__table__`."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import alliance
from alliance.db import PartnerOwned, PartnerRoot
from alliance.models import import_all_models

PACKAGE = Path(alliance.__file__).parent
# Calls whose arguments make (part of) a statement: naming a partner-owned model in them is a query.
STATEMENT_CALLS = {"select", "insert", "update", "delete", "query", "join", "outerjoin", "where", "filter", "having", "exists", "with_only_columns"}
# Files outside repositories allowed to name partner-owned tables, and why.
ALLOWED = {
    "alliance/demo/bulk.py": "demo seeding writes whole tables in one system-scope transaction, before any partner exists to scope to",
}


def _partner_owned_names() -> set[str]:
    import_all_models()
    names = set()
    stack = [*PartnerOwned.__subclasses__(), *PartnerRoot.__subclasses__()]
    while stack:
        cls = stack.pop()
        names.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    return names


def _owned_reference(node: ast.AST, owned: set[str]) -> str | None:
    """`Model` or `Model.column` (at any depth: `func.count(Model.id)`) for a partner-owned Model."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id in owned:
            return inner.id
    return None


def _call_name(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def _findings(tree: ast.AST, owned: set[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in STATEMENT_CALLS:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    model = _owned_reference(arg, owned)
                    if model:
                        yield node.lineno, f"{name}(...{model}...)"
                        break
            elif name == "get" and isinstance(node.func, ast.Attribute) and node.args:
                model = _owned_reference(node.args[0], owned) if isinstance(node.args[0], ast.Name) else None
                if model:
                    yield node.lineno, f"get({model}, ...)"
        elif isinstance(node, ast.Attribute) and node.attr == "__table__" and isinstance(node.value, ast.Name) and node.value.id in owned:
            yield node.lineno, f"{node.value.id}.__table__"
        elif isinstance(node, ast.keyword) and node.arg == "bypass_partner_scope":
            yield node.lineno, "bypass_partner_scope outside a repository"


def _in_repository(path: Path) -> bool:
    return path.name == "repository.py" or path.name.endswith("_repository.py") or "migrations" in path.parts


def _violations(source: str, path: str = "module.py") -> list[str]:
    owned = _partner_owned_names()
    return [f"{path}:{line}: {what}" for line, what in _findings(ast.parse(source, filename=path), owned)]


def test_partner_owned_models_are_known():
    assert {"Partner", "Person", "Sponsor", "User", "PartnerAttribute"} <= _partner_owned_names()


@pytest.mark.parametrize(
    "source",
    [
        "select(Partner)",
        "sa.select(Partner).where(Partner.id == 1)",
        "select(Partner.id, Partner.display_name)",
        "select(func.count(Person.id))",
        "select(Program).join(Partner, Partner.program_id == Program.id)",
        "select(Program.id).where(Program.id.in_(select(Partner.program_id)))",
        "session.get(Partner, 1)",
        "session.query(Person).all()",
        "session.execute(update(Person).values(title=None))",
        "session.execute(delete(Sponsor))",
        "session.execute(insert(Person), rows)",
        "table = Partner.__table__",
        "repository.list(bypass_partner_scope=True)",
    ],
)
def test_each_spelling_of_a_query_is_caught(source):
    assert _violations(source)


@pytest.mark.parametrize(
    "source",
    ["select(Program)", "session.get(Program, 1)", "settings.get('Partner')", "selectinload(Partner.tier)", "PartnerRepository(session).get(1)"],
)
def test_non_partner_queries_and_loader_options_pass(source):
    assert _violations(source) == []


def test_partner_owned_queries_only_in_repositories():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(PACKAGE.parent))
        if _in_repository(path) or relative in ALLOWED:
            continue
        found.extend(_violations(path.read_text(), relative))
    assert found == []


def test_allowed_files_still_need_it():
    """An entry whose file no longer queries partner-owned tables must go, or the list only grows."""
    for relative in ALLOWED:
        assert _violations((PACKAGE.parent / relative).read_text(), relative), relative
