"""What each role may do: one table, one permission per user act.

Services call `require(actor, Permission.X)` and templates `can(actor, Permission.X)`; nothing else
compares roles. `docs/permissions.md` is generated from `PERMISSIONS`. Scope (identity/scope.py)
decides *whose* records a partner reaches; this table decides *what* a role may do with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from alliance.errors import PermissionDenied
from alliance.identity.scope import PARTNER_ROLES, VENDOR_ROLES, Actor, Role


class Permission(StrEnum):
    PARTNERS_READ = "partners.read"
    PARTNERS_WRITE = "partners.write"
    OWN_PARTNER_WRITE = "own_partner.write"
    PARTNERS_CREATE = "partners.create"
    PROGRAMS_READ = "programs.read"
    PROGRAMS_WRITE = "programs.write"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    AUDIT_READ = "audit.read"
    SESSIONS_SWEEP = "sessions.sweep"
    SIGN_IN_MANAGE = "sign_in.manage"
    OWN_SIGN_IN_MANAGE = "own_sign_in.manage"
    # partners
    PARTNERS_MANAGE = "partners.manage"
    PARTNERS_BOOK = "partners.book"
    # customers
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    CUSTOMERS_OWNERSHIP = "customers.ownership"
    # registrations and attribution
    REGISTRATIONS_FILE = "registrations.file"
    REGISTRATIONS_REVIEW = "registrations.review"
    REGISTRATIONS_QUEUE = "review_queue.read"
    REGISTRATIONS_SWEEP = "registrations.sweep"
    ATTRIBUTION_LEDGER_READ = "attribution_ledger.read"
    ATTRIBUTION_CLOSE = "attribution.close"
    ATTRIBUTION_CORRECT = "attribution.correct"
    # enablement
    LEARNING_RECORD = "learning.record"
    LEARNING_IMPORT = "learning.import"
    LABS_SUBMIT = "labs.submit"
    LABS_GRADE = "labs.grade"
    CAPACITY_PORTFOLIO = "portfolio_capacity.read"
    CERTIFICATIONS_SWEEP = "certifications.sweep"
    # tiers
    TIER_RECOMMENDATIONS_READ = "tier_recommendations.read"
    TIER_RECOMMENDATIONS_DECIDE = "tier_recommendations.decide"
    # co-sell
    COSELL_READ = "cosell.read"
    COSELL_REQUESTS_CREATE = "cosell_requests.create"
    COSELL_REQUESTS_RESPOND = "cosell_requests.respond"
    COSELL_REQUESTS_ASSIGNEE = "cosell_requests.assignee"
    COSELL_OVERSIGHT = "cosell_reports.read"
    COSELL_SWEEP = "cosell.sweep"
    COSELL_ROUTING_READ = "cosell_routing.read"
    COSELL_ROUTING_WRITE = "cosell_routing.write"
    PLANS_SIGN = "codelivery_plans.sign"
    CONSENTS_WRITE = "engagement_consents.write"
    ENGAGEMENTS_STAFF = "ps_engagements.staff"
    ENGAGEMENTS_OVERRIDE = "ps_engagements.override"
    DISPUTES_OPEN = "disputes.open"
    DISPUTES_ESCALATE = "disputes.escalate"
    DISPUTES_DECIDE = "disputes.decide"
    # joint business plans
    BUSINESS_PLANS_READ = "business_plans.read"
    BUSINESS_PLANS_SIGN = "business_plans.sign"
    BUSINESS_PLANS_ANY_PARTNER = "business_plans.any_partner"
    BUSINESS_PLANS_PROGRESS = "business_plans.progress"
    BUSINESS_PLANS_CONFIRM = "business_plans.confirm"
    RAMP_READ = "ramp.read"
    # quarterly business reviews
    QBRS_READ = "qbrs.read"
    QBRS_PREPARE = "qbrs.prepare"
    SPONSOR_MEETINGS_RECORD = "sponsor_meetings.record"
    EXECUTIVE_DASHBOARD_READ = "executive_dashboard.read"
    # market development funds
    FUNDS_READ = "funds.read"
    FUNDS_BUDGETS_READ = "fund_budgets.read"
    FUNDS_MANAGE = "funds.manage"
    FUNDS_REQUEST = "funds.request"
    FUNDS_REVIEW = "funds.review"
    FUNDS_ANY_PARTNER = "funds_of_any_partner.read"
    FUNDS_PAY = "funds.pay"
    FUNDS_SWEEP = "funds.sweep"
    # notifications
    MAIL_LOG_READ = "mail_log.read"
    OWN_EMAIL_SETTINGS = "own_email_settings.choose"
    # files
    FILES_READ = "files.read"
    FILES_UPLOAD = "files.upload"
    # asset library
    ASSETS_READ = "assets.read"
    ASSETS_MANAGE = "assets.manage"
    ASSETS_CONTRIBUTE = "assets.contribute"
    ASSETS_USE = "assets.use"
    ASSETS_ADOPTION = "asset_adoption.read"
    BRIEFS_MANAGE = "brief_templates.manage"
    BRIEFS_USE = "briefs.use"
    EARLY_ACCESS_READ = "early_access.read"
    EARLY_ACCESS_MANAGE = "early_access.manage"
    EARLY_ACCESS_APPLY = "early_access.apply"
    EARLY_ACCESS_DECIDE = "early_access.decide"
    EARLY_ACCESS_FEEDBACK = "early_access.feedback"
    REFERENCES_SUBMIT = "customer_references.submit"
    REFERENCES_APPROVE = "customer_references.approve"
    OUTBOX_DELIVER = "outbox.deliver"
    WEBHOOKS_MANAGE = "webhooks.manage"
    INBOX_READ = "inbox.read"


@dataclass(frozen=True)
class Grant:
    roles: frozenset[Role]
    means: str  # one line for docs/permissions.md and the 403 message


EVERYONE = frozenset(Role)
_ADMIN = frozenset({Role.PROGRAM_ADMIN})
_CHANNEL = frozenset({Role.PROGRAM_ADMIN, Role.CAM})

PERMISSIONS: dict[Permission, Grant] = {
    Permission.PARTNERS_READ: Grant(EVERYONE, "read partner profiles, people and sponsors (partners: their own)"),
    Permission.PARTNERS_WRITE: Grant(frozenset({Role.PROGRAM_ADMIN, Role.CAM}), "change any partner's profile, people and sponsors"),
    Permission.OWN_PARTNER_WRITE: Grant(frozenset({Role.PARTNER_ADMIN}), "change their own organisation's profile, people and sponsors"),
    Permission.PARTNERS_CREATE: Grant(frozenset({Role.PROGRAM_ADMIN, Role.CAM}), "enrol a new partner"),
    Permission.PROGRAMS_READ: Grant(EVERYONE, "read programs, tiers and benefits"),
    Permission.PROGRAMS_WRITE: Grant(_ADMIN, "change programs, tiers, criteria and program settings"),
    Permission.USERS_READ: Grant(EVERYONE, "read users (partners: their own organisation's)"),
    Permission.USERS_WRITE: Grant(
        frozenset({Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN}),
        "invite, create, deactivate and change the role of users, and resend invitations (partner admins: their own organisation's, partner roles only)",
    ),
    Permission.AUDIT_READ: Grant(frozenset({Role.PROGRAM_ADMIN, Role.AUDITOR}), "read and verify the audit trail"),
    Permission.SESSIONS_SWEEP: Grant(_ADMIN, "run the sweep removing web sessions that ended long ago"),
    Permission.SIGN_IN_MANAGE: Grant(
        _ADMIN, "manage sign-in: require two-factor for vendor roles, single sign-on connections, their domains, role mappings and SCIM tokens"
    ),
    Permission.OWN_SIGN_IN_MANAGE: Grant(
        frozenset({Role.PARTNER_ADMIN}),
        "manage their own organisation's single sign-on connection: name, e-mail domains (proven by DNS), role mapping to partner roles, switches, deletion",
    ),
    # partners: who may be named a CAM, and who starts from their own partners rather than all
    Permission.PARTNERS_MANAGE: Grant(_CHANNEL, "be named a partner's channel account manager"),
    Permission.PARTNERS_BOOK: Grant(frozenset({Role.CAM}), "start from their own partners on the dashboard and the expiry lists"),
    # customers: vendor master data; partners only reach customers through matching
    Permission.CUSTOMERS_READ: Grant(VENDOR_ROLES, "read customer records and their ownership (partners look customers up by matching)"),
    Permission.CUSTOMERS_WRITE: Grant(_CHANNEL, "create, change and import customer records"),
    Permission.CUSTOMERS_OWNERSHIP: Grant(_CHANNEL, "change who owns a customer account (open, SI-protected, vendor-direct), with a reason"),
    # registrations and attribution: partners file, the channel team reviews
    Permission.REGISTRATIONS_FILE: Grant(
        PARTNER_ROLES, "file, edit, submit and withdraw their organisation's registrations, report them lost and ask for extensions"
    ),
    Permission.REGISTRATIONS_REVIEW: Grant(_CHANNEL, "review registrations: approve, reject, request information, mark won or lost, decide extensions"),
    Permission.REGISTRATIONS_QUEUE: Grant(VENDOR_ROLES, "read the registration review queue"),
    Permission.REGISTRATIONS_SWEEP: Grant(_ADMIN, "run the registration protection sweep"),
    Permission.ATTRIBUTION_LEDGER_READ: Grant(VENDOR_ROLES, "read the attribution ledger (partners read their contribution report)"),
    Permission.ATTRIBUTION_CLOSE: Grant(_CHANNEL, "record a close in the attribution ledger"),
    Permission.ATTRIBUTION_CORRECT: Grant(_ADMIN, "correct the attribution ledger"),
    # enablement: partner admins record their people's learning, evaluators grade labs
    Permission.LEARNING_RECORD: Grant(
        frozenset({Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN}), "record learning progress and exam results (partner admins: their own people's)"
    ),
    Permission.LEARNING_IMPORT: Grant(_ADMIN, "import learning records from the learning system"),
    Permission.LABS_SUBMIT: Grant(frozenset({Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN, Role.PARTNER_USER}), "hand in labs (partner users: for their own people)"),
    Permission.LABS_GRADE: Grant(frozenset({Role.PROGRAM_ADMIN, Role.PS_LEAD, Role.COSELL_RESOURCE, Role.CAM}), "grade labs"),
    Permission.CAPACITY_PORTFOLIO: Grant(VENDOR_ROLES, "read certified capacity across the whole portfolio"),
    Permission.CERTIFICATIONS_SWEEP: Grant(_ADMIN, "run the recertification sweeps"),
    # tiers: every vendor role reads recommendations, program admins evaluate and decide
    Permission.TIER_RECOMMENDATIONS_READ: Grant(VENDOR_ROLES, "read pending tier upgrades and downgrades"),
    Permission.TIER_RECOMMENDATIONS_DECIDE: Grant(_ADMIN, "evaluate tiers and accept or reject tier recommendations"),
    # co-sell
    Permission.COSELL_READ: Grant(EVERYONE, "read co-sell requests, co-delivery plans, consents, engagements and disputes (partners: their own)"),
    Permission.COSELL_REQUESTS_CREATE: Grant(PARTNER_ROLES, "ask for vendor co-sell help on their own registrations"),
    Permission.COSELL_REQUESTS_RESPOND: Grant(
        frozenset({Role.PROGRAM_ADMIN, Role.PS_LEAD, Role.COSELL_RESOURCE}), "accept, start, decline, complete and assign co-sell requests"
    ),
    Permission.COSELL_REQUESTS_ASSIGNEE: Grant(frozenset({Role.COSELL_RESOURCE}), "be assigned co-sell requests"),
    Permission.COSELL_OVERSIGHT: Grant(VENDOR_ROLES, "read the co-sell breach list, the co-sell report and the dispute report"),
    Permission.COSELL_SWEEP: Grant(_ADMIN, "run the co-sell SLA and dispute escalation sweeps"),
    Permission.COSELL_ROUTING_READ: Grant(VENDOR_ROLES, "read co-sell routing rules, team queues and business calendars"),
    Permission.COSELL_ROUTING_WRITE: Grant(_ADMIN, "change co-sell routing rules, team queues and business calendars"),
    Permission.PLANS_SIGN: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.PS_LEAD, Role.PROGRAM_ADMIN}),
        "propose and sign co-delivery plan versions for their side (partner admins for the partner, the others for the vendor)",
    ),
    Permission.CONSENTS_WRITE: Grant(frozenset({Role.PARTNER_ADMIN}), "give and revoke consents to vendor PS on accounts their organisation protects"),
    Permission.ENGAGEMENTS_STAFF: Grant(frozenset({Role.PS_LEAD, Role.PROGRAM_ADMIN}), "staff vendor PS engagements within the rules of engagement"),
    Permission.ENGAGEMENTS_OVERRIDE: Grant(_ADMIN, "staff vendor PS despite the rules of engagement, with a reason (recorded as a violation)"),
    Permission.DISPUTES_OPEN: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.CAM, Role.PS_LEAD, Role.PROGRAM_ADMIN}), "open scope disputes on plan activities and vendor PS engagements"
    ),
    Permission.DISPUTES_ESCALATE: Grant(frozenset({Role.CAM, Role.PS_LEAD, Role.PROGRAM_ADMIN}), "escalate open scope disputes one level"),
    Permission.DISPUTES_DECIDE: Grant(
        frozenset({Role.CAM, Role.PS_LEAD, Role.EXECUTIVE, Role.PROGRAM_ADMIN}),
        "decide scope disputes, at the ladder levels the program names them deciders of",
    ),
    # joint business plans: the partner admin signs for the partner, its CAM (or a program admin) for the vendor
    Permission.BUSINESS_PLANS_READ: Grant(EVERYONE, "read joint business plans and their plan-vs-actual (partners: their own)"),
    Permission.BUSINESS_PLANS_SIGN: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.CAM, Role.PROGRAM_ADMIN}),
        "write, propose, amend and sign joint business plans for their side (partner admins for the partner; the partner's CAM or program admins for the vendor)",
    ),
    Permission.BUSINESS_PLANS_ANY_PARTNER: Grant(_ADMIN, "sign and close any partner's joint business plan for the vendor, not only their own partners'"),
    Permission.BUSINESS_PLANS_PROGRESS: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER, Role.CAM, Role.PROGRAM_ADMIN}), "record progress and evidence on joint business plan milestones"
    ),
    Permission.BUSINESS_PLANS_CONFIRM: Grant(_CHANNEL, "confirm completed plan milestones and close joint business plans with their final scorecard"),
    Permission.RAMP_READ: Grant(
        VENDOR_ROLES, "read ramp analytics: every partner's time from enrolment to its firsts, cohorts, the investment comparison and stalled partners"
    ),
    # quarterly business reviews: prepared by the channel team, shared with the partner's admins
    Permission.QBRS_READ: Grant(VENDOR_ROLES | {Role.PARTNER_ADMIN}, "read QBR packages and their PDFs (partner admins: their own, once shared)"),
    Permission.QBRS_PREPARE: Grant(_CHANNEL, "generate, regenerate, publish and share QBR packages and edit their commitments"),
    Permission.EXECUTIVE_DASHBOARD_READ: Grant(VENDOR_ROLES, "read the executive dashboard: the portfolio, their own partners (CAMs) or those they sponsor"),
    Permission.SPONSOR_MEETINGS_RECORD: Grant(
        frozenset({Role.PROGRAM_ADMIN, Role.CAM, Role.EXECUTIVE}), "record executive sponsor meetings and set a strategic partner's meeting cadence"
    ),
    # market development funds: program admins budget and allocate, partners request and claim, the channel team reviews
    Permission.FUNDS_READ: Grant(EVERYONE, "read MDF allocations, fund requests, claims, the MDF ledger and its ROI (partners: their own)"),
    Permission.FUNDS_BUDGETS_READ: Grant(VENDOR_ROLES, "read MDF budgets and what is allocated of them"),
    Permission.FUNDS_MANAGE: Grant(_ADMIN, "set MDF budgets and partners' allocations (by hand or from their tier's MDF benefit), with a reason"),
    Permission.FUNDS_REQUEST: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER}),
        "request market development funds and claim them with proof of performance (their own organisation's)",
    ),
    Permission.FUNDS_REVIEW: Grant(_CHANNEL, "approve (in full or in part, with a reason) or reject fund requests and claims"),
    Permission.FUNDS_ANY_PARTNER: Grant(
        VENDOR_ROLES - {Role.CAM},
        "reach every partner's fund requests and claims, to read them or review them where the role reviews (CAMs: only the partners they manage)",
    ),
    Permission.FUNDS_PAY: Grant(_ADMIN, "record the payment of approved MDF claims (reference and date)"),
    Permission.FUNDS_SWEEP: Grant(_ADMIN, "run the MDF sweep: expire unused allocations, close lapsed requests, remind claim deadlines"),
    # notifications: everyone chooses their own e-mails; the worker runs as the operator
    Permission.MAIL_LOG_READ: Grant(_ADMIN, "read the mail log: every queued, sent and logged e-mail, and the outbox's delivery figures"),
    Permission.OWN_EMAIL_SETTINGS: Grant(EVERYONE, "choose one's own e-mails: how often, and the time zone of the daily digest"),
    Permission.FILES_READ: Grant(EVERYONE, "read uploaded files (partners: their own organisation's)"),
    Permission.FILES_UPLOAD: Grant(EVERYONE - {Role.AUDITOR, Role.EXECUTIVE}, "upload files (partners: for their own organisation)"),
    # asset library: the vendor's asset owners manage and review, partners open, contribute and record use
    Permission.ASSETS_READ: Grant(EVERYONE, "read the asset library (partners: published assets, locked ones with the way to unlock them)"),
    Permission.ASSETS_MANAGE: Grant(
        frozenset({Role.PROGRAM_ADMIN, Role.PS_LEAD}),
        "create and edit library assets, their versions, files, entitlement and lifecycle, and review partner contributions",
    ),
    Permission.ASSETS_CONTRIBUTE: Grant(PARTNER_ROLES, "contribute assets to the library and submit their versions for the vendor's review"),
    Permission.ASSETS_USE: Grant(PARTNER_ROLES, "record that a library asset was used on one of their organisation's project registrations"),
    Permission.ASSETS_ADOPTION: Grant(VENDOR_ROLES, "read library adoption reports (by partner type, tier and version)"),
    # co-branded briefs: the vendor's asset owners write the templates, partners preview and download theirs
    Permission.BRIEFS_MANAGE: Grant(
        frozenset({Role.PROGRAM_ADMIN, Role.PS_LEAD}), "write co-branded brief templates (HTML with placeholders) and say which partner types may use them"
    ),
    Permission.BRIEFS_USE: Grant(PARTNER_ROLES, "preview and download co-branded briefs for their own organisation, and upload its logo once"),
    # early access: programs per product release; a partner admin applies, the channel team decides
    Permission.EARLY_ACCESS_READ: Grant(EVERYONE, "read early-access programs (partners: with their own application and eligibility)"),
    Permission.EARLY_ACCESS_MANAGE: Grant(frozenset({Role.PROGRAM_ADMIN, Role.PS_LEAD}), "create early-access programs with their terms and eligibility"),
    Permission.EARLY_ACCESS_APPLY: Grant(frozenset({Role.PARTNER_ADMIN}), "apply to an early-access program for their organisation, accepting its terms"),
    Permission.EARLY_ACCESS_DECIDE: Grant(_CHANNEL, "accept or decline (with a reason) early-access applications"),
    Permission.EARLY_ACCESS_FEEDBACK: Grant(PARTNER_ROLES, "leave feedback on the pre-release assets of a program they are enrolled in"),
    Permission.REFERENCES_SUBMIT: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER, Role.CAM, Role.PROGRAM_ADMIN}),
        "record customer reference stories (partners: their own organisation's)",
    ),
    Permission.REFERENCES_APPROVE: Grant(_CHANNEL, "approve or reject customer references (approved ones count toward tiers)"),
    Permission.OUTBOX_DELIVER: Grant(_ADMIN, "deliver queued messages (`alliance worker` runs as the operator)"),
    Permission.WEBHOOKS_MANAGE: Grant(
        _ADMIN, "manage webhook endpoints: subscribe URLs to events, see their secrets once, allow private networks, read the delivery log, replay"
    ),
    Permission.INBOX_READ: Grant(EVERYONE, "read their own in-app inbox and mark its items read (only ever their own)"),
}

assert set(PERMISSIONS) == set(Permission), "every permission has a row in PERMISSIONS"
assert all(grant.roles <= VENDOR_ROLES | PARTNER_ROLES for grant in PERMISSIONS.values())


def roles_with(permission: Permission) -> tuple[Role, ...]:
    """The roles granted `permission`, in the order Role lists them (pickers and messages)."""
    return tuple(role for role in Role if role in PERMISSIONS[permission].roles)


def role_can(role: Role, permission: Permission) -> bool:
    """For a user who is not the actor (e.g. the user a partner is assigned to)."""
    return role in PERMISSIONS[permission].roles


def can(actor: Actor, permission: Permission) -> bool:
    return role_can(actor.role, permission)


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        allowed = ", ".join(role.label for role in roles_with(permission))
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot {PERMISSIONS[permission].means}; {allowed} can.")


def require_any(actor: Actor, permissions: Iterable[Permission]) -> None:
    """The role holds at least one of `permissions` (an API route's gate, before its input is read)."""
    wanted = tuple(permissions)
    if any(can(actor, permission) for permission in wanted):
        return
    if len(wanted) == 1:
        require(actor, wanted[0])
    allowed = ", ".join(role.label for role in Role if any(role in PERMISSIONS[p].roles for p in wanted))
    means = " or ".join(PERMISSIONS[p].means for p in wanted)
    raise PermissionDenied(f"Your role ({actor.role.label}) cannot {means}; {allowed} can.")


def can_edit_partner(actor: Actor, partner_id: int) -> bool:
    """Vendor editors edit any partner; a partner admin only their own (scope already enforces 'own')."""
    if can(actor, Permission.PARTNERS_WRITE):
        return True
    return can(actor, Permission.OWN_PARTNER_WRITE) and actor.partner_id == partner_id


def require_edit_partner(actor: Actor, partner_id: int) -> None:
    if not can_edit_partner(actor, partner_id):
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot change this partner's records.")


def render_markdown() -> str:
    """docs/permissions.md: one row per permission, one column per role."""
    roles = list(Role)
    lines = [
        "# Permissions",
        "",
        "Generated from `alliance/identity/permissions.py` by `python -m alliance.identity.permissions > docs/permissions.md`;",
        "do not edit by hand (a test fails when this file is stale). Scope decides *whose* records a partner",
        "role reaches (always its own organisation's); this table decides *what* each role may do.",
        "",
        "| Permission | What it allows | " + " | ".join(role.label for role in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for permission, grant in PERMISSIONS.items():
        marks = " | ".join("✓" if role in grant.roles else "" for role in roles)
        lines.append(f"| `{permission.value}` | {grant.means[:1].upper()}{grant.means[1:]} | {marks} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
