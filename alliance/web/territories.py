"""Vendor console: a program's sales territories, each a set of customer countries picked by name.
Every form is one call of the territory service the API calls too."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from alliance.errors import Conflict
from alliance.http.params import IdPath
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor
from alliance.kit.countries import country_choices
from alliance.partners import program_service, territory_service
from alliance.partners.schemas import Territory
from alliance.web.deps import VENDOR_ONLY, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, query_choice, refused, submit
from alliance.web.templating import render

router = APIRouter(prefix="/console/programs/{program_id}/territories", dependencies=VENDOR_ONLY)


def _base(program_id: int) -> str:
    return f"/console/programs/{program_id}/territories"


@router.get("")
def list_territories(request: Request, program_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _list(request, session, actor, program_id)


def _list(request: Request, session: Session, actor: Actor, program_id: int, *, error: str | None = None, status: int = 200) -> Response:
    q, sort = _list_query(request)
    program = program_service.get_program(session, actor, program_id=program_id)
    views = territory_service.list_territories(session, actor, program_id=program_id, q=q, sort=sort)
    context = {"program": program, "territories": views, "q": q, "sort": sort, "may_edit": can(actor, Permission.PROGRAMS_WRITE), "error": error}
    return render(request, "programs/territories.html", context, status_code=status)


@router.get(".csv")
def export_territories(request: Request, program_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    """One row per territory and country, as filtered and sorted on the page."""
    q, sort = _list_query(request)
    program = program_service.get_program(session, actor, program_id=program_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["program", "territory", "country_code", "country", "open_plans_measuring"])
    for view in territory_service.list_territories(session, actor, program_id=program_id, q=q, sort=sort):
        codes = set(view.countries)
        for code, country in country_choices():
            if code in codes:
                writer.writerow([program.name, view.name, code, country, len(view.plans)])
    filename = f"territories-{program.key}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/new")
def new_territory(request: Request, program_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    require(actor, Permission.PROGRAMS_WRITE)
    return _form(request, session, actor, program_id, None, Submission(values={"name": "", "countries": []}))


@router.post("/new")
def add_territory(request: Request, program_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    def add(data: Territory) -> Any:
        return territory_service.add_territory(session, actor, program_id=program_id, data=data)

    return _save(request, session, actor, form, program_id=program_id, name=None, save=add, done="added")


@router.get("/{name:path}/edit")
def edit_territory(request: Request, program_id: IdPath, name: str, session: WebSession, actor: VendorActor) -> Response:
    require(actor, Permission.PROGRAMS_WRITE)
    territory = territory_service.get_territory(session, actor, program_id=program_id, name=name)
    values = {"name": territory["name"], "countries": list(territory.get("countries", ()))}
    return _form(request, session, actor, program_id, str(territory["name"]), Submission(values=values))


@router.post("/{name:path}/edit")
def change_territory(request: Request, program_id: IdPath, name: str, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    def change(data: Territory) -> Any:
        return territory_service.change_territory(session, actor, program_id=program_id, name=name, data=data)

    return _save(request, session, actor, form, program_id=program_id, name=name, save=change, done="saved")


def _save(
    request: Request, session: Session, actor: Actor, form: FormData, *, program_id: int, name: str | None, save: Callable[[Territory], Any], done: str
) -> Response:
    """The territory form (new: `name` None) through its one service call; refused: the form again."""
    values = _submitted(form)
    submission = submit(session, Territory, values, save, shown=values)
    if submission.ok:
        flash(request, f"Territory {' '.join(values['name'].split())} {done}.")
        return RedirectResponse(_base(program_id), status_code=303)
    return _form(request, session, actor, program_id, name, submission)


@router.post("/{name:path}/delete")
def delete_territory(request: Request, program_id: IdPath, name: str, session: WebSession, actor: VendorActor) -> Response:
    try:
        territory_service.delete_territory(session, actor, program_id=program_id, name=name)
    except Conflict as exc:
        status, errors = refused(session, exc)
        return _list(request, session, actor, program_id, error=errors["__all__"], status=status)
    flash(request, f"Territory {name} deleted.")
    return RedirectResponse(_base(program_id), status_code=303)


def _list_query(request: Request) -> tuple[str, str]:
    q = (request.query_params.get("q") or "").strip()[:100]
    sort = query_choice(request.query_params.get("sort"), territory_service.TERRITORY_SORTS) or "name"
    return q, sort


def _submitted(form: FormData) -> dict[str, Any]:
    return {"name": str(form.get("name", "")), "countries": [str(v) for v in form.getlist("countries") if str(v)]}


def _form(request: Request, session: Session, actor: Actor, program_id: int, name: str | None, submission: Submission[Any]) -> Response:
    program = program_service.get_program(session, actor, program_id=program_id)
    chosen = set(submission.values.get("countries") or ())
    errors = dict(submission.errors)
    # A bad code (from a hand-made request) is reported at the picker, by position.
    for key in [k for k in errors if k.startswith("countries.")]:
        errors.setdefault("countries", errors.pop(key))
    context = {
        "program": program,
        "name": name,
        "values": submission.values,
        "errors": errors,
        "choices": country_choices(),
        "chosen": chosen,
        "chosen_names": [country for code, country in country_choices() if code in chosen],
        "action": f"{_base(program_id)}/{quote(name, safe='')}/edit" if name else f"{_base(program_id)}/new",
    }
    return render(request, "programs/territory_form.html", context, status_code=submission.status)
