"""Contribution decisions: the partner person who submitted a contributed version hears when the
vendor's reviewer approves it or requests changes.

Release-driven flags: when a product release is recorded (enablement), the owners of assets
validated only for older versions of that product line are told, once per asset and release, by
the sweep (set-based: one INSERT … SELECT per product line). The library shows the same flag from
the same comparison (service._flags)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from alliance.assets import lifecycle
from alliance.assets.models import Asset, AssetVersion
from alliance.assets.repository import AssetRepository
from alliance.assets.vocabulary import ReviewDecision
from alliance.identity.scope import Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType


def notify_unvalidated(session: Session, actor: Actor, *, today: date) -> int:
    """Queue "not yet validated for vX" to the owners of every flagged published asset."""
    repository = AssetRepository(session)
    names = repository.product_line_names()
    queued = 0
    for line, release in repository.latest_releases().items():
        if release.released_on > today:
            continue
        rows = repository.unvalidated_owners(line, rank=lifecycle.release_rank(release.version), product=names.get(line, line), version=release.version)
        queued += notification_service.notify_each(
            session, actor, event=EventType.ASSET_NOT_VALIDATED, rows=rows, entity_type="asset", occurrence=f"release-{release.id}"
        )
    return queued


def contribution_decided(session: Session, actor: Actor, *, asset: Asset, version: AssetVersion, decision: ReviewDecision, comment: str) -> int:
    """Tell the partner person who submitted a contributed version that the vendor's reviewer
    approved it (published, credited to the partner) or requested changes (with the comment)."""
    if asset.contributed_by_partner_id is None or version.created_by_user_id is None:
        return 0
    facts = {
        "asset": asset.title,
        "version": version.number,
        "approved": decision == ReviewDecision.APPROVE,
        "comment": comment,
        "partner": AssetRepository(session).partner_names([asset.contributed_by_partner_id]).get(asset.contributed_by_partner_id, ""),
        "by": actor.label,
    }
    recipients = [Recipient(version.created_by_user_id, "you submitted this version of your organisation's contribution")]
    return notification_service.notify(
        session, actor, event=EventType.ASSET_CONTRIBUTION_DECIDED, recipients=recipients, entity_type="asset", entity_id=asset.id, facts=facts
    )
