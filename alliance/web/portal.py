"""Partner portal: a partner user's own organisation only.

Every page works on actor.partner_id; ids in URLs go through services, whose scoped lookups
answer 404 for another partner's rows exactly as for missing ones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import require_edit_partner
from alliance.identity.scope import Actor
from alliance.kit.pagination import PageRequest
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.web.contacts import add_person_from, update_person_from
from alliance.web.deps import PORTAL_ONLY, PortalActor, WebSession, flash
from alliance.web.figures import figures_context
from alliance.web.forms import FormBody, Submission
from alliance.web.partners import LIST_FIELDS, PEOPLE_PAGE, partner_values, submit_partner_changes
from alliance.web.templating import render
from alliance.web.tiers import evaluation_panel
from alliance.web.worklists import work_context

router = APIRouter(prefix="/portal", dependencies=PORTAL_ONLY)


def _partner_id(actor: Actor) -> int:
    assert actor.partner_id is not None  # portal_actor guarantees it
    return actor.partner_id


@router.get("")
def overview(request: Request, session: WebSession, actor: PortalActor) -> Response:
    partner_id = _partner_id(actor)
    role_counts = partner_service.count_people_by_role(session, actor, partner_id=partner_id)
    context = {
        "partner": partner_service.get_partner(session, actor, partner_id=partner_id),
        "cam": partner_service.cam_contact(session, actor, partner_id=partner_id),
        "sponsors": partner_service.list_sponsors(session, actor, partner_id=partner_id),
        "role_counts": role_counts,
        "people_total": sum(role_counts.values()),
        **work_context(session, actor),
    }
    return render(request, "portal/dashboard.html", context)


@router.get("/organization")
def organization(request: Request, session: WebSession, actor: PortalActor) -> Response:
    partner_id = _partner_id(actor)
    context = {
        "partner": partner_service.get_partner(session, actor, partner_id=partner_id),
        "cam": partner_service.cam_contact(session, actor, partner_id=partner_id),
    }
    return render(request, "portal/organization.html", context)


@router.get("/organization/edit")
def edit_organization(request: Request, session: WebSession, actor: PortalActor) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=_partner_id(actor))
    require_edit_partner(actor, partner.id)
    return _organization_form(request, session, actor, Submission(values=partner_values(partner)))


@router.post("/organization/edit")
def update_organization(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=_partner_id(actor))
    submission = submit_partner_changes(session, actor, partner=partner, form=form, list_fields=LIST_FIELDS)
    if submission.ok:
        flash(request, "Your organization profile was saved." if submission.result else "Nothing changed.", "success" if submission.result else "info")
        return RedirectResponse("/portal/organization", status_code=303)
    return _organization_form(request, session, actor, submission)


def _organization_form(request: Request, session: Session, actor: Actor, submission: Submission[Any]) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=_partner_id(actor))
    context = {"partner": partner, "values": submission.values, "errors": submission.errors}
    return render(request, "portal/organization_form.html", context, status_code=submission.status)


@router.get("/people")
def people(request: Request, session: WebSession, actor: PortalActor, page: PageParams) -> Response:
    return _people_page(request, session, actor, Submission(), page)


@router.post("/people")
def add_person(request: Request, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    submission = add_person_from(session, actor, partner_id=_partner_id(actor), form=form)
    if submission.ok and submission.result is not None:
        flash(request, f"{submission.result.name} was added to your team.")
        return RedirectResponse("/portal/people", status_code=303)
    return _people_page(request, session, actor, submission)


def _people_page(request: Request, session: Session, actor: Actor, submission: Submission[Any], page: PageRequest = PEOPLE_PAGE) -> Response:
    partner_id = _partner_id(actor)
    context = {
        "partner": partner_service.get_partner(session, actor, partner_id=partner_id),
        "people": partner_service.list_people(session, actor, partner_id=partner_id, delivery_role=None, active=None, sort="name", page=page),
        "person_form": submission,
    }
    return render(request, "portal/people.html", context, status_code=submission.status)


@router.get("/people/{person_id}/edit")
def edit_person(request: Request, person_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    person = partner_service.get_person(session, actor, person_id=person_id)
    require_edit_partner(actor, person.partner_id)
    values = {name: "" if getattr(person, name) is None else str(getattr(person, name)) for name in ("name", "email", "title", "delivery_role", "country")}
    values["is_active"] = "on" if person.is_active else ""
    return render(request, "portal/person_form.html", {"person": person, "values": values, "errors": {}})


@router.post("/people/{person_id}/edit")
def update_person(request: Request, person_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    partner_service.get_person(session, actor, person_id=person_id)
    submission = update_person_from(session, actor, person_id=person_id, form=form)
    if submission.ok and submission.result is not None:
        flash(request, f"{submission.result.name} was updated.")
        return RedirectResponse("/portal/people", status_code=303)
    person = partner_service.get_person(session, actor, person_id=person_id)
    return render(
        request, "portal/person_form.html", {"person": person, "values": submission.values, "errors": submission.errors}, status_code=submission.status
    )


@router.post("/people/{person_id}/remove")
def remove_person(request: Request, person_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    person = partner_service.get_person(session, actor, person_id=person_id)
    name = person.name
    partner_service.remove_person(session, actor, person_id=person.id)
    flash(request, f"{name} was removed from your team.")
    return RedirectResponse("/portal/people", status_code=303)


@router.get("/tier")
def tier(request: Request, session: WebSession, actor: PortalActor) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=_partner_id(actor))
    program = program_service.get_program(session, actor, program_id=partner.program_id) if partner.program_id else None
    tier_panel = evaluation_panel(session, actor, partner_id=partner.id, enrolled=partner.program_id is not None)
    figures = figures_context(session, actor, partner_id=partner.id, partner_type=partner.partner_type)
    return render(request, "portal/tier.html", {"partner": partner, "program": program, "tier_panel": tier_panel, **figures})
