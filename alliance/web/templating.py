"""The Jinja environment: templates only format what services loaded."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from alliance import __version__
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import ROLE_LABELS
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, SUBTYPE_LABELS, TYPE_LABELS
from alliance.web.deps import csrf_token, pop_flashes

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _label(value: Any) -> str:
    for table in (TYPE_LABELS, SUBTYPE_LABELS, DELIVERY_ROLE_LABELS, ROLE_LABELS):
        if value in table:
            return table[value]
    return str(value).replace("_", " ").capitalize() if value is not None else ""


def _money(value: Decimal | int | float | None) -> str:
    if value is None:
        return "—"
    amount = Decimal(value)
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:,.1f}M"
    return f"${amount:,.0f}"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def _query(request: Request, **changes: Any) -> str:
    """The current query string with some parameters replaced (sorting and paging links)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + urlencode(params)


templates.env.filters.update(label=_label, money=_money, when=_when)
templates.env.globals.update(version=__version__, Permission=Permission, query=_query)


def render(request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200) -> Response:
    actor = getattr(request.state, "actor", None)
    base = {
        "request": request,
        "actor": actor,
        "user_name": getattr(request.state, "user_name", None),
        "can": (lambda permission: actor is not None and can(actor, permission)),
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
    }
    return templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)
