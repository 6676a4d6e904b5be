"""The demo's solution library: about forty assets across kinds, product lines and verticals,
several with more than one version (one deprecated), some locked by tier or certification, some
validated only for a product version older than its newest release; a global SI's accelerator in
review; and a few hundred views and downloads by the partners (inserted set-based)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.assets import service as asset_service
from alliance.assets.models import Asset
from alliance.assets.schemas import AssetInput, Entitlement, ValidatedVersion, VersionInput
from alliance.assets.vocabulary import AssetKind, CertificationHolder, UsageAction, VersionAction
from alliance.demo.bulk import ASSET_USAGE, insert_rows
from alliance.demo.registrations import frozen
from alliance.enablement.models import CertificationTrack
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import PartnerStatus, SISubtype

K = AssetKind
# (kind, title, product line, validated version, verticals, technologies, minimum tier rank)
Spec = tuple[AssetKind, str, str, str, list[str], list[str], int | None]
CURATED: tuple[Spec, ...] = (
    (K.SOLUTION_PATTERN, "HIPAA-compliant HL7/FHIR integration pattern", "integration-hub", "5.0", ["healthcare"], ["fhir", "hl7"], None),
    (K.REFERENCE_ARCHITECTURE, "Security operations centre (SOC) reference architecture", "security-suite", "3.0", [], ["siem", "soar"], 3),
    (K.SOLUTION_ACCELERATOR, "Data migration accelerator: legacy warehouse to Data Platform", "data-platform", "8.0", [], ["python", "sql"], None),
    (K.REFERENCE_ARCHITECTURE, "Lakehouse reference architecture on Kubernetes", "data-platform", "9.0", [], ["kubernetes", "spark"], 2),
    (K.COMPLIANCE_KIT, "PCI DSS 4.0 compliance kit for card data", "security-suite", "4.0", ["financial services", "retail"], ["tokenization"], 3),
    (K.DELIVERY_METHODOLOGY, "Data Platform implementation methodology", "data-platform", "9.0", [], [], None),
    (K.DEMO_GUIDE, "Analytics 12 demo environment guide", "analytics", "12.0", [], ["docker"], None),
    (K.SOLUTION_PATTERN, "Event-driven order integration pattern", "integration-hub", "4.2", ["retail", "manufacturing"], ["kafka"], None),
    (K.COMPLIANCE_KIT, "GDPR data-subject request kit", "data-platform", "8.0", ["public sector"], [], 2),
    (K.REFERENCE_ARCHITECTURE, "Zero-trust network reference architecture", "security-suite", "4.0", [], ["identity", "sase"], 4),
    (K.SOLUTION_ACCELERATOR, "Claims analytics accelerator for insurers", "analytics", "12.0", ["insurance"], ["python"], 2),
    (K.DEMO_GUIDE, "Security Suite PoC in a day", "security-suite", "3.0", [], ["terraform"], None),
    (K.SOLUTION_PATTERN, "Real-time fraud scoring pattern", "analytics", "11.3", ["financial services"], ["streaming"], 3),
    (K.DELIVERY_METHODOLOGY, "Managed service run-book for Integration Hub", "integration-hub", "5.0", [], [], None),
)
VERTICALS = ("healthcare", "financial services", "manufacturing", "retail", "public sector", "energy", "telecommunications")
LINES = {
    "data-platform": ("Data Platform", ("8.0", "9.0")),
    "integration-hub": ("Integration Hub", ("4.2", "5.0")),
    "analytics": ("Analytics", ("11.3", "12.0")),
    "security-suite": ("Security Suite", ("3.0", "4.0")),
}
TOPICS = {
    K.REFERENCE_ARCHITECTURE: "reference architecture",
    K.SOLUTION_PATTERN: "integration pattern",
    K.SOLUTION_ACCELERATOR: "accelerator",
    K.DELIVERY_METHODOLOGY: "delivery playbook",
    K.DEMO_GUIDE: "demo guide",
    K.COMPLIANCE_KIT: "compliance kit",
}


@dataclass(frozen=True)
class AssetsSummary:
    assets: int
    usage_events: int


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def build_assets(session: Session, actor: Actor, *, seed: int, today: date) -> AssetsSummary:
    rng = random.Random(seed * 9_173 + 3)
    owner = identity_service.actor_for(identity_service.vendor_users(session, Role.PROGRAM_ADMIN)[0])
    architect_track = session.scalar(
        select(CertificationTrack.id).where(
            CertificationTrack.product_line == "data-platform",
            CertificationTrack.delivery_role == "solution_architect",
            CertificationTrack.level == "professional",
        )
    )
    specs: list[Spec] = list(CURATED)
    kinds = list(K)
    for index in range(40 - len(CURATED)):
        kind = kinds[index % len(kinds)]
        line = list(LINES)[index % len(LINES)]
        vertical = VERTICALS[index % len(VERTICALS)]
        name, versions = LINES[line]
        specs.append((kind, f"{vertical.capitalize()} {name} {TOPICS[kind]}", line, versions[index % 2], [vertical], [], (None, None, 2, 3)[index % 4]))
    asset_ids = []
    for index, (kind, title, line, version, verticals, technologies, tier) in enumerate(specs):
        published_on = today - timedelta(days=rng.randint(3, 300))
        certification = architect_track if index in (3, 17, 29) else None
        data = AssetInput(
            kind=kind,
            title=title,
            summary=f"{TOPICS[kind].capitalize()} for {LINES[line][0]} {version}"
            + (f" in {', '.join(verticals)}" if verticals else "")
            + ", validated by the vendor's architects.",
            body=f"## When to use it\n\n{title} for teams delivering {LINES[line][0]}.\n\n## What is inside\n\n- Architecture decisions and sizing\n- Deployment steps\n- Test plan and acceptance criteria\n",
            product_lines=[line],
            verticals=verticals,
            technologies=technologies,
            tags=[TOPICS[kind].split()[0]],
            validated_versions=[ValidatedVersion(product_line=line, version=version)],
            deployment_pattern=("hybrid", "SaaS", "on-premises")[index % 3],
            entitlement=Entitlement(
                minimum_tier_rank=tier,
                required_track_id=certification,
                certification_holder=CertificationHolder.PARTNER,
                holders_needed=1 if index != 17 else 2,
            ),
        )
        with frozen(_moment(published_on)):
            asset = asset_service.create_asset(session, owner, data=data)
            _publish(session, owner, asset.id, "1.0.0")
        if index % 5 == 0:
            with frozen(_moment(published_on + timedelta(days=(today - published_on).days // 2))):
                first = asset_service.view_asset(session, owner, asset_id=asset.id, record_view=False).versions[0]
                _publish(session, owner, asset.id, "1.1.0")
                asset_service.transition_version(session, owner, version_id=first.id, action=VersionAction.DEPRECATE, reason="Superseded by 1.1.0")
        asset_ids.append(asset.id)
    _contribution(session, actor, today)
    return AssetsSummary(assets=len(asset_ids) + 1, usage_events=_usage(session, actor, rng, asset_ids, today))


def _publish(session: Session, owner: Actor, asset_id: int, number: str) -> None:
    version = asset_service.add_version(session, owner, asset_id=asset_id, data=VersionInput(number=number, release_notes=f"Release {number}."))
    asset_service.transition_version(session, owner, version_id=version.id, action=VersionAction.SUBMIT, reason=None)
    asset_service.transition_version(session, owner, version_id=version.id, action=VersionAction.PUBLISH, reason=None)


def _contribution(session: Session, actor: Actor, today: date) -> None:
    """A global SI's accelerator, submitted for the vendor's review."""
    found = partner_service.list_partners(
        session, actor, filters=PartnerFilters(si_subtype=SISubtype.GSI, status=PartnerStatus.ACTIVE), sort="name", page=PageRequest(limit=1)
    ).items
    admins = (
        identity_service.list_users(session, actor, role=Role.PARTNER_ADMIN, partner_id=found[0].id, q=None, sort=None, page=PageRequest(limit=1)).items
        if found
        else []
    )
    if not admins:
        return
    contributor = identity_service.actor_for(admins[0])
    data = AssetInput(
        kind=K.SOLUTION_ACCELERATOR,
        title="SAP to Data Platform 9 migration factory",
        summary="Co-developed with the vendor: automated extraction, mapping and reconciliation for SAP ECC landscapes.",
        body="## Contents\n\n- Extraction jobs\n- Mapping workbook\n- Reconciliation reports\n",
        product_lines=["data-platform"],
        technologies=["sap", "python"],
        tags=["migration"],
        validated_versions=[ValidatedVersion(product_line="data-platform", version="9.0")],
    )
    with frozen(_moment(today - timedelta(days=4))):
        asset = asset_service.create_asset(session, contributor, data=data)
        version = asset_service.add_version(session, contributor, asset_id=asset.id, data=VersionInput(number="0.9.0", release_notes="First contribution."))
        asset_service.transition_version(session, contributor, version_id=version.id, action=VersionAction.SUBMIT, reason=None)


def _usage(session: Session, actor: Actor, rng: random.Random, asset_ids: list[int], today: date) -> int:
    """Views and downloads by partner users over the last six months (one INSERT)."""
    found = identity_service.list_users(session, actor, role=Role.PARTNER_USER, partner_id=None, q=None, sort=None, page=PageRequest(limit=120)).items
    users = [(user.id, user.partner_id) for user in found]
    versions = dict(session.execute(select(Asset.id, Asset.current_version_id).where(Asset.id.in_(asset_ids))).all())
    rows = []
    for _ in range(600 if users else 0):
        user_id, partner_id = rng.choice(users)
        asset_id = rng.choice(asset_ids[: len(asset_ids) // 2]) if rng.random() < 0.6 else rng.choice(asset_ids)
        rows.append(
            {
                "partner_id": partner_id,
                "asset_id": asset_id,
                "version_id": versions.get(asset_id),
                "user_id": user_id,
                "action": (UsageAction.DOWNLOAD if rng.random() < 0.3 else UsageAction.VIEW).value,
                "occurred_at": _moment(today - timedelta(days=rng.randint(0, 180))),
            }
        )
    return insert_rows(session, ASSET_USAGE, rows)
