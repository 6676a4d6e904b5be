"""Partner isolation, proven route by route.

Every API route in the OpenAPI document must be listed in ROUTES with what a partner user of
partner A may do with partner B's records; a new route that is not listed fails this test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from alliance.ace.routes import ace_actor
from alliance.api.deps import api_actor
from alliance.identity.permissions import Permission, role_can
from alliance.identity.scope import PartnerScope, Role
from alliance.scim.routes import scim_caller
from alliance.web.deps import web_actor
from tests.app_shape import api_document, bare_app
from tests.factories.assets import build_contribution, build_references
from tests.factories.business_plans import MILESTONE_REF, build_business_plans
from tests.factories.certifications import build_certifications
from tests.factories.cosell import build_cosell
from tests.factories.early_access import build_early_access
from tests.factories.engagements import build_roe_records
from tests.factories.qbr import build_shared_qbr
from tests.factories.sso import build_connections

PUBLIC_ROUTES = {
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/openapi.json"),
    ("GET", "/favicon.ico"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    # The second step of a password login: the signed cookie names whose password was right.
    ("GET", "/login/two-factor"),
    ("POST", "/login/two-factor"),
    # Single sign-on: home-realm discovery by e-mail domain, off to the identity provider and back
    # (the callback is trusted only with the state, nonce and PKCE verifier the cookie kept).
    ("POST", "/login/sso"),
    ("GET", "/sso/{connection_id}/start"),
    ("GET", "/sso/oidc/callback"),
    # After /logout ended the session: on to the identity provider's own sign-out (the cookie says where).
    ("GET", "/sso/logout"),
    # SAML: this service provider's metadata, and the identity provider's signed answer (its
    # RelayState signed with the secret key carries the flow; the assertion is the proof).
    ("GET", "/sso/saml/metadata"),
    ("POST", "/sso/saml/acs"),
    # Single Logout: the provider's answer, or its LogoutRequest (accepted only when signed by its key).
    ("GET", "/sso/saml/slo"),
    ("POST", "/sso/saml/slo"),
    # People who cannot log in yet: a reset request (same answer for any address, throttled) and
    # a password set with an e-mailed single-use link, whose token is the authentication.
    ("GET", "/password/forgot"),
    ("POST", "/password/forgot"),
    ("GET", "/password/set"),
    ("POST", "/password/set"),
    ("POST", "/api/v1/password-resets"),
    ("POST", "/api/v1/password-links"),
    # Lab environments have no user: each post is signed with the lab's HMAC secret instead.
    ("POST", "/api/v1/labs/{track_key}/results"),
}

# What partner A's users get when they aim at partner B's records:
#   owned   - the id is partner B's record: 404, exactly like a missing record (or 403 whatever the
#             id when the route's permissions refuse the role outright: that says nothing of B)
#   list    - a list: only partner A's rows come back
#   shared  - vendor-published program data every partner may read (200), not partner data
#   vendor  - vendor-only: 403 whatever the id
#   create  - creating: a body naming partner B is refused with 404 (users) or 403 (partners)
#   identity - vendor master data every user may look up (200): identities only, never ownership
#   csv     - a CSV export (partner_id first): only partner A's rows come back
#   signed  - a lab environment's signed post: a bearer token alone is refused (401)
#   settings - the caller's own settings or work lists (200): nothing of partner B in the answer
#   inbox   - the caller's own inbox: 200, never an item addressed to anyone else, and B's stay unread
#   own     - acts on the caller's own account (no id to aim at partner B): refused input, never 404 or 200 for B
#   mine    - the caller's own web sessions (no id to aim at partner B): 200, B's sessions untouched
#   public  - for people who cannot log in: B's address gets the answer any address gets (202), a junk link 422
ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/customers/{customer_id}/consents"): "owned",
    ("GET", "/api/v1/consents"): "list",
    ("POST", "/api/v1/consents/{consent_id}/revocation"): "owned",
    ("POST", "/api/v1/ps-engagements"): "vendor",
    ("GET", "/api/v1/ps-engagements"): "list",
    ("GET", "/api/v1/ps-engagements/{engagement_id}"): "owned",
    ("GET", "/api/v1/roe-violations"): "list",
    ("POST", "/api/v1/registrations/{registration_id}/account-protection"): "vendor",
    ("POST", "/api/v1/disputes"): "create",
    ("GET", "/api/v1/disputes"): "list",
    ("GET", "/api/v1/disputes/{dispute_id}"): "owned",
    ("POST", "/api/v1/disputes/{dispute_id}/escalation"): "vendor",
    ("POST", "/api/v1/disputes/{dispute_id}/decision"): "vendor",
    ("GET", "/api/v1/reports/disputes"): "vendor",
    ("GET", "/api/v1/business-calendars"): "vendor",
    ("POST", "/api/v1/business-calendars"): "vendor",
    ("PATCH", "/api/v1/business-calendars/{calendar_id}"): "vendor",
    ("GET", "/api/v1/cosell-teams"): "vendor",
    ("POST", "/api/v1/cosell-teams"): "vendor",
    ("PATCH", "/api/v1/cosell-teams/{team_id}"): "vendor",
    ("GET", "/api/v1/routing-rules"): "vendor",
    ("POST", "/api/v1/routing-rules"): "vendor",
    ("PATCH", "/api/v1/routing-rules/{rule_id}"): "vendor",
    ("POST", "/api/v1/registrations/{registration_id}/resource-requests"): "owned",
    ("GET", "/api/v1/resource-requests"): "list",
    ("GET", "/api/v1/resource-requests/breaches"): "vendor",
    ("GET", "/api/v1/resource-requests/{request_id}"): "owned",
    ("POST", "/api/v1/resource-requests/{request_id}/actions/{action}"): "vendor",
    ("POST", "/api/v1/resource-requests/{request_id}/assignment"): "vendor",
    ("GET", "/api/v1/reports/cosell"): "vendor",
    ("GET", "/api/v1/reports/cosell.csv"): "vendor",
    ("POST", "/api/v1/registrations/{registration_id}/codelivery-plan"): "owned",
    ("GET", "/api/v1/codelivery-plans"): "list",
    ("GET", "/api/v1/codelivery-plans/{plan_id}"): "owned",
    ("GET", "/api/v1/codelivery-plans/{plan_id}/compare"): "owned",
    ("POST", "/api/v1/plan-versions/{version_id}/sign-off"): "owned",
    ("POST", "/api/v1/business-plans"): "create",
    ("GET", "/api/v1/business-plans"): "list",
    ("GET", "/api/v1/business-plans.csv"): "csv",
    ("GET", "/api/v1/business-plans/{business_plan_id}"): "owned",
    ("GET", "/api/v1/business-plans/{business_plan_id}/actuals"): "owned",
    ("PUT", "/api/v1/business-plans/{business_plan_id}/draft"): "owned",
    ("POST", "/api/v1/business-plans/{business_plan_id}/propose"): "owned",
    ("POST", "/api/v1/business-plans/{business_plan_id}/amendments"): "owned",
    ("POST", "/api/v1/business-plan-versions/{business_version_id}/sign-off"): "owned",
    ("PUT", "/api/v1/business-plans/{business_plan_id}/items/{ref}/progress"): "owned",
    ("POST", "/api/v1/business-plans/{business_plan_id}/items/{ref}/confirm"): "vendor",
    ("POST", "/api/v1/business-plans/{business_plan_id}/close"): "vendor",
    ("POST", "/api/v1/qbrs"): "vendor",
    ("GET", "/api/v1/qbrs"): "list",
    ("GET", "/api/v1/qbrs/{qbr_id}"): "owned",
    ("GET", "/api/v1/qbrs/{qbr_id}/pdf"): "owned",
    ("POST", "/api/v1/qbrs/{qbr_id}/regenerate"): "vendor",
    ("POST", "/api/v1/qbrs/{qbr_id}/publish"): "vendor",
    ("POST", "/api/v1/qbrs/{qbr_id}/share"): "vendor",
    ("POST", "/api/v1/qbrs/{qbr_id}/commitments"): "vendor",
    ("PATCH", "/api/v1/qbrs/{qbr_id}/commitments/{commitment_id}"): "vendor",
    ("DELETE", "/api/v1/qbrs/{qbr_id}/commitments/{commitment_id}"): "vendor",
    ("PUT", "/api/v1/partners/{partner_id}/sponsor-cadence"): "vendor",
    ("POST", "/api/v1/partners/{partner_id}/sponsor-meetings"): "vendor",
    ("GET", "/api/v1/partners/{partner_id}/sponsor-meetings"): "owned",
    ("GET", "/api/v1/partners/{partner_id}/relationship-health"): "owned",
    ("GET", "/api/v1/business-plan-templates"): "shared",
    ("POST", "/api/v1/business-plan-templates"): "vendor",
    # ramp analytics compare partners with their cohorts: vendor staff only
    ("GET", "/api/v1/ramp/report"): "vendor",
    ("GET", "/api/v1/ramp/partners"): "vendor",
    ("GET", "/api/v1/ramp/partners.csv"): "vendor",
    ("GET", "/api/v1/partners/{partner_id}/tier-evaluation"): "owned",
    ("POST", "/api/v1/tier-evaluations"): "vendor",
    ("GET", "/api/v1/tier-recommendations"): "vendor",
    ("POST", "/api/v1/tier-recommendations/{recommendation_id}/decision"): "vendor",
    ("GET", "/api/v1/partners/{partner_id}/reported-figures"): "owned",
    ("POST", "/api/v1/partners/{partner_id}/reported-figures"): "owned",
    ("GET", "/api/v1/reported-figures"): "vendor",
    ("POST", "/api/v1/reported-figures/{figure_id}/decision"): "vendor",
    ("GET", "/api/v1/partners"): "list",
    ("POST", "/api/v1/partners"): "create",
    ("GET", "/api/v1/partners/{partner_id}"): "owned",
    ("PATCH", "/api/v1/partners/{partner_id}"): "owned",
    ("GET", "/api/v1/partners/{partner_id}/people"): "owned",
    ("POST", "/api/v1/partners/{partner_id}/people"): "owned",
    ("GET", "/api/v1/people/{person_id}"): "owned",
    ("PATCH", "/api/v1/people/{person_id}"): "owned",
    ("DELETE", "/api/v1/people/{person_id}"): "owned",
    ("GET", "/api/v1/partners/{partner_id}/sponsors"): "owned",
    ("POST", "/api/v1/partners/{partner_id}/sponsors"): "owned",
    ("DELETE", "/api/v1/sponsors/{sponsor_id}"): "owned",
    ("GET", "/api/v1/programs"): "shared",
    ("GET", "/api/v1/programs/{program_id}"): "shared",
    ("PATCH", "/api/v1/programs/{program_id}"): "vendor",
    ("POST", "/api/v1/programs/{program_id}/territories"): "vendor",
    ("PUT", "/api/v1/programs/{program_id}/territories/{name}"): "vendor",
    ("DELETE", "/api/v1/programs/{program_id}/territories/{name}"): "vendor",
    ("GET", "/api/v1/tiers/{tier_id}"): "shared",
    ("PATCH", "/api/v1/tiers/{tier_id}"): "vendor",
    ("GET", "/api/v1/metrics"): "shared",
    ("GET", "/api/v1/me"): "list",
    # The asset library is vendor data every partner reads; B's draft contribution is B's own.
    ("GET", "/api/v1/assets"): "shared",
    ("POST", "/api/v1/assets"): "create",
    ("GET", "/api/v1/assets/review-queue"): "vendor",
    ("GET", "/api/v1/assets/{asset_id}"): "owned",
    ("PUT", "/api/v1/assets/{asset_id}"): "owned",
    ("POST", "/api/v1/assets/{asset_id}/versions"): "owned",
    ("POST", "/api/v1/asset-versions/{asset_version_id}/transitions"): "owned",
    ("POST", "/api/v1/asset-versions/{asset_version_id}/reviews"): "vendor",
    ("GET", "/api/v1/assets/{asset_id}/versions/{asset_version_id}/files/{file_id}/content"): "owned",
    ("POST", "/api/v1/assets/{asset_id}/project-uses"): "owned",
    ("GET", "/api/v1/assets/{asset_id}/adoption"): "vendor",
    ("GET", "/api/v1/registrations/{registration_id}/assets"): "owned",
    # Brief templates are vendor data; the id is a retired (inactive) one, which partners cannot
    # open (a partner renders only for itself: tests/web/test_brief_pages.py aims at B's facts).
    ("GET", "/api/v1/brief-templates"): "shared",
    ("POST", "/api/v1/brief-templates"): "vendor",
    ("GET", "/api/v1/brief-templates/{brief_template_id}"): "owned",
    ("PUT", "/api/v1/brief-templates/{brief_template_id}"): "vendor",
    ("GET", "/api/v1/brief-templates/{brief_template_id}/preview"): "owned",
    ("GET", "/api/v1/brief-templates/{brief_template_id}/pdf"): "owned",
    ("GET", "/api/v1/brief-templates/{brief_template_id}/usage"): "vendor",
    ("GET", "/api/v1/assets/{asset_id}/brief-usage"): "vendor",
    ("POST", "/api/v1/partner-logo"): "own",
    # Early access: the program is a closed one only B applied to (hidden from A); the application is B's.
    ("GET", "/api/v1/early-access/programs"): "shared",
    ("POST", "/api/v1/early-access/programs"): "vendor",
    ("GET", "/api/v1/early-access/programs/{early_access_program_id}"): "owned",
    ("PUT", "/api/v1/early-access/programs/{early_access_program_id}/open"): "vendor",
    ("POST", "/api/v1/early-access/programs/{early_access_program_id}/applications"): "owned",
    ("GET", "/api/v1/early-access/programs/{early_access_program_id}/feedback"): "owned",
    ("GET", "/api/v1/early-access/applications"): "list",
    ("POST", "/api/v1/early-access/applications/{early_access_application_id}/decision"): "vendor",
    ("POST", "/api/v1/assets/{asset_id}/early-access-feedback"): "owned",
    ("POST", "/api/v1/customer-references"): "create",
    ("GET", "/api/v1/customer-references"): "list",
    ("GET", "/api/v1/customer-references/{reference_id}"): "owned",
    ("POST", "/api/v1/customer-references/{reference_id}/decision"): "vendor",
    # Approved references (the customer's approval for external use on record) are the library's,
    # every partner reads them; B's submitted one is not found, exactly like a missing one.
    ("GET", "/api/v1/reference-library"): "shared",
    ("GET", "/api/v1/reference-library/{reference_id}"): "owned",
    ("GET", "/api/v1/fund-budgets"): "vendor",
    ("POST", "/api/v1/fund-budgets"): "vendor",
    ("PATCH", "/api/v1/fund-budgets/{budget_id}"): "vendor",
    ("GET", "/api/v1/fund-budgets/{budget_id}"): "vendor",
    ("POST", "/api/v1/fund-budgets/{budget_id}/withdrawal"): "vendor",
    ("POST", "/api/v1/fund-budgets/{budget_id}/generated-allocations"): "vendor",
    ("POST", "/api/v1/fund-allocations"): "vendor",
    ("GET", "/api/v1/fund-allocations"): "list",
    ("GET", "/api/v1/fund-ledger.csv"): "csv",
    ("GET", "/api/v1/fund-allocations/{allocation_id}/entries"): "owned",
    ("GET", "/api/v1/fund-returns"): "list",
    ("GET", "/api/v1/fund-requests"): "list",
    ("POST", "/api/v1/fund-requests"): "create",
    ("GET", "/api/v1/fund-requests/{fund_request_id}"): "owned",
    ("GET", "/api/v1/fund-requests/{fund_request_id}/claims"): "owned",
    ("POST", "/api/v1/fund-requests/{fund_request_id}/decision"): "vendor",
    ("POST", "/api/v1/fund-requests/{fund_request_id}/withdrawal"): "owned",
    ("GET", "/api/v1/fund-claims"): "list",
    ("GET", "/api/v1/fund-claims.csv"): "csv",
    ("POST", "/api/v1/fund-claims"): "create",
    ("GET", "/api/v1/fund-claims/{claim_id}"): "owned",
    ("POST", "/api/v1/fund-claims/{claim_id}/decision"): "vendor",
    ("POST", "/api/v1/fund-claims/{claim_id}/payment"): "vendor",
    ("POST", "/api/v1/files"): "create",
    ("GET", "/api/v1/files/{file_id}"): "owned",
    ("GET", "/api/v1/files/{file_id}/content"): "owned",
    # The caller's own e-mail settings: no partner's records at all.
    ("GET", "/api/v1/me/notification-settings"): "settings",
    ("PUT", "/api/v1/me/notification-settings"): "settings",
    ("GET", "/api/v1/me/work"): "settings",
    ("GET", "/api/v1/users"): "list",
    ("POST", "/api/v1/users"): "create",
    ("GET", "/api/v1/users/{user_id}"): "owned",
    ("PATCH", "/api/v1/users/{user_id}"): "owned",
    ("POST", "/api/v1/users/invitations"): "create",
    ("POST", "/api/v1/users/{user_id}/invitation"): "owned",
    ("POST", "/api/v1/me/password"): "own",
    ("GET", "/api/v1/me/sessions"): "mine",
    ("POST", "/api/v1/me/sessions/sign-out-everywhere"): "mine",
    ("POST", "/api/v1/password-resets"): "public",
    ("POST", "/api/v1/password-links"): "public",
    ("GET", "/api/v1/audit/events"): "vendor",
    ("GET", "/api/v1/audit/events/{seq}"): "vendor",
    ("GET", "/api/v1/audit/verify"): "vendor",
    ("POST", "/api/v1/customers/match"): "identity",
    ("GET", "/api/v1/customers"): "vendor",
    ("POST", "/api/v1/customers"): "vendor",
    ("GET", "/api/v1/customers/{customer_id}"): "vendor",
    ("PATCH", "/api/v1/customers/{customer_id}"): "vendor",
    ("POST", "/api/v1/customers/{customer_id}/ownership"): "vendor",
    ("GET", "/api/v1/reports/contribution"): "list",
    ("GET", "/api/v1/reports/contribution.csv"): "csv",
    ("GET", "/api/v1/reports/contribution/{partner_id}/entries"): "owned",
    ("GET", "/api/v1/attribution/entries"): "vendor",
    ("POST", "/api/v1/attribution/entries/{entry_id}/reversal"): "vendor",
    ("GET", "/api/v1/product-lines"): "shared",
    ("POST", "/api/v1/product-lines"): "vendor",
    ("PATCH", "/api/v1/product-lines/{product_line_id}"): "vendor",
    # Webhooks are the vendor's integration (program admins); payloads may name any partner.
    ("GET", "/api/v1/webhooks"): "vendor",
    ("POST", "/api/v1/webhooks"): "vendor",
    ("GET", "/api/v1/webhooks/{endpoint_id}"): "vendor",
    ("PATCH", "/api/v1/webhooks/{endpoint_id}"): "vendor",
    ("DELETE", "/api/v1/webhooks/{endpoint_id}"): "vendor",
    ("POST", "/api/v1/webhooks/{endpoint_id}/rotate-secret"): "vendor",
    ("GET", "/api/v1/webhooks/{endpoint_id}/deliveries"): "vendor",
    ("GET", "/api/v1/webhook-deliveries/{delivery_id}"): "vendor",
    # Single sign-on connections: program admins all, a partner admin their own organisation's.
    ("GET", "/api/v1/sso/connections"): "list",
    ("POST", "/api/v1/sso/connections"): "vendor",
    ("GET", "/api/v1/sso/connections/{connection_id}"): "owned",
    ("PATCH", "/api/v1/sso/connections/{connection_id}"): "owned",
    ("DELETE", "/api/v1/sso/connections/{connection_id}"): "owned",
    ("POST", "/api/v1/sso/connections/{connection_id}/domains/{domain_id}/check"): "owned",
    ("POST", "/api/v1/sso/connections/{connection_id}/domains/{domain_id}/mark-verified"): "owned",
    ("POST", "/api/v1/webhook-deliveries/{delivery_id}/replay"): "vendor",
    ("POST", "/api/v1/registrations"): "create",
    ("GET", "/api/v1/registrations"): "list",
    ("GET", "/api/v1/registrations/review-queue"): "vendor",
    ("GET", "/api/v1/registrations/{registration_id}"): "owned",
    ("PATCH", "/api/v1/registrations/{registration_id}"): "owned",
    ("POST", "/api/v1/registrations/{registration_id}/actions/{action}"): "owned",
    ("POST", "/api/v1/registrations/{registration_id}/won"): "vendor",
    ("GET", "/api/v1/registrations/{registration_id}/history"): "owned",
    ("POST", "/api/v1/registrations/{registration_id}/extensions"): "owned",
    ("POST", "/api/v1/extensions/{extension_id}/decision"): "vendor",
    ("GET", "/api/v1/certification-tracks"): "shared",
    ("POST", "/api/v1/certification-tracks"): "vendor",
    ("GET", "/api/v1/certification-tracks/{track_id}"): "shared",
    ("PATCH", "/api/v1/certification-tracks/{track_id}"): "vendor",
    ("POST", "/api/v1/certification-tracks/{track_id}/lab-secret"): "vendor",
    ("GET", "/api/v1/product-releases"): "shared",
    ("POST", "/api/v1/product-releases"): "vendor",
    ("POST", "/api/v1/people/{person_id}/module-completions"): "owned",
    ("POST", "/api/v1/people/{person_id}/exam-attempts"): "owned",
    ("POST", "/api/v1/people/{person_id}/lab-submissions"): "owned",
    ("GET", "/api/v1/people/{person_id}/progress"): "owned",
    ("GET", "/api/v1/lab-submissions"): "vendor",
    ("POST", "/api/v1/lab-submissions/{submission_id}/grade"): "vendor",
    ("POST", "/api/v1/labs/{track_key}/results"): "signed",
    ("GET", "/api/v1/certifications"): "list",
    ("GET", "/api/v1/certifications/expiring"): "list",
    ("GET", "/api/v1/partners/{partner_id}/capacity"): "owned",
    ("GET", "/api/v1/partners/{partner_id}/capacity/history"): "owned",
    ("GET", "/api/v1/capacity/portfolio"): "vendor",
    ("GET", "/api/v1/inbox"): "inbox",
    ("GET", "/api/v1/inbox/unread-count"): "inbox",
    ("POST", "/api/v1/inbox/read-all"): "inbox",
    ("POST", "/api/v1/inbox/{message_id}/read"): "owned",
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/business-plan-templates"): {"program_id": 1, "name": "Mole", "items": [{"kind": "solution_milestone", "title": "Mole"}]},
    ("PUT", "/api/v1/business-plans/{business_plan_id}/draft"): {"title": "Mole", "items": []},
    ("POST", "/api/v1/business-plans/{business_plan_id}/propose"): {},
    ("POST", "/api/v1/business-plans/{business_plan_id}/amendments"): {
        "items": [{"kind": "solution_milestone", "title": "Mole", "due_on": "2099-01-01"}],
        "note": "Mole",
    },
    ("PUT", "/api/v1/business-plans/{business_plan_id}/items/{ref}/progress"): {"status": "in_progress"},
    ("PUT", "/api/v1/me/notification-settings"): {"choices": {}, "time_zone": "Europe/Berlin"},
    ("POST", "/api/v1/me/password"): {"current_password": "not-the-password", "new_password": "a-long-new-password"},
    ("POST", "/api/v1/password-resets"): {"email": "nobody@b.example"},
    ("POST", "/api/v1/password-links"): {"token": "junk", "password": "a-long-new-password"},
    ("POST", "/api/v1/business-calendars"): {"key": "probe", "name": "Probe", "time_zone": "UTC"},
    ("POST", "/api/v1/cosell-teams"): {"key": "probe", "name": "Probe", "calendar_id": 1},
    ("POST", "/api/v1/customers/{customer_id}/consents"): {"expires_on": "2099-01-01"},
    ("POST", "/api/v1/consents/{consent_id}/revocation"): {"reason": "probe"},
    ("PUT", "/api/v1/assets/{asset_id}"): {"kind": "solution_pattern", "title": "Hijacked", "summary": "Hijacked"},
    ("POST", "/api/v1/assets/{asset_id}/versions"): {"number": "9.9.9"},
    ("POST", "/api/v1/asset-versions/{asset_version_id}/transitions"): {"action": "submit"},
    ("POST", "/api/v1/asset-versions/{asset_version_id}/reviews"): {"decision": "approve"},
    ("POST", "/api/v1/assets/{asset_id}/project-uses"): {"registration_id": 1},
    ("POST", "/api/v1/brief-templates"): {"title": "Mole", "body_html": "<p>x</p>"},
    ("PUT", "/api/v1/brief-templates/{brief_template_id}"): {"title": "Mole", "body_html": "<p>x</p>"},
    ("POST", "/api/v1/early-access/programs"): {"product_line": "analytics", "version": "99", "terms": "x"},
    ("PUT", "/api/v1/early-access/programs/{early_access_program_id}/open"): {"is_open": True},
    ("POST", "/api/v1/early-access/programs/{early_access_program_id}/applications"): {"accept_terms": True},
    ("POST", "/api/v1/early-access/applications/{early_access_application_id}/decision"): {"decision": "decline", "reason": "Mole"},
    ("POST", "/api/v1/assets/{asset_id}/early-access-feedback"): {"body": "Mole"},
    ("POST", "/api/v1/customer-references/{reference_id}/decision"): {"approve": True},
    ("POST", "/api/v1/ps-engagements"): {"customer_id": 1, "activity": "implementation", "staffed_user_id": 1, "starts_on": "2026-01-01"},
    ("POST", "/api/v1/registrations/{registration_id}/account-protection"): {"reason": "probe"},
    ("POST", "/api/v1/disputes/{dispute_id}/escalation"): {"reason": "probe"},
    ("POST", "/api/v1/disputes/{dispute_id}/decision"): {"lead": "si", "rationale": "probe"},
    ("POST", "/api/v1/registrations/{registration_id}/resource-requests"): {"request_type": "poc_support", "needed_by": "2030-01-01", "description": "probe"},
    ("POST", "/api/v1/resource-requests/{request_id}/actions/{action}"): {"reason": "probe"},
    ("POST", "/api/v1/resource-requests/{request_id}/assignment"): {"assignee_user_id": 1},
    ("POST", "/api/v1/routing-rules"): {"name": "X", "team_id": 1, "first_response_hours": "4"},
    ("PATCH", "/api/v1/routing-rules/{rule_id}"): {"name": "Hijacked"},
    ("PATCH", "/api/v1/cosell-teams/{team_id}"): {"name": "Hijacked"},
    ("PATCH", "/api/v1/business-calendars/{calendar_id}"): {"name": "Hijacked"},
    ("POST", "/api/v1/registrations/{registration_id}/codelivery-plan"): {"activities": [{"activity": "training", "lead": "si"}]},
    ("POST", "/api/v1/tier-recommendations/{recommendation_id}/decision"): {"accept": True, "reason": "probe"},
    ("POST", "/api/v1/partners/{partner_id}/reported-figures"): {"metric": "managed_customers", "period": "2020-01", "value": 5},
    ("POST", "/api/v1/reported-figures/{figure_id}/decision"): {"confirm": True},
    ("PATCH", "/api/v1/partners/{partner_id}"): {"display_name": "Hijacked"},
    ("POST", "/api/v1/partners/{partner_id}/people"): {"name": "Mole", "email": "mole@x.example", "delivery_role": "sales"},
    ("PATCH", "/api/v1/people/{person_id}"): {"name": "Renamed"},
    ("POST", "/api/v1/partners/{partner_id}/sponsors"): {"side": "partner", "name": "Mole"},
    ("PATCH", "/api/v1/programs/{program_id}"): {"name": "Hijacked"},
    ("POST", "/api/v1/programs/{program_id}/territories"): {"name": "Hijacked", "countries": ["FR"]},
    ("PUT", "/api/v1/programs/{program_id}/territories/{name}"): {"name": "Hijacked", "countries": ["FR"]},
    ("PATCH", "/api/v1/tiers/{tier_id}"): {"name": "Hijacked"},
    ("PATCH", "/api/v1/users/{user_id}"): {"name": "Hijacked"},
    ("POST", "/api/v1/partners"): {"legal_name": "X", "display_name": "X", "partner_type": "reseller", "hq_country": "US"},
    ("POST", "/api/v1/customers/match"): {"name": "Tenancy Probe Analytics"},
    ("POST", "/api/v1/customers"): {"name": "Mole Analytics"},
    ("PATCH", "/api/v1/customers/{customer_id}"): {"name": "Hijacked"},
    ("POST", "/api/v1/customers/{customer_id}/ownership"): {"status": "open", "reason": "take it over"},
    ("POST", "/api/v1/product-lines"): {"key": "mole-line", "name": "Mole"},
    ("PATCH", "/api/v1/product-lines/{product_line_id}"): {"name": "Hijacked"},
    ("POST", "/api/v1/webhooks"): {"url": "http://127.0.0.1:9/hooks", "allow_private_network": True},
    ("PATCH", "/api/v1/webhooks/{endpoint_id}"): {"url": "http://127.0.0.1:9/hijacked", "allow_private_network": True},
    ("PATCH", "/api/v1/sso/connections/{connection_id}"): {"name": "Hijacked", "default_role": "partner_admin"},
    ("POST", "/api/v1/sso/connections/{connection_id}/domains/{domain_id}/mark-verified"): {"reason": "tenancy probe"},
    ("PATCH", "/api/v1/registrations/{registration_id}"): {"title": "Hijacked"},
    ("POST", "/api/v1/fund-budgets"): {"program_id": 1, "period": "FY2099", "amount": "1"},
    ("PATCH", "/api/v1/fund-budgets/{budget_id}"): {"amount": "1", "reason": "probe"},
    ("POST", "/api/v1/fund-budgets/{budget_id}/withdrawal"): {"amount": "1", "reason": "probe"},
    ("POST", "/api/v1/fund-budgets/{budget_id}/generated-allocations"): {"reason": "probe"},
    ("POST", "/api/v1/fund-allocations"): {"partner_id": 1, "budget_id": 1, "amount": "1", "reason": "probe"},
    ("POST", "/api/v1/fund-requests/{fund_request_id}/decision"): {"approve": True},
    ("POST", "/api/v1/fund-claims/{claim_id}/decision"): {"approve": True},
    ("POST", "/api/v1/fund-claims/{claim_id}/payment"): {"payment_reference": "probe", "paid_on": "2020-01-01"},
    ("POST", "/api/v1/registrations/{registration_id}/actions/{action}"): {"reason": "hijacked"},
    ("POST", "/api/v1/registrations/{registration_id}/won"): {"booked_amount": "1.00", "closed_on": "2020-01-01"},
    ("POST", "/api/v1/registrations/{registration_id}/extensions"): {"reason": "hijacked"},
    ("POST", "/api/v1/extensions/{extension_id}/decision"): {"approve": True, "reason": "probe"},
    ("POST", "/api/v1/certification-tracks"): {
        "key": "mole-track",
        "name": "Mole",
        "delivery_role": "sales",
        "level": "associate",
        "product_line": "analytics",
        "product_version": "1",
        "modules": [{"key": "m1", "title": "Mole"}],
    },
    ("PATCH", "/api/v1/certification-tracks/{track_id}"): {"name": "Hijacked"},
    ("POST", "/api/v1/product-releases"): {"product_line": "analytics", "version": "99.0", "released_on": "2026-01-01"},
    ("POST", "/api/v1/people/{person_id}/module-completions"): {"module_id": 1},
    ("POST", "/api/v1/people/{person_id}/exam-attempts"): {"track_id": 1, "score": 50},
    ("POST", "/api/v1/people/{person_id}/lab-submissions"): {"track_id": 1, "evidence": "probe"},
    ("POST", "/api/v1/lab-submissions/{submission_id}/grade"): {"scores": [{"criterion": "Design", "points": 1}]},
    ("POST", "/api/v1/labs/{track_key}/results"): {"person_id": 1, "score": 100},
}
# Path values that differ by route (each `{action}` has its own vocabulary).
PATH_VALUES: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/api/v1/resource-requests/{request_id}/actions/{action}"): {"action": "accept"},
    ("PUT", "/api/v1/programs/{program_id}/territories/{name}"): {"name": "West"},
    ("DELETE", "/api/v1/programs/{program_id}/territories/{name}"): {"name": "West"},
}
IDENTITY_KEYS = {"customer_id", "external_id", "name", "website", "country", "score", "reasons"}


def _openapi_routes() -> set[tuple[str, str]]:
    document = api_document()
    return {(method.upper(), path) for path, operations in document["paths"].items() for method in operations if path.startswith("/api/")}


def _refused_outright(role: Role) -> set[tuple[str, str]]:
    """The routes whose declared permissions (x-permissions) no grant of `role` meets."""
    document = api_document()
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "x-permissions" in operation and not any(role_can(role, Permission(p)) for p in operation["x-permissions"])
    }


def _ids_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "partner_id": world.b.id,
        "person_id": world.b.person_ids[0],
        "sponsor_id": world.b.sponsor_ids[1],  # the partner-side sponsor, which a partner admin could otherwise remove
        "user_id": world.b.user_id,
        "program_id": world.program_ids["reseller"],
        "tier_id": world.tier_ids["reseller/silver"],
        "seq": 1,
        "entry_id": 1,
        # Partner A has a registration too (GET /registrations must list it); B's is the target.
        "registration_id": world.registrations()["b"],
        "action": "withdraw",
        "extension_id": 1,
        "product_line_id": 1,
        "track_id": _track_of(world),
        "submission_id": 1,
        "recommendation_id": 1,
        "figure_id": 1,
        "track_key": "tenancy-probe",
        # Partner A and B each hold a certification ending within 30 days (the lists must show A's).
        "certification_id": build_certifications(world.db, world)["b"],
        # Partner A and B each have a project registration with a proposed plan and a co-sell request.
        **_cosell_of_b(world),
        # Partner A and B each have an agreed business plan for the fiscal year (ref 3: a milestone).
        **{k: v for k, v in build_business_plans(world.db, world)["b"].items() if k != "partner_id"},
        "ref": MILESTONE_REF,
        "calendar_id": 1,
        "team_id": 1,
        "rule_id": 1,
        "file_id": _file_of_b(world),
        # B's draft contribution to the library (invisible to A).
        **build_contribution(world.db, world),
        # A and B each have a submitted customer reference (the list must show A's only).
        "reference_id": build_references(world.db, world)["b"],
        # Partner A and B each have an allocation, an approved request and a submitted claim.
        **_funds_of_b(world),
        # Partner A and B each have a single sign-on connection (the list must show A's only).
        **build_connections(world.db, world)["b"],
        # Webhooks are vendor-only: any id answers 403 to partners.
        "endpoint_id": 1,
        "delivery_id": 1,
        **_inbox_of(world),
        # Partner A and B each have a shared QBR package with a commitment (the list must show A's only).
        **_qbr_of_b(world),
        # A and B are enrolled in an open program; B applied to a closed one A cannot see.
        **{
            k: v for k, v in build_early_access(world.db, world).items() if k in ("early_access_program_id", "early_access_application_id", "brief_template_id")
        },
    }


def _qbr_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    if not hasattr(world, "qbr_ids"):
        build_shared_qbr(world.db, world, "a")
        world.qbr_ids = build_shared_qbr(world.db, world, "b")
    return world.qbr_ids


def _funds_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from tests.factories.funds import build_funds

    built = build_funds(world.db, world)["b"]
    return {
        "budget_id": built["budget_id"],
        "allocation_id": built["allocation_id"],
        "fund_request_id": built["fund_request_id"],
        "claim_id": built["claim_id"],
    }


def _file_of_b(world) -> int:  # type: ignore[no-untyped-def]
    """A file partner B uploaded (its record is enough: partner A must not learn it exists)."""
    from alliance.files.models import StoredFile
    from alliance.files.vocabulary import FilePurpose

    with world.db.session_scope(PartnerScope.system(reason="test: B's file")) as session:
        stored = StoredFile(
            partner_id=world.b.id, sha256="0" * 64, size_bytes=10, content_type="application/pdf", filename="b.pdf", purpose=FilePurpose.FUND_CLAIM
        )
        session.add(stored)
        session.flush()
        return stored.id


def _unread_of_b(client, world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {who: client.get("/api/v1/inbox/unread-count", headers=world.headers(who)).json()["unread"] for who in ("b_admin", "b_user")}


def _inbox_of(world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """An inbox item for each user of partners A and B; B's user's is the target (message_id)."""
    from alliance.identity.scope import Actor, PartnerScope
    from alliance.kit.pagination import PageRequest
    from alliance.notifications import service as notification_service
    from alliance.notifications.inbox_repository import InboxFilters
    from alliance.notifications.inbox_service import list_inbox
    from alliance.notifications.service import Recipient
    from alliance.notifications.vocabulary import EventType

    facts = {"title": "Inbox probe", "approved": True, "by": "CAM", "customer": "Probe", "protected_until": None, "reason": None}
    assert world.db is not None
    with world.db.session_scope(PartnerScope.system(reason="tenancy probe inbox")) as session:
        for who in ("a_admin", "a_user", "b_admin", "b_user"):
            notification_service.notify(
                session,
                Actor.system(label="test-setup"),
                event=EventType.REGISTRATION_DECIDED,
                recipients=[Recipient(world.users[who], "probe")],
                entity_type="registration",
                entity_id=1,
                facts=facts,
            )
    b_ids: list[int] = []
    for who, partner_id in (("b_admin", world.b.id), ("b_user", world.b.id)):
        actor = Actor(user_id=world.users[who], role=Role.PARTNER_ADMIN if who == "b_admin" else Role.PARTNER_USER, partner_id=partner_id, label=who)
        with world.db.session_scope(PartnerScope.system(reason="tenancy probe inbox"), write=False) as session:
            b_ids.extend(m.id for m in list_inbox(session, actor, filters=InboxFilters(), page=PageRequest(limit=500)).items)
    return {"message_id": max(b_ids), "b_message_ids": b_ids}


def _cosell_of_b(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """B's plan version and co-sell request; B's SI-protected account (customer_id), consent,
    violation, dispute on an agreed plan and the PS engagement staffed on the account by override
    (A has the same of its own, for the lists)."""
    built = build_cosell(world.db, world)["b"]
    roe = build_roe_records(world.db, world)
    keys = ("plan_id", "activity_id", "customer_id", "consent_id", "dispute_id", "engagement_id")
    return {"version_id": built["version_id"], "request_id": built["request_id"], **{k: roe[k] for k in keys}}


def _track_of(world) -> int:  # type: ignore[no-untyped-def]
    """A catalog track (vendor data every partner reads), built through the service."""
    from alliance.enablement import catalog_service
    from alliance.enablement.catalog_schemas import TrackCreate
    from alliance.identity.scope import Actor, PartnerScope

    world.registrations()  # the product-line catalog
    data = TrackCreate(
        key="tenancy-probe",
        name="Tenancy probe",
        delivery_role="solution_architect",
        level="expert",
        product_line="analytics",
        product_version="1",
        lab_grading="environment",
        lab_rubric=[{"criterion": "Design", "max_points": 10}],
        modules=[{"key": "m1", "title": "Probe"}],
    )
    assert world.db is not None
    with world.db.session_scope(PartnerScope.system(reason="tenancy probe track")) as session:
        return catalog_service.create_track(session, Actor.system(label="test-setup"), data=data).id


def _depends_on(route: APIRoute, target: object) -> bool:
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        if dependant.call is target:
            return True
        stack.extend(dependant.dependencies)
    return False


def test_every_api_route_is_classified():
    routes = _openapi_routes()
    unlisted = sorted(routes - set(ROUTES))
    stale = sorted(set(ROUTES) - routes)
    assert not unlisted, f"new API routes need a partner-isolation expectation in ROUTES: {unlisted}"
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"


def _every_route(app) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    """(method, path, effective route) for every route, including those of included routers."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI >= 0.16x keeps included routers nested
    except ImportError:
        contexts = [(route.path, getattr(route, "methods", None) or set(), route) for route in app.routes]
    else:
        contexts = [(context.path, context.methods or set(), context.route) for context in iter_route_contexts(app.routes)]
    return [(method, path, route) for path, methods, route in contexts for method in methods if method != "HEAD"]


