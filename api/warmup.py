"""Readying a server worker before it answers its first request.

A new PostgreSQL connection pays for its first map statement: its first plan loads the
catalog of the tables and PostGIS functions, its first transform sets up the projections,
so a worker's first tile on each pooled connection takes some 0.3-1 s against 10 ms
afterwards (a SpatiaLite connection loads its extension likewise). Without a warm-up the
first requests after a start, and the first ones asked concurrently, wait that long.
:func:`warm_up` opens the pool's connections and draws an empty tile of each layer on
each, so that the cost is paid before the worker takes requests.

FastAPI builds an included router's routes (their parameters' validators) when a request
first passes through it, some 0.1-0.2 s of the event loop for the first request after a
start: :func:`visit_routes` sends the app a request no route serves, which passes through
them all (and has the session middleware read its signing key).

Then :func:`freeze_startup_objects` moves what the worker holds after start (some half a
million objects: the modules, the app, SQLAlchemy's tables) out of the garbage
collector's reach: a full collection otherwise walks them all, a pause of a few hundred
milliseconds every thousand requests or so; frozen, it walks only what requests made.
"""

from __future__ import annotations

import gc
import logging
from contextlib import ExitStack

from sqlalchemy import Engine
from starlette.types import ASGIApp, Message

from landgis.db.session import read_session
from landgis.db.versioning import data_version
from landgis.tiles import LAYERS, Tile, render_tile

log = logging.getLogger(__name__)

# A tile where no land lies (the north-west corner of the world at zoom 13): drawing it
# plans and runs each layer's statement and reads nothing.
EMPTY_TILE = Tile(13, 0, 0)
NO_ROUTE = "/.warm-up"  # a path nothing serves: the request passes through every router


def warm_up(engine: Engine, connections: int) -> int:
    """Open ``connections`` pooled connections at once and draw an empty tile of each
    layer, with the data version, on each; how many were readied. Failures (no database
    yet, tables missing) are logged and end the warm-up: requests then connect as usual."""
    readied = 0
    try:
        with ExitStack() as held:  # held together, so that the pool opens that many
            for _ in range(connections):
                conn = held.enter_context(engine.connect())
                with read_session(conn) as session:
                    data_version(session)
                    for layer in LAYERS:
                        render_tile(session, layer, EMPTY_TILE)
                readied += 1
    except Exception as error:  # best effort: the worker still starts
        log.warning("warm-up stopped after %d connection(s): %s", readied, error)
    return readied


async def visit_routes(app: ASGIApp) -> int:
    """Send ``app`` one GET for a path nothing serves, in this process; its status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": NO_ROUTE,
        "raw_path": NO_ROUTE.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    try:
        await app(scope, receive, send)
    except Exception as error:  # best effort, as the connections'
        log.warning("warm-up request failed: %s", error)
    return status


def freeze_startup_objects() -> None:
    """Collect once, then leave every object alive now to the permanent generation."""
    gc.collect()
    gc.freeze()
