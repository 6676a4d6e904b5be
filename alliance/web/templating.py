"""The Jinja environment: templates only format what services loaded."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from alliance import __version__
from alliance.charts import Chart, render_svg
from alliance.identity.permissions import Permission, can, can_edit_partner
from alliance.identity.scope import ROLE_LABELS
from alliance.identity.user_sessions import describe_client
from alliance.kit.money import format_money
from alliance.partners.metrics import COMPARISONS, METRICS
from alliance.partners.vocabulary import (
    DELIVERY_ROLE_LABELS,
    REGIONS,
    SUBTYPE_LABELS,
    TYPE_LABELS,
    AssetAccessLevel,
    DeliveryRole,
    PartnerStatus,
    PartnerType,
    SISubtype,
    SponsorSide,
)
from alliance.web.deps import csrf_token, pop_flashes

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _label(value: Any) -> str:
    for table in (TYPE_LABELS, SUBTYPE_LABELS, DELIVERY_ROLE_LABELS, ROLE_LABELS):
        if value in table:
            return table[value]
    return str(value).replace("_", " ").capitalize() if value is not None else ""


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _duration(value: timedelta) -> str:
    """'8 hours', '14 days', '90 minutes': the largest unit that divides it."""
    minutes = int(value.total_seconds() // 60)
    count, unit = minutes, "minute"
    for size, name in ((24 * 60, "day"), (60, "hour")):
        if minutes and minutes % size == 0:
            count, unit = minutes // size, name
            break
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _options(items: Any, value: str = "id", text: str = "name") -> list[tuple[str, str]]:
    """(value, label) pairs from loaded objects, for a select."""
    return [(str(getattr(item, value)), str(getattr(item, text))) for item in items]


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters replaced (sorting and paging links)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params)


COMPARISON_SYMBOLS = {">=": "≥", ">": ">", "==": "=", "<=": "≤", "<": "<"}


# (value, label) pairs for the selects of every form and filter bar.
CHOICES: dict[str, list[tuple[str, str]]] = {
    "partner_type": [(t.value, TYPE_LABELS[t]) for t in PartnerType],
    "si_subtype": [(t.value, SUBTYPE_LABELS[t]) for t in SISubtype],
    "status": [(s.value, s.value.capitalize()) for s in PartnerStatus],
    "region": [(r, r) for r in REGIONS],
    "delivery_role": [(r.value, DELIVERY_ROLE_LABELS[r]) for r in DeliveryRole],
    "sponsor_side": [(s.value, f"{s.value.capitalize()} side") for s in SponsorSide],
    "asset_access_level": [(a.value, a.value.capitalize()) for a in AssetAccessLevel],
    "criteria_mode": [("all", "All criteria must be met"), ("any", "Any one criterion is enough")],
    "comparison": [(c, COMPARISON_SYMBOLS[c]) for c in COMPARISONS],
}


def _number(value: Decimal | int | float | None) -> str:
    if value is None:
        return "—"
    text = format(Decimal(value).normalize(), "f")
    return f"{Decimal(text):,}" if "." not in text else f"{Decimal(text):,.2f}"


def _money(value: Decimal | int | None, currency: str, compact: bool = False) -> str:
    """`{{ amount | money(currency) }}`: every amount a page prints goes through kit.money."""
    return format_money(value, currency, compact=compact)


def _criterion(criterion: Any, currency: str) -> str:
    """A tier criterion in words: 'Certified solution architects (any level) ≥ 2', 'Influenced revenue … ≥ €1M'."""
    metric = METRICS.get(criterion.metric)
    label = metric.label if metric else criterion.metric
    threshold = _money(criterion.threshold, currency, compact=True) if metric and metric.unit == "currency" else _number(criterion.threshold)
    return f"{label} {COMPARISON_SYMBOLS.get(criterion.comparison, criterion.comparison)} {threshold}"


def _svg(chart: Chart) -> Markup:
    # render_svg escapes every text it draws (title, labels) and emits only matplotlib's own markup.
    return Markup(render_svg(chart))


def _audit_value(value: Any) -> str:
    """One before/after value of an audit event, readable."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_audit_value(v) for v in value) or "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_audit_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


templates.env.filters.update(
    label=_label, svg=_svg, money=_money, when=_when, duration=_duration, client=describe_client, number=_number, criterion=_criterion, audit_value=_audit_value
)
templates.env.globals.update(version=__version__, Permission=Permission, query=_query, options=_options, choices=CHOICES)


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200) -> Response:
    actor = getattr(request.state, "actor", None)
    base = {
        "request": request,
        "actor": actor,
        "user_name": getattr(request.state, "user_name", None),
        "unread": getattr(request.state, "unread", 0),
        "can": (lambda permission: actor is not None and can(actor, permission)),
        "can_edit_partner": (lambda partner_id: actor is not None and can_edit_partner(actor, partner_id)),
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
    }
    return templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)
