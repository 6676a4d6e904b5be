"""Enablement pages: partners follow their people's certifications, learning and certified
capacity in the portal; the channel team keeps the catalog, grades labs and reads portfolio
capacity in the console. Every page calls the enablement services, as the API does."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.enablement import (
    capacity_service,
    catalog_service,
    progress_service,
    recert_service,
)
from alliance.enablement.capacity_repository import CertificationFilters
from alliance.enablement.capacity_service import PortfolioGrouping
from alliance.enablement.catalog_schemas import ReleaseCreate, TrackCreate, TrackUpdate
from alliance.enablement.models import CertificationTrack
from alliance.enablement.progress_schemas import (
    LabGrade,
    LabSubmissionCreate,
    ModuleCompletionCreate,
)
from alliance.enablement.recert_service import ExpiringWithin
from alliance.enablement.vocabulary import Level
from alliance.http.params import IdPath, PageParams
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import MAX_LIMIT, Page, PageRequest
from alliance.partners import product_line_service
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import DELIVERY_ROLE_LABELS, DeliveryRole
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, Text, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, echo, form_rows, form_values, query_choice, query_int, submit
from alliance.web.templating import render

router = APIRouter()
CONSOLE = "/console/enablement"

ROLES = tuple(r.value for r in DeliveryRole)
LEVELS = tuple(level.value for level in Level)
WINDOWS: tuple[ExpiringWithin, ...] = (30, 60, 90)
ALL = PageRequest(limit=MAX_LIMIT)
LEVEL_LABELS = {level.value: level.value.capitalize() for level in Level}
GRADING_LABELS = {"evaluator": "Graded by a vendor evaluator (rubric)", "environment": "Posted by the lab environment (signed)"}
STATUS_LABELS = {
    "active": "Active",
    "recert_required": "Recertify",
    "lapsed": "Lapsed",
    "expired": "Expired",
    "renewed": "Renewed",
    "revoked": "Revoked",
}
LAB_LABELS = {"pending": "Waiting for evaluation", "passed": "Passed", "failed": "Failed"}

# The track form: plain fields, then the repeated rows (list field, its columns); blank rows are ignored.
TRACK_SCALARS = tuple(name for name in catalog_service.TRACK_FIELDS if name not in ("lab_rubric", "is_active"))
TRACK_ROWS = {"modules": ("key", "title"), "lab_rubric": ("criterion", "max_points")}
MAX_ROWS = 60
# The schema's whole-track checks, said next to the field they are about.
TRACK_CHECKS = {
    "modules:": "modules",
    "lab_rubric:": "lab_rubric",
    "lab_rubric and lab_pass_mark need lab_grading": "lab_grading",
    "recert_versions_behind and recert_within_days go together": "recert_within_days",
}
EMPTY_ROWS = {"modules": "Add at least one module (key and title).", "lab_rubric": "Add at least one rubric criterion."}
# New rows' "required" boxes start ticked (track_form.html).
TRACK_DEFAULTS = {"validity_days": "730", "exam_pass_mark": "70", "exam_max_attempts": "3", "exam_cooldown_days": "14", "is_active": True}


def _text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def _line_names(session: Session, actor: Actor) -> dict[str, str]:
    """Product line key → name: pages say "Integration Hub v5", not "integration-hub v5"."""
    return {line.key: line.name for line in product_line_service.list_product_lines(session, actor, active=None, page=ALL).items}


def _labels() -> dict[str, Any]:
    return {
        "level_labels": LEVEL_LABELS,
        "role_labels": DELIVERY_ROLE_LABELS,
        "status_labels": STATUS_LABELS,
        "lab_labels": LAB_LABELS,
        "grading_labels": GRADING_LABELS,
        "roles": [(r.value, DELIVERY_ROLE_LABELS[r]) for r in DeliveryRole],
        "levels": list(LEVEL_LABELS.items()),
        "today": clock.today(),
    }


# --- shared: certified capacity ----------------------------------------------------------------


def _capacity(session: Session, actor: Actor, partner_id: int) -> dict[str, Any]:
    """Certified people today by role × level (cells per product line) and a month-end sparkline per role."""
    current = capacity_service.current_capacity(session, actor, partner_id=partner_id)
    history = capacity_service.capacity_history(session, actor, partner_id=partner_id)
    matrix: dict[str, dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for cell in current.cells:
        matrix[cell.delivery_role][cell.level].append((cell.product_line, cell.people))
    totals = {r.delivery_role: r.people for r in current.roles}
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for point in history.by_role:
        counts[point.delivery_role][point.on] = point.people
    roles = sorted(set(totals) | set(counts), key=lambda r: ROLES.index(r) if r in ROLES else len(ROLES))
    series = {role: _sparkline([counts[role].get(day, 0) for day in history.days]) for role in roles}
    return {"on": current.on, "roles": roles, "matrix": matrix, "totals": totals, "series": series, "days": history.days}


def _sparkline(values: list[int], width: int = 140, height: int = 28) -> dict[str, Any]:
    top = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return {
        "points": points,
        "first": values[0] if values else 0,
        "last": values[-1] if values else 0,
        "peak": max(values, default=0),
        "width": width,
        "height": height,
    }


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
        "line_names": _line_names(session, actor),
        "window": window,
        "windows": WINDOWS,
        "expiring": expiring,
        "capacity": _capacity(session, actor, partner_id),
        **_labels(),
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
    track_id = query_int(_text(form, "track_id"))
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
    track_id = query_int(_text(form, "track_id"))
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
        "line_names": _line_names(session, actor),
        **_labels(),
    }
    return render(request, "enablement/learning.html", context, status_code=max((s.status for s in forms.values()), default=200))


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
        **_labels(),
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


# --- the vendor console: one track ------------------------------------------------------------


@router.get(CONSOLE + "/tracks/new", dependencies=VENDOR_ONLY)
def new_track(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _track_form(request, session, actor, track=None, submission=Submission(values=dict(TRACK_DEFAULTS)))


@router.post(CONSOLE + "/tracks/new", dependencies=VENDOR_ONLY)
def create_track(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values, origins = _track_input(form)

    def create(data: TrackCreate) -> CertificationTrack:
        return catalog_service.create_track(session, actor, data=data)

    submission = submit(session, TrackCreate, values, create, shown=_track_echo(form))
    submission.errors = _track_errors(submission.errors, origins)
    if submission.ok and submission.result is not None:
        track = submission.result
        if track.lab_secret:
            return _track_page(request, session, actor, track=track, secret=track.lab_secret, note=f"Track “{track.name}” created.")
        flash(request, f"Track “{track.name}” created.")
        return RedirectResponse(f"{CONSOLE}/tracks/{track.id}", status_code=303)
    return _track_form(request, session, actor, track=None, submission=submission)


@router.get(CONSOLE + "/tracks/{track_id}", dependencies=VENDOR_ONLY)
def track_detail(request: Request, track_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _track_page(request, session, actor, track=catalog_service.get_track(session, actor, track_id=track_id))


@router.get(CONSOLE + "/tracks/{track_id}/edit", dependencies=VENDOR_ONLY)
def edit_track(request: Request, track_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    track = catalog_service.get_track(session, actor, track_id=track_id)
    return _track_form(request, session, actor, track=track, submission=Submission(values=_stored_track(track)))


@router.post(CONSOLE + "/tracks/{track_id}/edit", dependencies=VENDOR_ONLY)
def update_track(request: Request, track_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    track = catalog_service.get_track(session, actor, track_id=track_id)
    had_secret = bool(track.lab_secret)
    values, origins = _track_input(form)
    values["key"] = track.key  # the key names the track in imports and lab posts; it never changes
    reason = _text(form, "reason") or None

    def update(data: TrackCreate) -> CertificationTrack:
        changes = TrackUpdate.model_validate({**data.model_dump(exclude={"key"}), "reason": reason})
        return catalog_service.update_track(session, actor, track_id=track_id, data=changes)

    submission = submit(session, TrackCreate, values, update, shown=_track_echo(form))
    submission.errors = _track_errors(submission.errors, origins)
    if submission.ok and submission.result is not None:
        updated = submission.result
        if updated.lab_secret and not had_secret:
            return _track_page(request, session, actor, track=updated, secret=updated.lab_secret, note="Track saved.")
        flash(request, "Track saved.")
        return RedirectResponse(f"{CONSOLE}/tracks/{track_id}", status_code=303)
    return _track_form(request, session, actor, track=catalog_service.get_track(session, actor, track_id=track_id), submission=submission)


@router.post(CONSOLE + "/tracks/{track_id}/lab-secret", dependencies=VENDOR_ONLY)
def rotate_lab_secret(request: Request, track_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    track = catalog_service.rotate_lab_secret(session, actor, track_id=track_id)
    return _track_page(request, session, actor, track=track, secret=track.lab_secret, note="A new lab secret was issued; the old one no longer works.")


def _track_page(request: Request, session: Session, actor: Actor, *, track: CertificationTrack, secret: str | None = None, note: str = "") -> Response:
    prerequisite = catalog_service.get_track(session, actor, track_id=track.prerequisite_track_id) if track.prerequisite_track_id else None
    lines = product_line_service.list_product_lines(session, actor, active=None, page=ALL).items
    context = {"track": track, "prerequisite": prerequisite, "secret": secret, "note": note, "line_names": {line.key: line.name for line in lines}, **_labels()}
    return render(request, "enablement/track.html", context)


def _track_form(request: Request, session: Session, actor: Actor, *, track: CertificationTrack | None, submission: Submission[Any]) -> Response:
    lines = product_line_service.list_product_lines(session, actor, active=True, page=ALL).items
    others = [t for t in catalog_service.list_tracks(session, actor, page=ALL).items if track is None or t.id != track.id]
    context = {
        "track": track,
        "values": submission.values,
        "errors": submission.errors,
        "lines": [(line.key, line.name) for line in lines],
        "prerequisites": [(str(t.id), f"{t.name} ({LEVEL_LABELS.get(t.level, t.level)})") for t in others],
        "gradings": [("evaluator", "Vendor evaluator (rubric)"), ("environment", "Lab environment (signed result)")],
        "module_rows": _row_count(submission.values, "modules", 5),
        "rubric_rows": _row_count(submission.values, "lab_rubric", 3),
        **_labels(),
    }
    return render(request, "enablement/track_form.html", context, status_code=submission.status)


def _track_input(form: FormData) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The form as TrackCreate input (blank inputs left out) and, per repeated list, the form row each kept item came from."""
    values: dict[str, Any] = {name: value for name in TRACK_SCALARS if (value := _text(form, name))}
    values["is_active"] = form.get("is_active") in ("on", "true", "1")
    origins: dict[str, list[int]] = {}
    for name, columns in TRACK_ROWS.items():
        rows, origins[name] = [], []
        for index, row in form_rows(form, name, columns, limit=MAX_ROWS):
            if any(row.values()):
                kept: dict[str, Any] = {column: value for column, value in row.items() if value}
                if name == "modules":
                    kept["required"] = form.get(f"{name}.{index}.required") in ("on", "true", "1")
                rows.append(kept)
                origins[name].append(index)
        values[name] = rows
    return values, origins


