"""The permission table is the only place that knows roles: the generated docs follow it, and no
other module compares an actor's role or keeps a set of roles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import alliance
from alliance.identity.permissions import PERMISSIONS, Permission, render_markdown, roles_with
from alliance.identity.scope import Role

PACKAGE = Path(alliance.__file__).parent
DOCS = PACKAGE.parent / "docs" / "permissions.md"
ROLE_VALUES = frozenset(role.value for role in Role)
# Where roles are the subject: the model itself, migrations, and the demo that creates users by role.
ALLOWED = ("identity/", "migrations/", "demo/")
# Co-sell (and its dispute ladder) moves onto the table on its own branch; drop these once it has landed.


def test_docs_are_generated_from_the_table():
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), "docs/permissions.md is stale: python -m alliance.identity.permissions > docs/permissions.md"


def test_every_permission_is_documented_with_its_roles():
    text = render_markdown()
    for permission, grant in PERMISSIONS.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{permission.value}` |"))
        assert row.count("✓") == len(grant.roles) == len(roles_with(permission))


def _is_role_member(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"


def _is_role_of_someone(node: ast.AST) -> bool:
    """`actor.role`, `user.role`, `self.actor.role.value` (not a certification's delivery role)."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if not (isinstance(node, ast.Attribute) and node.attr == "role"):
        return False
    owner = node.value
    name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
    return "actor" in name or "user" in name


def _names_roles(node: ast.AST) -> bool:
    """A role, a collection of roles, or a constant that holds them."""
    if _is_role_member(node) or (isinstance(node, ast.Name) and node.id.isupper()) or (isinstance(node, ast.Attribute) and node.attr.isupper()):
        return True
    return isinstance(node, ast.Set | ast.Tuple | ast.List) and any(
        _names_roles(e) or (isinstance(e, ast.Constant) and e.value in ROLE_VALUES) for e in node.elts
    )


def _role_set(node: ast.AST) -> bool:
    """A literal set, tuple or list of roles (as members or as their string values)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("frozenset", "set") and node.args:
        node = node.args[0]
    if not isinstance(node, ast.Set | ast.Tuple | ast.List) or not node.elts:
        return False
    return all(_is_role_member(e) or (isinstance(e, ast.Constant) and e.value in ROLE_VALUES) for e in node.elts)


# Role names that are program data, not authorization: the default dispute ladder names the roles
# deciding at each level (programs edit their own ladder).
PROGRAM_DATA = {"DEFAULT_DISPUTE_LADDER"}


def _data_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id in PROGRAM_DATA for t in targets):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def offences(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    data = _data_lines(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in data:
            continue
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_role_of_someone(o) for o in operands) and any(_names_roles(o) for o in operands):
                found.append(f"{node.lineno}: compares a role")
        elif _role_set(node):
            found.append(f"{node.lineno}: keeps a set of roles")
    return found


def test_no_module_outside_identity_compares_roles_or_keeps_role_sets():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(ALLOWED):
            continue
        offenders += [f"{relative}:{line}" for line in offences(path)]
    assert offenders == [], "ask the permission table (identity/permissions.py) instead"


def test_templates_ask_can_not_roles():
    offenders = []
    for path in sorted((PACKAGE / "web" / "templates").rglob("*.html")):
        offenders += [
            f"{path.name}:{n}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"actor\.role\s*(==|!=|in\b|not\b)|\bis_reviewer\b", line)
        ]
    assert offenders == []


def test_the_guard_catches_each_idiom(tmp_path):
    source = tmp_path / "bad.py"
    source.write_text(
        "EDITORS = frozenset({Role.PROGRAM_ADMIN, Role.CAM})\n"
        "DECIDERS = frozenset({'cam', 'executive'})\n"
        "a = actor.role in EDITORS\n"
        "b = actor.role == Role.CAM\n"
        "c = user.role not in (Role.CAM, Role.PROGRAM_ADMIN)\n"
        "d = actor.role.value in {'cam'}\n"
        "fine = request.session.get('role') != user.role or cert.role in DELIVERY_ROLES\n"
    )
    assert sorted({int(line.split(":")[0]) for line in offences(source)}) == [1, 2, 3, 4, 5, 6]


def test_read_only_roles_only_read():
    for role in (Role.AUDITOR, Role.EXECUTIVE):
        granted = {p for p in Permission if role in PERMISSIONS[p].roles}
        # Executives read, decide scope disputes at the ladder levels a program names them for, and
        # record the executive meetings they hold as sponsors.
        acts = {Permission.DISPUTES_DECIDE, Permission.SPONSOR_MEETINGS_RECORD} if role == Role.EXECUTIVE else set()
        acts.add(Permission.OWN_EMAIL_SETTINGS)  # their own e-mail choices: no record of the program's
        assert all(p.value.endswith(".read") for p in granted - acts), (role, granted)
