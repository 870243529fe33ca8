"""The floor: the least a Python server can spend answering what landgis answers.

A bare ASGI callable (no framework) for uvicorn, with one asyncpg connection per worker.
For each request it knows (its path and query, exactly as the client sends them) it sends
PostgreSQL the statements landgis sends for that request, captured beforehand by the
benchmark suite (:mod:`bench.suite.capture`): the same text, parameters and order,
pre-ping included, and builds the body landgis builds from the result:

- ``items``: the features' JSON text (built by the database, one row each) joined into a
  FeatureCollection with ``numberMatched`` (the cached count the statement read),
  ``numberReturned`` and ``timeStamp``; no links.
- ``tile``: the MVT bytes of the one row.

It reads no query parameter, checks nothing, builds no ETag and knows no other URL (404).
``FLOOR_PLAN`` names the plan (JSON, written by :func:`bench.suite.capture.write_plan`),
``FLOOR_DATABASE_URL`` the database (a libpq URL). Used by the benchmark suite only.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

GEOJSON = b"application/geo+json"
MVT = b"application/vnd.mapbox-vector-tile"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")


def declared_type(value: Any) -> str | None:
    """The type psycopg declares for a parameter (none for ``str``: the server infers it),
    as psycopg 3 picks it from the Python value."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        for name, bits in (("int2", 15), ("int4", 31), ("int8", 63)):
            if -(2**bits) <= value < 2**bits:
                return name
        return "numeric"
    return {
        float: "float8",
        decimal.Decimal: "numeric",
        dt.date: "date",
        bytes: "bytea",
    }.get(type(value)) or (
        ("timestamptz" if value.tzinfo else "timestamp") if isinstance(value, dt.datetime) else None
    )


def to_dollar(statement: str, parameters: Any) -> tuple[str, list[Any]]:
    """A psycopg statement (``%(name)s`` or ``%s`` placeholders, ``%%``) and its
    parameters as PostgreSQL's ``$n`` and a list, as psycopg itself sends them. psycopg
    declares the type of each parameter but strings; asyncpg lets the server infer them,
    so a parameter without a cast of its own gets the type psycopg declares as a cast."""
    numbers: dict[str, int] = {}
    args: list[Any] = []
    positional = iter(parameters if isinstance(parameters, Sequence) else ())

    def number(match: re.Match[str]) -> str:
        if match.group(0) == "%%":
            return "%"
        name = match.group(1)
        if name is None:
            args.append(next(positional))
            n = len(args)
        elif name in numbers:
            n = numbers[name]
        else:
            args.append(parameters[name])
            n = numbers[name] = len(args)
        declared = declared_type(args[n - 1])
        cast = statement.startswith("::", match.end()) or declared is None
        return f"${n}" if cast else f"${n}::{declared}"

    return _PLACEHOLDER.sub(number, statement), args


def encode(value: Any) -> Any:
    """A parameter value as JSON (dates, decimals and bytes tagged)."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot replay a parameter of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        ((tag, text),) = value.items()
        return {
            "$datetime": dt.datetime.fromisoformat,
            "$date": dt.date.fromisoformat,
            "$decimal": decimal.Decimal,
            "$bytes": bytes.fromhex,
        }[tag](text)
    return value


@dataclass(frozen=True)
class Plan:
    """What to send for one request and how to make the body of the last result."""

    kind: str  # "items" or "tile"
    limit: int  # items: the page size (landgis reads one row more, to know of a next page)
    transaction: bool
    statements: tuple[tuple[str, tuple[Any, ...]], ...]


def load_plans(text: str) -> dict[str, Plan]:
    """The plans of a plan file, by request target (``/path?query``)."""
    return {
        target: Plan(
            kind=plan["kind"],
            limit=int(plan.get("limit", 0)),
            transaction=bool(plan["transaction"]),
            statements=tuple(
                (s["sql"], tuple(decode(a) for a in s["args"])) for s in plan["statements"]
            ),
        )
        for target, plan in json.loads(text).items()
    }


def items_body(rows: Sequence[Mapping[str, Any]], limit: int, now: dt.datetime) -> bytes:
    """The FeatureCollection landgis builds from a page's rows (version, cached count,
    key, feature; an empty page is one row of NULLs beside the version)."""
    matched = rows[0]["cached_matched"] if rows else None
    features = [row["feature"] for row in rows[:limit] if row["feature"] is not None]
    members = {"numberReturned": len(features), "timeStamp": now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if matched is not None:
        members = {"numberMatched": matched, **members}
    tail = json.dumps(members)[1:]
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]," + tail).encode()


PLANS: dict[str, Plan] = {}
_pool: Any = None


async def _lifespan(receive: Receive, send: Send) -> None:
    global _pool
    import asyncpg

    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            PLANS.update(load_plans(Path(os.environ["FLOOR_PLAN"]).read_text(encoding="utf-8")))
            _pool = await asyncpg.create_pool(
                os.environ["FLOOR_DATABASE_URL"], min_size=1, max_size=1
            )
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _pool.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _send_all(conn: Any, plan: Plan) -> list[Any]:
    # One round trip each, as psycopg's (a statement without parameters, such as the
    # pre-ping's ";", is a simple query there: asyncpg's fails on an empty one).
    rows: list[Any] = []
    for sql, args in plan.statements:
        rows = await conn.fetch(sql, *args)
    return rows


async def _replay(plan: Plan) -> list[Any]:
    async with _pool.acquire() as conn:
        if not plan.transaction:
            return await _send_all(conn, plan)
        async with conn.transaction():
            return await _send_all(conn, plan)


async def app(scope: Message, receive: Receive, send: Send) -> None:
    """The one route: a known request target, replayed."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    query = scope["query_string"].decode("latin-1")
    plan = PLANS.get(scope["path"] + ("?" + query if query else ""))
    if plan is None:
        await _answer(send, 404, b"text/plain", b"not a planned request")
        return
    rows = await _replay(plan)
    if plan.kind == "tile":
        body = bytes(rows[0][0] or b"") if rows else b""
        await _answer(send, 200 if body else 204, MVT, body)
    else:
        now = dt.datetime.now(dt.UTC)
        await _answer(send, 200, GEOJSON, items_body(rows, plan.limit, now))


async def _answer(send: Send, status: int, media_type: bytes, body: bytes) -> None:
    headers = [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
