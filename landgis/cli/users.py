"""``landgis user …``: staff accounts, passwords and API tokens."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from landgis.cli.common import DatabaseOption, examples, language, lazy_module, say, unit_of_work
from landgis.i18n import _, term
from landgis.vocab import ROLES

users = lazy_module("landgis.users")
browser_sessions = lazy_module("landgis.browser_sessions")
audit = lazy_module("landgis.audit")


def _actor() -> str:
    """Who runs the command, as the audit log names them."""
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli"


app = typer.Typer(help="用户 users: add, change password or role, issue API tokens.")

PasswordOption = Annotated[
    str | None, typer.Option(help="Asked for when not given.", show_default=False)
]


def _password(given: str | None) -> str:
    """The password given as an option, else asked for twice (not shown as typed)."""
    if given is not None:
        return given
    lang = language()
    return str(
        typer.prompt(
            _("密码").render(lang),
            hide_input=True,
            confirmation_prompt=_("再次输入密码").render(lang),
        )
    )


@app.command(epilog=examples("landgis user add zhangwei --role editor --name 张伟"))
def add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "viewer",
    name: Annotated[str | None, typer.Option(help="Display name, e.g. 张伟.")] = None,
    password: PasswordOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Add a user with a role (viewer, editor or admin)."""
    secret = _password(password)
    with unit_of_work(database_url) as (session, _settings):
        users.create_user(session, username, secret, role=role, display_name=name, actor=_actor())
    say(_("已添加用户:{username}({role})", username=username, role=term("role", role)))


@app.command(epilog=examples("landgis user passwd zhangwei"))
def passwd(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password: PasswordOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Set a user's password."""
    secret = _password(password)
    with unit_of_work(database_url) as (session, _settings):
        users.set_password(session, username, secret, actor=_actor())
    say(_("密码已更新:{username}(其浏览器会话均已结束)", username=username))


@app.command(epilog=examples("landgis user role zhangwei admin"))
def role(
    username: Annotated[str, typer.Argument(help="Login name.")],
    new_role: Annotated[str, typer.Argument(help=f"One of {', '.join(ROLES)}.")],
    database_url: DatabaseOption = None,
) -> None:
    """Change a user's role."""
    with unit_of_work(database_url) as (session, _settings):
        users.set_role(session, username, new_role, actor=_actor())
    say(_("角色已更新:{username} → {role}", username=username, role=term("role", new_role)))


@app.command(epilog=examples("landgis user token zhangwei --name gis-sync"))
def token(
    username: Annotated[str, typer.Argument(help="Login name.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke all the user's tokens.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Print a new bearer token for a program (shown once), or revoke a user's tokens."""
    with unit_of_work(database_url) as (session, _settings):
        if revoke:
            count = users.revoke_tokens(session, username, actor=_actor())
            say(_("已吊销 {username} 的 {count} 个令牌", username=username, count=count))
            return
        secret = users.issue_token(session, username, name, actor=_actor())
    typer.echo(secret)


@app.command("list", epilog=examples("landgis user list"))
def list_users(database_url: DatabaseOption = None) -> None:
    """List users and their roles."""
    lang = language()
    with unit_of_work(database_url) as (session, _settings):
        for user in users.list_users(session):
            role = term("role", user.role).render(lang)
            state = "" if user.is_active else _("已停用").render(lang)
            typer.echo(f"{user.username:<20} {role:<7} {user.display_name or '':<12} {state}")


@app.command(epilog=examples("landgis user deactivate zhangwei"))
def deactivate(
    username: Annotated[str, typer.Argument(help="Login name.")],
    database_url: DatabaseOption = None,
) -> None:
    """Deactivate a user: their sessions and tokens stop working at once."""
    with unit_of_work(database_url) as (session, _settings):
        users.set_active(session, username, False, actor=_actor())
    say(_("已停用:{username}", username=username))


@app.command(epilog=examples("landgis user activate zhangwei"))
def activate(
    username: Annotated[str, typer.Argument(help="Login name.")],
    database_url: DatabaseOption = None,
) -> None:
    """Reactivate a deactivated user."""
    with unit_of_work(database_url) as (session, _settings):
        users.set_active(session, username, True, actor=_actor())
    say(_("已启用:{username}", username=username))


@app.command(epilog=examples("landgis user sessions"))
def sessions(
    username: Annotated[
        str | None, typer.Argument(help="Login name (all users if omitted).")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """List live browser sessions."""
    from landgis.wallclock import as_utc

    with unit_of_work(database_url) as (session, settings):
        rules = browser_sessions.SessionRules(
            settings.session_idle_minutes, settings.session_lifetime_hours
        )
        for row in browser_sessions.live(session, rules, username):
            started = as_utc(row.created_at).strftime("%Y-%m-%d %H:%M")
            seen = as_utc(row.last_seen_at).strftime("%Y-%m-%d %H:%M")
            line = _(
                "{id:>6} {username:<20} {started} UTC  最近 {seen}  {address}",
                id=row.id,
                username=row.user.username,
                started=started,
                seen=seen,
                address=row.client_addr or "",
            )
            say(line)


@app.command(epilog=examples("landgis user logout zhangwei"))
def logout(
    username: Annotated[str, typer.Argument(help="Login name.")],
    database_url: DatabaseOption = None,
) -> None:
    """End every browser session of a user (they must log in again)."""
    with unit_of_work(database_url) as (session, _settings):
        user = users.get_user(session, username)
        count = browser_sessions.end_all(session, user.id, "ended_by_admin")
        audit.record(
            session, "session_ended", actor=_actor(), subject=username, detail=f"{count} sessions"
        )
    say(_("已结束 {username} 的 {count} 个浏览器会话", username=username, count=count))


@app.command("audit", epilog=examples("landgis user audit --since 2024-01-01 --csv audit.csv"))
def audit_log(
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="From this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="DATE", help="To this day (YYYY-MM-DD).")
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. login_failed.")] = None,
    user: Annotated[str | None, typer.Option(help="Only entries about this account.")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write a CSV file.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Show or export the audit log (logins, failed logins, role changes, tokens)."""
    import datetime as dt

    from landgis.wallclock import as_utc

    first = dt.date.fromisoformat(since) if since else None
    last = dt.date.fromisoformat(until) if until else None
    with unit_of_work(database_url) as (session, _settings):
        rows = audit.entries(
            session, since=first, until=last, action=action, subject=user, limit=None
        )
        if csv_file is not None:
            audit.write_csv(rows, csv_file)
            say(_("已导出 {count} 条日志 → {file}", count=len(rows), file=csv_file))
            return
        for entry in rows:
            when = as_utc(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S")
            typer.echo(
                f"{when}  {term('audit_action', entry.action).render(language()):<16} "
                f"{entry.actor or '-':<16} {entry.subject or '-':<16} "
                f"{entry.client_addr or '':<15} {entry.detail or ''}"
            )
