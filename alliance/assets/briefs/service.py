"""Co-branded solution briefs. The vendor's asset owners write brief templates (HTML with
placeholders, standing alone or attached to a library asset, for some partner types/subtypes);
a partner previews a brief and downloads it as a PDF with its own name, logo, certifications
(counted by role and product) and contact merged in. Rendering is the adapters' (a sandboxed
Jinja2 environment, WeasyPrint: alliance.http.brief_document); this module decides who may
render which brief for which partner, gathers the facts, and counts each preview and download.

A partner renders only for itself: another partner's id answers as a missing one does."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from alliance import audit
from alliance.assets import entitlement
from alliance.assets.briefs.models import BriefTemplate, BriefUsage, PartnerLogo
from alliance.assets.briefs.repository import BriefRepository
from alliance.assets.briefs.schemas import BriefTemplateInput
from alliance.assets.entitlement import Lock, Requirement, Standing
from alliance.assets.repository import AssetRepository
from alliance.assets.vocabulary import KIND_LABELS, UsageAction
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.files import service as file_service
from alliance.files.kinds import extension_of
from alliance.files.storage import BlobStore
from alliance.files.vocabulary import FilePurpose
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.partners.repository import PartnerRepository
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, SUBTYPE_LABELS, TYPE_LABELS, DeliveryRole, PartnerType, SISubtype

TEMPLATE_FIELDS = ("title", "summary", "asset_id", "partner_types", "si_subtypes", "is_active")
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
LOGO_MAX_BYTES = 2 * 1024 * 1024
# Says what is wrong with a template's HTML (syntax, a forbidden construct) or None: the adapters'
# sandboxed renderer, handed in so that this domain imports no template engine.
TemplateCheck = Callable[[str], str | None]


@dataclass(frozen=True)
class BriefEntry:
    template: BriefTemplate
    asset_title: str | None
    locks: list[Lock]
    views: int
    downloads: int


@dataclass(frozen=True)
class Certified:
    role: str  # "Solution architect"
    product: str  # "Data Platform 9.0"
    count: int  # people holding it


@dataclass(frozen=True)
class BriefContent:
    """What a brief's placeholders are filled with (http.brief_document.PLACEHOLDERS)."""

    template: BriefTemplate
    partner: dict[str, Any]
    certifications: list[Certified]
    certified_people: int
    contact: dict[str, Any]
    generated_on: str
    usage: dict[str, int] = field(default_factory=dict)


def list_briefs(session: Session, actor: Actor) -> list[BriefEntry]:
    """Vendor: every template with its usage; partners: the active ones, those not for their
    partner type locked with the reason."""
    require(actor, Permission.ASSETS_READ)
    repository = BriefRepository(session)
    rows = repository.templates(active_only=actor.is_partner)
    totals = repository.usage_totals([template.id for template, _ in rows])
    standing = _standing(session, actor)
    return [BriefEntry(template, title, _locks(template, standing), *totals.get(template.id, (0, 0))) for template, title in rows]


def get_template(session: Session, actor: Actor, *, template_id: int) -> BriefTemplate:
    require(actor, Permission.ASSETS_READ)
    template = BriefRepository(session).get(template_id)
    if template is None or (actor.is_partner and not template.is_active):
        raise NotFound(f"Brief {template_id} not found.")
    return template


def usage(session: Session, actor: Actor, *, template_id: int | None = None, asset_id: int | None = None) -> list[Any]:
    """Previews and downloads per template and partner (the adoption report's brief part)."""
    require(actor, Permission.ASSETS_ADOPTION)
    return BriefRepository(session).usage_by_partner(template_id=template_id, asset_id=asset_id)


