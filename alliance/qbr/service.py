"""QBR packages: a draft per partner per fiscal quarter, regenerated on demand from live data as of
a date; published (frozen: figures, chart SVGs and their SHA-256 stored, never changed after);
shared with the partner's admins and sponsors in the portal. Commitments are edited in the draft
and the open ones carry over to the next quarter's draft.

Partner admins read their own packages once shared; the channel team (QBRS_PREPARE) prepares them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import PARTNER_ROLES, Actor
from alliance.kit import clock, fiscal
from alliance.kit.fiscal import FiscalPeriod
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.qbr import charts as qbr_charts
from alliance.qbr import dashboard, figures_service
from alliance.qbr.models import Qbr, QbrCommitment
from alliance.qbr.repository import QbrRepository
from alliance.qbr.schemas import CommitmentInput, CommitmentUpdate
from alliance.qbr.vocabulary import CARRIED_STATUSES, QbrStatus

COMMITMENT_FIELDS = ("title", "side", "owner_name", "due_on", "status", "note")


@dataclass(frozen=True)
class QbrContent:
    """What a package shows: its figures (with the commitments) and each chart's SVG."""

    figures: dict[str, Any]
    svgs: dict[str, str]


# --- reading -----------------------------------------------------------------------------------


def get_qbr(session: Session, actor: Actor, *, qbr_id: int) -> Qbr:
    """A package with its commitments; partners only their own, once shared (else 404, looked up
    before the permission so another partner's package answers as a missing one)."""
    qbr = QbrRepository(session).get_loaded(qbr_id, shared_only=actor.is_partner)
    if qbr is None:
        raise NotFound(f"QBR {qbr_id} not found.")
    require(actor, Permission.QBRS_READ)
    return qbr


def list_qbrs(session: Session, actor: Actor, *, partner_id: int | None = None, period_key: str | None = None, status: QbrStatus | None = None) -> list[Any]:
    """(qbr, partner name) rows, newest quarter first (partners: their own shared ones)."""
    require(actor, Permission.QBRS_READ)
    return QbrRepository(session).listed(partner_id=partner_id, period_key=period_key, status=status, shared_only=actor.is_partner)


def content(qbr: Qbr) -> QbrContent:
    """A published package's stored figures and charts; a draft's figures with its commitments as
    they stand, and the charts drawn when it was last generated."""
    if qbr.status != QbrStatus.DRAFT:
        return QbrContent(figures=qbr.figures, svgs=dict(qbr.charts or {}))
    figures = {**qbr.figures, "commitments": [_commitment_json(c) for c in qbr.commitments]}
    return QbrContent(figures=figures, svgs=dict(qbr.charts) if qbr.charts is not None else qbr_charts.svgs(figures))


def content_commitments(qbr: Qbr) -> list[dict[str, Any]]:
    """The commitments as the package shows them (stored in a published one's figures)."""
    return list(qbr.figures["commitments"]) if qbr.status != QbrStatus.DRAFT else [_commitment_json(c) for c in qbr.commitments]


