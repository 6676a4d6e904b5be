from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from alliance.cli.context import console, fail, operator, read_stdin_secret, unit_of_work
from alliance.config import get_settings
from alliance.identity import access_service
from alliance.identity import service as identity_service
from alliance.identity.access_service import LinkPolicy
from alliance.identity.schemas import UserCreate, UserInvite
from alliance.identity.scope import Role
from alliance.kit.schemas import field_errors

user_app = typer.Typer(help="Users.", no_args_is_help=True)
token_app = typer.Typer(help="API bearer tokens.", no_args_is_help=True)


@user_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="Login email")],
    name: Annotated[str, typer.Option(help="Full name")],
    role: Annotated[Role, typer.Option(help="Role")],
    partner: Annotated[int | None, typer.Option("--partner", help="Partner id (partner roles)")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input")] = False,
) -> None:
    """Create a user and print its id."""
    password = read_stdin_secret() if password_stdin else None
    try:
        data = UserCreate(email=email, name=name, role=role, partner_id=partner, password=password)
    except ValidationError as exc:
        fail("; ".join(f"{name}: {message}" for name, message in field_errors(exc, default="user")))
        return
    with unit_of_work("cli user create") as session:
        user = identity_service.create_user(session, operator(), data=data)
        user_id = user.id
    typer.echo(user_id)


@user_app.command("invite")
def invite(
    email: Annotated[str, typer.Option(help="Login email")],
    name: Annotated[str, typer.Option(help="Full name")],
    role: Annotated[Role, typer.Option(help="Role")],
    partner: Annotated[int | None, typer.Option("--partner", help="Partner id (partner roles)")] = None,
) -> None:
    """Create a user without a password and e-mail them a link to choose one (the worker sends it); print its id."""
    try:
        data = UserInvite(email=email, name=name, role=role, partner_id=partner)
    except ValidationError as exc:
        fail("; ".join(f"{name}: {message}" for name, message in field_errors(exc, default="user")))
        return
    with unit_of_work("cli user invite") as session:
        user = access_service.invite_user(session, operator(), data=data, policy=LinkPolicy.from_settings(get_settings()))
        user_id = user.id
    typer.echo(user_id)


@user_app.command("set-password")
def set_password(email: Annotated[str, typer.Option()]) -> None:
    """Set a user's password, read from standard input."""
    password = read_stdin_secret()
    with unit_of_work("cli set password") as session:
        user = identity_service.get_user_by_email(session, operator(), email=email)
        identity_service.set_password(session, operator(), user_id=user.id, password=password)
    console.print("Password updated.")


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="Whose token")],
    expires_days: Annotated[int | None, typer.Option(help="Days until it expires (default: never)")] = None,
    name: Annotated[str, typer.Option(help="A label for the token")] = "cli",
) -> None:
    """Create an API token and print it alone on standard output (it is shown only once)."""
    with unit_of_work("cli token create") as session:
        _, plaintext = identity_service.create_token(session, operator(), email=email, name=name, expires_days=expires_days)
    typer.echo(plaintext)


@token_app.command("revoke")
def token_revoke(token: Annotated[str, typer.Argument(help="The token, its displayed prefix, or its id")]) -> None:
    """Revoke an API token."""
    with unit_of_work("cli token revoke") as session:
        revoked = identity_service.revoke_token(session, operator(), token=token)
        prefix = revoked.prefix
    console.print(f"Token {prefix}… revoked.")