def _track_echo(form: FormData) -> dict[str, Any]:
    shown: dict[str, Any] = echo(form)
    shown["is_active"] = form.get("is_active") in ("on", "true", "1")
    for key in list(shown):
        if key.endswith(".required"):
            shown[key] = True
    return shown


def _track_errors(errors: dict[str, str], origins: dict[str, list[int]]) -> dict[str, str]:
    shown: dict[str, str] = {}
    for key, message in errors.items():
        parts = key.split(".")
        if key == "__all__" and (field := next((f for prefix, f in TRACK_CHECKS.items() if message.startswith(prefix)), None)):
            parts, message = [field], message.split(": ", 1)[-1]
        elif parts[0] in origins and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(origins[parts[0]]):
            parts[1] = str(origins[parts[0]][int(parts[1])])
        elif parts[0] in EMPTY_ROWS and len(parts) == 1 and "at least 1" in message:
            message = EMPTY_ROWS[parts[0]]
        shown.setdefault(".".join(parts), message)
    return shown


def _stored_track(track: CertificationTrack) -> dict[str, Any]:
    """A stored track as the strings its form shows."""
    values: dict[str, Any] = {name: "" if (v := getattr(track, name)) is None else str(v) for name in TRACK_SCALARS}
    values["is_active"] = track.is_active
    for index, module in enumerate(track.modules):
        values.update({f"modules.{index}.key": module.key, f"modules.{index}.title": module.title, f"modules.{index}.required": module.required})
    for index, criterion in enumerate(track.lab_rubric or []):
        values.update({f"lab_rubric.{index}.criterion": str(criterion["criterion"]), f"lab_rubric.{index}.max_points": str(criterion["max_points"])})
    return values


def _row_count(values: dict[str, Any], name: str, minimum: int) -> int:
    used = [int(part) for key in values if key.startswith(name + ".") and not key.endswith(".required") and (part := key.split(".")[1]).isdigit()]
    return min(max(minimum, max(used, default=-1) + 3), MAX_ROWS)


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
    context = {"queue": queue, "tracks": rubrics, "forms": forms, "now": clock.now(), **_labels()}
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
    context = {**_labels(), "group_by": group_by, "groups": groups, "portfolio_roles": roles, "cells": cells, "partners": partners}
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
    context = {"window": window, "windows": WINDOWS, "expiring": expiring, "only_mine": only_mine, **_labels()}
    return render(request, "enablement/expiring.html", context)


@router.get(CONSOLE + "/capacity/{partner_id}", dependencies=VENDOR_ONLY)
def partner_capacity(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    context = {"partner": partner, "capacity": _capacity(session, actor, partner_id), **_labels()}
    return render(request, "enablement/partner_capacity.html", context)
