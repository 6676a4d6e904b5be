"""The demo's co-branded briefs and early access: a healthcare HIPAA integration brief (for
vertical and regional SIs, on the HIPAA integration pattern) and a security SOC brief (for
technology SIs and GSIs, on the SOC reference architecture); the Data Platform 10 early-access
program (Silver and up) with a pre-release guide gated to it, the showcase partner enrolled (with
feedback) and another SI's application waiting for the channel team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from alliance.assets import service as asset_service
from alliance.assets.briefs import service as brief_service
from alliance.assets.briefs.schemas import BriefTemplateInput
from alliance.assets.early_access import service as early_access_service
from alliance.assets.early_access.rules import EarlyAccessDecision
from alliance.assets.early_access.schemas import EarlyAccessApplicationInput, EarlyAccessDecisionInput, EarlyAccessFeedbackInput, EarlyAccessProgramInput
from alliance.assets.repository import AssetRepository
from alliance.assets.schemas import AssetInput, Entitlement, ValidatedVersion, VersionInput
from alliance.assets.vocabulary import AssetKind, VersionAction
from alliance.demo.plan import SHOWCASE_NAME
from alliance.demo.registrations import frozen
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import PartnerStatus, PartnerType, SISubtype

HIPAA_BRIEF = """<header style="display:flex;justify-content:space-between;align-items:center;border-bottom:3px solid #0b6e4f">
{% if partner.logo %}<img class="logo" src="{{ partner.logo }}" alt="{{ partner.name }}">{% else %}<strong style="font-size:18pt">{{ partner.name }}</strong>{% endif %}
<span>with {{ vendor_name }}</span></header>
<h1>HIPAA-compliant HL7/FHIR integration, delivered by {{ partner.name }}</h1>
<p>Hospital networks connect EHRs, labs and payers on Integration Hub with audit trails, consent and
encryption that pass a HIPAA security review. {{ partner.name }}{% if partner.tier %}, a {{ partner.tier }} partner,{% endif %}
implements the vendor's validated integration pattern in weeks, not quarters.</p>
<h2>Our certified team</h2>
{% if certifications %}<ul>{% for c in certifications %}<li>{{ c.count }} certified {{ c.role | lower }}{{ "s" if c.count != 1 }} — {{ c.product }}</li>{% endfor %}</ul>
{% else %}<p>Certification in progress.</p>{% endif %}
<h2>Talk to us</h2><p>{{ contact.name }}{% if contact.title %}, {{ contact.title }}{% endif %} · {{ contact.email }}{% if partner.website %} · {{ partner.website }}{% endif %}</p>
<footer style="font-size:8pt;color:#666">Generated {{ generated_on }}. HIPAA is a U.S. law; this brief is not legal advice.</footer>"""

SOC_BRIEF = """<header style="border-bottom:3px solid #1d3557">{% if partner.logo %}<img class="logo" src="{{ partner.logo }}" alt="{{ partner.name }}">{% endif %}
<h1>{{ partner.name }}: your security operations centre on {{ vendor_name }} Security Suite</h1></header>
<p>SIEM ingestion, SOAR playbooks and 24×7 triage on the vendor's SOC reference architecture —
designed, built and run by {{ partner.name }} ({{ certified_people }} certified consultants).</p>
<table style="width:100%;border-collapse:collapse"><tr><th style="text-align:left">Role</th><th style="text-align:left">Product</th><th style="text-align:right">Certified</th></tr>
{% for c in certifications %}<tr><td>{{ c.role }}</td><td>{{ c.product }}</td><td style="text-align:right">{{ c.count }}</td></tr>{% endfor %}</table>
<p>Contact {{ contact.name }} at {{ contact.email }}.</p>"""

TERMS = """Data Platform 10 early-access terms
1. Pre-release software and documents are confidential and for evaluation only: no production data, no customer use.
2. Report defects and feedback through the partner portal within 30 days of receiving a build.
3. Features may change or be withdrawn before general availability.
4. Either side may end participation at any time; pre-release builds are then deleted."""


@dataclass(frozen=True)
class BriefsSummary:
    templates: int
    programs: int
    applications: int


def build_briefs_and_early_access(session: Session, actor: Actor, *, today: date) -> BriefsSummary:
    owner = identity_service.actor_for(identity_service.vendor_users(session, Role.PROGRAM_ADMIN)[0])
    cam = identity_service.actor_for(identity_service.vendor_users(session, Role.CAM)[0])
    hipaa = _asset_titled(session, "HIPAA-compliant HL7/FHIR integration pattern")
    soc = _asset_titled(session, "Security operations centre (SOC) reference architecture")
    for title, summary, body, asset_id, subtypes in (
        (
            "Healthcare HIPAA integration brief",
            "Two pages for hospital CIOs: HIPAA-ready FHIR integration by your team.",
            HIPAA_BRIEF,
            hipaa,
            [SISubtype.VERTICAL, SISubtype.REGIONAL],
        ),
        ("Security SOC brief", "Your SOC practice on Security Suite, with your certified team.", SOC_BRIEF, soc, [SISubtype.TECHNOLOGY, SISubtype.GSI]),
    ):
        data = BriefTemplateInput(
            title=title, summary=summary, body_html=body, asset_id=asset_id, partner_types=[PartnerType.SYSTEMS_INTEGRATOR], si_subtypes=subtypes
        )
        brief_service.create_template(session, owner, data=data, check=lambda _: None)
    with frozen(_moment(today - timedelta(days=21))):
        program = early_access_service.create_program(
            session, owner, data=EarlyAccessProgramInput(product_line="data-platform", version="10", terms=TERMS, minimum_tier_rank=2)
        )
        guide = asset_service.create_asset(
            session,
            owner,
            data=AssetInput(
                kind=AssetKind.DEMO_GUIDE,
                title="Data Platform 10 preview: upgrade and lakehouse quick start",
                summary="Pre-release: upgrade a 9.x cluster to the Data Platform 10 preview and try the new lakehouse engine.",
                body="## Before you start\n\nPreview builds only; no production data.\n\n## Steps\n\n1. Snapshot the 9.x cluster\n2. Run the preview upgrade\n3. Load the sample lakehouse\n",
                product_lines=["data-platform"],
                tags=["preview"],
                validated_versions=[ValidatedVersion(product_line="data-platform", version="10.0")],
                entitlement=Entitlement(early_access_program_id=program.id),
            ),
        )
        version = asset_service.add_version(session, owner, asset_id=guide.id, data=VersionInput(number="0.9.0", release_notes="Preview build 1."))
        for action in (VersionAction.SUBMIT, VersionAction.PUBLISH):
            asset_service.transition_version(session, owner, version_id=version.id, action=action, reason=None)
    applicants = _eligible_admins(session, actor, program_id=program.id)
    applications = 0
    for index, admin in enumerate(applicants[:2]):
        with frozen(_moment(today - timedelta(days=14 - 5 * index))):
            note = "Pilot with two hospital customers on 9.x." if index == 0 else "Evaluating the lakehouse engine for a retail migration."
            application = early_access_service.apply(session, admin, program_id=program.id, data=EarlyAccessApplicationInput(accept_terms=True, note=note))
            applications += 1
        if index == 0:
            with frozen(_moment(today - timedelta(days=12))):
                early_access_service.decide_application(
                    session, cam, application_id=application.id, data=EarlyAccessDecisionInput(decision=EarlyAccessDecision.ACCEPT)
                )
            with frozen(_moment(today - timedelta(days=6))):
                words = "Step 2 fails on clusters with Kerberos enabled: the upgrade needs the keytab path."
                early_access_service.leave_feedback(session, admin, asset_id=guide.id, data=EarlyAccessFeedbackInput(body=words))
    return BriefsSummary(templates=2, programs=1, applications=applications)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(11), tzinfo=UTC)


def _asset_titled(session: Session, title: str) -> int | None:
    found = AssetRepository(session).titled(title)
    return found.id if found else None


def _eligible_admins(session: Session, actor: Actor, *, program_id: int) -> list[Actor]:
    """Partner admins of active SIs eligible for the program, the showcase partner first."""
    partners = partner_service.list_partners(
        session,
        actor,
        filters=PartnerFilters(partner_type=PartnerType.SYSTEMS_INTEGRATOR, status=PartnerStatus.ACTIVE),
        sort="name",
        page=PageRequest(limit=100),
    ).items
    partners = sorted(partners, key=lambda p: p.display_name != SHOWCASE_NAME)
    program = next(e.program for e in early_access_service.list_programs(session, actor) if e.program.id == program_id)
    admins = []
    for partner in partners:
        if early_access_service.eligibility(session, partner_id=partner.id, program=program):
            continue
        users = identity_service.list_users(session, actor, role=Role.PARTNER_ADMIN, partner_id=partner.id, q=None, sort=None, page=PageRequest(limit=1)).items
        if users:
            admins.append(identity_service.actor_for(users[0]))
        if len(admins) == 2:
            break
    return admins
