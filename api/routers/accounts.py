"""Accounts through the JSON API: one's own sessions and password; for administrators,
users, everyone's sessions and the audit log."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from api.auth import session_rules
from api.dates import Day
from api.deps import AdminDep, LoggedInDep, SessionDep, SettingsDep
from landgis import audit, browser_sessions, users
from landgis.db.models import AuditEntry, UserSession
from landgis.i18n import term
from landgis.i18n.values import in_both
from landgis.settings import Settings
from landgis.wallclock import as_utc

router = APIRouter(tags=["accounts"])


def session_view(row: UserSession, current: int | None) -> dict[str, Any]:
    """A live browser session as the account pages and the API show it."""
    return {
        "id": row.id,
        "username": row.user.username,
        "started": as_utc(row.created_at).isoformat(),
        "last_seen": as_utc(row.last_seen_at).isoformat(),
        "client_addr": row.client_addr,
        "user_agent": row.user_agent,
        "current": row.id == current,
    }


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    """An audit entry for the API and the audit page."""
    label = term("audit_action", entry.action)
    return {
        "at": as_utc(entry.occurred_at).isoformat(),
        "action": entry.action,
        **in_both("action_label", label),
        "actor": entry.actor,
        "subject": entry.subject,
        "client_addr": entry.client_addr,
        "detail": entry.detail,
    }


def user_views(session: Any, settings: Settings) -> list[dict[str, Any]]:
    """Every account with its live session count (for administrators)."""
    counts: dict[str, int] = {}
    for row in browser_sessions.live(session, session_rules(settings)):
        counts[row.user.username] = counts.get(row.user.username, 0) + 1
    return [
        {
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role,
            "active": user.is_active,
            "sessions": counts.get(user.username, 0),
        }
        for user in users.list_users(session)
    ]


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class UserChange(BaseModel):
    role: str | None = Field(default=None, max_length=16)
    active: bool | None = None


@router.get("/api/me/sessions", summary="My live browser sessions")
def my_sessions(
    session: SessionDep, settings: SettingsDep, principal: LoggedInDep
) -> list[dict[str, Any]]:
    """Where I am logged in (``current``: the session of this request)."""
    rows = browser_sessions.live(session, session_rules(settings), principal.username)
    return [session_view(row, principal.session_id) for row in rows]


@router.delete("/api/me/sessions/{session_id}", summary="End one of my sessions")
def end_my_session(session_id: int, session: SessionDep, principal: LoggedInDep) -> dict[str, int]:
    """End a session of mine (on another computer, say)."""
    users.end_sessions(session, principal.username, actor=principal.username, session_id=session_id)
    return {"ended": 1}


@router.post("/api/me/password", summary="Change my password")
def change_my_password(
    change: PasswordChange, session: SessionDep, principal: LoggedInDep
) -> dict[str, str]:
    """Needs the current password; every other session of mine ends."""
    users.change_own_password(
        session,
        principal.username,
        change.current_password,
        change.new_password,
        keep_session=principal.session_id,
    )
    return {"status": "changed"}


@router.get("/api/admin/users", summary="Users, roles and live sessions (admin)")
def list_accounts(session: SessionDep, settings: SettingsDep, _: AdminDep) -> list[dict[str, Any]]:
    """Every account with its role, whether it is active, and its live session count."""
    return user_views(session, settings)


@router.patch("/api/admin/users/{username}", summary="Change a user's role or state (admin)")
def change_account(
    username: str, change: UserChange, session: SessionDep, principal: AdminDep
) -> dict[str, Any]:
    """A new role takes effect on the user's next request; deactivating ends every
    session and token of theirs at once."""
    if change.role is not None:
        users.set_role(session, username, change.role, actor=principal.username)
    if change.active is not None:
        users.set_active(session, username, change.active, actor=principal.username)
    user = users.get_user(session, username)
    return {"username": user.username, "role": user.role, "active": user.is_active}


@router.get("/api/admin/sessions", summary="Every live browser session (admin)")
def all_sessions(
    session: SessionDep, settings: SettingsDep, principal: AdminDep
) -> list[dict[str, Any]]:
    """Who is logged in where."""
    rows = browser_sessions.live(session, session_rules(settings))
    return [session_view(row, principal.session_id) for row in rows]


@router.delete("/api/admin/users/{username}/sessions", summary="End a user's sessions (admin)")
def end_account_sessions(username: str, session: SessionDep, principal: AdminDep) -> dict[str, int]:
    """Log a user out everywhere."""
    return {"ended": users.end_sessions(session, username, actor=principal.username)}


@router.delete("/api/admin/sessions/{session_id}", summary="End one session (admin)")
def end_any_session(session_id: int, session: SessionDep, principal: AdminDep) -> dict[str, int]:
    """End one browser session of anyone."""
    users.end_any_session(session, session_id, actor=principal.username)
    return {"ended": 1}


def audit_rows(
    session: Any,
    since: dt.date | None,
    until: dt.date | None,
    action: str | None,
    user: str | None,
    limit: int | None,
) -> list[AuditEntry]:
    """The audit entries a filter names (shared by the API and the audit page)."""
    return list(
        audit.entries(session, since=since, until=until, action=action, subject=user, limit=limit)
    )


def audit_csv_response(rows: list[AuditEntry]) -> FileResponse:
    """The entries as a CSV download, removed from disk once sent."""
    descriptor, name = tempfile.mkstemp(prefix="landgis-audit-", suffix=".csv")
    os.close(descriptor)
    path = Path(name)
    audit.write_csv(rows, path)
    return FileResponse(
        path,
        media_type="text/csv; charset=utf-8",
        filename="landgis-audit.csv",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("/api/admin/audit", summary="The audit log (admin)", response_model=None)
def audit_log(
    session: SessionDep,
    _: AdminDep,
    since: Day | None = None,
    until: Day | None = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    user: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    format: Literal["json", "csv"] = "json",
) -> list[dict[str, Any]] | FileResponse:
    """Logins, failed logins, logouts, role changes, tokens issued: newest first."""
    rows = audit_rows(session, since, until, action, user, limit)
    if format == "csv":
        return audit_csv_response(rows)
    return [audit_view(entry) for entry in rows]
