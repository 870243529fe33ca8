"""The account pages: my sessions and password; for administrators, users with their
roles and sessions, and the audit log. Thin: every change is a library call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import Principal, session_rules
from api.dates import parse_day
from api.deps import AdminDep, LoggedInDep, SessionDep, SettingsDep
from api.errors import status_code_for
from api.routers.accounts import (
    audit_csv_response,
    audit_rows,
    audit_view,
    session_view,
    user_views,
)
from api.web.form_input import FormDep, text
from api.web.layout import ui_for
from api.web.render import flash, render
from landgis import audit, browser_sessions, users
from landgis.errors import InvalidInput, LandGISError
from landgis.i18n import Text, _, term
from landgis.settings import Settings

router = APIRouter(include_in_schema=False)
AUDIT_PAGE_ROWS = 500


@dataclass(frozen=True)
class _Page:
    """A page of this module: its template, its address, and what it shows."""

    template: str
    path: str
    context: Callable[..., dict[str, Any]]

    def show(self, request: Request, status_code: int = 200, **extra: Any) -> HTMLResponse:
        return render(request, self.template, self.context(**extra), status_code=status_code)


def _my_page(session: Any, settings: Settings, principal: Principal) -> _Page:
    """My account: where I am logged in (and the password form)."""

    def context(**extra: Any) -> dict[str, Any]:
        rows = browser_sessions.live(session, session_rules(settings), principal.username)
        return {"sessions": [session_view(r, principal.session_id) for r in rows], **extra}

    return _Page("account.html", "/account", context)


def _users_page(session: Any, settings: Settings, principal: Principal) -> _Page:
    """The users, their roles and every live session (administrators)."""

    def context(**extra: Any) -> dict[str, Any]:
        rows = browser_sessions.live(session, session_rules(settings))
        return {
            "accounts": user_views(session, settings),
            "sessions": [session_view(r, principal.session_id) for r in rows],
            "roles": list(users.ROLES),
            **extra,
        }

    return _Page("admin_users.html", "/admin/users", context)


def _change(
    request: Request, session: Any, change: Callable[[], object], done: Text, page: _Page
) -> Response:
    """Run a change in a savepoint: back to the page with a notice, or the page again with
    the library's message and its 4xx status."""
    try:
        with session.begin_nested():
            change()
    except LandGISError as error:
        message = ui_for(request).t.message(error)
        return page.show(request, status_code_for(error), error=message)
    flash(request, done)
    return RedirectResponse(page.path, status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request, session: SessionDep, settings: SettingsDep, principal: LoggedInDep
) -> HTMLResponse:
    """Where I am logged in, and my password."""
    return _my_page(session, settings, principal).show(request)


@router.post("/account/sessions/{session_id}/end", response_model=None)
def end_my_session_form(
    session_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: LoggedInDep,
) -> Response:
    """End one of my sessions (on another computer)."""
    return _change(
        request,
        session,
        lambda: users.end_sessions(
            session, principal.username, actor=principal.username, session_id=session_id
        ),
        _("会话已结束。"),
        _my_page(session, settings, principal),
    )


@router.post("/account/sessions/end-others", response_model=None)
def end_my_other_sessions_form(
    request: Request, session: SessionDep, settings: SettingsDep, principal: LoggedInDep
) -> Response:
    """Log out everywhere but here."""
    return _change(
        request,
        session,
        lambda: users.end_sessions(
            session,
            principal.username,
            actor=principal.username,
            keep_session=principal.session_id,
        ),
        _("其他会话已全部结束。"),
        _my_page(session, settings, principal),
    )


@router.post("/account/password", response_model=None)
def change_password_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: LoggedInDep,
    form: FormDep,
) -> Response:
    """My new password (the current one first); my other sessions end."""

    def change() -> None:
        new, repeated = text(form, "new_password"), text(form, "new_password_again")
        if new != repeated:
            raise InvalidInput(_("两次输入的新密码不一致。"))
        users.change_own_password(
            session,
            principal.username,
            text(form, "current_password"),
            new,
            keep_session=principal.session_id,
        )

    return _change(
        request,
        session,
        change,
        _("密码已修改,其他会话已结束。"),
        _my_page(session, settings, principal),
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request, session: SessionDep, settings: SettingsDep, principal: AdminDep
) -> HTMLResponse:
    """Users, their roles, whether they are active, and who is logged in where."""
    return _users_page(session, settings, principal).show(request)


@router.post("/admin/users/{username}", response_model=None)
def change_user_form(
    username: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: AdminDep,
    form: FormDep,
) -> Response:
    """Set a user's role, deactivate or reactivate them, or end their sessions."""
    action = text(form, "action")

    def change() -> None:
        if action == "role":
            users.set_role(session, username, text(form, "role"), actor=principal.username)
        elif action in ("deactivate", "activate"):
            if username == principal.username and action == "deactivate":
                raise InvalidInput(_("不能停用自己的账户。"))
            users.set_active(session, username, action == "activate", actor=principal.username)
        elif action == "logout":
            users.end_sessions(session, username, actor=principal.username)
        else:
            raise InvalidInput(_("未知操作。"))

    return _change(
        request,
        session,
        change,
        _("用户已更新。"),
        _users_page(session, settings, principal),
    )


@router.post("/admin/sessions/{session_id}/end", response_model=None)
def end_session_form(
    session_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: AdminDep,
) -> Response:
    """End anyone's session."""
    return _change(
        request,
        session,
        lambda: users.end_any_session(session, session_id, actor=principal.username),
        _("会话已结束。"),
        _users_page(session, settings, principal),
    )


def _day_param(request: Request, name: str) -> dt.date | None:
    typed = request.query_params.get(name, "").strip()
    try:
        return parse_day(typed) if typed else None
    except ValueError:
        return None


def _action_label(code: str, lang: str) -> str:
    """What an audit action is called in ``lang`` (the code when unknown)."""
    return term("audit_action", code).render(lang)


@router.get("/admin/audit", response_class=HTMLResponse, response_model=None)
def audit_page(request: Request, session: SessionDep, _admin: AdminDep) -> Response:
    """The audit log with filters; ``?format=csv`` downloads what the filters select."""
    since, until = _day_param(request, "since"), _day_param(request, "until")
    action = request.query_params.get("action") or None
    action = action if action in audit.ACTIONS else None
    user = (request.query_params.get("user") or "").strip()[:64] or None
    if request.query_params.get("format") == "csv":
        return audit_csv_response(audit_rows(session, since, until, action, user, None))
    rows = audit_rows(session, since, until, action, user, AUDIT_PAGE_ROWS)
    lang = ui_for(request).lang
    entries = [audit_view(e) for e in rows]
    context = {
        "entries": [e | {"action_shown": _action_label(e["action"], lang)} for e in entries],
        "actions": [(code, _action_label(code, lang)) for code in audit.ACTIONS],
        "chosen": {"since": since, "until": until, "action": action, "user": user},
        "query": request.url.query,
        "limit": AUDIT_PAGE_ROWS,
    }
    return render(request, "admin_audit.html", context)