def content_sha256(figures: Mapping[str, Any], svgs: Mapping[str, str]) -> str:
    canonical = json.dumps({"figures": figures, "charts": svgs}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- the executive dashboard ---------------------------------------------------------------------

DASHBOARD_VIEWS = ("portfolio", "mine", "sponsored")


def executive_dashboard(session: Session, actor: Actor, *, view: str, today: date | None = None) -> dashboard.Dashboard:
    """The portfolio (every partner), a CAM's own partners ("mine") or the partners the reader
    sponsors ("sponsored"), for the current fiscal quarter and the four before it."""
    require(actor, Permission.EXECUTIVE_DASHBOARD_READ)
    day = today or clock.today()
    partner_ids = view_partner_ids(session, actor, view=view)
    quarter = fiscal.current().period(fiscal.PeriodKind.QUARTER, day)
    computed = figures_service.compute(session, partner_ids=partner_ids, quarter=quarter, as_of=day) if partner_ids != [] else {}
    currencies = Counter(f["currency"] for f in computed.values())
    return dashboard.build(computed, currency=currencies.most_common(1)[0][0] if currencies else None)


def view_partner_ids(session: Session, actor: Actor, *, view: str | None) -> list[int] | None:
    """The partners a dashboard view covers: None for the portfolio (every partner), a CAM's own
    ("mine"), the strategic partners the reader sponsors ("sponsored"). The lists behind the
    dashboard's numbers narrow to the same partners."""
    repository = QbrRepository(session)
    if view == "mine":
        return repository.cam_partner_ids(actor.user_id or 0)
    if view == "sponsored":
        return repository.sponsored_partner_ids(actor.user_id or 0)
    return None


# --- generating --------------------------------------------------------------------------------


def quarter_of(text: str) -> FiscalPeriod:
    try:
        return figures_service.parse_quarter(text)
    except ValueError as error:
        raise RuleViolation(str(error), details=[{"field": "quarter", "message": str(error)}]) from error


def default_as_of(quarter: FiscalPeriod) -> date:
    """The quarter's last day, or today while it runs."""
    return min(quarter.end, clock.today())


def generate(session: Session, actor: Actor, *, partner_id: int, quarter: str, as_of: date | None = None) -> Qbr:
    """The partner's draft for the quarter, created (with the last quarter's open commitments
    carried over) or regenerated; a published package is never regenerated (409)."""
    found = generate_many(session, actor, partner_ids=[partner_id], quarter=quarter, as_of=as_of)
    if partner_id not in found:
        raise NotFound(f"Partner {partner_id} not found.")
    return found[partner_id]


def generate_many(
    session: Session,
    actor: Actor,
    *,
    partner_ids: Collection[int] | None,
    quarter: str,
    as_of: date | None = None,
    skip_published: bool = False,
    draw_charts: bool = True,
) -> dict[int, Qbr]:
    """Drafts for many partners at once (None: every partner the session sees): the figures of all
    of them are computed together (figures_service.compute, a fixed number of queries).
    `draw_charts=False` leaves a draft's charts to be drawn when it is shown or published
    (portfolio runs draw them in the PDF worker processes instead)."""
    require(actor, Permission.QBRS_PREPARE)
    period = quarter_of(quarter)
    day = as_of or default_as_of(period)
    if day < period.start:
        raise RuleViolation("The as-of date is before the quarter starts.", details=[{"field": "as_of", "message": f"on or after {period.start.isoformat()}"}])
    computed = figures_service.compute(session, partner_ids=partner_ids, quarter=period, as_of=day)
    repository = QbrRepository(session)
    existing = repository.for_quarters(list(computed), period.key)
    previous = repository.for_quarters(list(computed), fiscal.current().shift(period, -1).key)
    now = clock.now()
    found: dict[int, Qbr] = {}
    for partner_id, figures in computed.items():
        qbr = existing.get(partner_id)
        if qbr is not None:
            qbr = repository.get_for_change_loaded(qbr.id)
            assert qbr is not None
            if qbr.status != QbrStatus.DRAFT:
                if skip_published:
                    found[partner_id] = qbr
                    continue
                raise Conflict(f"The {period.label} QBR of {figures['partner']['name']} is {qbr.status.value}: its figures never change.")
            before = {"as_of": qbr.as_of.isoformat()}
            charts = qbr_charts.svgs(figures, drawn=qbr.charts, drawn_from=qbr.figures) if draw_charts else None
            qbr.as_of, qbr.figures, qbr.generated_at, qbr.generated_by_user_id = day, figures, now, actor.user_id
            qbr.charts = charts
            qbr.updated_at = now
            session.flush()
            audit.record(
                session, actor, "qbr.regenerated", entity_type="qbr", entity_id=qbr.id, partner_id=partner_id, before=before, after={"as_of": day.isoformat()}
            )
        else:
            qbr = Qbr(
                partner_id=partner_id,
                period_key=period.key,
                starts_on=period.start,
                ends_on=period.end,
                as_of=day,
                status=QbrStatus.DRAFT,
                figures=figures,
                charts=qbr_charts.svgs(figures) if draw_charts else None,
                generated_at=now,
                generated_by_user_id=actor.user_id,
            )
            repository.add(qbr)
            carried = [c for c in (previous[partner_id].commitments if partner_id in previous else []) if c.status in CARRIED_STATUSES]
            for position, old in enumerate(carried, start=1):
                repository.add_commitment(
                    QbrCommitment(
                        partner_id=partner_id,
                        qbr_id=qbr.id,
                        position=position,
                        title=old.title,
                        side=old.side,
                        owner_name=old.owner_name,
                        due_on=old.due_on,
                        status=old.status,
                        note=old.note,
                        carried_from_id=old.id,
                    )
                )
            audit.record(
                session,
                actor,
                "qbr.generated",
                entity_type="qbr",
                entity_id=qbr.id,
                partner_id=partner_id,
                after={"period_key": period.key, "as_of": day.isoformat(), "carried_commitments": len(carried)},
            )
            qbr = repository.get_loaded(qbr.id, shared_only=False)
            assert qbr is not None
        found[partner_id] = qbr
    return found


def generate_portfolio(session: Session, actor: Actor, *, quarter: str, strategic_only: bool, as_of: date | None = None) -> list[Qbr]:
    """Drafts for the strategic partners (a vendor-side executive sponsor) or every active partner,
    all computed together; packages already published are left as they are and returned too."""
    require(actor, Permission.QBRS_PREPARE)
    partner_ids = QbrRepository(session).portfolio_ids(strategic_only=strategic_only)
    if not partner_ids:
        return []
    found = generate_many(session, actor, partner_ids=partner_ids, quarter=quarter, as_of=as_of, skip_published=True, draw_charts=False)
    return [found[pid] for pid in partner_ids if pid in found]


def regenerate(session: Session, actor: Actor, *, qbr_id: int, as_of: date | None = None) -> Qbr:
    """Recompute a draft's figures (as of its own date unless another is given)."""
    qbr = _draft_for_change(session, actor, qbr_id)
    return generate(session, actor, partner_id=qbr.partner_id, quarter=qbr.period_key, as_of=as_of or qbr.as_of)


# --- the lifecycle -----------------------------------------------------------------------------


def publish(session: Session, actor: Actor, *, qbr_id: int) -> Qbr:
    """Freeze the draft as it stands: its figures with the commitments, the chart SVGs, and the
    SHA-256 of both. Nothing in a published package changes after."""
    qbr = _draft_for_change(session, actor, qbr_id)
    shown = content(qbr)
    qbr.figures = shown.figures
    qbr.charts = shown.svgs
    qbr.content_sha256 = content_sha256(shown.figures, shown.svgs)
    qbr.status = QbrStatus.PUBLISHED
    qbr.published_at, qbr.published_by_user_id = clock.now(), actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        "qbr.published",
        entity_type="qbr",
        entity_id=qbr.id,
        partner_id=qbr.partner_id,
        before={"status": QbrStatus.DRAFT.value},
        after={"status": qbr.status.value, "content_sha256": qbr.content_sha256, "as_of": qbr.as_of.isoformat()},
    )
    return qbr


