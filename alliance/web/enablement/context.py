"""The template context the enablement portal and console pages share: the labels and choice
lists their templates use, product line names and the certified-capacity panel both sides show."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.enablement import capacity_service
from alliance.enablement.recert_service import ExpiringWithin
from alliance.enablement.vocabulary import Level
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.partners import product_line_service
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, DeliveryRole

CONSOLE = "/console/enablement"

ROLES = tuple(r.value for r in DeliveryRole)
LEVELS = tuple(level.value for level in Level)
WINDOWS: tuple[ExpiringWithin, ...] = (30, 60, 90)
ALL = PageRequest(limit=MAX_LIMIT)
LEVEL_LABELS = {level.value: level.value.capitalize() for level in Level}
GRADING_LABELS = {"evaluator": "Graded by a vendor evaluator (rubric)", "environment": "Posted by the lab environment (signed)"}
STATUS_LABELS = {
    "active": "Active",
    "recert_required": "Recertify",
    "lapsed": "Lapsed",
    "expired": "Expired",
    "renewed": "Renewed",
    "revoked": "Revoked",
}
LAB_LABELS = {"pending": "Waiting for evaluation", "passed": "Passed", "failed": "Failed"}
# The most repeated rows a form takes (track modules and rubric, lab scores).
MAX_ROWS = 60


def text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def line_names(session: Session, actor: Actor) -> dict[str, str]:
    """Product line key → name: pages say "Integration Hub v5", not "integration-hub v5"."""
    return {line.key: line.name for line in product_line_service.list_product_lines(session, actor, active=None, page=ALL).items}


def labels() -> dict[str, Any]:
    return {
        "level_labels": LEVEL_LABELS,
        "role_labels": DELIVERY_ROLE_LABELS,
        "status_labels": STATUS_LABELS,
        "lab_labels": LAB_LABELS,
        "grading_labels": GRADING_LABELS,
        "roles": [(r.value, DELIVERY_ROLE_LABELS[r]) for r in DeliveryRole],
        "levels": list(LEVEL_LABELS.items()),
        "today": clock.today(),
    }


# --- shared: certified capacity ----------------------------------------------------------------


def capacity(session: Session, actor: Actor, partner_id: int) -> dict[str, Any]:
    """Certified people today by role × level (cells per product line) and a month-end sparkline per role."""
    current = capacity_service.current_capacity(session, actor, partner_id=partner_id)
    history = capacity_service.capacity_history(session, actor, partner_id=partner_id)
    matrix: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for cell in current.cells:
        matrix[cell.delivery_role][cell.level].append((cell.product_line, cell.people))
    totals = {r.delivery_role: r.people for r in current.roles}
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for point in history.by_role:
        counts[point.delivery_role][point.on] = point.people
    roles = sorted(set(totals) | set(counts), key=lambda r: ROLES.index(r) if r in ROLES else len(ROLES))
    series = {role: _sparkline([counts[role].get(day, 0) for day in history.days]) for role in roles}
    return {"on": current.on, "roles": roles, "matrix": matrix, "totals": totals, "series": series, "days": history.days}


def _sparkline(values: list[int], width: int = 140, height: int = 28) -> dict[str, Any]:
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return {
        "points": points,
        "first": values[0] if values else 0,
        "last": values[-1] if values else 0,
        "peak": max(values, default=0),
        "width": width,
        "height": height,
    }
