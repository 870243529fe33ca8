"""``landgis user …``: staff accounts, passwords and API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from landgis.cli.common import DatabaseOption, lazy_module, unit_of_work
from landgis.vocab import ROLES

users = lazy_module("landgis.users")

app = typer.Typer(help="用户 users: add, change password or role, issue API tokens.")

PasswordOption = Annotated[
    str,
    typer.Option(
        prompt="密码 password",
        hide_input=True,
        confirmation_prompt=True,
        help="Asked for when not given.",
    ),
]


@app.command()
def add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "viewer",
    name: Annotated[str | None, typer.Option(help="Display name, e.g. 张伟.")] = None,
    password: PasswordOption = ...,  # type: ignore[assignment]
    database_url: DatabaseOption = None,
) -> None:
    """Add a user with a role (viewer, editor or admin)."""
    with unit_of_work(database_url) as (session, _settings):
        users.create_user(session, username, password, role=role, display_name=name)
    typer.echo(f"已添加用户 user added: {username} ({role})")


@app.command()
def passwd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password: PasswordOption = ...,  # type: ignore[assignment]
    database_url: DatabaseOption = None,
) -> None:
    """Set a user's password."""
    with unit_of_work(database_url) as (session, _settings):
        users.set_password(session, username, password)
    typer.echo(f"密码已更新 password changed: {username}")


@app.command()
def role(
    username: Annotated[str, typer.Argument(help="Login name.")],
    new_role: Annotated[str, typer.Argument(help=f"One of {', '.join(ROLES)}.")],
    database_url: DatabaseOption = None,
) -> None:
    """Change a user's role."""
    with unit_of_work(database_url) as (session, _settings):
        users.set_role(session, username, new_role)
    typer.echo(f"角色已更新 role changed: {username} → {new_role}")


@app.command()
def token(
    username: Annotated[str, typer.Argument(help="Login name.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke all the user's tokens.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Print a new bearer token for a program (shown once), or revoke a user's tokens."""
    with unit_of_work(database_url) as (session, _settings):
        if revoke:
            count = users.revoke_tokens(session, username)
            typer.echo(f"已吊销 revoked {count} tokens of {username}")
            return
        secret = users.issue_token(session, username, name)
    typer.echo(secret)


@app.command("list")
def list_users(database_url: DatabaseOption = None) -> None:
    """List users and their roles."""
    with unit_of_work(database_url) as (session, _settings):
        for user in users.list_users(session):
            state = "" if user.is_active else "停用 inactive"
            typer.echo(f"{user.username:<20} {user.role:<7} {user.display_name or '':<12} {state}")
