"""`alliance sso ...`: single sign-on connections from the server's shell (docs/sso.md), the same
connection_service calls as the console and the API."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from alliance.cli.context import console, fail, operator, unit_of_work
from alliance.identity.scope import Role
from alliance.kit.schemas import field_errors
from alliance.sso import connection_service
from alliance.sso.schemas import ConnectionRead, ConnectionUpdate

app = typer.Typer(help="Single sign-on connections.", no_args_is_help=True)
Connection = Annotated[int, typer.Argument(help="Connection id (see `alliance sso list`)")]


def _line(detail: ConnectionRead) -> str:
    domains = ", ".join(d.domain + ("" if d.verified else " (unverified)") for d in detail.domains)
    switches = ("on" if detail.is_enabled else "off") + (", SSO required" if detail.sso_required else "")
    return f"{detail.id}\t{detail.name}\t{detail.partner_name or 'vendor staff'}\t{detail.protocol.value}\t{switches}\t{domains}\t{detail.linked_users} linked"


@app.command("list")
def list_connections() -> None:
    """Every connection: id, name, whose, protocol, switches, domains, linked users."""
    with unit_of_work("cli sso list") as session:
        lines = [_line(detail) for detail in connection_service.list_details(session, operator())]
    for line in lines:
        typer.echo(line)


@app.command("show")
def show(connection: Connection) -> None:
    """One connection as JSON, with each domain's TXT record to publish."""
    with unit_of_work("cli sso show") as session:
        detail = connection_service.get_detail(session, operator(), connection_id=connection)
        text = detail.model_dump_json(indent=2)
    typer.echo(text)


def _update(connection: int, reason: str, **changes: object) -> None:
    try:
        data = ConnectionUpdate.model_validate(changes)
    except ValidationError as exc:
        fail("; ".join(f"{name}: {message}" for name, message in field_errors(exc, default="connection")))
        return
    with unit_of_work(reason) as session:
        detail = connection_service.update_connection(session, operator(), connection_id=connection, data=data)
        line = _line(detail)
    typer.echo(line)


@app.command("edit")
def edit(
    connection: Connection,
    name: Annotated[str | None, typer.Option(help="Name on the login page")] = None,
    domains: Annotated[str | None, typer.Option(help="The whole list of e-mail domains, comma-separated; new ones start unverified")] = None,
    role_mapping: Annotated[str | None, typer.Option("--role-mapping", help='JSON: [{"claim": "groups", "value": "admins", "role": "partner_admin"}]')] = None,
    default_role: Annotated[Role | None, typer.Option("--default-role", help="Role when no rule matches")] = None,
    no_default_role: Annotated[bool, typer.Option("--no-default-role", help="Refuse (and deactivate) people no rule matches")] = False,
    sso_required: Annotated[bool | None, typer.Option("--sso-required/--sso-optional", help="Refuse password login at its verified domains")] = None,
) -> None:
    """Change a connection; only the options given change."""
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = name
    if domains is not None:
        changes["domains"] = [d for d in domains.replace(" ", ",").split(",") if d]
    if role_mapping is not None:
        try:
            changes["role_mapping"] = json.loads(role_mapping)
        except ValueError:
            fail("--role-mapping is not JSON")
    if default_role is not None or no_default_role:
        changes["default_role"] = None if no_default_role else default_role
    if sso_required is not None:
        changes["sso_required"] = sso_required
    if not changes:
        fail("nothing to change: give at least one option")
    _update(connection, "cli sso edit", **changes)


@app.command("disable")
def disable(connection: Connection) -> None:
    """Switch a connection off: nobody signs in with it (always possible; audited)."""
    _update(connection, "cli sso disable", is_enabled=False)


@app.command("enable")
def enable(connection: Connection) -> None:
    """Switch a connection on again."""
    _update(connection, "cli sso enable", is_enabled=True)


@app.command("delete")
def delete(connection: Connection) -> None:
    """Delete a connection nobody has signed in with (else refused: disable it)."""
    with unit_of_work("cli sso delete") as session:
        connection_service.delete_connection(session, operator(), connection_id=connection)
    console.print(f"Connection {connection} deleted.")


@app.command("check-domain")
def check_domain(connection: Connection, domain: Annotated[str, typer.Argument(help="The e-mail domain")]) -> None:
    """Look the domain's TXT record up in DNS; verified when it carries the domain's token."""
    with unit_of_work("cli sso check-domain") as session:
        state = connection_service.check_domain(session, operator(), connection_id=connection, domain_id=_domain_id(session, connection, domain))
    typer.echo(f"{state.domain} is verified.")


@app.command("mark-verified")
def mark_verified(
    connection: Connection,
    domain: Annotated[str, typer.Argument(help="The e-mail domain")],
    reason: Annotated[str, typer.Option(help="Why the domain is the organisation's (kept in the audit trail)")],
) -> None:
    """Vouch for a domain without DNS, with a reason."""
    with unit_of_work("cli sso mark-verified") as session:
        state = connection_service.mark_domain_verified(
            session, operator(), connection_id=connection, domain_id=_domain_id(session, connection, domain), reason=reason
        )
    typer.echo(f"{state.domain} is verified (marked by hand).")


def _domain_id(session: Session, connection: int, domain: str) -> int:
    detail = connection_service.get_detail(session, operator(), connection_id=connection)
    found = next((d.id for d in detail.domains if d.domain == domain.strip().lower()), None)
    if found is None:
        fail(f"{domain} is not a domain of connection {connection}")
    assert found is not None
    return found
