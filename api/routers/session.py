"""Logging in and out in the browser, and who is logged in."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from api.auth import (
    SESSION_KEY,
    check_csrf,
    client_address,
    csrf_token,
    current_principal,
    login_limits,
)
from api.deps import ReaderDep
from api.web.layout import safe_next
from api.web.render import templates
from landgis.errors import AuthenticationRequired, TooManyAttempts
from landgis.login import log_in, log_out
from landgis.users import PASSWORD_CHECKS_AT_ONCE

router = APIRouter(tags=["session"])


def _login_form(
    request: Request,
    next: str | None,
    error: AuthenticationRequired | TooManyAttempts | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "csrf_token": csrf_token(request),
        "next": safe_next(next),
        "error": error.text if error else None,
        "resume": request.query_params.get("resume") == "1",
        "ended": request.query_params.get("ended") == "1",
    }
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyAttempts) else {}
    return templates.TemplateResponse(
        request, "login.html", context, status_code=status_code, headers=headers
    )


@router.get("/login", response_class=HTMLResponse, summary="The login page")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """A form asking for username and password."""
    return _login_form(request, next)


def _password_checks(request: Request) -> anyio.CapacityLimiter:
    """Logins run in threads of their own, as many at once as passwords are checked at
    once (:data:`landgis.users.PASSWORD_CHECKS_AT_ONCE`); the others wait on the event
    loop. Waiting in the shared thread pool instead, a burst of fifty logins took every
    thread (each waiting its turn to hash) and a health check or a page waited seconds
    behind them."""
    limiter = getattr(request.app.state, "password_checks", None)
    if limiter is None:
        limiter = request.app.state.password_checks = anyio.CapacityLimiter(PASSWORD_CHECKS_AT_ONCE)
    return limiter


@router.post("/login", summary="Log in (form)", response_model=None)
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> RedirectResponse | HTMLResponse:
    """Check the credentials; on success start a browser session and go to ``next``.

    The check runs in threads of its own (:func:`_password_checks`): a burst of logins
    never stalls other requests."""
    await check_csrf(request, None)
    settings = request.app.state.settings
    request.state.principal = None  # the page shown on failure asks nothing of the database
    try:
        done = await anyio.to_thread.run_sync(
            partial(
                log_in,
                request.app.state.engine,
                username,
                password,
                limits=login_limits(settings),
                client_addr=client_address(request),
                user_agent=request.headers.get("user-agent"),
            ),
            limiter=_password_checks(request),
        )
    except TooManyAttempts as error:
        return _login_form(request, next, error, status_code=429)
    except AuthenticationRequired as error:
        return _login_form(request, next, error, status_code=401)
    request.session.clear()
    request.session[SESSION_KEY] = done.session_key
    csrf_token(request)  # a fresh token for the new session
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", summary="Log out (form)")
async def logout(request: Request) -> RedirectResponse:
    """End the browser session, for good: its cookie opens nothing afterwards."""
    await check_csrf(request, await current_principal(request))
    key = request.session.get(SESSION_KEY)
    if key:
        await run_in_threadpool(
            log_out, request.app.state.engine, key, client_addr=client_address(request)
        )
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/api/me", summary="Who is logged in")
def me(request: Request, principal: ReaderDep) -> dict[str, Any]:
    """The current user and role (401 when reads need a login and nobody is logged in)."""
    if principal is None:
        return {"user": None, "role": None, "csrf_token": csrf_token(request)}
    return {
        "user": principal.username,
        "display_name": principal.display_name,
        "role": principal.role,
        "csrf_token": None if principal.via_token else csrf_token(request),
    }
