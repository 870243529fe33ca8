"""The signed session cookie, with its key found on the first request rather than at
start-up: the key may live in the database, and a server must start (and say what is
wrong on /health) even when the database is not reachable yet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import itsdangerous
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE_NAME = "landgis_session"


class LazyKeySessionMiddleware(SessionMiddleware):
    """Starlette's session middleware whose signing key comes from ``key_source``, called
    once (in the thread pool) when the first request arrives."""

    def __init__(self, app: ASGIApp, /, key_source: Callable[[], str], **options: Any) -> None:
        super().__init__(app, secret_key="unset", **options)
        self._key_source = key_source
        self._ready = False
        self._lock = asyncio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._ready and scope["type"] in ("http", "websocket"):
            async with self._lock:
                if not self._ready:
                    key = await run_in_threadpool(self._key_source)
                    self.signer = itsdangerous.TimestampSigner(key)
                    self._ready = True
        await super().__call__(scope, receive, send)