def test_every_route_requires_an_authenticated_actor():
    routes = _every_route(bare_app())
    assert len(routes) > 40, "route enumeration found too few routes: it is not seeing included routers"
    unguarded = []
    for method, path, route in routes:
        if (method, path) in PUBLIC_ROUTES or path.startswith("/static"):
            continue
        # The ACE door authenticates each request by its SigV4 signature (the token is the key id);
        # SCIM by its connection's bearer token (a connection reaches its own organisation's users only).
        guard = api_actor if path.startswith("/api/") else ace_actor if path.startswith("/ace") else scim_caller if path.startswith("/scim/") else web_actor
        if not isinstance(route, APIRoute) or not _depends_on(route, guard):
            unguarded.append((method, path))
    assert not unguarded, f"routes without an authenticated actor: {unguarded}"


UNAUTHENTICATED_VALUES = {"action": "submit", "track_key": "tenancy-probe"}


def test_every_api_route_answers_401_without_credentials(client):
    for method, path in sorted(_openapi_routes()):
        if (method, path) in PUBLIC_ROUTES:
            continue
        # Any id will do (1), the action and the lab key need a value of their own vocabulary.
        url = re.sub(r"\{(\w+)\}", lambda found: UNAUTHENTICATED_VALUES.get(found[1], "1"), path)
        response = client.request(method, url, json={})
        assert response.status_code == 401, f"{method} {url} answered {response.status_code} without credentials"
        assert response.json()["error"]["code"] == "not_authenticated"


