"""Who makes a request, and what their role allows.

Browsers log in with a form and carry a signed session cookie; every state-changing
request from a browser must echo the session's CSRF token (header ``X-CSRF-Token`` or
form field ``csrf_token``). Programs send ``Authorization: Bearer <token>`` and need no
CSRF token, since no browser sends that header on its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from landgis.db.session import transaction
from landgis.errors import AuthenticationRequired, PermissionDenied
from landgis.users import user_for_token
from landgis.vocab import ROLES
from landgis.workflow import role_allows

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Principal:
    """The user behind a request."""

    username: str
    role: str
    display_name: str | None = None
    via_token: bool = False


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def _bearer(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" and credentials.strip() else None


def current_principal(request: Request) -> Principal | None:
    """The user of a valid bearer token or browser session, or None (anonymous)."""
    cached = getattr(request.state, "principal", False)
    if cached is not False:
        return cached
    principal: Principal | None = None
    token = _bearer(request)
    if token is not None:
        with transaction(request.app.state.engine) as session:
            user = user_for_token(session, token)
            if user is None:
                raise AuthenticationRequired(
                    "访问令牌无效或已吊销。", "The bearer token is invalid or revoked."
                )
            principal = Principal(user.username, user.role, user.display_name, via_token=True)
    elif request.session.get("user"):
        stored = request.session["user"]
        principal = Principal(stored["username"], stored["role"], stored.get("display_name"))
    request.state.principal = principal
    return principal


async def check_csrf(request: Request, principal: Principal | None) -> None:
    """Refuse a browser's state-changing request that does not carry the session's token."""
    if request.method in SAFE_METHODS or (principal is not None and principal.via_token):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = (await request.form()).get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise PermissionDenied(
            "请求缺少有效的防伪令牌(CSRF),请刷新页面后重试。",
            "The request lacks a valid CSRF token; reload the page and try again.",
        )


def require_role(role: str) -> Callable[..., object]:
    """A dependency admitting users with at least ``role``.

    ``viewer`` also admits anonymous readers unless the settings put reading behind a login.
    Roles above viewer are for changes: they also check the CSRF token of browsers.
    """
    if role not in ROLES:
        raise ValueError(role)

    async def dependency(request: Request) -> Principal | None:
        principal = current_principal(request)
        if principal is None:
            if role == "viewer" and not request.app.state.settings.read_requires_login:
                return None
            raise AuthenticationRequired(
                "请先登录,或在请求中提供访问令牌。",
                "Log in, or send a bearer token with the request.",
            )
        if not role_allows(principal.role, role):
            current = ROLES.get(principal.role, principal.role)
            raise PermissionDenied(
                f"此操作需要{ROLES[role]}权限,您的角色是{current}。",
                f"This needs the {role} role; you are {principal.role}.",
            )
        if role != "viewer":
            await check_csrf(request, principal)
        return principal

    return dependency
