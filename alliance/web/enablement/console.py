"""Enablement pages in the vendor console: the catalog and releases, lab grading, portfolio
capacity and expiring certifications. One track's pages are in `tracks.py`."""

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
from alliance.enablement.capacity_service import PortfolioGrouping
from alliance.enablement.catalog_schemas import ReleaseCreate
from alliance.enablement.progress_schemas import (
    LabGrade,
)
from alliance.enablement.vocabulary import Level
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners import product_line_service
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import DeliveryRole
from alliance.web.deps import VENDOR_ONLY, Text, VendorActor, WebSession, flash
from alliance.web.enablement.context import ALL, CONSOLE, LEVELS, MAX_ROWS, ROLES, WINDOWS, capacity, labels
from alliance.web.forms import FormBody, Submission, echo, form_rows, form_values, query_choice, submit
from alliance.web.templating import render

router = APIRouter()


# --- the vendor console: the catalog and releases ----------------------------------------------


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def catalog(
    request: Request,
    session: WebSession,
    actor: VendorActor,
    page: PageParams,
    role: Text = None,
    level: Text = None,
    product_line: Text = None,
    active: Text = None,
) -> Response:
    return _catalog(request, session, actor, page=page, role=role, level=level, product_line=product_line, active=active)


def _catalog(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    page: PageRequest,
    role: str | None = None,
    level: str | None = None,
    product_line: str | None = None,
    active: str | None = None,
    release_form: Submission[Any] | None = None,
) -> Response:
    lines = product_line_service.list_product_lines(session, actor, active=None, page=ALL).items
    filters = {
        "role": query_choice(role, ROLES),
        "level": query_choice(level, LEVELS),
        "product_line": query_choice(product_line, [line.key for line in lines]),
        "active": query_choice(active, ("yes", "no")),
    }
    tracks = catalog_service.list_tracks(
        session,
        actor,
        delivery_role=DeliveryRole(filters["role"]) if filters["role"] else None,
        level=Level(filters["level"]) if filters["level"] else None,
        product_line=filters["product_line"],
        active=None if filters["active"] is None else filters["active"] == "yes",
        page=page,
    )
    release_form = release_form or Submission(values={"released_on": clock.today().isoformat()})
    context = {
        "tracks": tracks,
        "filters": filters,
        "filtered": any(filters.values()),
        "lines": [(line.key, line.name) for line in lines],
        "line_names": {line.key: line.name for line in lines},
        "releases": catalog_service.list_releases(session, actor, page=PageRequest(limit=60)),
        "release_form": release_form,
        **labels(),
    }
    return render(request, "enablement/catalog.html", context, status_code=release_form.status)


