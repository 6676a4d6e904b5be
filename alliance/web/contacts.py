"""People and executive sponsors of a partner, from the console's partner profile.

The person forms are shared with the partner portal: the same schema, service call and errors."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.errors import NotFound
from alliance.http.params import IdPath
from alliance.identity.scope import Actor
from alliance.partners import service as partner_service
from alliance.partners.models import Person, Sponsor
from alliance.partners.schemas import PersonCreate, PersonUpdate, SponsorCreate, SponsorEnd
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_values, submit
from alliance.web.partners import render_profile

router = APIRouter(prefix="/console", dependencies=VENDOR_ONLY)


def add_person_from(session: Session, actor: Actor, *, partner_id: int, form: FormData) -> Submission[Person]:
    return submit(
        session, PersonCreate, form_values(form), lambda data: partner_service.add_person(session, actor, partner_id=partner_id, data=data), shown=echo(form)
    )


def update_person_from(session: Session, actor: Actor, *, person_id: int, form: FormData) -> Submission[Person]:
    values = form_values(form, bool_fields=("is_active",), optional=True)
    return submit(session, PersonUpdate, values, lambda data: partner_service.update_person(session, actor, person_id=person_id, data=data), shown=echo(form))


def person_of_partner(session: Session, actor: Actor, *, partner_id: int, person_id: int) -> Person:
    """A person by id, only as a member of the partner named in the same URL."""
    person = partner_service.get_person(session, actor, person_id=person_id)
    if person.partner_id != partner_id:
        raise NotFound(f"Person {person_id} not found.")
    return person


@router.post("/partners/{partner_id}/people")
def add_person(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission = add_person_from(session, actor, partner_id=partner_id, form=form)
    if submission.ok and submission.result is not None:
        flash(request, f"{submission.result.name} was added.")
        return RedirectResponse(f"/console/partners/{partner_id}#people", status_code=303)
    return render_profile(request, session, actor, partner_id=partner_id, person_form=submission, status_code=submission.status)


@router.post("/partners/{partner_id}/people/{person_id}/remove")
def remove_person(request: Request, partner_id: IdPath, person_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    person = person_of_partner(session, actor, partner_id=partner_id, person_id=person_id)
    name = person.name
    partner_service.remove_person(session, actor, person_id=person.id)
    flash(request, f"{name} was removed.")
    return RedirectResponse(f"/console/partners/{partner_id}#people", status_code=303)


@router.post("/partners/{partner_id}/sponsors")
def add_sponsor(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    submission: Submission[Sponsor] = submit(
        session,
        SponsorCreate,
        form_values(form),
        lambda data: partner_service.add_sponsor(session, actor, partner_id=partner_id, data=data),
        shown=echo(form),
    )
    if submission.ok and submission.result is not None:
        flash(request, f"{submission.result.name} is now an executive sponsor.")
        return RedirectResponse(f"/console/partners/{partner_id}#sponsors", status_code=303)
    return render_profile(request, session, actor, partner_id=partner_id, sponsor_form=submission, status_code=submission.status)


@router.post("/partners/{partner_id}/sponsors/{sponsor_id}/remove")
def remove_sponsor(request: Request, partner_id: IdPath, sponsor_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    """End the sponsorship (on the day given, default today): the sponsor stays on earlier QBRs."""
    sponsor = next((s for s in partner_service.list_sponsors(session, actor, partner_id=partner_id) if s.id == sponsor_id), None)
    if sponsor is None:
        raise NotFound(f"Sponsor {sponsor_id} not found.")
    name = sponsor.name
    submission: Submission[None] = submit(
        session,
        SponsorEnd,
        form_values(form),
        lambda data: partner_service.remove_sponsor(session, actor, sponsor_id=sponsor_id, ended_on=data.ended_on),
        shown=echo(form),
    )
    if submission.ok:
        flash(request, f"{name} is no longer a sponsor.")
        return RedirectResponse(f"/console/partners/{partner_id}#sponsors", status_code=303)
    return render_profile(request, session, actor, partner_id=partner_id, sponsor_form=submission, status_code=submission.status)
