"""The vendor console's track pages: one track, its create and edit form (plain fields plus the
repeated module and rubric rows) and its lab secret."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.enablement import catalog_service
from alliance.enablement.catalog_schemas import TrackCreate, TrackUpdate
from alliance.enablement.models import CertificationTrack
from alliance.http.params import IdPath
from alliance.identity.scope import Actor
from alliance.partners import product_line_service
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.enablement.context import ALL, CONSOLE, LEVEL_LABELS, MAX_ROWS, labels, text
from alliance.web.forms import FormBody, Submission, echo, form_rows, submit
from alliance.web.templating import render

router = APIRouter()

# The track form: plain fields, then the repeated rows (list field, its columns); blank rows are ignored.
TRACK_SCALARS = tuple(name for name in catalog_service.TRACK_FIELDS if name not in ("lab_rubric", "is_active"))
TRACK_ROWS = {"modules": ("key", "title"), "lab_rubric": ("criterion", "max_points")}
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
    reason = text(form, "reason") or None

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
    context = {"track": track, "prerequisite": prerequisite, "secret": secret, "note": note, "line_names": {line.key: line.name for line in lines}, **labels()}
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
        **labels(),
    }
    return render(request, "enablement/track_form.html", context, status_code=submission.status)


def _track_input(form: FormData) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The form as TrackCreate input (blank inputs left out) and, per repeated list, the form row each kept item came from."""
    values: dict[str, Any] = {name: value for name in TRACK_SCALARS if (value := text(form, name))}
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