def _snapshot_of_b(client, world) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    admin = world.headers("admin")
    return {
        "partner": client.get(f"/api/v1/partners/{world.b.id}", headers=admin).json(),
        "people": client.get(f"/api/v1/partners/{world.b.id}/people", headers=admin).json(),
        "sponsors": client.get(f"/api/v1/partners/{world.b.id}/sponsors", headers=admin).json(),
        "users": client.get(f"/api/v1/users?partner_id={world.b.id}", headers=admin).json(),
        "registrations": client.get(f"/api/v1/registrations?partner_id={world.b.id}", headers=admin).json(),
    }


@pytest.mark.parametrize("who", ["a_admin", "a_user"])
def test_partner_a_cannot_reach_partner_b(client, world, who):
    headers = world.headers(who)
    ids = _ids_of_b(world)
    refused = _refused_outright(Role.PARTNER_ADMIN if who == "a_admin" else Role.PARTNER_USER)
    before = _snapshot_of_b(client, world)
    unread_of_b = _unread_of_b(client, world)
    problems = []
    for (method, path), kind in sorted(ROUTES.items()):
        url = path.format(**{**ids, **PATH_VALUES.get((method, path), {})})
        body = BODIES.get((method, path))
        response = client.request(method, url, headers=headers, json=body)
        if (method, path) in refused and kind in ("owned", "create", "vendor", "list"):
            if response.status_code != 403:
                problems.append(f"{method} {url}: expected 403 (the role may not use it), got {response.status_code}")
        elif kind == "owned" and response.status_code != 404:
            problems.append(f"{method} {url}: expected 404, got {response.status_code}")
        elif kind == "vendor" and response.status_code != 403:
            problems.append(f"{method} {url}: expected 403, got {response.status_code}")
        elif kind == "shared" and response.status_code != 200:
            problems.append(f"{method} {url}: expected 200, got {response.status_code}")
        elif kind == "list":
            if response.status_code != 200:
                problems.append(f"{method} {url}: expected 200, got {response.status_code}")
            else:
                problems.extend(_foreign_rows(method, url, response.json(), world))
        elif kind == "create":
            problems.extend(_create_for_b(client, headers, method, path, world, ids))
        elif kind == "csv":
            lines = response.text.splitlines()[1:] if response.status_code == 200 else []
            if not lines or any(line.split(",", 1)[0] != str(world.a.id) for line in lines):
                problems.append(f"{method} {url}: expected partner A's rows only, got {response.status_code}: {response.text[:300]}")
        elif kind == "signed" and response.status_code != 401:
            problems.append(f"{method} {url}: expected 401 (unsigned), got {response.status_code}")
        elif kind == "identity":
            problems.extend(_identity_only(client, headers, method, path, world))
        elif kind == "settings" and (response.status_code != 200 or "Blue Harbor" in response.text):
            problems.append(f"{method} {url}: expected the caller's own answer (200, nothing of partner B), got {response.status_code}: {response.text[:300]}")
        elif kind == "inbox":
            problems.extend(_own_inbox_only(method, url, response, ids))
        elif kind == "mine" and response.status_code != 200:
            problems.append(f"{method} {url}: expected 200 (the caller's own sessions), got {response.status_code}")
        elif kind == "own" and response.status_code != 422:
            problems.append(f"{method} {url}: expected 422 (wrong current password), got {response.status_code}")
        elif kind == "public" and response.status_code != (202 if path.endswith("resets") else 422):
            problems.append(f"{method} {url}: expected the answer any address or junk link gets, got {response.status_code}")
    after = _snapshot_of_b(client, world)
    if _unread_of_b(client, world) != unread_of_b:
        problems.append("partner B's inbox items were marked read")
    assert not problems, "\n".join(problems)
    assert after == before, "partner B's records changed"


