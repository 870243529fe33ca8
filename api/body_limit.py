"""A cap on every request body, as a small pure-ASGI middleware.

FastAPI reads a JSON or form body whole, into memory, before any dependency runs (who asks
included): without a cap anyone could make a worker hold gigabytes. Bodies are capped at
``LANDGIS_REQUEST_MAX_MB`` (a few MB: parcels' GeoJSON, case changes, page forms); the
routes that take files read their bodies themselves as they stream, with their own larger
limits (:mod:`api.uploads`), and lift this cap for their request by setting
``scope[BODY_LIMIT_KEY]`` to None before reading.

A ``Content-Length`` above the cap is refused (413) before the body is read, a chunked body
as soon as the count passes it. A response that starts before the request's body was read
to its end closes the connection, so that the rest of an unwanted upload is not read.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_LIMIT_KEY = "landgis.max_body_bytes"


def _too_large() -> HTTPException:
    return HTTPException(413, "Content Too Large", headers={"Connection": "close"})


class BodyLimit:
    """Refuse request bodies above ``max_bytes`` (unless a route lifts the cap)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[BODY_LIMIT_KEY] = self.max_bytes
        headers = Headers(scope=scope)
        try:
            declared: int | None = int(headers["content-length"])
        except (KeyError, ValueError):
            declared = None
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        pending = chunked or bool(declared)  # a body still to be read to its end
        received = 0

        async def limited() -> Message:
            nonlocal received, pending
            limit = scope.get(BODY_LIMIT_KEY)
            if limit is not None and declared is not None and declared > limit:
                raise _too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if limit is not None and received > limit:
                    raise _too_large()
                if not message.get("more_body", False):
                    pending = False
            elif message["type"] == "http.disconnect":
                pending = False
            return message

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start" and pending:
                # Answered before the body was read (a refusal): do not read the rest.
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"connection"]
                message = {**message, "headers": [*kept, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, limited, closing)
