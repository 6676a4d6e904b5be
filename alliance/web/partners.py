"""Vendor console: the partner list, partner profiles, and the create and edit forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.http.params import IdPath, PageParams
from alliance.identity import service as identity_service
from alliance.identity.permissions import Permission, can, require, require_edit_partner, roles_with
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.kit.sorting import known_sort
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.partners.models import Partner
from alliance.partners.repository import PartnerFilters
from alliance.partners.schemas import PartnerCreate, PartnerUpdate
from alliance.partners.vocabulary import REGIONS, PartnerStatus, PartnerType, SISubtype
from alliance.web.deps import VENDOR_ONLY, SortText, Text, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, query_choice, query_int, submit
from alliance.web.templating import render
from alliance.web.tiers import evaluation_panel

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)

LIST_FIELDS = ("regions", "territories", "verticals", "specialties")
SCALAR_FIELDS = partner_service.PROFILE_FIELDS


@router.get("/partners")
def list_partners(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    q: Text = None,
    partner_type: Text = None,
    si_subtype: Text = None,
    status: Text = None,
    tier: Text = None,
    region: Text = None,
    cam: Text = None,
    sort: SortText = None,
) -> Response:
    programs = program_service.list_programs(session, actor)
    tier_keys = {t.key: t.name for p in programs for t in p.tiers}
    filters = PartnerFilters(
        q=(q or "").strip() or None,
        partner_type=PartnerType(v) if (v := query_choice(partner_type, PartnerType)) else None,
        si_subtype=SISubtype(v) if (v := query_choice(si_subtype, SISubtype)) else None,
        status=PartnerStatus(v) if (v := query_choice(status, PartnerStatus)) else None,
        tier_key=query_choice(tier, tier_keys),
        region=query_choice(region, REGIONS),
        cam_user_id=query_int(cam),
    )
    notices = []
    sort = (sort or "").strip() or None
    if sort is not None and not known_sort(sort, partner_service.PARTNER_SORTS):
        notices.append(f"Cannot sort by '{sort}'; sorted by name instead.")
        sort = None
    partners = partner_service.list_partners(session, actor, filters=filters, sort=sort, page=page)
    context = {
        "partners": partners,
        "filters": filters,
        "sort": sort or "name",
        "notices": notices,
        "tier_options": sorted(tier_keys.items(), key=lambda item: item[1]),
        "cams": identity_service.vendor_users(session, *roles_with(Permission.PARTNERS_MANAGE)),
        "filtered": any(value is not None for value in vars(filters).values()),
    }
    return render(request, "partners/list.html", context)


@router.get("/partners/new")
def new_partner(request: Request, session: WebSession, actor: VendorActor) -> Response:
    require(actor, Permission.PARTNERS_CREATE)
    values = {"status": PartnerStatus.PROSPECT.value, "consultant_headcount": "0", "regions": []}
    if can(actor, Permission.PARTNERS_BOOK):
        values["cam_user_id"] = str(actor.user_id)
    return _form(request, session, actor, partner=None, submission=Submission(values=values))


@router.post("/partners/new")
def create_partner(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = submit(
        session,
        PartnerCreate,
        form_values(form, list_fields=LIST_FIELDS),
        lambda data: partner_service.create_partner(session, actor, data=data),
        shown=echo(form, list_fields=("regions",)),
    )
    if submission.ok and submission.result is not None:
        flash(request, f"{submission.result.display_name} was added to the portfolio.")
        return RedirectResponse(f"/console/partners/{submission.result.id}", status_code=303)
    return _form(request, session, actor, partner=None, submission=submission)


PEOPLE_PAGE = PageRequest(limit=50)


@router.get("/partners/{partner_id}")
def partner_profile(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    return render_profile(request, session, actor, partner_id=partner_id, people_page=page)


def render_profile(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    partner_id: int,
    person_form: Submission[Any] | None = None,
    sponsor_form: Submission[Any] | None = None,
    status_code: int = 200,
    people_page: PageRequest = PEOPLE_PAGE,
) -> Response:
    """The profile page; the people and sponsor forms come back here with their errors."""
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    context = {
        "partner": partner,
        "people": partner_service.list_people(session, actor, partner_id=partner_id, delivery_role=None, active=None, sort="name", page=people_page),
        "sponsors": partner_service.list_sponsors(session, actor, partner_id=partner_id, include_ended=True),
        "cam": partner_service.cam_contact(session, actor, partner_id=partner_id),
        "vendor_users": identity_service.vendor_users(session),
        "person_form": person_form or Submission(),
        "sponsor_form": sponsor_form or Submission(values={"side": "partner"}),
        "tier_panel": evaluation_panel(session, actor, partner_id=partner_id, enrolled=partner.program_id is not None),
    }
    return render(request, "partners/profile.html", context, status_code=status_code)


@router.get("/partners/{partner_id}/edit")
def edit_partner(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    require_edit_partner(actor, partner.id)
    return _form(request, session, actor, partner=partner, submission=Submission(values=partner_values(partner)))


@router.post("/partners/{partner_id}/edit")
def update_partner(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    submission = submit_partner_changes(session, actor, partner=partner, form=form, list_fields=LIST_FIELDS)
    if submission.ok:
        flash(request, "Partner profile saved." if submission.result else "Nothing changed.", "success" if submission.result else "info")
        return RedirectResponse(f"/console/partners/{partner_id}", status_code=303)
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    return _form(request, session, actor, partner=partner, submission=submission)


def submit_partner_changes(session: Session, actor: Actor, *, partner: Partner, form: Any, list_fields: tuple[str, ...]) -> Submission[Partner | None]:
    """Edit a partner from a form, sending the service only what changed: an unchanged program
    or tier in the form is not an attempt to change it."""
    values = form_values(form, list_fields=list_fields, optional=True)

    def apply(data: PartnerUpdate) -> Partner | None:
        changes = only_changes(partner, data)
        return partner_service.update_partner(session, actor, partner_id=partner.id, data=changes) if changes else None

    return submit(session, PartnerUpdate, values, apply, shown=echo(form, list_fields=("regions",)))


def only_changes(partner: Partner, data: PartnerUpdate) -> PartnerUpdate | None:
    changed: dict[str, Any] = {}
    for name, value in data.model_dump(exclude_unset=True, exclude={"reason"}).items():
        current = getattr(partner, name)
        same = set(current) == set(value or []) if name in LIST_FIELDS else current == value
        if not same:
            changed[name] = value
    if not changed:
        return None
    if data.reason:
        changed["reason"] = data.reason
    return PartnerUpdate.model_validate(changed)


def partner_values(partner: Partner) -> dict[str, Any]:
    """A stored partner as the strings its form shows."""
    values: dict[str, Any] = {name: "" if getattr(partner, name) is None else str(getattr(partner, name)) for name in SCALAR_FIELDS}
    values["regions"] = partner.regions
    for name in ("territories", "verticals", "specialties"):
        values[name] = ", ".join(getattr(partner, name))
    return values


def _form(request: Request, session: Session, actor: Actor, *, partner: Partner | None, submission: Submission[Any]) -> Response:
    errors = dict(submission.errors)
    # The schema checks type against subtype as a whole; the message belongs next to the subtype.
    if "si_subtype" in errors.get("__all__", "") and "si_subtype" not in errors:
        errors["si_subtype"] = errors.pop("__all__")
    context = {
        "partner": partner,
        "values": submission.values,
        "errors": errors,
        "programs": program_service.list_programs(session, actor),
        "cams": identity_service.vendor_users(session, *roles_with(Permission.PARTNERS_MANAGE)),
        "can_set_tier": can(actor, Permission.PROGRAMS_WRITE),
    }
    return render(request, "partners/form.html", context, status_code=submission.status)