def _foreign_rows(method: str, url: str, body: Any, world) -> list[str]:  # type: ignore[no-untyped-def]
    items = body["items"] if isinstance(body, dict) and "items" in body else [body]
    problems = []
    for item in items:
        # A PS engagement is vendor data; the partner it concerns is the one that protected its account.
        owner = item.get("partner_id", item.get("protecting_partner_id", item.get("id") if "legal_name" in item else None))
        if owner != world.a.id:
            problems.append(f"{method} {url}: returned a row of partner {owner}: {item.get('id')}")
    if not items:
        problems.append(f"{method} {url}: returned nothing at all (expected partner A's own rows)")
    return problems


def _own_inbox_only(method: str, url: str, response, ids: dict[str, Any]) -> list[str]:  # type: ignore[no-untyped-def]
    if response.status_code != 200:
        return [f"{method} {url}: expected 200, got {response.status_code}"]
    body = response.json()
    if url.endswith("/inbox") and (not body["items"] or any(item["id"] in ids["b_message_ids"] for item in body["items"])):
        return [f"{method} {url}: expected the caller's own items only, got {body}"]
    return []


def _identity_only(client, headers, method: str, path: str, world) -> list[str]:  # type: ignore[no-untyped-def]
    """A customer SI-protected by partner A (the world's only SI): even the owner's users get
    identities only, never ownership (tests/api/customers checks partner B's users too)."""
    admin = world.headers("admin")
    customer = client.post("/api/v1/customers", headers=admin, json={"name": "Tenancy Probe Analytics", "website": "probe.example"}).json()
    change = {"status": "si_protected", "owning_partner_id": world.a.id, "protected_until": "2099-01-01", "reason": "probe"}
    client.post(f"/api/v1/customers/{customer['id']}/ownership", headers=admin, json=change)
    response = client.request(method, path, headers=headers, json=BODIES[(method, path)])
    if response.status_code != 200:
        return [f"{method} {path}: expected 200, got {response.status_code}"]
    candidates = response.json()["candidates"]
    if not candidates or any(set(c) != IDENTITY_KEYS for c in candidates) or "si_protected" in response.text:
        return [f"{method} {path}: expected identities only, got {candidates}"]
    return []


