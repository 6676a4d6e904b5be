"""Enablement pages in the partner portal: a partner's people and their certifications, expiring
certifications, certified capacity and one person's learning (module completions, lab hand-ins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance.enablement import (
    capacity_service,
    catalog_service,
    progress_service,
    recert_service,
)
from alliance.enablement.capacity_repository import CertificationFilters
from alliance.enablement.progress_schemas import (
    LabSubmissionCreate,
    ModuleCompletionCreate,
)
from alliance.http.params import IdPath, PageParams
from alliance.identity.scope import Actor
from alliance.kit.pagination import Page, PageRequest
from alliance.partners import service as partner_service
from alliance.partners.vocabulary import DeliveryRole
from alliance.web.deps import PORTAL_ONLY, PortalActor, Text, WebSession, flash
from alliance.web.enablement.context import ALL, ROLES, WINDOWS, capacity, labels, line_names, text
from alliance.web.forms import FormBody, Submission, echo, form_values, query_choice, query_int, submit
from alliance.web.templating import render

router = APIRouter()


# --- the partner portal: people and their certifications ---------------------------------------


@router.get("/portal/certifications", dependencies=PORTAL_ONLY)
def portal_certifications(
    request: Request,
    session: WebSession,
    actor: PortalActor,
    page: PageParams,
    person: Text = None,
    role: Text = None,
    within: Text = None,
) -> Response:
    partner_id = actor.partner_id or 0
    everyone = partner_service.list_people(session, actor, partner_id=partner_id, delivery_role=None, active=None, sort="name", page=ALL).items
    role_filter = DeliveryRole(v) if (v := query_choice(role, ROLES)) else None
    person_id = query_int(person)
    if person_id is not None:
        chosen = [p for p in everyone if p.id == person_id and (role_filter is None or p.delivery_role == role_filter)]
        people = Page(items=chosen, total=len(chosen), limit=page.limit, offset=0)
    else:
        people = partner_service.list_people(session, actor, partner_id=partner_id, delivery_role=role_filter, active=None, sort="name", page=page)
    items = people.items
    # The certifications of the whole page of people in one query, then grouped by person.
    certifications: dict[int, list[Any]] = {p.id: [] for p in items}
    if items:
        filters = CertificationFilters(partner_id=partner_id, person_ids=tuple(certifications))
        for row in capacity_service.list_certifications(session, actor, filters=filters, page=ALL).items:
            certifications[row.person_id].append(row)
    window = next((w for w in WINDOWS if str(w) == within), WINDOWS[0])
    expiring = recert_service.expiring(session, actor, within_days=window, partner_id=partner_id, page=PageRequest(limit=100))
    context = {
        "partner": partner_service.get_partner(session, actor, partner_id=partner_id),
        "everyone": everyone,
        "people": people,
        "certifications": certifications,
        "filters": {"person": person_id, "role": role_filter.value if role_filter else None},
        "filtered": person_id is not None or role_filter is not None,
        "tracks": {t.id: t for t in catalog_service.list_tracks(session, actor, page=ALL).items},
        "line_names": line_names(session, actor),
        "window": window,
        "windows": WINDOWS,
        "expiring": expiring,
        "capacity": capacity(session, actor, partner_id),
        **labels(),
    }
    return render(request, "enablement/portal_certifications.html", context)


# --- the partner portal: one person's learning -------------------------------------------------


@router.get("/portal/people/{person_id}/learning", dependencies=PORTAL_ONLY)
def person_learning(request: Request, person_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _learning(request, session, actor, person_id=person_id)


@router.post("/portal/people/{person_id}/learning/modules", dependencies=PORTAL_ONLY)
def complete_module(request: Request, person_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    person = partner_service.get_person(session, actor, person_id=person_id)  # another partner's person: 404 before anything else
    values = {k: v for k, v in form_values(form).items() if k in ("module_id", "completed_on")}

    def complete(data: ModuleCompletionCreate) -> Any:
        return progress_service.record_module_completion(session, actor, person_id=person.id, data=data)

    submission = submit(session, ModuleCompletionCreate, values, complete, shown=echo(form))
    track_id = query_int(text(form, "track_id"))
    if submission.ok:
        flash(request, f"Module marked complete for {person.name}.")
        return RedirectResponse(f"/portal/people/{person_id}/learning" + (f"#track-{track_id}" if track_id else ""), status_code=303)
    return _learning(request, session, actor, person_id=person_id, forms={f"track-{track_id or 0}": submission})


@router.post("/portal/people/{person_id}/learning/labs", dependencies=PORTAL_ONLY)
def hand_in_lab(request: Request, person_id: IdPath, session: WebSession, actor: PortalActor, form: FormBody) -> Response:
    person = partner_service.get_person(session, actor, person_id=person_id)
    values = {k: v for k, v in form_values(form).items() if k in ("track_id", "evidence")}

    def hand_in(data: LabSubmissionCreate) -> Any:
        return progress_service.submit_lab(session, actor, person_id=person.id, data=data)

    submission = submit(session, LabSubmissionCreate, values, hand_in, shown=echo(form))
    track_id = query_int(text(form, "track_id"))
    if submission.ok:
        flash(request, f"Lab submitted for {person.name}: it waits for a vendor evaluator.")
        return RedirectResponse(f"/portal/people/{person_id}/learning#track-{track_id}", status_code=303)
    return _learning(request, session, actor, person_id=person_id, forms={f"lab-{track_id or 0}": submission})


def _learning(request: Request, session: Session, actor: Actor, *, person_id: int, forms: dict[str, Submission[Any]] | None = None) -> Response:
    person, progress = progress_service.person_progress(session, actor, person_id=person_id)
    catalog = {t.id: t for t in catalog_service.list_tracks(session, actor, page=ALL).items}
    tracks = {p.track_id: catalog.get(p.track_id) or catalog_service.get_track(session, actor, track_id=p.track_id) for p in progress}
    started = [p for p in progress if p.completed_module_ids or p.exam_attempts or p.lab_status is not None or p.certification is not None]
    forms = forms or {}
    context = {
        "person": person,
        "started": started,
        "others": [p for p in progress if p not in started],
        "tracks": tracks,
        "forms": forms,
        "line_names": line_names(session, actor),
        **labels(),
    }
    return render(request, "enablement/learning.html", context, status_code=max((s.status for s in forms.values()), default=200))
