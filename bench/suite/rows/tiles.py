"""Row 2: the densest z13 parcels tile: landgis ``/tiles``, the ST_AsMVT statement landgis
sends run bare with psycopg, the floor (every statement landgis sends for the tile,
:mod:`bench.floor_app`) and tipg's tile endpoint."""

from __future__ import annotations

import dataclasses
import functools
import resource
import time
import urllib.request

from bench.suite import capture, probes, servers
from bench.suite.context import Context, repeat
from bench.suite.data import Database
from bench.suite.figures import fmt_mb, fmt_ratio, fmt_spread, median, ratio
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
from bench.suite.targets import Goal, with_goals
from bench.suite.wrk import Load

ROW = "2 z13 tile"
Z = 13


def run(ctx: Context) -> list[Line]:
    db = ctx.main_db()
    with db.connect() as conn:
        x, y, count = probes.densest_tile(conn, Z)
    case = f"z{Z}/{x}/{y} ({count:,} parcels)"
    log(f"row 2: tile {case}")
    lines: list[Line] = []
    raw_time: float | None = None
    path = f"/tiles/parcels/{Z}/{x}/{y}.mvt"
    paths = {
        "landgis": path,
        "tipg": f"/collections/public.parcels/tiles/WebMercatorQuad/{Z}/{x}/{y}",
        "floor": path,  # the floor answers landgis's own URL
    }
    starters = dict(servers.SERVERS)
    try:
        landgis = capture.landgis_sends(db, [path])[path]
        plan = ctx.work / "floor-plan-tile.json"
        capture.write_plan({path: landgis}, {path: "tile"}, plan)
        starters["floor"] = functools.partial(servers.floor, plan=plan)
    except Exception as error:
        lines.append(failed(ROW, case, "floor", f"catching landgis's statements: {error}"))
        lines.append(failed(ROW, case, "ST_AsMVT (psycopg)", error))
    else:
        raw_time = _bare(ctx, db, landgis, case, lines)
    loads: dict[str, dict[int, Load]] = {}
    memory: dict[str, str] = {}
    notes: dict[str, str] = {}
    for tool in ("landgis", "tipg", "floor"):
        if tool not in starters:
            continue
        try:
            with starters[tool](db, ctx.workers, ctx.work) as running:
                got = probe(running.base + paths[tool], geojson=False)
                notes[tool] = f"{got.bytes:,} B tile"
                if tool == "floor":
                    notes[tool] += "; " + _floor_check(running.base + path, landgis.body)
                    notes[tool] += f"; replays landgis's {landgis.summary()}"
                found = load_all(running.base + paths[tool], ctx.load_seconds, got)
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
            note = notes[tool]
            if tool == "tipg":
                note += "; all parcels columns as attributes"
            line = Line(ROW, f"{case}, c={connections}", tool, describe(load), memory[tool])
            line = dataclasses.replace(line, note=note)
            if tool == "landgis":
                others = {k: v[connections] for k, v in loads.items() if k != tool}
                line = _landgis_line(line, load, others, raw_time if connections == 1 else None)
            lines.append(line)
    return lines


def _floor_check(url: str, landgis: bytes) -> str:
    with urllib.request.urlopen(url, timeout=300) as answer:
        if answer.read() != landgis:
            raise RuntimeError("the floor's tile differs from landgis's")
    return "the same bytes as landgis's"


def _landgis_line(line: Line, load: Load, others: dict[str, Load], raw_time: float | None) -> Line:
    """landgis's line with its ratios and targets: p50 against the bare statement and
    p99 against tipg's at c=1, requests/s against tipg's at both."""
    compared = compare(load, others)
    tipg = others.get("tipg")
    goals = [
        Goal("req/s", 2, "tipg", ratio(load.requests_per_s, tipg.requests_per_s if tipg else None))
    ]
    if raw_time is not None or line.case.endswith("c=1"):
        bare = ratio(load.p50_s, raw_time)
        compared += f"; p50 {fmt_ratio(bare)} bare ST_AsMVT"
        goals.insert(0, Goal("p50", 1.3, "bare ST_AsMVT", bare))
        goals.append(Goal("p99", 1, "tipg", ratio(load.p99_s, tipg.p99_s if tipg else None)))
    return with_goals(dataclasses.replace(line, ratios=compared), goals)


def _bare(
    ctx: Context, db: Database, landgis: capture.Captured, case: str, lines: list[Line]
) -> float | None:
    """The ST_AsMVT statement alone, with psycopg: its median time (a line added)."""
    try:
        sent = landgis.statement("ST_AsMVT")
        statement, parameters = sent.statement, sent.parameters
        with db.connect() as conn:

            def once() -> float:
                started = time.perf_counter()
                row = conn.execute(statement, parameters).fetchone()
                if not row or not row[0]:
                    raise RuntimeError("empty tile")
                return time.perf_counter() - started

            first = once()
            times = [first] if first > 10 else repeat(once, 5 if ctx.quick else 15, 60)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except Exception as error:
        lines.append(failed(ROW, case, "ST_AsMVT (psycopg)", error))
        return None
    lines.append(
        Line(
            ROW,
            f"{case}, c=1",
            "ST_AsMVT (psycopg)",
            f"{fmt_spread(times)} per tile",
            "–",
            "",
            f"{len(times)} runs; the statement landgis sends for the tile, alone; bench "
            f"process RSS {fmt_mb(rss)}",
        )
    )
    return median(times)