def _create_for_b(client, headers, method: str, path: str, world, ids: dict[str, Any]) -> list[str]:  # type: ignore[no-untyped-def]
    if path in ("/api/v1/users", "/api/v1/users/invitations"):
        # A partner admin naming partner B gets 404 (B does not exist for them); a partner user
        # may not create users at all (403). Neither may succeed.
        body = {"email": "mole@b.example", "name": "Mole", "role": "partner_user", "partner_id": world.b.id}
        response = client.post(path, headers=headers, json=body)
        if response.status_code not in (403, 404):
            return [f"{method} {path} for partner B: expected 403/404, got {response.status_code}"]
        return []
    if path == "/api/v1/disputes":
        # A dispute on partner B's plan activity: B's plan does not exist for partner A.
        body = {"plan_id": ids["plan_id"], "activity_id": ids["activity_id"], "subject": "Mole"}
        response = client.post(path, headers=headers, json=body)
        return [] if response.status_code == 404 else [f"{method} {path} on partner B's plan: expected 404, got {response.status_code}"]
    if path == "/api/v1/files":
        # An upload for partner B: B does not exist for partner A; nothing is stored.
        files = {"file": ("mole.pdf", b"%PDF-1.7\nmole", "application/pdf")}
        response = client.post(path, headers=headers, files=files, data={"partner_id": str(world.b.id)})
        return [] if response.status_code == 404 else [f"{method} {path} for partner B: expected 404, got {response.status_code}"]
    if path == "/api/v1/customer-references":
        # A reference for partner B: B does not exist for partner A; nothing is written.
        body = {"partner_id": world.b.id, "customer_name": "Mole", "title": "Mole", "problem": "x", "outcome": "y"}
        response = client.post(path, headers=headers, json=body)
        return [] if response.status_code == 404 else [f"{method} {path} for partner B: expected 404, got {response.status_code}"]
    if path == "/api/v1/assets":
        # A contribution is always the caller's own: naming partner B is unknown input.
        body = {"kind": "solution_pattern", "title": "Mole", "summary": "Mole", "partner_id": world.b.id}
        response = client.post(path, headers=headers, json=body)
        return [] if response.status_code == 422 else [f"{method} {path} naming partner B: expected 422, got {response.status_code}"]
    if path == "/api/v1/fund-requests":
        # A request is always against the caller's own allocation: naming partner B is unknown input.
        from tests.factories.funds import request_input

        response = client.post(path, headers=headers, json=request_input(partner_id=world.b.id))
        return [] if response.status_code == 422 else [f"{method} {path} naming partner B: expected 422, got {response.status_code}"]
    if path == "/api/v1/fund-claims":
        # A claim against partner B's approved request: the request does not exist for partner A.
        body = {
            "request_id": ids["fund_request_id"],
            "lines": [{"category": "venue", "description": "Mole", "amount": "1"}],
            "proofs": [{"file_id": ids["file_id"], "kind": "invoice"}],
        }
        response = client.post(path, headers=headers, json=body)
        return [] if response.status_code == 404 else [f"{method} {path} against partner B's request: expected 404, got {response.status_code}"]
    if path == "/api/v1/business-plans":
        # A partner's plan is always its own: naming partner B is refused, nothing is written.
        body = {"partner_id": world.b.id, "period": "FY2099", "title": "Mole"}
        response = client.post(path, headers=headers, json=body)
        return [] if response.status_code == 422 else [f"{method} {path} naming partner B: expected 422, got {response.status_code}"]
    if path == "/api/v1/registrations":
        # The registrant is always the caller's own partner: naming partner B is unknown input.
        body = {"kind": "deal", "title": "Mole", "customer": {"name": "Mole Co"}, "product_lines": ["analytics"], "partner_id": world.b.id}
        response = client.post(path, headers=headers, json=body)
        return [] if response.status_code == 422 else [f"{method} {path} naming partner B: expected 422, got {response.status_code}"]
    response = client.request(method, path, headers=headers, json=BODIES[(method, path)])
    return [] if response.status_code == 403 else [f"{method} {path}: expected 403, got {response.status_code}"]