def brief_content(session: Session, actor: Actor, *, template_id: int, partner_id: int | None, action: UsageAction, store: BlobStore) -> BriefContent:
    """The facts a brief is rendered with for `partner_id` (partners: their own, the default);
    a partner's preview (view) or PDF (download) is counted."""
    template = get_template(session, actor, template_id=template_id)
    if actor.is_partner:
        require(actor, Permission.BRIEFS_USE)
        if partner_id is not None and partner_id != actor.partner_id:
            raise NotFound(f"Partner {partner_id} not found.")
        partner_id = actor.partner_id
    elif partner_id is None:
        raise RuleViolation("Say which partner the brief is for.", details=[{"field": "partner_id", "message": "required for vendor previews"}])
    assert partner_id is not None
    repository = BriefRepository(session)
    partner = repository.partner(partner_id)
    if partner is None:
        raise NotFound(f"Partner {partner_id} not found.", details=[{"field": "partner_id", "message": "no such partner"}])
    found = _locks(template, _standing(session, actor, partner_id=partner_id))
    if found:
        raise PermissionDenied(f"“{template.title}” is {entitlement.summary(found)}.")
    facts = AssetRepository(session)
    tier = facts.partner_facts(partner_id)
    held = facts.held_certifications(partner_id, today=clock.today())
    lines = facts.product_line_names()
    counted: dict[tuple[str, str], set[int]] = {}
    for h in held:
        key = (DELIVERY_ROLE_LABELS[DeliveryRole(h.delivery_role)], f"{lines.get(h.product_line, h.product_line)} {h.product_version}")
        counted.setdefault(key, set()).add(h.person_id)
    logo = repository.logo(partner_id)
    contact = repository.contact(actor.user_id if actor.is_partner else None, partner_id=partner_id)
    if actor.is_partner:
        repository.add_row(BriefUsage(partner_id=partner_id, template_id=template.id, user_id=actor.user_id, action=action))
    return BriefContent(
        template=template,
        partner={
            "name": partner.display_name,
            "legal_name": partner.legal_name,
            "website": partner.website or "",
            "tier": tier.tier_name if tier and tier.tier_name else "",
            "type": TYPE_LABELS[PartnerType(partner.partner_type)],
            "subtype": SUBTYPE_LABELS[SISubtype(partner.si_subtype)] if partner.si_subtype else "",
            "logo": _data_uri(logo[1].content_type, store, logo[1].sha256) if logo else "",
        },
        certifications=[Certified(role, product, len(people)) for (role, product), people in sorted(counted.items())],
        certified_people=len({h.person_id for h in held}),
        contact={"name": contact[0], "email": contact[1], "title": contact[2] or ""} if contact else {"name": "", "email": "", "title": ""},
        generated_on=clock.today().isoformat(),
    )


def create_template(session: Session, actor: Actor, *, data: BriefTemplateInput, check: TemplateCheck) -> BriefTemplate:
    require(actor, Permission.BRIEFS_MANAGE)
    repository = BriefRepository(session)
    _check(repository, data, check)
    template = BriefTemplate(created_by_user_id=actor.user_id, **_values(data))
    repository.add(template)
    audit.record(session, actor, "brief_template.created", entity_type="brief_template", entity_id=template.id, after=snapshot(template, TEMPLATE_FIELDS))
    return template


def update_template(session: Session, actor: Actor, *, template_id: int, data: BriefTemplateInput, check: TemplateCheck) -> BriefTemplate:
    require(actor, Permission.BRIEFS_MANAGE)
    repository = BriefRepository(session)
    template = repository.get_for_change(template_id)
    if template is None:
        raise NotFound(f"Brief {template_id} not found.")
    _check(repository, data, check)
    before = {**snapshot(template, TEMPLATE_FIELDS), "body_sha256": _digest(template.body_html)}
    for name, value in _values(data).items():
        setattr(template, name, value)
    template.updated_at = clock.now()
    session.flush()
    after = {**snapshot(template, TEMPLATE_FIELDS), "body_sha256": _digest(template.body_html)}
    audit.record_update(session, actor, "brief_template.updated", entity_type="brief_template", entity_id=template.id, before=before, after=after)
    return template