def share(session: Session, actor: Actor, *, qbr_id: int) -> Qbr:
    """Open a published package to the partner's admins in the portal and tell them and the
    sponsors who are users (both sides)."""
    require(actor, Permission.QBRS_PREPARE)
    qbr = QbrRepository(session).get_for_change_loaded(qbr_id)
    if qbr is None:
        raise NotFound(f"QBR {qbr_id} not found.")
    if qbr.status != QbrStatus.PUBLISHED:
        raise Conflict("Only a published QBR is shared." if qbr.status == QbrStatus.DRAFT else "This QBR is already shared.")
    qbr.status = QbrStatus.SHARED
    qbr.shared_at, qbr.shared_by_user_id = clock.now(), actor.user_id
    session.flush()
    audit.record(
        session, actor, "qbr.shared", entity_type="qbr", entity_id=qbr.id, partner_id=qbr.partner_id, before={"status": "published"}, after={"status": "shared"}
    )
    partner = qbr.figures["partner"]["name"]
    notification_service.notify(
        session,
        actor,
        event=EventType.QBR_SHARED,
        recipients=share_recipients(session, qbr.partner_id, partner),
        entity_type="qbr",
        entity_id=qbr.id,
        facts={"partner": partner, "period": qbr.figures["period"]["label"], "as_of": qbr.as_of.isoformat(), "by": actor.label},
    )
    return qbr


