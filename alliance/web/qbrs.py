"""QBR package pages. Console: the packages by quarter, partner and status, generating a draft,
the package with its charts, commitments edited in the draft, regenerate, publish and share.
Portal: the partner's shared packages. Both: the PDF (the same HTML through WeasyPrint) and each
chart's SVG and CSV. Every page calls qbr services; another partner's package is a 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from alliance.charts import namespaced, render_svg
from alliance.errors import NotFound
from alliance.http import downloads
from alliance.http.params import IdPath
from alliance.identity.permissions import Permission, can
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.kit.fiscal import PeriodKind
from alliance.kit.pagination import PageRequest
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import PartnerStatus, PartnerType, RegistrationKind, SISubtype
from alliance.qbr import charts as qbr_charts
from alliance.qbr import governance_service, health
from alliance.qbr import service as qbr_service
from alliance.qbr.governance_schemas import CadenceInput, MeetingInput
from alliance.qbr.models import Qbr
from alliance.qbr.schemas import CommitmentInput, CommitmentUpdate, QbrGenerate, QbrRegenerate
from alliance.qbr.vocabulary import CommitmentSide, CommitmentStatus, QbrStatus
from alliance.web import qbr_document
from alliance.web.deps import PORTAL_ONLY, VENDOR_ONLY, PortalActor, VendorActor, WebSession, flash
from alliance.web.forms import FormBody, Submission, query_int, submit
from alliance.web.templating import render

router = APIRouter()
PORTAL = "/portal/qbrs"
CONSOLE = "/console/qbrs"


@router.get(CONSOLE, dependencies=VENDOR_ONLY)
def console_list(request: Request, session: WebSession, actor: VendorActor) -> Response:
    return _list(request, session, actor, base=CONSOLE)


@router.get(PORTAL, dependencies=PORTAL_ONLY)
def portal_list(request: Request, session: WebSession, actor: PortalActor) -> Response:
    return _list(request, session, actor, base=PORTAL)


@router.post(CONSOLE, dependencies=VENDOR_ONLY)
def console_generate(request: Request, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {key: str(form.get(key, "")).strip() for key in ("partner_id", "quarter", "as_of")}
    data = {key: value for key, value in values.items() if value}

    def generate(parsed: QbrGenerate) -> Qbr:
        return qbr_service.generate(session, actor, partner_id=parsed.partner_id, quarter=parsed.quarter, as_of=parsed.as_of)

    submission = submit(session, QbrGenerate, data, generate, shown=values)
    if submission.ok and submission.result is not None:
        flash(request, "Draft generated from live data.")
        return RedirectResponse(f"{CONSOLE}/{submission.result.id}", status_code=303)
    return _list(request, session, actor, base=CONSOLE, form=submission)


@router.get(CONSOLE + "/{qbr_id}.pdf", dependencies=VENDOR_ONLY)
def console_pdf(qbr_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _pdf(session, actor, qbr_id=qbr_id)


@router.get(PORTAL + "/{qbr_id}.pdf", dependencies=PORTAL_ONLY)
def portal_pdf(qbr_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _pdf(session, actor, qbr_id=qbr_id)


# After the .pdf routes: /{qbr_id} would also match "7.pdf".
@router.get(CONSOLE + "/{qbr_id}", dependencies=VENDOR_ONLY)
def console_page(request: Request, qbr_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _page(request, session, actor, qbr_id=qbr_id, base=CONSOLE)


@router.get(PORTAL + "/{qbr_id}", dependencies=PORTAL_ONLY)
def portal_page(request: Request, qbr_id: IdPath, session: WebSession, actor: PortalActor) -> Response:
    return _page(request, session, actor, qbr_id=qbr_id, base=PORTAL)


@router.get(CONSOLE + "/{qbr_id}/charts/{name}.svg", dependencies=VENDOR_ONLY)
def console_chart_svg(qbr_id: IdPath, name: str, session: WebSession, actor: VendorActor) -> Response:
    return _chart_svg(session, actor, qbr_id=qbr_id, name=name)


@router.get(PORTAL + "/{qbr_id}/charts/{name}.svg", dependencies=PORTAL_ONLY)
def portal_chart_svg(qbr_id: IdPath, name: str, session: WebSession, actor: PortalActor) -> Response:
    return _chart_svg(session, actor, qbr_id=qbr_id, name=name)


@router.get(CONSOLE + "/{qbr_id}/charts/{name}.csv", dependencies=VENDOR_ONLY)
def console_chart_csv(qbr_id: IdPath, name: str, session: WebSession, actor: VendorActor) -> Response:
    return _chart_csv(session, actor, qbr_id=qbr_id, name=name)


@router.get(PORTAL + "/{qbr_id}/charts/{name}.csv", dependencies=PORTAL_ONLY)
def portal_chart_csv(qbr_id: IdPath, name: str, session: WebSession, actor: PortalActor) -> Response:
    return _chart_csv(session, actor, qbr_id=qbr_id, name=name)


@router.post(CONSOLE + "/{qbr_id}/regenerate", dependencies=VENDOR_ONLY)
def console_regenerate(request: Request, qbr_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {"as_of": str(form.get("as_of", "")).strip()}
    submission = submit(
        session,
        QbrRegenerate,
        {k: v for k, v in values.items() if v},
        lambda data: qbr_service.regenerate(session, actor, qbr_id=qbr_id, as_of=data.as_of),
        shown=values,
    )
    return _after(request, session, actor, qbr_id, submission, "Figures regenerated.", form_name="regenerate")


@router.post(CONSOLE + "/{qbr_id}/publish", dependencies=VENDOR_ONLY)
def console_publish(request: Request, qbr_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    submission = submit(session, QbrRegenerate, {}, lambda _: qbr_service.publish(session, actor, qbr_id=qbr_id), shown={})
    return _after(request, session, actor, qbr_id, submission, "Published: the package is frozen.", form_name="publish")


@router.post(CONSOLE + "/{qbr_id}/share", dependencies=VENDOR_ONLY)
def console_share(request: Request, qbr_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    submission = submit(session, QbrRegenerate, {}, lambda _: qbr_service.share(session, actor, qbr_id=qbr_id), shown={})
    return _after(request, session, actor, qbr_id, submission, "Shared with the partner's admins and sponsors.", form_name="share")


COMMITMENT_FIELDS = ("title", "side", "owner_name", "due_on", "status", "note")


@router.post(CONSOLE + "/{qbr_id}/commitments", dependencies=VENDOR_ONLY)
def console_add_commitment(request: Request, qbr_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {key: str(form.get(key, "")).strip() for key in COMMITMENT_FIELDS}
    submission = submit(
        session,
        CommitmentInput,
        {k: v for k, v in values.items() if v},
        lambda data: qbr_service.add_commitment(session, actor, qbr_id=qbr_id, data=data),
        shown=values,
    )
    return _after(request, session, actor, qbr_id, submission, "Commitment added.", form_name="add_commitment")


@router.post(CONSOLE + "/{qbr_id}/commitments/{commitment_id}", dependencies=VENDOR_ONLY)
def console_update_commitment(request: Request, qbr_id: IdPath, commitment_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {key: str(form.get(key, "")).strip() for key in COMMITMENT_FIELDS if key in form}
    data: dict[str, Any] = {k: (v or None) if k in ("due_on", "note") else v for k, v in values.items()}
    submission = submit(
        session,
        CommitmentUpdate,
        data,
        lambda parsed: qbr_service.update_commitment(session, actor, qbr_id=qbr_id, commitment_id=commitment_id, data=parsed),
        shown=values,
    )
    return _after(request, session, actor, qbr_id, submission, "Commitment saved.", form_name=f"commitment_{commitment_id}")


@router.post(CONSOLE + "/{qbr_id}/commitments/{commitment_id}/delete", dependencies=VENDOR_ONLY)
def console_remove_commitment(request: Request, qbr_id: IdPath, commitment_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    submission = submit(
        session, QbrRegenerate, {}, lambda _: qbr_service.remove_commitment(session, actor, qbr_id=qbr_id, commitment_id=commitment_id), shown={}
    )
    return _after(request, session, actor, qbr_id, submission, "Commitment removed.", form_name=f"commitment_{commitment_id}")


def _after(request: Request, session: Session, actor: Actor, qbr_id: int, submission: Submission[Any], message: str, *, form_name: str) -> Response:
    if submission.ok:
        flash(request, message)
        return RedirectResponse(f"{CONSOLE}/{qbr_id}", status_code=303)
    return _page(request, session, actor, qbr_id=qbr_id, base=CONSOLE, forms={form_name: submission})


def _list(request: Request, session: Session, actor: Actor, *, base: str, form: Submission[Any] | None = None) -> Response:
    params = request.query_params
    status = params.get("status") or None
    period = (params.get("quarter") or "").strip()[:16] or None
    rows = qbr_service.list_qbrs(
        session,
        actor,
        partner_id=query_int(params.get("partner_id", "")),
        period_key=period,
        status=QbrStatus(status) if status in set(QbrStatus) else None,
    )
    calendar = fiscal.current()
    this_quarter = calendar.period(PeriodKind.QUARTER, clock.today())
    context = {
        "rows": rows,
        "base": base,
        "statuses": [s.value for s in QbrStatus],
        "quarters": [calendar.shift(this_quarter, -offset).key for offset in range(5)],
        "partners": _partner_options(session, actor),
        "form": form or Submission(values={"quarter": this_quarter.key}),
        "may_prepare": can(actor, Permission.QBRS_PREPARE) and not actor.is_partner,
    }
    return render(request, "qbr/list.html", context, status_code=form.status if form else 200)


def _partner_options(session: Session, actor: Actor) -> list[Any]:
    """Active systems integrators by name, for the generate form (a type-ahead replaces it past 500)."""
    if actor.is_partner or not can(actor, Permission.QBRS_PREPARE):
        return []
    filters = PartnerFilters(partner_type=PartnerType.SYSTEMS_INTEGRATOR, status=PartnerStatus.ACTIVE)
    return [(p.id, p.display_name) for p in partner_service.list_partners(session, actor, filters=filters, sort="name", page=PageRequest(limit=500)).items]


def _page(request: Request, session: Session, actor: Actor, *, qbr_id: int, base: str, forms: dict[str, Submission[Any]] | None = None) -> Response:
    qbr = qbr_service.get_qbr(session, actor, qbr_id=qbr_id)
    content = qbr_service.content(qbr)
    forms = forms or {}
    context = {
        "qbr": qbr,
        "f": content.figures,
        "shown": qbr_document.shown_charts(content),
        "chart_base": f"{base}/{qbr_id}/charts",
        "base": f"{base}/{qbr_id}",
        "list_url": base,
        "forms": forms,
        "may_prepare": can(actor, Permission.QBRS_PREPARE) and not actor.is_partner,
        "sides": [(s.value, s.value.capitalize()) for s in CommitmentSide],
        "commitment_statuses": [(s.value, s.value.capitalize()) for s in CommitmentStatus],
        "status_line": qbr_document.status_line(qbr.status, qbr.content_sha256),
    }
    return render(request, "qbr/page.html", context, status_code=max((s.status for s in forms.values()), default=200))


def _pdf(session: Session, actor: Actor, *, qbr_id: int) -> Response:
    qbr = qbr_service.get_qbr(session, actor, qbr_id=qbr_id)
    html = qbr_document.document_html(qbr_service.content(qbr), status=qbr.status, sha256=qbr.content_sha256)
    name = f"qbr_{qbr.period_key}_{qbr.partner_id}.pdf"
    return Response(qbr_document.pdf_from_html(html), media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _chart(session: Session, actor: Actor, qbr_id: int, name: str) -> tuple[qbr_service.QbrContent, Any]:
    qbr = qbr_service.get_qbr(session, actor, qbr_id=qbr_id)
    content = qbr_service.content(qbr)
    chart = qbr_charts.charts(content.figures).get(name)
    if chart is None or name not in content.svgs:
        raise NotFound(f"Chart {name!r} not found in this QBR.")
    return content, chart


def _chart_svg(session: Session, actor: Actor, *, qbr_id: int, name: str) -> Response:
    content, _ = _chart(session, actor, qbr_id, name)
    return Response(content.svgs[name], media_type="image/svg+xml")


def _chart_csv(session: Session, actor: Actor, *, qbr_id: int, name: str) -> Response:
    _, chart = _chart(session, actor, qbr_id, name)
    lines = [downloads.csv_line(chart.header), *(downloads.csv_line(row) for row in chart.rows)]
    return downloads.csv_attachment(iter(lines), f"qbr_{qbr_id}_{name}.csv")


# --- sponsor governance (console) --------------------------------------------------------------

GOVERNANCE = "/console/partners/{partner_id}/governance"


@router.get(GOVERNANCE, dependencies=VENDOR_ONLY)
def governance_page(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor) -> Response:
    return _governance(request, session, actor, partner_id=partner_id)


@router.post(GOVERNANCE + "/cadence", dependencies=VENDOR_ONLY)
def governance_cadence(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {key: str(form.get(key, "")).strip() for key in ("every_days", "note")}
    submission = submit(
        session,
        CadenceInput,
        {k: v for k, v in values.items() if v},
        lambda data: governance_service.set_cadence(session, actor, partner_id=partner_id, data=data),
        shown=values,
    )
    if submission.ok:
        flash(request, "Cadence saved.")
        return RedirectResponse(GOVERNANCE.format(partner_id=partner_id), status_code=303)
    return _governance(request, session, actor, partner_id=partner_id, forms={"cadence": submission})


@router.post(GOVERNANCE + "/meetings", dependencies=VENDOR_ONLY)
def governance_meeting(request: Request, partner_id: IdPath, session: WebSession, actor: VendorActor, form: FormBody) -> Response:
    values = {key: str(form.get(key, "")).strip() for key in ("held_on", "title", "attendees", "notes", "decisions", "commitments")}
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    if "attendees" in data:
        data["attendees"] = [name.strip() for name in data["attendees"].split(",") if name.strip()]
    submission = submit(
        session, MeetingInput, data, lambda parsed: governance_service.log_meeting(session, actor, partner_id=partner_id, data=parsed), shown=values
    )
    if submission.ok:
        flash(request, "Meeting recorded.")
        return RedirectResponse(GOVERNANCE.format(partner_id=partner_id), status_code=303)
    return _governance(request, session, actor, partner_id=partner_id, forms={"meeting": submission})


def _governance(request: Request, session: Session, actor: Actor, *, partner_id: int, forms: dict[str, Submission[Any]] | None = None) -> Response:
    partner = partner_service.get_partner(session, actor, partner_id=partner_id)
    meetings = governance_service.list_meetings(session, actor, partner_id=partner_id)
    score, facts = governance_service.relationship_health(session, actor, partner_ids=[partner_id])[partner_id]
    forms = forms or {}
    context = {
        "partner": partner,
        "meetings": meetings,
        "health": score,
        "facts": facts,
        "next_due": health.meeting_due_on(facts.cadence_days, facts.last_meeting_on, clock.today()),
        "qbrs": qbr_service.list_qbrs(session, actor, partner_id=partner_id),
        "sponsors": partner_service.list_sponsors(session, actor, partner_id=partner_id),
        "forms": forms,
        "may_record": can(actor, Permission.SPONSOR_MEETINGS_RECORD),
        "base": GOVERNANCE.format(partner_id=partner_id),
    }
    return render(request, "qbr/governance.html", context, status_code=max((s.status for s in forms.values()), default=200))


# --- executive dashboard (console) ---------------------------------------------------------------

DASHBOARD = "/console/executive"


@router.get(DASHBOARD, dependencies=VENDOR_ONLY)
def executive_dashboard(request: Request, session: WebSession, actor: VendorActor) -> Response:
    view = _view(request)
    found = qbr_service.executive_dashboard(session, actor, view=view)
    shown = {name: (Markup(namespaced(render_svg(chart), name)), chart) for name, chart in found.charts.items()}
    # Links to the partner list filter by tier key; the figures name tiers (a name shared by two programs' tiers links to one).
    tier_keys = {t.name: t.key for p in program_service.list_programs(session, actor) for t in p.tiers}
    cam_filter = f"&cam={actor.user_id}" if view == "mine" else ""
    context = {
        "d": found,
        "shown": shown,
        "view": view,
        "views": qbr_service.DASHBOARD_VIEWS,
        "chart_base": f"{DASHBOARD}/charts",
        "query": f"?view={view}",
        "tier_keys": tier_keys,
        "subtypes": [s.value for s in SISubtype],
        "kinds": [k.value for k in RegistrationKind],
        "cam_filter": cam_filter,
        "quarter": calendar_quarter(),
        "partners_url": {"portfolio": "/console/partners", "mine": f"/console/partners?cam={actor.user_id}"}.get(view),
    }
    return render(request, "qbr/dashboard.html", context)


@router.get(DASHBOARD + "/charts/{name}.csv", dependencies=VENDOR_ONLY)
def executive_chart_csv(request: Request, name: str, session: WebSession, actor: VendorActor) -> Response:
    chart = qbr_service.executive_dashboard(session, actor, view=_view(request)).charts.get(name)
    if chart is None:
        raise NotFound(f"Chart {name!r} not found.")
    lines = [downloads.csv_line(chart.header), *(downloads.csv_line(row) for row in chart.rows)]
    return downloads.csv_attachment(iter(lines), f"executive_{name}.csv")


def calendar_quarter() -> fiscal.FiscalPeriod:
    """The fiscal quarter the dashboard shows (its record links carry its dates)."""
    return fiscal.current().period(PeriodKind.QUARTER, clock.today())


def _view(request: Request) -> str:
    view = request.query_params.get("view", "portfolio")
    return view if view in qbr_service.DASHBOARD_VIEWS else "portfolio"
