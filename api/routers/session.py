"""Logging in and out in the browser, and who is logged in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.auth import check_csrf, csrf_token, current_principal
from api.deps import ReaderDep, SessionDep
from landgis.errors import AuthenticationRequired
from landgis.users import authenticate

router = APIRouter(tags=["session"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "web" / "templates")


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a user to another site after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse, summary="The login page")
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """A form asking for username and password."""
    context = {"csrf_token": csrf_token(request), "next": _safe_next(next), "error": None}
    return templates.TemplateResponse(request, "login.html", context)


@router.post("/login", summary="Log in (form)", response_model=None)
async def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> RedirectResponse | HTMLResponse:
    """Check the credentials; on success start a browser session and go to ``next``."""
    await check_csrf(request, None)
    try:
        user = authenticate(session, username, password)
    except AuthenticationRequired as error:
        context = {
            "csrf_token": csrf_token(request),
            "next": _safe_next(next),
            "error": error.message,
        }
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    request.session.clear()
    request.session["user"] = {
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
    }
    csrf_token(request)  # a fresh token for the new session
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", summary="Log out (form)")
async def logout(request: Request) -> RedirectResponse:
    """End the browser session."""
    await check_csrf(request, current_principal(request))
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