def upload_logo(session: Session, actor: Actor, *, source: BinaryIO, filename: str, store: BlobStore) -> PartnerLogo:
    """The partner's logo for its briefs, when it has none yet (an image: PNG, JPEG, GIF, WebP)."""
    require(actor, Permission.BRIEFS_USE)
    assert actor.partner_id is not None
    if extension_of(filename) not in ("png", "jpg", "jpeg", "gif", "webp"):
        raise RuleViolation("A logo is an image: PNG, JPEG, GIF or WebP.", details=[{"field": "file", "message": "name it .png, .jpg, .gif or .webp"}])
    # The partner's row lock orders two uploads: the second finds the first logo.
    PartnerRepository(session).get_for_change(actor.partner_id)
    repository = BriefRepository(session)
    if repository.logo(actor.partner_id) is not None:
        raise Conflict("Your organisation has a logo already.", details=[{"field": "file", "message": "a logo exists"}])
    stored = file_service.upload(
        session, actor, source=source, filename=filename, purpose=FilePurpose.LOGO, partner_id=actor.partner_id, store=store, max_bytes=LOGO_MAX_BYTES
    )
    if stored.content_type not in LOGO_TYPES:
        raise RuleViolation(f"A logo is an image, not {stored.content_type}.", details=[{"field": "file", "message": "upload a PNG, JPEG, GIF or WebP image"}])
    logo = PartnerLogo(partner_id=actor.partner_id, file_id=stored.id, uploaded_by_user_id=actor.user_id)
    repository.add_row(logo)
    audit.record(
        session, actor, "partner_logo.uploaded", entity_type="partner", entity_id=actor.partner_id, partner_id=actor.partner_id, after={"file_id": stored.id}
    )
    return logo


def has_logo(session: Session, actor: Actor) -> bool:
    require(actor, Permission.ASSETS_READ)
    return actor.partner_id is not None and BriefRepository(session).logo(actor.partner_id) is not None


def asset_choices(session: Session, actor: Actor) -> list[tuple[int, str]]:
    """The library assets a brief template may be attached to, named by title and kind (the
    template form chooses by name, never by typing an id)."""
    require(actor, Permission.BRIEFS_MANAGE)
    return [(asset_id, f"{title} ({KIND_LABELS[kind]})") for asset_id, title, kind in BriefRepository(session).asset_titles()]


def may_manage(actor: Actor) -> bool:
    return can(actor, Permission.BRIEFS_MANAGE)


# --- helpers ---------------------------------------------------------------------------------


def _standing(session: Session, actor: Actor, *, partner_id: int | None = None) -> Standing | None:
    wanted = actor.partner_id if actor.is_partner else partner_id
    if wanted is None:
        return None
    facts = AssetRepository(session).partner_facts(wanted)
    if facts is None:
        raise NotFound(f"Partner {wanted} not found.")
    return Standing(
        partner_type=PartnerType(facts.partner_type),
        si_subtype=SISubtype(facts.si_subtype) if facts.si_subtype else None,
        tier_rank=facts.tier_rank,
        tier_name=facts.tier_name,
    )


def _locks(template: BriefTemplate, standing: Standing | None) -> list[Lock]:
    if standing is None:
        return []
    requirement = Requirement(
        partner_types=tuple(PartnerType(t) for t in template.partner_types), si_subtypes=tuple(SISubtype(s) for s in template.si_subtypes)
    )
    return entitlement.locks(requirement, standing)


def _check(repository: BriefRepository, data: BriefTemplateInput, check: TemplateCheck) -> None:
    if data.asset_id is not None and not repository.asset_exists(data.asset_id):
        raise NotFound(f"Asset {data.asset_id} not found.", details=[{"field": "asset_id", "message": "no such asset"}])
    problem = check(data.body_html)
    if problem:
        raise RuleViolation(f"The template cannot be rendered: {problem}.", details=[{"field": "body_html", "message": problem}])


def _values(data: BriefTemplateInput) -> dict[str, Any]:
    return {
        "title": data.title,
        "summary": data.summary,
        "body_html": data.body_html,
        "asset_id": data.asset_id,
        "partner_types": [t.value for t in data.partner_types],
        "si_subtypes": [s.value for s in data.si_subtypes],
        "is_active": data.is_active,
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _data_uri(content_type: str, store: BlobStore, sha256: str) -> str:
    """The logo inlined (the PDF renderer fetches nothing): at most LOGO_MAX_BYTES."""
    if not store.exists(sha256):
        return ""
    with store.open(sha256) as handle:
        return f"data:{content_type};base64,{base64.b64encode(handle.read(LOGO_MAX_BYTES)).decode('ascii')}"
