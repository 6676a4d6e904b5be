"""The work lists the console and portal home pages lead with (governance.worklist_service), with
the link of each item and of each list's full page on the person's side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance.governance import worklist_service
from alliance.governance.worklist_service import WorkItem, WorkList
from alliance.identity.scope import Actor

# Where an item lives, by kind: (console, portal).
ITEM_LINKS = {
    "registration": ("/console/registrations/{id}", "/portal/registrations/{id}"),
    "plan": ("/console/cosell/plans/{id}", "/portal/cosell/plans/{id}"),
    "dispute": ("/console/disputes#dispute-{id}", "/portal/disputes#dispute-{id}"),
    "engagement": ("/console/engagements/{id}", "/portal/engagements"),
    "certification": ("/console/enablement/expiring", "/portal/certifications?person={id}"),
    "tier": ("/console/tiers/review", "/portal/tier"),
    "request": ("/console/cosell/requests/{id}", "/portal/cosell"),
    "recommendation": ("/console/tiers/review", "/portal/tier"),
    "figure": ("/console/tiers/review/figures", "/portal/tier"),
    "lab": ("/console/enablement/labs", "/portal/certifications"),
}
# Each list's full, filtered page: (console, portal).
LIST_LINKS = {
    "review": ("/console/registrations/review", "/portal/registrations"),
    "plans": ("/console/registrations?kind=project", "/portal/registrations?kind=project"),
    "disputes": ("/console/disputes", "/portal/disputes"),
    "engagements": ("/console/engagements", "/portal/engagements"),
    "info": ("/console/registrations?status=info_requested", "/portal/registrations?status=info_requested"),
    "protections": ("/console/registrations?status=approved", "/portal/registrations?status=approved"),
    "tier": ("/console/tiers/review", "/portal/tier"),
    "certifications": ("/console/enablement/expiring", "/portal/certifications"),
    "breaches": ("/console/cosell/breaches", "/portal/cosell"),
    "recommendations": ("/console/tiers/review", "/portal/tier"),
    "figures": ("/console/tiers/review/figures", "/portal/tier"),
    "labs": ("/console/enablement/labs", "/portal/certifications"),
}


@dataclass(frozen=True)
class ShownItem:
    item: WorkItem
    link: str


@dataclass(frozen=True)
class ShownList:
    work: WorkList
    items: list[ShownItem]
    see_all: str


def work_context(session: Session, actor: Actor) -> dict[str, Any]:
    side = 1 if actor.is_partner else 0
    shown = []
    for work in worklist_service.work_for(session, actor):
        items = [ShownItem(item, ITEM_LINKS[item.kind][side].format(id=item.entity_id)) for item in work.items]
        shown.append(ShownList(work, items, LIST_LINKS[work.key][side]))
    return {"work": shown}
