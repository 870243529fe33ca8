"""What landgis sends to PostgreSQL for one request, caught on its way out of SQLAlchemy.

landgis's own app (``api.main.create_app``, the code ``landgis serve`` runs) answers the
request in this process, on the suite's database, with a ``before_cursor_execute``
listener on its engine (which also hears the statements of landgis's hot reads on raw
psycopg connections) and the pool's pre-ping (one ``SELECT 1`` per checkout, below the
cursor events; those reads take no pre-ping) recorded as well. The request is sent a few
times and the statements of the last one kept: what every request sends once counts are
cached and the server's secret is read. The floor server replays them
(:mod:`bench.floor_app`); row 2 runs the ``ST_AsMVT`` one bare.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bench import floor_app
from bench.suite.data import Database

# landgis's page size when a request names none (landgis.features.DEFAULT_LIMIT).
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class Sent:
    """One statement as landgis handed it to psycopg (``%(name)s`` placeholders)."""

    statement: str
    parameters: Any
    # Whether the connection was in autocommit (no BEGIN/COMMIT around it).
    autocommit: bool
    ping: bool = False


@dataclass(frozen=True)
class Captured:
    """The statements of one request and what landgis answered."""

    target: str
    sent: tuple[Sent, ...]
    status: int
    body: bytes

    def statement(self, contains: str) -> Sent:
        """The last statement whose text contains ``contains`` (case-insensitive)."""
        for sent in reversed(self.sent):
            if contains.lower() in sent.statement.lower():
                return sent
        raise RuntimeError(f"landgis sent no statement with {contains!r} for {self.target}")

    def summary(self) -> str:
        """The statements in a few words: ``ping + 1 statement`` …"""
        pings = sum(s.ping for s in self.sent)
        others = len(self.sent) - pings
        text = f"{pings} ping{'s' if pings != 1 else ''} + {others} statement"
        text += "s" if others != 1 else ""
        if not all(s.autocommit for s in self.sent):
            text += " in a transaction"
        return text


def landgis_sends(db: Database, targets: Iterable[str], *, runs: int = 3) -> dict[str, Captured]:
    """Each GET ``target`` (path and query) answered by landgis's app on ``db``, ``runs``
    times; the statements of the last time. Fails unless landgis answers 200 and the last
    two times sent the same statements."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from api.main import create_app
    from landgis.settings import get_settings

    settings = get_settings().model_copy(update={"database_url": db.url("postgresql+psycopg")})
    app = create_app(settings)
    engine = app.state.engine
    sent: list[Sent] = []

    def catch(_conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        # The psycopg cursor's connection: landgis's hot reads run on it with no
        # SQLAlchemy connection around them (landgis.db.fast_read).
        autocommit = bool(cursor.connection.autocommit)
        sent.append(Sent(statement, parameters, autocommit))

    dialect = engine.dialect
    ping = dialect.do_ping

    def do_ping(dbapi_connection: Any) -> bool:
        # SQLAlchemy's psycopg dialect pings in autocommit, on the DBAPI cursor.
        sent.append(Sent(dialect._dialect_specific_select_one, None, True, ping=True))
        return bool(ping(dbapi_connection))

    event.listen(engine, "before_cursor_execute", catch)
    dialect.do_ping = do_ping
    found: dict[str, Captured] = {}
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            for target in targets:
                previous: list[Sent] = []
                for _ in range(runs):
                    previous = sent[:]
                    sent.clear()
                    answer = client.get(target)
                    if answer.status_code != 200:
                        raise RuntimeError(
                            f"landgis answered {answer.status_code} to {target}: "
                            f"{answer.text[:200]}"
                        )
                texts = [s.statement for s in sent]
                if runs > 1 and texts != [s.statement for s in previous]:
                    raise RuntimeError(f"landgis sends different statements each time: {target}")
                found[target] = Captured(target, tuple(sent), answer.status_code, answer.content)
    finally:
        engine.dispose()
    return found


def write_plan(captured: dict[str, Captured], kinds: dict[str, str], path: Path) -> Path:
    """The floor's plan (:func:`bench.floor_app.load_plans`): for each target, its kind
    (``items`` or ``tile``) and the statements to replay, as asyncpg takes them."""
    plans = {}
    for target, found in captured.items():
        statements = []
        for sent in found.sent:
            sql, args = floor_app.to_dollar(sent.statement, sent.parameters)
            statements.append({"sql": sql, "args": [floor_app.encode(a) for a in args]})
        query = parse_qs(urlsplit(target).query)
        plans[target] = {
            "kind": kinds[target],
            "limit": int(query.get("limit", [DEFAULT_LIMIT])[-1]),
            "transaction": not all(s.autocommit for s in found.sent),
            "statements": statements,
        }
    path.write_text(json.dumps(plans, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def same_page(landgis: bytes, floor: bytes) -> bool:
    """Whether two FeatureCollections hold the same features and ``numberMatched``
    (links and time stamps aside)."""
    mine, theirs = json.loads(landgis), json.loads(floor)
    return bool(
        mine["features"] == theirs["features"]
        and mine.get("numberMatched") == theirs.get("numberMatched")
        and mine.get("numberReturned") == theirs.get("numberReturned")
    )
