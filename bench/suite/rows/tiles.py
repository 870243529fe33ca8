"""Row 2: the densest z13 parcels tile: landgis ``/tiles``, the same ST_AsMVT SQL run
bare with psycopg, and tipg's tile endpoint."""

from __future__ import annotations

import resource
import time
from typing import Any

from bench.suite import probes, servers
from bench.suite.context import Context, repeat
from bench.suite.data import Database
from bench.suite.figures import fmt_mb, fmt_ratio, fmt_seconds, median, ratio
from bench.suite.procs import log
from bench.suite.rows.loadtest import (
    CONCURRENCIES,
    compare,
    describe,
    load_all,
    probe,
    too_slow,
)
from bench.suite.table import Line, failed
from bench.suite.wrk import Load

ROW = "2 z13 tile"
Z = 13


def landgis_tile_sql(db: Database, x: int, y: int) -> tuple[str, Any]:
    """The statement and parameters landgis sends to PostGIS for this tile, caught on the
    way out of SQLAlchemy."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from landgis.db.engine import make_engine
    from landgis.settings import get_settings
    from landgis.tiles import Tile, render_tile

    settings = get_settings().model_copy(update={"database_url": db.url("postgresql+psycopg")})
    engine = make_engine(settings)
    caught: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "ST_AsMVT" in statement or "st_asmvt" in statement:
            caught.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    try:
        with Session(engine) as session:
            render_tile(session, "parcels", Tile(Z, x, y))
    finally:
        engine.dispose()
    if not caught:
        raise RuntimeError("landgis sent no ST_AsMVT query")
    return caught[-1]


def run(ctx: Context) -> list[Line]:
    db = ctx.main_db()
    with db.connect() as conn:
        x, y, count = probes.densest_tile(conn, Z)
    case = f"z{Z}/{x}/{y} ({count:,} parcels)"
    log(f"row 2: tile {case}")
    lines: list[Line] = []
    raw_time: float | None = None
    try:
        statement, parameters = landgis_tile_sql(db, x, y)
        with db.connect() as conn:

            def once() -> float:
                started = time.perf_counter()
                row = conn.execute(statement, parameters).fetchone()
                if not row or not row[0]:
                    raise RuntimeError("empty tile")
                return time.perf_counter() - started

            first = once()
            times = [first] if first > 10 else repeat(once, 5 if ctx.quick else 15, 60)
        raw_time = median(times)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        lines.append(
            Line(
                ROW,
                f"{case}, c=1",
                "ST_AsMVT (psycopg)",
                f"{fmt_seconds(raw_time)} per tile",
                "–",
                "",
                f"median of {len(times)}; the SQL landgis sends; bench process RSS {fmt_mb(rss)}",
            )
        )
    except Exception as error:
        lines.append(failed(ROW, case, "ST_AsMVT (psycopg)", error))
    paths = {
        "landgis": f"/tiles/parcels/{Z}/{x}/{y}.mvt",
        "tipg": f"/collections/public.parcels/tiles/WebMercatorQuad/{Z}/{x}/{y}",
    }
    loads: dict[str, dict[int, Load]] = {}
    memory: dict[str, str] = {}
    notes: dict[str, str] = {}
    for tool, path in paths.items():
        try:
            with servers.SERVERS[tool](db, ctx.workers, ctx.work) as running:
                got = probe(running.base + path, geojson=False)
                notes[tool] = f"{got.bytes:,} B tile"
                found = load_all(running.base + path, ctx.load_seconds, got)
                memory[tool] = fmt_mb(running.peak_rss_kb())
                if found is None:
                    lines.append(Line(ROW, case, tool, too_slow(got), memory[tool]))
                else:
                    loads[tool] = found
        except Exception as error:
            lines.append(failed(ROW, case, tool, error))
    for connections in CONCURRENCIES:
        for tool, by_c in loads.items():
            load = by_c[connections]
            compared = ""
            note = notes[tool]
            if tool == "landgis":
                compared = compare(load, {k: v[connections] for k, v in loads.items() if k != tool})
                if raw_time and connections == 1:
                    compared += f"; p50 {fmt_ratio(ratio(load.p50_s, raw_time))} bare SQL"
            if tool == "tipg":
                note += "; all parcels columns as attributes"
            lines.append(
                Line(
                    ROW,
                    f"{case}, c={connections}",
                    tool,
                    describe(load),
                    memory[tool],
                    compared,
                    note,
                )
            )
    return lines
