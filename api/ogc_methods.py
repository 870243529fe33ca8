"""HEAD and OPTIONS on every read-only route under a path prefix (the OGC API, ``/ogc``).

HTTP wants HEAD wherever GET is: it is answered as the GET, with the same status and
headers (``Content-Length`` included) and no body. OPTIONS on a path a GET route serves is
``204`` with ``Allow: GET, HEAD, OPTIONS``, and any other method's 405 says the same.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW = "GET, HEAD, OPTIONS"


class ReadOnlyMethods:
    """ASGI middleware: HEAD and OPTIONS for the GET routes under ``prefix``."""

    def __init__(self, app: ASGIApp, prefix: str = "/ogc") -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._under_prefix(scope):
            await self.app(scope, receive, send)
        elif scope["method"] == "HEAD":
            await self.app({**scope, "method": "GET"}, receive, _headers_only(send))
        elif scope["method"] == "OPTIONS" and _served_by_get(scope):
            await Response(status_code=204, headers={"Allow": ALLOW})(scope, receive, send)
        else:
            await self.app(scope, receive, _allow_on_405(send))

    def _under_prefix(self, scope: Scope) -> bool:
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        return path == self.prefix or path.startswith(self.prefix + "/")


def _served_by_get(scope: Scope) -> bool:
    """Whether a GET route of the application matches the request's path."""
    app = scope.get("app")
    router = getattr(app, "router", None)
    probe = {**scope, "method": "GET", "fastapi": {}}
    for route in getattr(router, "routes", ()):
        match, _child = route.matches(probe)
        if match is Match.FULL:
            return True
    return False


def _headers_only(send: Send) -> Send:
    """``send`` passing the response's start (status, headers) and no body."""

    async def sending(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
        elif not message.get("more_body", False):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return sending


def _allow_on_405(send: Send) -> Send:
    """``send`` with a 405's ``Allow`` header naming the methods the prefix serves."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            MutableHeaders(scope=message)["Allow"] = ALLOW
        await send(message)

    return sending
