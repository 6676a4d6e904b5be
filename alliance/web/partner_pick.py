"""The partner filter of the co-sell lists (queue, disputes, rules-of-engagement violations): one
partner chosen by name, and the executive dashboard's views ("mine": a CAM's partners,
"sponsored": the partners the reader sponsors) so that its numbers land on the records behind them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from alliance.cosell.labels import service as label_service
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.qbr import service as qbr_service
from alliance.web.forms import query_choice, query_int

VIEWS = {"mine": "My partners", "sponsored": "Partners I sponsor"}
# Past this many partners the select lists the first by name (a chosen one is always listed).
OPTIONS_SHOWN = 500


@dataclass(frozen=True)
class PartnerPick:
    partner_id: int | None
    view: str | None
    partner_ids: tuple[int, ...] | None  # the view's partners; None: every partner
    options: list[tuple[int, str]]  # (id, name) by name, for the select

    @property
    def view_label(self) -> str | None:
        return VIEWS.get(self.view or "")


def pick(request: Request, session: Session, actor: Actor) -> PartnerPick:
    params = request.query_params
    view = query_choice(params.get("view"), VIEWS)
    chosen = query_int(params.get("partner_id"))
    ids = qbr_service.view_partner_ids(session, actor, view=view) if view else None
    if ids is not None:
        names = label_service.name_partners(session, actor, partner_ids=ids)
    else:
        listed = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=PageRequest(limit=OPTIONS_SHOWN)).items
        names = {p.id: p.display_name for p in listed}
        if chosen is not None and chosen not in names:
            names.update(label_service.name_partners(session, actor, partner_ids=[chosen]))
    options: list[tuple[int, str]] = sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))
    return PartnerPick(partner_id=chosen, view=view, partner_ids=tuple(ids) if ids is not None else None, options=options)


def filters_of(found: PartnerPick) -> dict[str, Any]:
    """The repository filter fields for a pick (partner_id and partner_ids)."""
    return {"partner_id": found.partner_id, "partner_ids": found.partner_ids}
