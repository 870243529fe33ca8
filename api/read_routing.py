"""Which database answers a request: writes the primary, reads the replica when one is
configured (``LANDGIS_READ_DATABASE_URL``) and has seen the asker's own writes.

After a request that may have written (POST, PUT, PATCH, DELETE answered below 400),
:class:`RecordWrites` asks the primary for its WAL position and keeps it for whoever
asked: in the signed session cookie (which every worker can read, so it holds with many
workers and hosts) and, for clients that keep no cookie, in this process's memory under
their bearer token or browser session. A later read of theirs passes it to
:meth:`landgis.db.replica.EnginePair.read_bind`, which serves the read from the replica
once it has replayed that position, else from the primary; once the replica has caught
up, the position is forgotten.

Signing in and out, and who asks (:mod:`api.auth`), stay on the primary: a session or a
token ended there is refused at once, never served by a replica that has not heard yet.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import SAFE_METHODS, SESSION_KEY
from landgis.db.replica import EnginePair, lsn_value
from landgis.db.session import read_session, transaction

WRITTEN_KEY = "wal"  # the session cookie's key for the asker's last write position
KEEP_S = 600.0  # how long this process remembers a cookie-less client's write
KEEP_MAX = 10_000  # and for how many clients at most


class WrittenPositions:
    """The WAL positions of recent writes by client, in this process's memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def put(self, client: str, lsn: str) -> None:
        with self._lock:
            self._items.pop(client, None)
            self._items[client] = (time.monotonic() + KEEP_S, lsn)
            while len(self._items) > KEEP_MAX:
                self._items.popitem(last=False)

    def get(self, client: str) -> str | None:
        with self._lock:
            kept = self._items.get(client)
            if kept is None or kept[0] < time.monotonic():
                self._items.pop(client, None)
                return None
            return kept[1]

    def forget(self, client: str, lsn: str) -> None:
        """Forget ``client``'s position if it is still ``lsn`` (not a newer write's)."""
        with self._lock:
            kept = self._items.get(client)
            if kept is not None and kept[1] == lsn:
                del self._items[client]


def _client(conn: HTTPConnection) -> str | None:
    """Who asks, as far as the request says without the database: a digest of the bearer
    token or of the browser session's key."""
    scheme, _, token = conn.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()
    key = conn.session.get(SESSION_KEY) if "session" in conn.scope else None
    if isinstance(key, str) and key:
        return "session:" + hashlib.sha256(key.encode()).hexdigest()
    return None


def _positions(conn: HTTPConnection) -> WrittenPositions:
    state = conn.app.state
    positions = getattr(state, "written_positions", None)
    if positions is None:
        positions = state.written_positions = WrittenPositions()
    return positions


def _latest(*positions: object) -> str | None:
    """The latest of the WAL positions given; what is not one (None, an old cookie's
    value) is ignored."""
    valid: list[tuple[int, str]] = []
    for lsn in positions:
        if isinstance(lsn, str):
            try:
                valid.append((lsn_value(lsn), lsn))
            except ValueError:
                continue
    return max(valid)[1] if valid else None


def read_from_primary(request: Request) -> None:
    """This request's reads go to the primary (it has just written what they read)."""
    request.state.read_primary = True


@contextmanager
def read_bind(request: Request) -> Iterator[Engine | Connection]:
    """What this request's reads run on (call from a worker thread: it may wait for the
    replica)."""
    pair: EnginePair = request.app.state.engines
    if pair.replica is None or getattr(request.state, "read_primary", False):
        yield pair.primary
        return
    session = request.session if "session" in request.scope else {}
    client = _client(request)
    remembered = _positions(request).get(client) if client else None
    since = _latest(session.get(WRITTEN_KEY), remembered)
    with pair.read_bind(since) as bind:
        if since is not None and bind is not pair.primary:  # the replica has caught up
            if session.get(WRITTEN_KEY) is not None:
                session.pop(WRITTEN_KEY, None)
            if client:
                _positions(request).forget(client, since)
        yield bind


@contextmanager
def request_read_session(request: Request) -> Iterator[Session]:
    """A read session (:func:`landgis.db.session.read_session`) on this request's reader."""
    with read_bind(request) as bind, read_session(bind) as session:
        yield session


@contextmanager
def request_read_transaction(request: Request) -> Iterator[Session]:
    """A read transaction (several statements, one snapshot) on this request's reader."""
    with read_bind(request) as bind, transaction(bind, write=False) as session:
        yield session


class RecordWrites:
    """ASGI middleware keeping the primary's WAL position after a request that may have
    written, for the asker's later reads. Put it inside the session middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        pair: EnginePair | None = getattr(scope["app"].state, "engines", None)
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or pair is None
            or pair.replica is None
        ):
            await self.app(scope, receive, send)
            return

        async def send_position(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                lsn = await run_in_threadpool(pair.write_position)
                if lsn is not None:
                    conn = HTTPConnection(scope)
                    if "session" in scope:
                        scope["session"][WRITTEN_KEY] = lsn
                    if client := _client(conn):
                        _positions(conn).put(client, lsn)
            await send(message)

        await self.app(scope, receive, send_position)