@router.post(CONSOLE + "/releases", dependencies=VENDOR_ONLY)
def record_release(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    def record(data: ReleaseCreate) -> tuple[Any, int]:
        release = catalog_service.create_release(session, actor, data=data)
        # Store the windows the release opens now, so every list names the deadline at once.
        return release, recert_service.open_recert_windows(session, actor)

    values = {k: v for k, v in form_values(form).items() if k in ("product_line", "version", "released_on")}
    submission = submit(session, ReleaseCreate, values, record, shown=echo(form))
    if submission.ok and submission.result is not None:
        release, opened = submission.result
        note = f" {opened} certification{'s' if opened != 1 else ''} must now recertify." if opened else ""
        flash(request, f"Release {release.version} of {release.product_line} recorded.{note}")
        return RedirectResponse(f"{CONSOLE}#releases", status_code=303)
    return _catalog(request, session, actor, page=PageRequest(), release_form=submission)


# --- the vendor console: lab grading ----------------------------------------------------------


@router.get(CONSOLE + "/labs", dependencies=VENDOR_ONLY)
def lab_queue(request: Request, session: WebSession, actor: VendorActor, page: PageParams) -> Response:
    return _queue(request, session, actor, page=page)


@router.post(CONSOLE + "/labs/{submission_id}/grade", dependencies=VENDOR_ONLY)
def grade_lab(request: Request, submission_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    require(actor, Permission.LABS_GRADE)
    flat = form_values(form)
    scores = [filled for _, row in form_rows(form, "scores", ("criterion", "points"), limit=MAX_ROWS) if (filled := {c: v for c, v in row.items() if v})]
    values = {"scores": scores, **({"notes": flat["notes"]} if "notes" in flat else {})}

    def grade(data: LabGrade) -> Any:
        return progress_service.grade_lab(session, actor, submission_id=submission_id, data=data)

    submission = submit(session, LabGrade, values, grade, shown=echo(form))
    if submission.ok and submission.result is not None:
        lab = submission.result
        verdict = "passed" if lab.status == "passed" else "not passed"
        missing = progress_service.certification_missing(session, actor, person_id=lab.person_id, track_id=lab.track_id)
        outcome = f" Not certified yet; still needed: {'; '.join(missing)}." if missing else _certified_note(session, actor, lab.person_id, lab.track_id)
        flash(request, f"Lab graded: {lab.score}%, {verdict}.{outcome}")
        return RedirectResponse(f"{CONSOLE}/labs", status_code=303)
    return _queue(request, session, actor, page=PageRequest(), forms={f"lab-{submission_id}": submission})


def _certified_note(session: Session, actor: Actor, person_id: int, track_id: int) -> str:
    found = capacity_service.list_certifications(
        session, actor, filters=CertificationFilters(person_id=person_id, track_id=track_id, status="active"), page=PageRequest(limit=1)
    )
    return f" {found.items[0].person_name} is now certified: {found.items[0].track_name}." if found.items and found.items[0].issued_on == clock.today() else ""


def _queue(request: Request, session: Session, actor: Actor, *, page: PageRequest, forms: dict[str, Submission[Any]] | None = None) -> Response:
    queue = progress_service.lab_queue(session, actor, page=page)
    track_ids = {row.track_id for row in queue.items}
    rubrics = {track_id: catalog_service.get_track(session, actor, track_id=track_id) for track_id in track_ids}
    forms = forms or {}
    context = {"queue": queue, "tracks": rubrics, "forms": forms, "now": clock.now(), **labels()}
    return render(request, "enablement/labs.html", context, status_code=max((s.status for s in forms.values()), default=200))


# --- the vendor console: certified capacity ---------------------------------------------------


@router.get(CONSOLE + "/capacity", dependencies=VENDOR_ONLY)
def portfolio(request: Request, session: WebSession, actor: VendorActor, page: PageParams, group: Text = None) -> Response:
    group_by: PortfolioGrouping = "role" if query_choice(group, ("subtype", "role")) == "role" else "subtype"
    rows = capacity_service.portfolio_capacity(session, actor, group_by=group_by)
    groups = sorted({row.group for row in rows}, key=lambda g: (LEVELS.index(g) if g in LEVELS else len(LEVELS), g))
    roles = sorted({row.delivery_role for row in rows}, key=lambda r: ROLES.index(r) if r in ROLES else len(ROLES))
    cells = {(row.delivery_role, row.group): row for row in rows}
    partners = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort="name", page=page)
    context = {**labels(), "group_by": group_by, "groups": groups, "portfolio_roles": roles, "cells": cells, "partners": partners}
    return render(request, "enablement/portfolio.html", context)


@router.get(CONSOLE + "/expiring", dependencies=VENDOR_ONLY)
def console_expiring(request: Request, session: WebSession, actor: VendorActor, page: PageParams, within: Text = None, mine: Text = None) -> Response:
    """What is expiring across the partners: a CAM starts with the partners they manage."""
    window = next((w for w in WINDOWS if str(w) == within), WINDOWS[0])
    only_mine = (mine == "1") if mine is not None else can(actor, Permission.PARTNERS_BOOK)
    expiring = recert_service.expiring(
        session,
        actor,
        within_days=window,
        page=page,
        cam_user_id=actor.user_id if only_mine else None,
    )
    context = {"window": window, "windows": WINDOWS, "expiring": expiring, "only_mine": only_mine, **labels()}
    return render(request, "enablement/expiring.html", context)


@router.get(CONSOLE + "/capacity/{partner_id}", dependencies=VENDOR_ONLY)
def partner_capacity(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    context = {"partner": partner, "capacity": capacity(session, actor, partner_id), **labels()}
    return render(request, "enablement/partner_capacity.html", context)
