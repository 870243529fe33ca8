"""The public pages (``/public/…``): what anyone may read, the same for every reader.

A request under :data:`PUBLIC_PREFIX` reaches the app without its cookies (so no session,
no login, no language cookie: the page depends on its URL alone) and its response leaves
without ``Set-Cookie``, with ``Cache-Control: public, max-age=300`` unless the route set
its own: a shared cache may keep it, and can never keep anyone's session. Only the routes
of :mod:`api.web.public_pages` live there; every other route keeps its login checks.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC_PREFIX = "/public/"
PUBLIC_CACHE = "public, max-age=300"

_COOKIE = b"cookie"
_SET_COOKIE = b"set-cookie"
_CACHE_CONTROL = b"cache-control"


def is_public(path: str) -> bool:
    """Whether ``path`` is one of the public pages."""
    return path.startswith(PUBLIC_PREFIX)


class PublicPaths:
    """ASGI middleware: requests under ``/public/`` come in without cookies and go out
    without ``Set-Cookie``, cacheable by anyone. Put it outside the session middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_public(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        scope["headers"] = [(k, v) for k, v in scope.get("headers", ()) if k.lower() != _COOKIE]

        async def send_public(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", ()) if k.lower() != _SET_COOKIE
                ]
                if message.get("status", 200) < 400 and not any(
                    k.lower() == _CACHE_CONTROL for k, _ in headers
                ):
                    headers.append((_CACHE_CONTROL, PUBLIC_CACHE.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_public)
