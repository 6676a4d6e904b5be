"""`alliance early-access programs|list|decide`: early-access (beta) programs and the partners'
applications from the command line, through the same services as the console and the API. A
decision tells the partner's applicant and admins (the outbox), as it does from the console."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance.assets.early_access import service as early_access_service
from alliance.assets.early_access.repository import APPLICATION_SORTS, ApplicationFilters
from alliance.assets.early_access.rules import ApplicationStatus, EarlyAccessDecision
from alliance.assets.early_access.schemas import EarlyAccessDecisionInput
from alliance.cli.context import console, fail, operator, partner_named, print_rows, unit_of_work
from alliance.kit.pagination import MAX_LIMIT, PageRequest
from alliance.kit.sorting import sort_keys

app = typer.Typer(help="Early-access (beta) programs: list programs and applications, accept or decline.", no_args_is_help=True)


@app.command("programs")
def programs() -> None:
    """Every program: open or closed, pending applications and enrolled partners."""
    with unit_of_work("cli early-access programs") as session:
        entries = early_access_service.list_programs(session, operator())
    rows = [(e.program.name, "yes" if e.program.is_open else "no", str(e.pending), str(e.enrolled)) for e in entries]
    print_rows("Early-access programs", ("Program", "Open", "Pending", "Enrolled"), rows)


@app.command("list")
def list_applications(
    status: Annotated[ApplicationStatus | None, typer.Option("--status", help="Only applications in this state")] = None,
    program: Annotated[str | None, typer.Option("--program", help="Only this program (its name, e.g. “Data Platform 10”)")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="Only partners whose name contains this")] = None,
    sort: Annotated[str | None, typer.Option("--sort", help=f"One of {', '.join(sort_keys(APPLICATION_SORTS))}")] = None,
) -> None:
    """Applications with their program, partner, who accepted the terms and who decided."""
    with unit_of_work("cli early-access list") as session:
        filters = ApplicationFilters(program_id=_program_named(session, program) if program else None, status=status, partner=partner)
        rows = early_access_service.list_applications(session, operator(), filters=filters, sort=sort, page=PageRequest(limit=MAX_LIMIT)).items
    lines = [
        (
            partner_name,
            program_name,
            ApplicationStatus(application.status).value,
            application.terms_accepted_at.date().isoformat(),
            accepted_by or "—",
            decided_by or ("—" if application.decided_at is None else "the channel team"),
            application.decision_reason or "",
        )
        for application, program_name, partner_name, accepted_by, decided_by in rows
    ]
    print_rows("Early-access applications", ("Partner", "Program", "Status", "Applied", "Accepted terms", "Decided by", "Reason"), lines)
    if not rows:
        console.print("No applications match.")


@app.command("decide")
def decide(
    partner: Annotated[str, typer.Argument(help="The partner's name (or a unique part of it)")],
    program: Annotated[str, typer.Argument(help="The program's name, e.g. “Data Platform 10”")],
    decision: Annotated[EarlyAccessDecision, typer.Argument(help="accept or decline")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (needed to decline: the partner reads it)")] = None,
) -> None:
    """Accept or decline PARTNER's application to PROGRAM; the partner's applicant and admins are told."""
    try:
        data = EarlyAccessDecisionInput(decision=decision, reason=reason)
    except ValidationError as error:
        fail("; ".join(str(e["msg"]) for e in error.errors()))
        return
    with unit_of_work("cli early-access decide") as session:
        actor = operator()
        partner_id, partner_name = partner_named(session, actor, partner)
        program_id = _program_named(session, program)
        found = early_access_service.list_applications(
            session, actor, filters=ApplicationFilters(program_id=program_id), sort=None, page=PageRequest(limit=MAX_LIMIT)
        )
        ids = [application.id for application, *_ in found.items if application.partner_id == partner_id]
        if not ids:
            fail(f"{partner_name} has not applied to {program}")
        decided = early_access_service.decide_application(session, actor, application_id=ids[0], data=data)
        status = ApplicationStatus(decided.status).value
    console.print(f"{partner_name}: {status} for {program}.", highlight=False)


def _program_named(session: Session, name: str) -> int:
    wanted = name.strip().lower()
    entries = early_access_service.list_programs(session, operator())
    found = [e.program for e in entries if e.program.name.lower() == wanted] or [e.program for e in entries if wanted in e.program.name.lower()]
    if len(found) != 1:
        names = ", ".join(p.name for p in found[:10])
        fail(f"no early-access program named “{name}”" if not found else f"“{name}” names several programs: {names}")
    return found[0].id
