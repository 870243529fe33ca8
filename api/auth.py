"""Who makes a request, and what their role allows.

Browsers log in with a form and carry a signed session cookie holding a session key; the
key is checked against the database on every request (:mod:`landgis.browser_sessions`),
so a logout, an ended session, a role change or a deactivated account takes effect at
once. Every state-changing request from a browser must echo the session's CSRF token
(header ``X-CSRF-Token`` or form field ``csrf_token``). Programs send
``Authorization: Bearer <token>`` and need no CSRF token, since no browser sends that
header on its own.

Nothing here waits for the database on the event loop: lookups run in the thread pool.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from landgis import browser_sessions
from landgis.cases import Actor
from landgis.db.session import transaction
from landgis.errors import AuthenticationRequired, PermissionDenied
from landgis.i18n import _, term
from landgis.login_limits import LoginLimits
from landgis.settings import Settings
from landgis.users import user_for_token
from landgis.vocab import ROLES
from landgis.workflow import role_allows

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_KEY = "sid"


@dataclass(frozen=True)
class Principal:
    """The user behind a request (``session_id``: their browser session, if any)."""

    username: str
    role: str
    display_name: str | None = None
    via_token: bool = False
    session_id: int | None = None

    @property
    def actor(self) -> Actor:
        """Who acts, as the ledger's use cases name them."""
        return Actor(self.username, self.role)


def session_rules(settings: Settings) -> browser_sessions.SessionRules:
    """The idle time and lifetime of browser sessions."""
    return browser_sessions.SessionRules(
        idle_minutes=settings.session_idle_minutes,
        lifetime_hours=settings.session_lifetime_hours,
    )


def login_limits(settings: Settings) -> LoginLimits:
    """The limits on failed logins."""
    return LoginLimits(
        per_account=settings.login_max_failures,
        per_address=settings.login_max_failures_per_address,
        window_minutes=settings.login_window_minutes,
        lock_minutes=settings.login_lock_minutes,
    )


def client_address(request: Request) -> str | None:
    """The client's address as the server sees it (the proxy's, behind one that
    uvicorn is not told to trust)."""
    return request.client.host if request.client else None


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


def _needs_lookup(request: Request) -> bool:
    return _bearer(request) is not None or bool(request.session.get(SESSION_KEY))


def resolve_principal(request: Request) -> Principal | None:
    """The user of a valid bearer token or live browser session, or None (anonymous).

    It may query the database: call it from a worker thread (sync routes and
    dependencies run there), never on the event loop; :func:`current_principal` is the
    dependency that does so. The answer is kept on the request. A session that has
    ended is dropped from the cookie, and ``request.state.session_ended`` says so.
    """
    if hasattr(request.state, "principal"):  # resolved before for this request
        cached: Principal | None = request.state.principal
        return cached
    principal: Principal | None = None
    token = _bearer(request)
    engine = request.app.state.engine
    if token is not None:
        with transaction(engine, write=False) as session:
            user = user_for_token(session, token)
            if user is None:
                raise AuthenticationRequired(_("访问令牌无效或已吊销。"))
            principal = Principal(user.username, user.role, user.display_name, via_token=True)
    elif key := request.session.get(SESSION_KEY):
        with transaction(engine, write=False) as session:
            live = browser_sessions.check(session, key, session_rules(request.app.state.settings))
        if live is None:
            request.session.pop(SESSION_KEY, None)
            request.state.session_ended = True
        else:
            principal = Principal(
                live.username, live.role, live.display_name, session_id=live.session_id
            )
    request.state.principal = principal
    return principal


async def current_principal(request: Request) -> Principal | None:
    """Who asks (a dependency): the database is asked from the thread pool, so that a
    wait for a pooled connection never stalls the event loop; anonymous requests need no
    thread at all."""
    if getattr(request.state, "principal", False) is False and _needs_lookup(request):
        return await run_in_threadpool(resolve_principal, request)
    return resolve_principal(request)


async def check_csrf(request: Request, principal: Principal | None) -> None:
    """Refuse a browser's state-changing request that does not carry the session's token."""
    if request.method in SAFE_METHODS or (principal is not None and principal.via_token):
        return
    sent: str | UploadFile | None = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = (await request.form()).get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise PermissionDenied(
            _("请求缺少有效的防伪令牌(CSRF),请刷新页面后重试。"),
        )


def login_needed(request: Request) -> AuthenticationRequired:
    """The refusal of an anonymous request: says so when the session has just ended."""
    if getattr(request.state, "session_ended", False):
        return AuthenticationRequired(
            _("登录已过期或已在别处结束,请重新登录。"),
        )
    return AuthenticationRequired(
        _("请先登录,或在请求中提供访问令牌。"),
    )


def require_role(role: str, *, csrf: bool = True) -> Callable[..., object]:
    """A dependency admitting users with at least ``role``.

    ``viewer`` also admits anonymous readers unless the settings put reading behind a login.
    Roles above viewer are for changes: they also check the CSRF token of browsers, unless
    ``csrf=False`` (an upload route checks it itself once the body has been read, so that
    who asks is known before a byte of the body is).
    """
    if role not in ROLES:
        raise ValueError(role)

    async def dependency(request: Request) -> Principal | None:
        principal = await current_principal(request)
        if principal is None:
            if role == "viewer" and not request.app.state.settings.read_requires_login:
                return None
            raise login_needed(request)
        if not role_allows(principal.role, role):
            raise PermissionDenied(
                _(
                    "此操作需要{needed}权限,您的角色是{current}。",
                    needed=term("role", role),
                    current=term("role", principal.role),
                )
            )
        if role != "viewer" and csrf:
            await check_csrf(request, principal)
        return principal

    return dependency


def require_login() -> Callable[..., object]:
    """A dependency admitting any logged-in user (their own account's pages), checking the
    CSRF token of browsers' changes."""

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if principal is None:
            raise login_needed(request)
        await check_csrf(request, principal)
        return principal

    return dependency