def share_recipients(session: Session, partner_id: int, partner: str) -> list[Recipient]:
    """The partner's admins (who read QBRs in the portal) and every sponsor who is a user."""
    users = UserRepository(session)
    admins = [role for role in roles_with(Permission.QBRS_READ) if role in PARTNER_ROLES]
    found = {
        uid: Recipient(uid, f"you administer {partner} in the partner portal") for uid in users.active_partner_user_ids(partner_id=partner_id, roles=admins)
    }
    sponsor_users = QbrRepository(session).sponsor_user_ids(partner_id)
    for user_id in users.active_vendor_ids(roles=roles_with(Permission.QBRS_READ), among=sponsor_users):
        found.setdefault(user_id, Recipient(user_id, f"you are an executive sponsor of {partner}"))
    return list(found.values())


# --- commitments -------------------------------------------------------------------------------


def add_commitment(session: Session, actor: Actor, *, qbr_id: int, data: CommitmentInput) -> QbrCommitment:
    qbr = _draft_for_change(session, actor, qbr_id)
    position = max((c.position for c in qbr.commitments), default=0) + 1
    commitment = QbrRepository(session).add_commitment(QbrCommitment(partner_id=qbr.partner_id, qbr_id=qbr.id, position=position, **data.model_dump()))
    audit.record(
        session,
        actor,
        "qbr.commitment_added",
        entity_type="qbr_commitment",
        entity_id=commitment.id,
        partner_id=qbr.partner_id,
        after=snapshot(commitment, COMMITMENT_FIELDS),
    )
    return commitment


def update_commitment(session: Session, actor: Actor, *, qbr_id: int, commitment_id: int, data: CommitmentUpdate) -> QbrCommitment:
    qbr = _draft_for_change(session, actor, qbr_id)
    commitment = _commitment_of(qbr, commitment_id)
    before = snapshot(commitment, COMMITMENT_FIELDS)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None and name in ("title", "side", "owner_name", "status"):
            raise RuleViolation(f"{name} cannot be empty.", details=[{"field": name, "message": "required"}])
        setattr(commitment, name, value)
    session.flush()
    audit.record_update(
        session,
        actor,
        "qbr.commitment_changed",
        entity_type="qbr_commitment",
        entity_id=commitment.id,
        partner_id=qbr.partner_id,
        before=before,
        after=snapshot(commitment, COMMITMENT_FIELDS),
    )
    return commitment


def remove_commitment(session: Session, actor: Actor, *, qbr_id: int, commitment_id: int) -> None:
    qbr = _draft_for_change(session, actor, qbr_id)
    commitment = _commitment_of(qbr, commitment_id)
    before = snapshot(commitment, COMMITMENT_FIELDS)
    qbr.commitments.remove(commitment)
    session.flush()
    audit.record(session, actor, "qbr.commitment_removed", entity_type="qbr_commitment", entity_id=commitment_id, partner_id=qbr.partner_id, before=before)


def _draft_for_change(session: Session, actor: Actor, qbr_id: int) -> Qbr:
    require(actor, Permission.QBRS_PREPARE)
    qbr = QbrRepository(session).get_for_change_loaded(qbr_id)
    if qbr is None:
        raise NotFound(f"QBR {qbr_id} not found.")
    if qbr.status != QbrStatus.DRAFT:
        raise Conflict(f"This QBR is {qbr.status.value}: a published package never changes (SHA-256 {qbr.content_sha256}).")
    return qbr


def _commitment_of(qbr: Qbr, commitment_id: int) -> QbrCommitment:
    commitment = next((c for c in qbr.commitments if c.id == commitment_id), None)
    if commitment is None:
        raise NotFound(f"Commitment {commitment_id} not found in this QBR.")
    return commitment


def _commitment_json(commitment: QbrCommitment) -> dict[str, Any]:
    return {
        "id": commitment.id,
        "title": commitment.title,
        "side": str(commitment.side),
        "owner_name": commitment.owner_name,
        "due_on": commitment.due_on.isoformat() if commitment.due_on else None,
        "status": str(commitment.status),
        "note": commitment.note,
        "carried": commitment.carried_from_id is not None,
    }
